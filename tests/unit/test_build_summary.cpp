#include <catch2/catch.hpp>

#include "query/build_summary.h"
#include "timing_rows.h"

using nixcc::ChosenBuild;
using nixcc::CompileRecord;
using nixcc::test::compile_of;
using nixcc::test::reused_of;

namespace {

CompileRecord in(CompileRecord c, const std::string& build) {
  c.build_id = build;
  return c;
}

}  // namespace

TEST_CASE("a build's figures: units of batches an earlier run made count as reused", "[build_summary]") {
  auto failed = in(compile_of("f.cpp", "f.o", 1, 0.5), "now");
  failed.exit_status = 1;
  failed.max_rss_kb = 5000;
  const std::vector<CompileRecord> rows = {
      in(compile_of("a.cpp", "a.o", 1, 2.0), "now"),
      in(reused_of(compile_of("b.cpp", "b.o", 1, 0), 3.0), "now"),
      in(compile_of("c.cpp", "c.o", 1, 4.0), "earlier"),
      failed,
  };
  ChosenBuild chosen;
  chosen.latest_run = std::set<std::string>{"now"};
  const auto s = nixcc::summarize(rows, chosen);
  CHECK(s.builds == 2);
  CHECK(s.units == 4);
  CHECK(s.compiled == 2);  // a.cpp and the failed f.cpp
  CHECK(s.reused == 2);    // b.cpp copied now, c.cpp made by an earlier run
  CHECK(s.failed == 1);
  CHECK(s.compile_wall_s == Approx(2.0 + 3.0 + 4.0 + 0.5));
  CHECK(s.compile_cpu_s == Approx(2.0 + 3.0 + 4.0 + 0.5));  // compile_of: user + sys = wall
  CHECK(s.ran_wall_s == Approx(2.5));
  CHECK(s.peak_rss_kb == 5000);

  const auto drawn = nixcc::latest_run_rows(rows, chosen);
  REQUIRE(drawn.size() == 3);
  CHECK(std::none_of(drawn.begin(), drawn.end(), [](const CompileRecord& r) { return r.build_id == "earlier"; }));

  // Every build selected as run (a launcher build, or --build all): only copies count as reused.
  const auto all = nixcc::summarize(rows, ChosenBuild{});
  CHECK(all.compiled == 3);
  CHECK(all.reused == 1);
  CHECK(all.compile_wall_s == Approx(s.compile_wall_s));  // compile time does not depend on what ran
  CHECK(nixcc::latest_run_rows(rows, ChosenBuild{}).size() == 4);
  CHECK(nixcc::summarize({}, chosen).units == 0);
}
