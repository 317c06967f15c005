#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "core/compiler_args.h"
#include "core/compiler_options.h"
#include "temp_dir.h"

namespace {

using nixcc::classify_compiler_args;
using nixcc::CompilerArgs;
using nixcc::InvocationKind;
using Args = std::vector<std::string>;

CompilerArgs classify(const Args& args, const std::filesystem::path& cwd = "/nonexistent-nixcc-cwd") {
  return classify_compiler_args(args, cwd);
}

bool contains(const Args& args, const std::string& value) {
  return std::find(args.begin(), args.end(), value) != args.end();
}

}  // namespace

TEST_CASE("every -o form sets the object and is left out of hashed_args", "[compiler_args]") {
  const std::vector<Args> forms = {{"-o", "x.o"}, {"-ox.o"}, {"--output=x.o"}, {"--output", "x.o"}};
  for (const auto& form : forms) {
    Args args = {"-c", "a.c"};
    args.insert(args.end(), form.begin(), form.end());
    INFO("form: " << form.front());
    const auto r = classify(args);
    CHECK(r.kind == InvocationKind::Compile);
    CHECK(r.object == "x.o");
    CHECK(r.has_output);
    CHECK(r.hashed_args == Args{"-c", "<source>"});
  }
}

TEST_CASE("without -o the object is the source's basename with .o", "[compiler_args]") {
  CHECK(classify({"-c", "src/a.cpp"}).object == "a.o");
  CHECK_FALSE(classify({"-c", "src/a.cpp"}).has_output);
  CHECK(classify({"-c", "dir.x/file.cc"}).object == "file.o");
  CHECK(classify({"-c", "b.c"}).object == "b.o");
}

TEST_CASE("without -c the command is a link", "[compiler_args]") {
  const auto r = classify({"a.c", "-o", "prog"});
  CHECK(r.kind == InvocationKind::Link);
  CHECK(r.source == "a.c");
  CHECK_FALSE(r.reason.empty());
  CHECK(classify({"-c", "a.c"}).kind == InvocationKind::Compile);
}

TEST_CASE("option -x sets the language of the inputs after it, in both forms", "[compiler_args]") {
  for (const Args& args : {Args{"-x", "c++", "-c", "file.weird"}, Args{"-xc++", "-c", "file.weird"}}) {
    const auto r = classify(args);
    REQUIRE(r.kind == InvocationKind::Compile);
    CHECK(r.source == "file.weird");
    CHECK(r.language == "c++");
    CHECK(r.object == "file.o");
  }
  CHECK(classify({"-x", "c", "-c", "a.cpp"}).language == "c");
  // -x applies to what follows only.
  CHECK(classify({"-c", "file.weird", "-x", "c++"}).kind == InvocationKind::Link);
}

TEST_CASE("option -x none goes back to languages from extensions", "[compiler_args]") {
  const auto r = classify({"-x", "c++", "-x", "none", "-c", "main.c", "notes.weird"});
  CHECK(r.kind == InvocationKind::Compile);
  CHECK(r.source == "main.c");
  CHECK(r.language == "c");
}

TEST_CASE("language_of knows GCC's source extensions", "[compiler_args]") {
  using nixcc::language_of;
  CHECK(language_of("a.c") == "c");
  for (const char* name : {"a.cc", "a.cpp", "a.cxx", "a.C", "a.c++", "dir/a.cppm"}) CHECK(language_of(name) == "c++");
  CHECK(language_of("a.s") == "assembler");
  CHECK(language_of("a.S") == "assembler-with-cpp");
  CHECK(language_of("a.i") == "cpp-output");
  CHECK(language_of("a.mm") == "objective-c++");
  CHECK(language_of("a.h") == "");
  CHECK(language_of("a.o") == "");
  CHECK(language_of("Makefile") == "");
  CHECK(language_of(".c") == "");
  CHECK(language_of("dir.c/file") == "");
}

TEST_CASE("the depfile of -MD and -MMD with -o is named after the object", "[compiler_args]") {
  const auto md = classify({"-MD", "-c", "src/a.c", "-o", "obj/a.o"});
  REQUIRE(md.kind == InvocationKind::Compile);
  CHECK(md.depfile == "obj/a.d");
  CHECK(md.depfile_has_system_headers);

  const auto mmd = classify({"-MMD", "-c", "src/a.c", "-o", "obj/a.o"});
  CHECK(mmd.depfile == "obj/a.d");
  CHECK_FALSE(mmd.depfile_has_system_headers);

  CHECK(classify({"-MD", "-c", "a.c", "-o", "out"}).depfile == "out.d");
  CHECK(classify({"-MD", "-c", "a.c", "-o", "dir.x/out"}).depfile == "dir.x/out.d");
  CHECK(classify({"-MD", "-c", "a.c", "-o", "a.obj.o"}).depfile == "a.obj.d");
}

