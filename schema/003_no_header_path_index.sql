-- nixcc timing database, version 3.
-- Drops the index of header rows by path. Every compile inserts one row per header it read (~150
-- for a typical C++ unit, mostly system headers), and those rows landed in ~150 different pages of
-- that index: a launcher wrote ~0.5 MiB of write-ahead log per compile and the next one read it back
-- on open. No query looks headers up by path (`stats --by header` groups every row of a build, which
-- it reaches through headers_by_compile), so the index only cost time.

DROP INDEX IF EXISTS headers_by_path;
