#include <catch2/catch.hpp>

#include "query/timeline.h"
#include "timing_rows.h"

using nixcc::CompileRecord;
using nixcc::make_timeline;
using nixcc::test::compile_of;
using nixcc::test::reused_of;

namespace {

CompileRecord in_batch(CompileRecord c, const std::string& name, int worker) {
  c.build_id = "batch-" + name;
  c.build_name = name;
  c.build_kind = "batch";
  c.worker = worker;
  return c;
}

}  // namespace

TEST_CASE("batch compiles keep their worker slot, reused objects get tracks after the workers", "[timeline]") {
  std::vector<CompileRecord> rows = {
      in_batch(compile_of("a.cpp", "a.o", 100.0, 2.0), "b0", 0),
      in_batch(compile_of("b.cpp", "b.o", 100.5, 1.0), "b0", 1),
      in_batch(compile_of("c.cpp", "c.o", 102.0, 0.5), "b0", 0),
      in_batch(reused_of(compile_of("d.cpp", "d.o", 100.1, 0), 3.0), "b0", 0),
      in_batch(reused_of(compile_of("e.cpp", "e.o", 100.1, 0), 1.0), "b0", 0),
  };
  rows[3].worker.reset();
  rows[4].worker.reset();
  const auto t = make_timeline(rows);
  CHECK(t.origin == Approx(100.0));
  CHECK(t.end_s == Approx(2.5));
  REQUIRE(t.groups.size() == 1);
  CHECK(t.groups[0].name == "b0");
  CHECK(t.groups[0].compiled == 3);
  CHECK(t.groups[0].reused == 2);
  // Two workers; the two copies overlap in time, so they need two packed tracks.
  CHECK(t.groups[0].tracks == 4);
  REQUIRE(t.slices.size() == 5);
  for (const auto& s : t.slices) {
    if (s.row->source.path == "b.cpp") CHECK(s.track == 1);
    if (s.row->source.path == "c.cpp") CHECK((s.track == 0 && s.start_s == Approx(2.0)));
    if (s.row->reused) CHECK(s.track >= 2);
  }
}

TEST_CASE("launcher compiles are packed onto the first track free at their start", "[timeline]") {
  auto row = [](const std::string& source, double start, double wall) {
    auto c = compile_of(source, source + ".o", start, wall);
    c.build_id = "auto-1";
    c.build_kind = "launcher";
    return c;
  };
  const std::vector<CompileRecord> rows = {row("a.cpp", 10, 1), row("b.cpp", 10.2, 1), row("c.cpp", 11.0, 1)};
  const auto t = make_timeline(rows);
  REQUIRE(t.groups.size() == 1);
  CHECK(t.groups[0].name == "auto-1");  // no batch name: the build id
  CHECK(t.groups[0].tracks == 2);
  REQUIRE(t.slices.size() == 3);
  CHECK(t.slices[0].track == 0);
  CHECK(t.slices[1].track == 1);
  CHECK(t.slices[2].track == 0);  // a.cpp has ended by then
  CHECK(t.end_s == Approx(2.0));
}

TEST_CASE("one group per batch, in order of first appearance", "[timeline]") {
  const std::vector<CompileRecord> rows = {in_batch(compile_of("a.cpp", "a.o", 5, 1), "b1", 0),
                                           in_batch(compile_of("b.cpp", "b.o", 6, 1), "b0", 0),
                                           in_batch(compile_of("c.cpp", "c.o", 7, 1), "b1", 1)};
  const auto t = make_timeline(rows);
  REQUIRE(t.groups.size() == 2);
  CHECK(t.groups[0].name == "b1");
  CHECK(t.groups[0].tracks == 2);
  CHECK(t.groups[1].name == "b0");
  CHECK(t.slices[1].group == 1);
  CHECK(make_timeline({}).slices.empty());
}

TEST_CASE("labels fit the room they have", "[timeline]") {
  CHECK(nixcc::fit_label("src/a.cpp", 20) == "src/a.cpp");
  CHECK(nixcc::fit_label("src/parser.cpp", 10) == "parser.cpp");
  CHECK(nixcc::fit_label("src/parser.cpp", 6) == "parse\u2026");
  CHECK(nixcc::fit_label("src/parser.cpp", 4) == "par\u2026");
  CHECK(nixcc::fit_label("src/parser.cpp", 3).empty());
  // Never cut inside a character.
  CHECK(nixcc::fit_label("d/\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9.c", 4) == "\xc3\xa9\xc3\xa9\xc3\xa9\u2026");
}
