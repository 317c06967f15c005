#pragma once
// Builds and compiles as the launcher and a batch record them, for tests of the query modules.

#include <string>

#include "schema/timing_db.h"

namespace nixcc::test {

inline BuildRecord launcher_build(const std::string& id, double started_at) {
  BuildRecord b;
  b.id = id;
  b.kind = "launcher";
  b.base_dir = "/src";
  b.host = "host";
  b.started_at = started_at;
  return b;
}

inline BuildRecord batch_build(const std::string& id, const std::string& name, double started_at,
                               const std::string& invocation = "") {
  BuildRecord b = launcher_build(id, started_at);
  b.kind = "batch";
  b.name = name;
  b.jobs = 2;
  b.invocation = invocation;
  return b;
}

/// A compile of `source` (relative to the source directory) taking `wall` seconds from `started_at`.
inline CompileRecord compile_of(const std::string& source, const std::string& object, double started_at, double wall,
                                PathRoot object_root = PathRoot::Build) {
  CompileRecord c;
  c.source = {PathRoot::Source, source};
  c.object = {object_root, object};
  c.directory = {PathRoot::Build, "."};
  c.language = "c++";
  c.compiler = "/usr/bin/c++";
  c.compiler_id = "cid";
  c.started_at = started_at;
  c.wall_s = wall;
  c.user_s = wall * 0.75;
  c.sys_s = wall * 0.25;
  c.max_rss_kb = 1000;
  c.args_hash = "args";
  c.input_hash = "in-" + source;
  return c;
}

/// The same unit's object copied from a previous output by a batch: no time of its own.
inline CompileRecord reused_of(CompileRecord c, double original_wall) {
  c.reused = true;
  c.original_wall_s = original_wall;
  c.original_cpu_s = original_wall;
  c.wall_s = 0.001;
  c.user_s = c.sys_s = 0;
  c.max_rss_kb = 0;
  return c;
}

}  // namespace nixcc::test
