#include <catch2/catch.hpp>

#include "util/text.h"

TEST_CASE("edit distance counts insertions, deletions and substitutions", "[text]") {
  using nixcc::edit_distance;
  CHECK(edit_distance("", "") == 0);
  CHECK(edit_distance("stats", "stats") == 0);
  CHECK(edit_distance("stat", "stats") == 1);
  CHECK(edit_distance("stast", "stats") == 2);
  CHECK(edit_distance("reprot", "report") == 2);
  CHECK(edit_distance("", "zero") == 4);
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("gcc", "batch") == edit_distance("batch", "gcc"));
}

TEST_CASE("mistyped commands are recognised", "[text]") {
  CHECK(nixcc::looks_like_typo_of("stat", "stats"));
  CHECK(nixcc::looks_like_typo_of("reprot", "report"));
  CHECK(nixcc::looks_like_typo_of("trac", "trace"));
  CHECK(nixcc::looks_like_typo_of("dif", "diff"));
  CHECK_FALSE(nixcc::looks_like_typo_of("stats", "stats"));  // the command itself is no typo
  CHECK_FALSE(nixcc::looks_like_typo_of("st", "stats"));
}

TEST_CASE("no common compiler name is within the typo distance of a nixcc command", "[text]") {
  for (const char* compiler : {"cc", "gcc", "g++", "c++", "clang", "clang++", "tcc", "icx", "icpx", "zig", "cl", "ccache",
                               "distcc", "sccache", "mpicc", "nvcc", "cpp", "as"}) {
    for (const char* command : {"batch", "diff", "merge", "report", "stats", "trace", "zero"}) {
      INFO(compiler << " vs " << command);
      CHECK_FALSE(nixcc::looks_like_typo_of(compiler, command));
    }
  }
}
