#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>

#include "planner/nix_writer.h"
#include "temp_dir.h"

using nixcc::nix::attr_name;
using nixcc::nix::attr_path;
using nixcc::nix::string_literal;
using nixcc::nix::Value;

namespace {

// Evaluates `expression`, written to e.nix in `dir`, with nix-instantiate and returns what it prints
// (a string value prints as JSON with --json, so the round trip compares bytes exactly).
std::string nix_eval_json(const std::string& expression, const std::filesystem::path& dir) {
  const auto file = dir / "e.nix";
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

std::string nix_eval_json(const std::string& expression) {
  nixcc::test::TempDir dir;
  return nix_eval_json(expression, dir.path());
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

TEST_CASE("Value::interpolate escapes the literal parts and keeps the expression") {
  const Value batch = Value::select(Value::ref("batches"), {"b0"});
  CHECK(Value::interpolate("", batch, "/a b/${x}.o").render() == "\"${batches.b0}/a b/\\${x}.o\"");
  CHECK(Value::interpolate("-Wl,-rpath,", Value::select(Value::ref("targets"), {"my lib"}), "/lib").render() ==
        "\"-Wl,-rpath,${targets.\"my lib\"}/lib\"");
}

TEST_CASE("Value renders attribute sets and lists that nix evaluates") {
  const Value v = Value::attrs({{"a b", Value::string("x\"y")},
                                {"list", Value::list({Value::string("1"), Value::boolean(true), Value::null()})},
                                {"empty", Value::attrs({})},
                                {"none", Value::list({})}});
  const std::string json = nix_eval_json(v.render());
  CHECK(json == R"({"a b":"x\"y","empty":{},"list":["1",true,null],"none":[]})");
}

TEST_CASE("Value renders let, functions, application, selection and // that nix evaluates") {
  // { greeting ? "hi" }: let f = { who }: ...; in f { who = "a b"; } // { extra = ...; }, applied to { }.
  const Value f = Value::function({{"who", std::nullopt}},
                                  Value::attrs({{"said", Value::interpolate("", Value::ref("greeting"), " ${who}")},
                                                {"who", Value::ref("who")}}));
  const Value body = Value::let(
      {{"f", f}, {"names", Value::attrs({{"in", Value::string("keyword")}, {"x y", Value::string("spaced")}})}},
      Value::update(Value::apply(Value::ref("f"), Value::attrs({{"who", Value::string("a b")}})),
                    Value::attrs({{"extra", Value::select(Value::ref("names"), {"x y"})},
                                  {"keyword", Value::select(Value::ref("names"), {"in"})},
                                  {"len", Value::apply(Value::select(Value::ref("builtins"), {"stringLength"}),
                                                       Value::apply(Value::select(Value::ref("builtins"), {"concatStringsSep"}),
                                                                    {Value::string("-"), Value::list({Value::string("a"), Value::string("b")})}))}})));
  const Value file = Value::function({{"greeting", Value::string("hi")}}, body);
  const std::string json = nix_eval_json(fmt::format("({}) {{ }}", file.render()));
  CHECK(json == R"({"extra":"spaced","keyword":"keyword","len":3,"said":"hi ${who}","who":"a b"})");
}

TEST_CASE("Value paths: a literal when the name allows one, else ./. plus an escaped string") {
  CHECK(Value::relative_path("batches/b0.json").render() == "./batches/b0.json");
  CHECK(Value::relative_path("batches/f-1a2b+c_d.json").render() == "./batches/f-1a2b+c_d.json");
  CHECK(Value::relative_path("a b/${x}.json").render() == "./. + \"/a b/\\${x}.json\"");
  CHECK(Value::absolute_path("/src/my \"dir\"").render() == "/. + \"/src/my \\\"dir\\\"\"");
  CHECK(Value::search_path("nixpkgs").render() == "<nixpkgs>");
  // Both spellings name the same file, and an absolute path stays one when used as an argument.
  const auto to_string = [](Value v) { return Value::apply(Value::ref("toString"), std::move(v)); };
  nixcc::test::TempDir dir;
  const std::string json = nix_eval_json(Value::attrs({{"literal", to_string(Value::relative_path("batches/b0.json"))},
                                                       {"spelled", to_string(Value::relative_path("batches/b 0.json"))},
                                                       {"absolute", to_string(Value::absolute_path("/x y/z"))}})
                                             .render(),
                                         dir.path());
  CHECK(json == fmt::format(R"({{"absolute":"/x y/z","literal":"{0}/batches/b0.json","spelled":"{0}/batches/b 0.json"}})",
                            dir.path().string()));
}

TEST_CASE("Value refuses names and paths that would be Nix code") {
  CHECK_THROWS_AS(Value::ref("a b"), std::logic_error);
  CHECK_THROWS_AS(Value::ref("let"), std::logic_error);
  CHECK_THROWS_AS(Value::let({{"x = 1; y", Value::null()}}, Value::null()), std::logic_error);
  CHECK_THROWS_AS(Value::function({{"a}: b", std::nullopt}}, Value::null()), std::logic_error);
  CHECK_THROWS_AS(Value::relative_path("/etc/passwd"), std::logic_error);
  CHECK_THROWS_AS(Value::relative_path("../up"), std::logic_error);
  CHECK_THROWS_AS(Value::relative_path("a/../../up"), std::logic_error);
  CHECK_THROWS_AS(Value::search_path("nixpkgs> + 1 + <x"), std::logic_error);
}

TEST_CASE("file_text starts with comment lines, one per line of the comment") {
  CHECK(nixcc::nix::file_text("one\ntwo", Value::null()) == "# one\n# two\nnull\n");
  CHECK(nixcc::nix::file_text("", Value::null()) == "null\n");
}