TEST_CASE("the depfile of -MD without -o goes in the working directory", "[compiler_args]") {
  const auto r = classify({"-MD", "-c", "src/a.cpp"});
  REQUIRE(r.kind == InvocationKind::Compile);
  CHECK(r.object == "a.o");
  CHECK(r.depfile == "a.d");
}

TEST_CASE("option -MF names the depfile in both forms and is not hashed", "[compiler_args]") {
  for (const Args& form : {Args{"-MF", "dep.d"}, Args{"-MFdep.d"}}) {
    Args args = {"-MMD", "-c", "a.c", "-o", "a.o"};
    args.insert(args.end(), form.begin(), form.end());
    const auto r = classify(args);
    REQUIRE(r.kind == InvocationKind::Compile);
    CHECK(r.depfile == "dep.d");
    CHECK(r.hashed_args == Args{"-c", "<source>"});
  }
}

TEST_CASE("no depfile without -MD or -MMD, even with -MF", "[compiler_args]") {
  CHECK_FALSE(classify({"-c", "a.c"}).depfile);
  CHECK_FALSE(classify({"-MF", "dep.d", "-c", "a.c"}).depfile);
}

TEST_CASE("values of -MT and -MQ are left out of hashed_args", "[compiler_args]") {
  const auto r = classify({"-MD", "-MT", "t", "-MQ", "q", "-MTt2", "-c", "a.c"});
  REQUIRE(r.kind == InvocationKind::Compile);
  CHECK(r.hashed_args == Args{"-c", "<source>"});
  CHECK(r.has_dependency_options);
  CHECK_FALSE(classify({"-c", "a.c", "-o", "a.o"}).has_dependency_options);
}

TEST_CASE("preprocess, assemble-only and info options are not compiles", "[compiler_args]") {
  for (const char* option : {"-M", "-MM", "-E", "-S", "--version", "-dumpversion"}) {
    INFO(option);
    const auto r = classify({"-c", "a.c", option, "-o", "a.o"});
    CHECK(r.kind == InvocationKind::NotACompile);
    CHECK(r.reason.find(option) != std::string::npos);
  }
  CHECK(classify({"--version"}).kind == InvocationKind::NotACompile);
}

TEST_CASE("response files are expanded relative to the working directory", "[compiler_args]") {
  nixcc::test::TempDir dir;
  nixcc::test::write_file(dir / "args.rsp", "-c \"my file.c\"\n-o 'out dir/a.o'\t-DX=a\\ b -DQ=\"\\\"q\\\"\"\n");
  const auto r = classify({"-O2", "@args.rsp", "-g"}, dir.path());
  REQUIRE(r.kind == InvocationKind::Compile);
  CHECK(r.args == Args{"-O2", "-c", "my file.c", "-o", "out dir/a.o", "-DX=a b", "-DQ=\"q\"", "-g"});
  CHECK(r.source == "my file.c");
  CHECK(r.source_index == 2);
  CHECK(r.object == "out dir/a.o");
  CHECK(r.hashed_args == Args{"-O2", "-c", "<source>", "-DX=a b", "-DQ=\"q\"", "-g"});
}

TEST_CASE("nested response files are expanded", "[compiler_args]") {
  nixcc::test::TempDir dir;
  nixcc::test::write_file(dir / "outer.rsp", "-c @inner.rsp -O1");
  nixcc::test::write_file(dir / "inner.rsp", "main.cpp -Iinc");
  const auto r = classify({"@outer.rsp"}, dir.path());
  CHECK(r.kind == InvocationKind::Compile);
  CHECK(r.args == Args{"-c", "main.cpp", "-Iinc", "-O1"});
  // An absolute @path works from any working directory.
  nixcc::test::write_file(dir / "abs.rsp", "-c @" + (dir / "inner.rsp").string());
  const auto abs = classify({"@" + (dir / "abs.rsp").string()});
  CHECK(abs.kind == InvocationKind::Compile);
  CHECK(abs.source == "main.cpp");
}

