#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include "planner/nix_writer.h"
#include "temp_dir.h"

using nixcc::nix::attr_name;
using nixcc::nix::attr_path;
using nixcc::nix::interpolate;
using nixcc::nix::string_literal;
using nixcc::nix::Value;

namespace {

// Evaluates `expression` with nix-instantiate and returns what it prints (a string value prints
// as JSON with --json, so the round trip compares bytes exactly).
std::string nix_eval_json(const std::string& expression) {
  nixcc::test::TempDir dir;
  const auto file = dir.path() / "e.nix";
  std::ofstream(file) << expression;
  const std::string command = "nix-instantiate --option substituters '' --eval --strict --json '" + file.string() +
                              "' 2>/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  REQUIRE(pipe);
  std::string out;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe.get())) out.append(buffer, n);
  return out;
}

}  // namespace

TEST_CASE("string_literal escapes quote, backslash, dollar-brace and control characters") {
  CHECK(string_literal("plain") == "\"plain\"");
  CHECK(string_literal("a\"b") == "\"a\\\"b\"");
  CHECK(string_literal("a\\b") == "\"a\\\\b\"");
  CHECK(string_literal("${x}") == "\"\\${x}\"");
  CHECK(string_literal("$${x}") == "\"$\\${x}\"");
  CHECK(string_literal("$x $") == "\"$x $\"");
  CHECK(string_literal("''") == "\"''\"");
  CHECK(string_literal("a\nb\tc\rd") == "\"a\\nb\\tc\\rd\"");
  CHECK(string_literal("é ü 日本") == "\"é ü 日本\"");
}

TEST_CASE("string_literal round-trips through nix-instantiate byte for byte") {
  const std::string nasty = "sp ace \"q\" back\\slash ${interp} $${double} '' ''${ \n new\tline é 日本 $";
  const std::string json = nix_eval_json(string_literal(nasty));
  // nix prints the value as a JSON string; compare against the JSON encoding of the original.
  std::string expected = "\"";
  for (char c : nasty) {
    if (c == '"') expected += "\\\"";
    else if (c == '\\') expected += "\\\\";
    else if (c == '\n') expected += "\\n";
    else if (c == '\t') expected += "\\t";
    else expected += c;
  }
  expected += "\"";
  CHECK(json == expected);
}

TEST_CASE("attr_name quotes anything that is not a plain identifier") {
  CHECK(attr_name("core") == "core");
  CHECK(attr_name("my-lib_2") == "my-lib_2");
  CHECK(attr_name("my lib") == "\"my lib\"");
  CHECK(attr_name("f-1a2b") == "f-1a2b");
  CHECK(attr_name("1abc") == "\"1abc\"");
  CHECK(attr_name("in") == "\"in\"");
  CHECK(attr_name("${x}") == "\"\\${x}\"");
  CHECK(attr_name("") == "\"\"");
  CHECK(attr_path({"targets", "a b"}) == "targets.\"a b\"");
}

TEST_CASE("interpolate escapes the literal parts and keeps the expression") {
  CHECK(interpolate("", "batches.b0", "/a b/${x}.o") == "\"${batches.b0}/a b/\\${x}.o\"");
  CHECK(interpolate("-Wl,-rpath,", "targets.core", "/lib") == "\"-Wl,-rpath,${targets.core}/lib\"");
}

TEST_CASE("Value renders attribute sets and lists that nix evaluates") {
  const Value v = Value::attrs({{"a b", Value::string("x\"y")},
                                {"list", Value::list({Value::string("1"), Value::raw("1 + 1"), Value::boolean(true)})},
                                {"empty", Value::attrs({})},
                                {"none", Value::list({})}});
  const std::string json = nix_eval_json(v.render());
  CHECK(json == R"({"a b":"x\"y","empty":{},"list":["1",2,true],"none":[]})");
}
