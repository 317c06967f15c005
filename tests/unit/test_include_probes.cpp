#include <catch2/catch.hpp>

#include <filesystem>

#include "planner/include_probes.h"

namespace fs = std::filesystem;
using nixcc::plan::find_include_probes;
using Paths = std::vector<fs::path>;

TEST_CASE("literal __has_include probes, both kinds of brackets and _next", "[include_probes]") {
  const auto scan = find_include_probes(
      "#if __has_include(<sys/random.h>)\n"
      "#elif __has_include( \"local.h\" )\n"
      "#endif\n"
      "#if __has_include_next(<limits.h>)\n#endif\n");
  REQUIRE(scan.probes.size() == 3);
  CHECK(scan.probes[0].name == "sys/random.h");
  CHECK(scan.probes[0].angled);
  CHECK(scan.probes[1].name == "local.h");
  CHECK_FALSE(scan.probes[1].angled);
  CHECK(scan.probes[2].name == "limits.h");
  CHECK(scan.macro_line == 0);
}

TEST_CASE("tests for the operator itself are not probes", "[include_probes]") {
  const auto scan = find_include_probes("#ifdef __has_include\n#if defined(__has_include)\n#endif\n#endif\n");
  CHECK(scan.probes.empty());
  CHECK(scan.macro_line == 0);
}

TEST_CASE("a probe of a macro is reported with its line", "[include_probes]") {
  const auto scan = find_include_probes("int a;\n\n#if __has_include(CONFIG_HEADER)\n#endif\n#if __has_include(<ok.h>)\n#endif\n");
  CHECK(scan.macro_line == 3);
  REQUIRE(scan.probes.size() == 1);
  CHECK(scan.probes[0].name == "ok.h");
  CHECK(find_include_probes("#if __has_include(<unterminated.h\n").macro_line == 1);
}

TEST_CASE("the search path of a compile: -I, -isystem, -idirafter angled; -iquote quoted", "[include_probes]") {
  const auto search = nixcc::plan::search_path_of(
      {"-I/r/s/inc", "-isystem", "/r/s/sys", "-iquote", "q", "-idirafter/r/after", "-include", "/r/b/x.h", "-I", "rel"},
      "/r/b/sub");
  CHECK(search.angled == Paths{"/r/s/inc", "/r/s/sys", "/r/after", "/r/b/sub/rel"});
  CHECK(search.quote == Paths{"/r/b/sub/q"});
}

TEST_CASE("where a probe may look: the including folder and quote dirs only for \"name\"", "[include_probes]") {
  nixcc::plan::SearchPath search{{"/q"}, {"/a", "/b"}};
  CHECK(nixcc::plan::probe_candidates({"x.h", false}, "/src/dir/file.c", search) ==
        Paths{"/src/dir/x.h", "/q/x.h", "/a/x.h", "/b/x.h"});
  CHECK(nixcc::plan::probe_candidates({"sub/x.h", true}, "/src/dir/file.c", search) == Paths{"/a/sub/x.h", "/b/sub/x.h"});
  CHECK(nixcc::plan::probe_candidates({"/abs/x.h", true}, "/src/file.c", search) == Paths{"/abs/x.h"});
}

TEST_CASE("a macro that hands its parameter to __has_include is a wrapper; its uses are probes", "[include_probes]") {
  const std::string core_h =  // as fmt's core.h writes it
      "#if (defined(__has_include) || FMT_ICC_VERSION >= 1600 || \\\n"
      "     FMT_MSC_VERSION > 1900) &&                           \\\n"
      "    !defined(__INTELLISENSE__)\n"
      "#  define FMT_HAS_INCLUDE(x) __has_include(x)\n"
      "#else\n"
      "#  define FMT_HAS_INCLUDE(x) 0\n"
      "#endif\n"
      "#if FMT_HAS_INCLUDE(<string_view>)\n#endif\n";
  const auto first = find_include_probes(core_h);
  CHECK(first.macro_line == 0);
  CHECK(first.wrappers == std::vector<std::string>{"FMT_HAS_INCLUDE"});
  CHECK(first.probes.empty());

  const auto second = find_include_probes(core_h + "#if FMT_HAS_INCLUDE(\"winapifamily.h\")\n#endif\n", first.wrappers);
  REQUIRE(second.probes.size() == 2);
  CHECK(second.probes[0].name == "string_view");
  CHECK(second.probes[0].angled);
  CHECK(second.probes[1].name == "winapifamily.h");
  CHECK(second.macro_line == 0);

  // A wrapper used with a macro is as unknowable as __has_include(MACRO).
  CHECK(find_include_probes("#if FMT_HAS_INCLUDE(HEADER)\n#endif\n", first.wrappers).macro_line == 1);
  // A continued #define line still names its macro; an identifier merely containing a wrapper's name is not a use.
  const auto continued = find_include_probes("#define HAS(h) \\\n  __has_include(h)\n#if MY_HAS(x)\n#endif\n");
  CHECK(continued.wrappers == std::vector<std::string>{"HAS"});
  CHECK(find_include_probes("#if MY_HAS(x)\n#endif\n", continued.wrappers).macro_line == 0);
}
