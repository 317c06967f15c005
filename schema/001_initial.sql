-- nixcc timing database, version 1.
-- One row per build run, one row per compile, one row per header a compile read.
-- Times are seconds (REAL); started_at is Unix time, durations come from a monotonic clock.

CREATE TABLE builds (
  id         TEXT PRIMARY KEY,          -- NIXCC_BUILD_ID, or the automatic id (see README)
  kind       TEXT NOT NULL,             -- 'launcher' or 'batch'
  base_dir   TEXT NOT NULL,             -- the directory source paths are relative to
  started_at REAL NOT NULL,             -- Unix time of the first compile recorded
  host       TEXT NOT NULL DEFAULT ''
);

CREATE TABLE compiles (
  id            INTEGER PRIMARY KEY,
  build_id      TEXT NOT NULL REFERENCES builds(id) ON DELETE CASCADE,
  source        TEXT NOT NULL,          -- relative to builds.base_dir when under it, else absolute
  object        TEXT NOT NULL,          -- relative to the build directory when under it, else absolute
  directory     TEXT NOT NULL,          -- working directory of the compile
  language      TEXT NOT NULL DEFAULT '',
  compiler      TEXT NOT NULL,          -- resolved compiler path
  compiler_id   TEXT NOT NULL,          -- hash identifying the compiler binary
  started_at    REAL NOT NULL,          -- Unix time
  wall_s        REAL NOT NULL,
  user_s        REAL NOT NULL,
  sys_s         REAL NOT NULL,
  max_rss_kb    INTEGER NOT NULL,
  exit_status   INTEGER NOT NULL,       -- exit code, or 128 + signal number
  args_hash     TEXT NOT NULL,          -- XXH3-128 of the normalised arguments
  input_hash    TEXT NOT NULL           -- XXH3-128 of compiler, arguments, source and headers; '' when unknown
);

CREATE TABLE headers (
  compile_id INTEGER NOT NULL REFERENCES compiles(id) ON DELETE CASCADE,
  path       TEXT NOT NULL,             -- relative to builds.base_dir when under it, else absolute
  hash       TEXT NOT NULL              -- XXH3-128 of the header's bytes
);

CREATE INDEX compiles_by_build  ON compiles(build_id, wall_s);
CREATE INDEX compiles_by_source ON compiles(source);
CREATE INDEX headers_by_compile ON headers(compile_id);
CREATE INDEX headers_by_path    ON headers(path);
CREATE INDEX builds_by_start    ON builds(started_at);
