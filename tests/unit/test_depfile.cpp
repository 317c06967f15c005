#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/depfile.h"

using nixcc::parse_depfile;
using Paths = std::vector<std::string>;

TEST_CASE("a simple rule gives its prerequisites, not its target", "[depfile]") {
  CHECK(parse_depfile("a.o: a.c a.h b.h\n") == Paths{"a.c", "a.h", "b.h"});
  CHECK(parse_depfile("a.o: a.c") == Paths{"a.c"});  // no final newline
  CHECK(parse_depfile("a.o:\ta.c\n") == Paths{"a.c"});
  CHECK(parse_depfile("").empty());
}

TEST_CASE("line continuations join a rule", "[depfile]") {
  const std::string text =
      "obj/a.o: src/a.cpp \\\n"
      "  /usr/include/stdio.h include/a.h \\\n"
      " include/b.h\n";
  CHECK(parse_depfile(text) == Paths{"src/a.cpp", "/usr/include/stdio.h", "include/a.h", "include/b.h"});
  // A continuation directly after a name still ends the name.
  CHECK(parse_depfile("a.o: a.c\\\nb.h\n") == Paths{"a.c", "b.h"});
}

TEST_CASE("escaped spaces stay inside a path", "[depfile]") {
  CHECK(parse_depfile("my\\ file.o: my\\ file.c dir\\ x/h\\ 1.h plain.h\n") ==
        Paths{"my file.c", "dir x/h 1.h", "plain.h"});
}

TEST_CASE("$$ is a dollar sign", "[depfile]") {
  CHECK(parse_depfile("a.o: a.c cost$$.h $$x/y.h\n") == Paths{"a.c", "cost$.h", "$x/y.h"});
}

TEST_CASE("other backslashes are kept as written", "[depfile]") {
  CHECK(parse_depfile("a.o: a.c odd\\name.h hash\\#.h\n") == Paths{"a.c", "odd\\name.h", "hash#.h"});
}

TEST_CASE("phony rules from -MP add nothing", "[depfile]") {
  const std::string text =
      "a.o: a.c a.h \\\n"
      " b.h\n"
      "\n"
      "a.h:\n"
      "\n"
      "b.h:\n";
  CHECK(parse_depfile(text) == Paths{"a.c", "a.h", "b.h"});
  CHECK(parse_depfile("x.h:\n").empty());
  CHECK(parse_depfile("x.h:").empty());
}

TEST_CASE("CRLF line endings are handled", "[depfile]") {
  const std::string text =
      "a.o: a.c \\\r\n"
      " a.h\r\n"
      "\r\n"
      "a.h:\r\n";
  CHECK(parse_depfile(text) == Paths{"a.c", "a.h"});
}

TEST_CASE("a rule with several targets skips all of them", "[depfile]") {
  CHECK(parse_depfile("a.o a.d: a.c a.h\n") == Paths{"a.c", "a.h"});
  CHECK(parse_depfile("a.o \\\n a.d: a.c\n") == Paths{"a.c"});
}

TEST_CASE("prerequisites are deduplicated in first-seen order", "[depfile]") {
  const std::string text =
      "a.o: a.c z.h a.h z.h\n"
      "b.o: b.c a.h y.h\n";
  CHECK(parse_depfile(text) == Paths{"a.c", "z.h", "a.h", "b.c", "y.h"});
}

TEST_CASE("a colon inside a prerequisite is part of its name", "[depfile]") {
  CHECK(parse_depfile("a.o: a.c C:/inc/x.h\n") == Paths{"a.c", "C:/inc/x.h"});
}
