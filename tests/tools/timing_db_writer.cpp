// timing_db_writer DB BUILD_ID N: records N compiles with 3 headers each under BUILD_ID, opening the
// database afresh for every row as launcher processes do. Exits non-zero on any error.

#include <cstdio>
#include <exception>
#include <string>

#include <fmt/format.h>

#include "schema/timing_db.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: timing_db_writer DB BUILD_ID N\n");
    return 2;
  }
  try {
    const std::string db_path = argv[1];
    const std::string build_id = argv[2];
    const int rows = std::stoi(argv[3]);

    nixcc::BuildRecord build;
    build.id = build_id;
    build.kind = "launcher";
    build.base_dir = "/src";
    build.host = "test";
    build.started_at = 1000;

    for (int i = 0; i < rows; ++i) {
      nixcc::CompileRecord compile;
      compile.source = {nixcc::PathRoot::Source, fmt::format("src/{}/file{}.cpp", build_id, i)};
      compile.object = {nixcc::PathRoot::Build, compile.source.path + ".o"};
      compile.directory = {nixcc::PathRoot::Build, "."};
      compile.language = "c++";
      compile.compiler = "/usr/bin/c++";
      compile.compiler_id = "cid";
      compile.started_at = 1000 + i;
      compile.wall_s = 0.01 * (i + 1);
      compile.user_s = 0.01;
      compile.sys_s = 0.001;
      compile.max_rss_kb = 1000 + i;
      compile.args_hash = "args";
      compile.input_hash = fmt::format("{}-{}", build_id, i);
      for (int h = 0; h < 3; ++h) {
        compile.headers.push_back({{nixcc::PathRoot::Source, fmt::format("include/h{}.h", h)}, "hash"});
      }
      nixcc::TimingDb db(db_path);
      db.record_compile(build, compile);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "timing_db_writer %s: %s\n", argv[2], e.what());
    return 1;
  }
  return 0;
}