TEST_CASE("an unreadable response file is reported, not guessed", "[compiler_args]") {
  nixcc::test::TempDir dir;
  const Args missing = {"-c", "a.c", "@missing.rsp"};
  const auto r = classify(missing, dir.path());
  CHECK(r.kind == InvocationKind::UnreadableResponse);
  CHECK(r.reason.find("@missing.rsp") != std::string::npos);
  CHECK(r.args == missing);

  nixcc::test::write_file(dir / "outer.rsp", "-c a.c @gone.rsp");
  CHECK(classify({"@outer.rsp"}, dir.path()).kind == InvocationKind::UnreadableResponse);

  std::filesystem::create_directory(dir / "dir.rsp");
  CHECK(classify({"-c", "a.c", "@dir.rsp"}, dir.path()).kind == InvocationKind::UnreadableResponse);

  nixcc::test::write_file(dir / "self.rsp", "-c @self.rsp");  // recursion must end
  CHECK(classify({"@self.rsp"}, dir.path()).kind == InvocationKind::UnreadableResponse);
}

TEST_CASE("split_response_file handles quotes and backslashes like GCC", "[compiler_args]") {
  using nixcc::split_response_file;
  CHECK(split_response_file("") == Args{});
  CHECK(split_response_file(" \t\r\n ") == Args{});
  CHECK(split_response_file("a  b\n\tc\r\n") == Args{"a", "b", "c"});
  CHECK(split_response_file("'a b' \"c d\"") == Args{"a b", "c d"});
  CHECK(split_response_file("x'a b'y") == Args{"xa by"});
  CHECK(split_response_file("'say \"hi\"' \"it's\"") == Args{"say \"hi\"", "it's"});
  CHECK(split_response_file("a\\ b c\\\\d \\'e") == Args{"a b", "c\\d", "'e"});
  CHECK(split_response_file("\"a\\\"b\"") == Args{"a\"b"});
  CHECK(split_response_file("'' x") == Args{"", "x"});
}

TEST_CASE("several sources in one -c command are MultipleSources", "[compiler_args]") {
  const auto r = classify({"-c", "a.c", "b.cpp"});
  CHECK(r.kind == InvocationKind::MultipleSources);
  CHECK(r.reason.find('2') != std::string::npos);
  CHECK(r.hashed_args.empty());
}

TEST_CASE("input - is StdinSource", "[compiler_args]") {
  CHECK(classify({"-x", "c", "-c", "-"}).kind == InvocationKind::StdinSource);
  CHECK(classify({"-c", "a.c", "-", "-o", "a.o"}).kind == InvocationKind::StdinSource);
}

TEST_CASE("unknown flags are kept in hashed_args in order", "[compiler_args]") {
  const auto r = classify({"-fno-exceptions", "-c", "a.c", "-Wfoo=bar", "--weird", "-O2", "-o", "a.o"});
  REQUIRE(r.kind == InvocationKind::Compile);
  CHECK(r.hashed_args == Args{"-fno-exceptions", "-c", "<source>", "-Wfoo=bar", "--weird", "-O2"});
}

TEST_CASE("objects and archives without sources are a link", "[compiler_args]") {
  CHECK(classify({"a.o", "libb.a", "-o", "prog"}).kind == InvocationKind::Link);
  CHECK(classify({"-O2"}).kind == InvocationKind::NoSource);
  CHECK(classify({"-c"}).kind == InvocationKind::NoSource);
}

TEST_CASE("option -I takes its value separately or glued on", "[compiler_args]") {
  // Were the value taken as an input, these would be links or have two sources.
  CHECK(classify({"-I", "inc"}).kind == InvocationKind::NoSource);
  CHECK(classify({"-Iinc"}).kind == InvocationKind::NoSource);
  CHECK(classify({"-I", "gen.c", "-c", "a.c"}).kind == InvocationKind::Compile);

  const auto separate = classify({"-I", "inc", "-c", "a.c"});
  const auto glued = classify({"-Iinc", "-c", "a.c"});
  REQUIRE(separate.kind == InvocationKind::Compile);
  REQUIRE(glued.kind == InvocationKind::Compile);
  CHECK(separate.hashed_args == Args{"-I", "inc", "-c", "<source>"});
  CHECK(glued.hashed_args == Args{"-Iinc", "-c", "<source>"});
}

TEST_CASE("the value of -include is not a source", "[compiler_args]") {
  for (const Args& form : {Args{"-include", "prefix.h"}, Args{"--include=prefix.h"}, Args{"-includeprefix.h"}}) {
    Args args = {"-x", "c++"};
    args.insert(args.end(), form.begin(), form.end());
    args.insert(args.end(), {"-c", "a.cpp"});
    INFO(form.front());
    const auto r = classify(args);
    CHECK(r.kind == InvocationKind::Compile);
    CHECK(r.source == "a.cpp");
  }
  CHECK(classify({"-include", "prefix.h"}).kind == InvocationKind::NoSource);
}

