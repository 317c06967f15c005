-- nixcc timing database, version 2: batch builds.
-- A batch records when it ran and on how many workers; each compile records the worker slot it ran on
-- and its start offset (so a timeline can be drawn), and whether its object was reused from a previous
-- output, keeping the original compile's times.

ALTER TABLE builds ADD COLUMN finished_at REAL;               -- Unix time; NULL for launcher builds
ALTER TABLE builds ADD COLUMN jobs INTEGER;                   -- worker slots of a batch
ALTER TABLE builds ADD COLUMN name TEXT NOT NULL DEFAULT '';  -- the batch's name from its manifest

ALTER TABLE compiles ADD COLUMN worker INTEGER;               -- 0-based slot within the batch; NULL for launcher
ALTER TABLE compiles ADD COLUMN start_offset_s REAL;          -- seconds after the batch started
ALTER TABLE compiles ADD COLUMN reused INTEGER NOT NULL DEFAULT 0;  -- 1: object copied from --previous
ALTER TABLE compiles ADD COLUMN original_wall_s REAL;         -- for a reused object, the compile that made it
ALTER TABLE compiles ADD COLUMN original_cpu_s REAL;
