-- nixcc timing database, version 4: every path names the folder it is relative to.
-- Until version 3 a launcher named sources and headers relative to CMake's source directory and objects
-- and working directories relative to the build directory, while a batch (and the planner's scans)
-- named files by its own tree ("s/src/a.cpp", "b/gen/v.h"), so one unit of one project had two names.
-- Now each path has a root column: 'source' (CMake's source directory), 'build' (CMake's build
-- directory), 'output' (a batch's output directory, which holds its objects), or '' (the path is
-- absolute), and the path is relative to that folder.

ALTER TABLE compiles ADD COLUMN source_root TEXT NOT NULL DEFAULT '';
ALTER TABLE compiles ADD COLUMN object_root TEXT NOT NULL DEFAULT '';
ALTER TABLE compiles ADD COLUMN directory_root TEXT NOT NULL DEFAULT '';
ALTER TABLE headers ADD COLUMN root TEXT NOT NULL DEFAULT '';

-- Rows written before: a batch's or scan's "s/" and "b/" become the two roots (older plans did not
-- record where CMake's source directory lay inside s/, so s/ stands for it); another relative name of
-- a batch is relative to its tree, which a hand-written manifest makes the source directory. Every
-- right-hand side below reads the row as it was before the UPDATE.
CREATE TEMP TABLE framed_builds AS SELECT id FROM builds WHERE kind IN ('batch', 'scan');

UPDATE compiles SET
  source_root = CASE
    WHEN source GLOB '/*' THEN ''
    WHEN build_id IN framed_builds AND source GLOB 'b/*' THEN 'build'
    ELSE 'source' END,
  source = CASE
    WHEN build_id IN framed_builds AND (source GLOB 's/*' OR source GLOB 'b/*') THEN substr(source, 3)
    ELSE source END,
  object_root = CASE
    WHEN build_id IN framed_builds THEN 'output'
    WHEN object GLOB '/*' THEN ''
    ELSE 'build' END,
  directory_root = CASE
    WHEN directory GLOB '/*' THEN ''
    WHEN build_id NOT IN framed_builds THEN 'build'
    WHEN directory = 'b' OR directory GLOB 'b/*' THEN 'build'
    ELSE 'source' END,
  directory = CASE
    WHEN build_id NOT IN framed_builds OR directory GLOB '/*' THEN directory
    WHEN directory IN ('s', 'b') THEN '.'
    WHEN directory GLOB 's/*' OR directory GLOB 'b/*' THEN substr(directory, 3)
    WHEN directory = '' THEN '.'
    ELSE directory END;

UPDATE headers SET
  root = CASE
    WHEN path GLOB '/*' THEN ''
    WHEN compile_id IN (SELECT id FROM compiles WHERE build_id IN framed_builds) AND path GLOB 'b/*' THEN 'build'
    ELSE 'source' END,
  path = CASE
    WHEN compile_id IN (SELECT id FROM compiles WHERE build_id IN framed_builds)
         AND (path GLOB 's/*' OR path GLOB 'b/*') THEN substr(path, 3)
    ELSE path END;

DROP TABLE framed_builds;