TEST_CASE("hashed_args do not depend on output and depfile options", "[compiler_args]") {
  const auto a = classify({"-O2", "-MD", "-MF", "a.d", "-MT", "a.o", "-c", "src/a.c", "-o", "a.o"});
  const auto b = classify({"-O2", "-MMD", "-MFb.d", "-MQ", "b", "-c", "src/a.c", "--output=out/b.o"});
  const auto c = classify({"-O2", "-c", "src/a.c"});
  REQUIRE(a.kind == InvocationKind::Compile);
  REQUIRE(b.kind == InvocationKind::Compile);
  REQUIRE(c.kind == InvocationKind::Compile);
  CHECK(a.hashed_args == b.hashed_args);
  CHECK(a.hashed_args == c.hashed_args);
  CHECK(classify({"-O3", "-c", "src/a.c"}).hashed_args != c.hashed_args);
}

TEST_CASE("the source is a placeholder in hashed_args", "[compiler_args]") {
  const auto r = classify({"-DX", "-c", "dir/a.cpp", "-o", "a.o", "-g"});
  REQUIRE(r.kind == InvocationKind::Compile);
  CHECK(r.source == "dir/a.cpp");
  CHECK(r.args.at(r.source_index) == "dir/a.cpp");
  CHECK(std::count(r.hashed_args.begin(), r.hashed_args.end(), "<source>") == 1);
  CHECK_FALSE(contains(r.hashed_args, "dir/a.cpp"));
  // Two sources at different paths hash alike.
  CHECK(classify({"-DX", "-c", "other/b.cpp", "-g"}).hashed_args == r.hashed_args);
}

TEST_CASE("to_string names every kind distinctly", "[compiler_args]") {
  const std::vector<InvocationKind> kinds = {InvocationKind::Compile,     InvocationKind::Link,
                                             InvocationKind::NotACompile, InvocationKind::MultipleSources,
                                             InvocationKind::NoSource,    InvocationKind::StdinSource,
                                             InvocationKind::UnreadableResponse};
  std::vector<std::string> names;
  for (auto kind : kinds) names.emplace_back(nixcc::to_string(kind));
  std::sort(names.begin(), names.end());
  CHECK(std::adjacent_find(names.begin(), names.end()) == names.end());
  CHECK_FALSE(contains(names, "unknown"));
}

TEST_CASE("find_option matches whole names only", "[compiler_options]") {
  using namespace nixcc;
  const auto* o = find_option("-o");
  REQUIRE(o != nullptr);
  CHECK(o->name == "-o");
  CHECK((o->flags & kTakesArg));
  CHECK((o->flags & kTakesConcatArg));
  REQUIRE(find_option("-MD") != nullptr);
  CHECK((find_option("-MD")->flags & kDependencyOutput));
  CHECK_FALSE((find_option("-MD")->flags & kTakesArg));
  REQUIRE(find_option("-E") != nullptr);
  CHECK((find_option("-E")->flags & kNotACompile));
  REQUIRE(find_option("--version") != nullptr);
  CHECK((find_option("--version")->flags & kInfo));
  CHECK(find_option("-Ifoo") == nullptr);
  CHECK(find_option("-Wall") == nullptr);
  CHECK(find_option("") == nullptr);
  CHECK(find_option("-") == nullptr);
  CHECK(find_option("-zz") == nullptr);
}

TEST_CASE("find_prefix_option picks the longest glued-value option", "[compiler_options]") {
  using nixcc::find_prefix_option;
  const auto name_of = [](std::string_view arg) {
    const auto* o = find_prefix_option(arg);
    return o ? std::string(o->name) : std::string("<none>");
  };
  CHECK(name_of("-Ifoo") == "-I");
  CHECK(name_of("-MFdep.d") == "-MF");
  CHECK(name_of("-includefoo.h") == "-include");
  CHECK(name_of("-include-pchfoo.pch") == "-include-pch");
  CHECK(name_of("-iwithprefixbeforefoo") == "-iwithprefixbefore");
  CHECK(name_of("-isystem/usr/x") == "-isystem");
  CHECK(name_of("-xc++") == "-x");
  CHECK(name_of("-ox.o") == "-o");
  CHECK(name_of("-I") == "<none>");       // nothing glued on
  CHECK(name_of("-MD") == "<none>");      // takes no value
  CHECK(name_of("-Xclangfoo") == "<none>");  // takes its value separately only
  CHECK(name_of("-Wall") == "<none>");
}
