#include <catch2/catch.hpp>

#include <algorithm>

#include <fmt/format.h>

#include "query/timing_diff.h"
#include "temp_dir.h"
#include "timing_rows.h"

using nixcc::CompileRecord;
using nixcc::PathRoot;
using nixcc::TimingDb;
using nixcc::test::batch_build;
using nixcc::test::compile_of;
using nixcc::test::launcher_build;
using nixcc::test::reused_of;

namespace {

CompileRecord launcher_row(const std::string& target, const std::string& source, double wall) {
  return compile_of(source, fmt::format("{}/CMakeFiles/{}.dir/{}.o", target, target, source), 1, wall);
}

CompileRecord batch_row(const std::string& target, const std::string& source, double wall) {
  return compile_of(source, fmt::format("{}/s/{}.o", target, source), 2, wall, PathRoot::Output);
}

nixcc::HeaderRecord header(const std::string& path, const std::string& hash, PathRoot root = PathRoot::Source) {
  return {{root, path}, hash};
}

nixcc::TimingDiff diff(TimingDb& before, TimingDb& after, nixcc::DiffThresholds thresholds = {}) {
  return nixcc::diff_timings(before, std::nullopt, after, std::nullopt, thresholds);
}

}  // namespace

TEST_CASE("a launcher's and a batch's rows of one project are the same units", "[timing_diff]") {
  nixcc::test::TempDir dir;
  TimingDb launcher(dir / "launcher.sqlite"), batch(dir / "batch.sqlite");
  launcher.record_compiles(launcher_build("l", 1), std::vector<CompileRecord>{launcher_row("core", "core/src/a.cpp", 1),
                                                                               launcher_row("app", "app/main.cpp", 2)});
  batch.record_compiles(batch_build("b", "b0", 2), std::vector<CompileRecord>{batch_row("core", "core/src/a.cpp", 1),
                                                                              batch_row("app", "app/main.cpp", 2)});
  const auto d = diff(launcher, batch);
  CHECK(d.appeared.empty());
  CHECK(d.vanished.empty());
  CHECK(d.changed.empty());  // same input hashes in this test
  CHECK(d.before.compiles == 2);
  CHECK(d.after.compiles == 2);
  CHECK(d.after.wall_s == Approx(3));
}

TEST_CASE("a source compiled in two targets is two units, told apart by target", "[timing_diff]") {
  nixcc::test::TempDir dir;
  TimingDb launcher(dir / "launcher.sqlite"), batch(dir / "batch.sqlite");
  launcher.record_compiles(launcher_build("l", 1), std::vector<CompileRecord>{launcher_row("lz4_static", "lib/lz4.c", 1),
                                                                               launcher_row("lz4_shared", "lib/lz4.c", 1)});
  auto shared = batch_row("lz4_shared", "lib/lz4.c", 3);  // slower, and only the shared one
  batch.record_compiles(batch_build("b", "b0", 2), std::vector<CompileRecord>{batch_row("lz4_static", "lib/lz4.c", 1), shared});
  const auto d = diff(launcher, batch);
  CHECK(d.appeared.empty());
  CHECK(d.vanished.empty());
  REQUIRE(d.slower.size() == 1);
  CHECK(d.slower[0].source == "lib/lz4.c (lz4_shared)");
  CHECK(d.before.compiles == 2);

  // One of them gone: the other still pairs, the gone one vanished.
  TimingDb one(dir / "one.sqlite");
  one.record_compile(batch_build("b", "b0", 2), batch_row("lz4_static", "lib/lz4.c", 1));
  const auto gone = diff(launcher, one);
  CHECK(gone.vanished == std::vector<std::string>{"lib/lz4.c (lz4_shared)"});
  CHECK(gone.appeared.empty());
}

TEST_CASE("one row left on each side is one unit, whatever its target is called", "[timing_diff]") {
  const auto a = launcher_row("app", "main.cpp", 1);
  auto b = batch_row("app", "main.cpp", 1);
  b.object.path = "s/main.cpp.o";  // a compile_commands.json plan has no targets
  const auto pairs = nixcc::match_units({&a}, {&b});
  REQUIRE(pairs.size() == 1);
  CHECK(pairs[0].first == &a);
  CHECK(pairs[0].second == &b);
  // With two on each side and no target in common, nothing can be told apart: nothing pairs.
  const auto a2 = launcher_row("app2", "main.cpp", 1);
  auto b2 = b;
  b2.object.path = "s2/main.cpp.o";
  CHECK(nixcc::match_units({&a, &a2}, {&b, &b2}).empty());
  CHECK(nixcc::match_units({}, {&b}).empty());
}

