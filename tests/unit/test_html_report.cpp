#include <catch2/catch.hpp>

#include "query/html_report.h"
#include "temp_dir.h"
#include "timing_rows.h"

using nixcc::PathRoot;
using nixcc::TimingDb;
using nixcc::test::batch_build;
using nixcc::test::compile_of;
using nixcc::test::reused_of;

namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

}  // namespace

TEST_CASE("HTML special characters are escaped", "[html_report]") {
  CHECK(nixcc::html_escape("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&#39;");
  CHECK(nixcc::html_escape("plain") == "plain");
}

TEST_CASE("the report draws the latest run's batches with labels and counts the rest as reused", "[html_report]") {
  nixcc::test::TempDir dir;
  TimingDb db(dir / "db.sqlite");
  // An earlier nix-build made b0; the latest rebuilt b1, compiling one unit and copying another.
  auto old = compile_of("core/a_source_with_a_long_name.cpp", "core/s/core/a.cpp.o", 100, 30.0, PathRoot::Output);
  db.record_compile(batch_build("b0-1", "b0", 100, "nix-1"), old);
  auto fresh = compile_of("app/main.cpp", "app/s/app/main.cpp.o", 1000, 1.5, PathRoot::Output);
  fresh.worker = 0;
  auto copied = reused_of(compile_of("app/<odd>.cpp", "app/s/app/odd.cpp.o", 1000, 0, PathRoot::Output), 2.0);
  db.record_compiles(batch_build("b1-2", "b1", 1000, "nix-2"), std::vector<nixcc::CompileRecord>{fresh, copied});

  nixcc::ReportInput input;
  input.title = "t";
  input.database = "db.sqlite";
  input.build = nixcc::choose_build(db.builds(), "latest", "db.sqlite");
  const std::string html = nixcc::render_html_report(db, input);

  // The span is the latest run's (1.5 s), not the 900 s since the earlier batch.
  CHECK(html.find("<b>1.500 s</b>span") != std::string::npos);
  // Compile time: every unit, the copied one with the compile that made it.
  CHECK(html.find("<b>33.500 s</b>compile time") != std::string::npos);
  CHECK(html.find("<b>1</b>compiled") != std::string::npos);
  CHECK(html.find("<b>2</b>reused") != std::string::npos);
  CHECK(html.find("Not drawn: 1 units of 1 batch an earlier nix-build made") != std::string::npos);
  // Visible labels: the group with what it did, the slice with its source (names escaped).
  CHECK(html.find(">b1 (1, 1 reused)</text>") != std::string::npos);
  CHECK(html.find("<text class=\"slice\"") != std::string::npos);
  CHECK(html.find(">app/main.cpp</text>") != std::string::npos);
  CHECK(html.find("app/<odd>") == std::string::npos);
  CHECK(html.find("app/&lt;odd&gt;.cpp") != std::string::npos);
  CHECK(count(html, "<rect ") == 2);  // b0's unit is not drawn
  // Number columns: headings align as their numbers do.
  CHECK(html.find("<th class=\"n\">compile s</th>") != std::string::npos);
  CHECK(html.find("<th>source</th>") != std::string::npos);
  CHECK(count(html, "<th class=\"n\">") == count(html, "<table>") * 3);  // three number columns per table
  CHECK(html.find("<script") == std::string::npos);
}
