#include <catch2/catch.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "util/shell_quote.h"

using nixcc::shell_join;
using nixcc::shell_quote;

TEST_CASE("plain words stay as they are", "[shell_quote]") {
  CHECK(shell_quote("-I/usr/include") == "-I/usr/include");
  CHECK(shell_quote("-DVERSION=1.2,3") == "-DVERSION=1.2,3");
  CHECK(shell_quote("@SOURCE_ROOT@/s/a.cpp") == "@SOURCE_ROOT@/s/a.cpp");
}

TEST_CASE("anything a shell would read differently is single-quoted", "[shell_quote]") {
  CHECK(shell_quote("") == "''");
  CHECK(shell_quote("my file.cpp") == "'my file.cpp'");
  CHECK(shell_quote("-DNAME=\"x\"") == "'-DNAME=\"x\"'");
  CHECK(shell_quote("${HOME}") == "'${HOME}'");
  CHECK(shell_quote("it's") == "'it'\\''s'");
  CHECK(shell_quote("a\nb") == "'a\nb'");
  CHECK(shell_quote("*.cpp") == "'*.cpp'");
  CHECK(shell_quote("ünï.cpp") == "'ünï.cpp'");
}

TEST_CASE("a joined line reads back as the same words in sh", "[shell_quote]") {
  const std::vector<std::string> words = {"printf", "[%s]", "my file.cpp", "it's", "${HOME}", "", "a\"b\\c", "ünï"};
  const std::string command = shell_join(words) + " 2>&1";
  std::FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, pipe)) out += buffer;
  REQUIRE(::pclose(pipe) == 0);
  CHECK(out == "[my file.cpp][it's][${HOME}][][a\"b\\c][ünï]");
}