TEST_CASE("changed inputs name the header, the arguments, or the source", "[timing_diff]") {
  nixcc::test::TempDir dir;
  TimingDb before(dir / "before.sqlite"), after(dir / "after.sqlite");
  auto old_a = launcher_row("app", "a.cpp", 1);
  old_a.headers = {header("a.h", "1"), header("gone.h", "1"), header("gen/v.h", "1", PathRoot::Build)};
  auto old_b = launcher_row("app", "b.cpp", 1);
  auto old_c = launcher_row("app", "c.cpp", 1);
  auto same = launcher_row("app", "same.cpp", 1);
  before.record_compiles(launcher_build("l1", 1), std::vector<CompileRecord>{old_a, old_b, old_c, same});

  auto new_a = old_a;
  new_a.input_hash = "changed";
  new_a.headers = {header("a.h", "2"), header("new.h", "1"), header("gen/v.h", "2", PathRoot::Build)};
  auto new_b = old_b;
  new_b.input_hash = "changed";
  new_b.args_hash = "other";
  auto new_c = old_c;
  new_c.input_hash = "changed";
  after.record_compiles(launcher_build("l2", 2), std::vector<CompileRecord>{new_a, new_b, new_c, same});

  const auto d = diff(before, after);
  REQUIRE(d.changed.size() == 3);
  const auto& a = d.changed[0];
  CHECK(a.source == "a.cpp");
  CHECK(a.headers == std::vector<std::string>{"<build>/gen/v.h", "a.h"});  // by root, then path
  CHECK(a.added == std::vector<std::string>{"new.h"});
  CHECK(a.removed == std::vector<std::string>{"gone.h"});
  CHECK_FALSE(a.arguments);
  CHECK(nixcc::describe_change(a) == "header <build>/gen/v.h, header a.h, now reads new.h, no longer reads gone.h");
  CHECK(d.changed[1].arguments);
  CHECK(nixcc::describe_change(d.changed[1]) == "arguments");
  CHECK(d.changed[2].source_only());
  CHECK(nixcc::describe_change(d.changed[2]) == "source");
}

TEST_CASE("time changes beyond both thresholds, reuse not mistaken for a speed-up", "[timing_diff]") {
  nixcc::test::TempDir dir;
  TimingDb before(dir / "before.sqlite"), after(dir / "after.sqlite");
  before.record_compiles(launcher_build("l1", 1),
                         std::vector<CompileRecord>{launcher_row("t", "slow.cpp", 1.0), launcher_row("t", "fast.cpp", 2.0),
                                                    launcher_row("t", "noise.cpp", 1.0), launcher_row("t", "small.cpp", 10.0),
                                                    launcher_row("t", "reused.cpp", 4.0), launcher_row("t", "gone.cpp", 1.0)});
  auto reused = reused_of(batch_row("t", "reused.cpp", 0), 4.0);
  after.record_compiles(batch_build("b", "b0", 2),
                        std::vector<CompileRecord>{batch_row("t", "slow.cpp", 2.0), batch_row("t", "fast.cpp", 1.0),
                                                   batch_row("t", "noise.cpp", 1.05), batch_row("t", "small.cpp", 11.5),
                                                   reused, batch_row("t", "new.cpp", 1.0)});
  const auto d = diff(before, after);
  REQUIRE(d.slower.size() == 1);
  CHECK(d.slower[0].source == "slow.cpp");
  CHECK(d.slower[0].old_s == Approx(1.0));
  CHECK(d.slower[0].new_s == Approx(2.0));
  REQUIRE(d.faster.size() == 1);  // not noise.cpp (0.05 s), small.cpp (10%) or reused.cpp (its original 4 s)
  CHECK(d.faster[0].source == "fast.cpp");
  CHECK(d.appeared == std::vector<std::string>{"new.cpp"});
  CHECK(d.vanished == std::vector<std::string>{"gone.cpp"});
  CHECK(d.before.wall_s == Approx(19.0));
  CHECK(d.after.wall_s == Approx(2 + 1 + 1.05 + 11.5 + 4 + 1));
  // Lower thresholds let the small changes through.
  const auto all = diff(before, after, {0.01, 0.01});
  CHECK(all.slower.size() == 3);
  CHECK(all.slower[0].source == "small.cpp");  // the largest change first
}

TEST_CASE("the latest compile of a unit is the one compared", "[timing_diff]") {
  nixcc::test::TempDir dir;
  TimingDb before(dir / "before.sqlite"), after(dir / "after.sqlite");
  before.record_compile(launcher_build("l1", 1), launcher_row("t", "a.cpp", 1.0));
  auto first = launcher_row("t", "a.cpp", 5.0);
  auto second = launcher_row("t", "a.cpp", 1.0);
  second.started_at = 50;
  after.record_compile(launcher_build("l2", 2), first);
  after.record_compile(launcher_build("l3", 3), second);
  const auto d = diff(before, after);
  CHECK(d.after.compiles == 1);
  CHECK(d.after.wall_s == Approx(1.0));
  CHECK(d.slower.empty());
}
