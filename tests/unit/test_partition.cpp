#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "planner/partition.h"

using nixcc::plan::balanced_partition;
using nixcc::plan::batch_costs;
using nixcc::plan::carry_forward;
using nixcc::plan::CostedUnit;
using nixcc::plan::Partition;
using nixcc::plan::per_file_partition;

namespace {

// `count` units named u0, u1, ... with costs drawn from a skewed distribution: mostly cheap, a few
// ten times the median, as in a real project.
std::vector<CostedUnit> random_units(std::mt19937& rng, int count) {
  std::lognormal_distribution<double> cost(-1.0, 1.0);
  std::vector<CostedUnit> units;
  for (int i = 0; i < count; ++i) units.push_back({fmt::format("u{}", i), cost(rng)});
  return units;
}

// unit key -> batch name; fails the test if a unit is in two batches.
std::map<std::string, std::string> batch_of(const Partition& partition) {
  std::map<std::string, std::string> where;
  for (const auto& [name, keys] : partition) {
    for (const auto& key : keys) {
      const bool once = where.emplace(key, name).second;
      REQUIRE(once);
    }
  }
  return where;
}

std::set<std::string> keys_of(const std::vector<CostedUnit>& units) {
  std::set<std::string> keys;
  for (const auto& u : units) keys.insert(u.key);
  return keys;
}

// How many units sit in a different batch in `after` than in `before` (units in only one: not counted).
int moved(const Partition& before, const Partition& after) {
  const auto was = batch_of(before);
  int count = 0;
  for (const auto& [key, batch] : batch_of(after)) {
    if (const auto it = was.find(key); it != was.end() && it->second != batch) ++count;
  }
  return count;
}

// Batches whose member list differs between the two partitions (appearing or disappearing included).
int changed_batches(const Partition& before, const Partition& after) {
  std::set<std::string> names;
  for (const auto& [name, keys] : before) names.insert(name);
  for (const auto& [name, keys] : after) names.insert(name);
  int count = 0;
  for (const auto& name : names) {
    const auto a = before.find(name);
    const auto b = after.find(name);
    if (a == before.end() || b == after.end() || a->second != b->second) ++count;
  }
  return count;
}

}  // namespace

TEST_CASE("balanced_partition puts every unit in exactly one of the asked-for batches") {
  std::mt19937 rng(1);
  for (int round = 0; round < 50; ++round) {
    const int count = std::uniform_int_distribution<int>(1, 300)(rng);
    const int batches = std::uniform_int_distribution<int>(1, 40)(rng);
    const auto units = random_units(rng, count);
    const Partition p = balanced_partition(units, batches);
    const auto where = batch_of(p);
    CHECK(where.size() == units.size());
    for (const auto& u : units) CHECK(where.count(u.key) == 1);
    CHECK(p.size() == static_cast<std::size_t>(std::min(batches, count)));
    for (const auto& [name, keys] : p) {
      CHECK(!keys.empty());
      CHECK(std::is_sorted(keys.begin(), keys.end()));
    }
  }
}

TEST_CASE("balanced_partition's slowest batch is within one unit of the mean") {
  // Greedy assignment to the least-loaded batch guarantees max <= mean + the largest unit; with many
  // units to a batch that is close to ideal, which is what the balance target rests on.
  std::mt19937 rng(2);
  for (int round = 0; round < 50; ++round) {
    const int count = std::uniform_int_distribution<int>(20, 400)(rng);
    const int batches = std::uniform_int_distribution<int>(2, 12)(rng);
    const auto units = random_units(rng, count);
    const double total = std::accumulate(units.begin(), units.end(), 0.0, [](double s, const CostedUnit& u) { return s + u.cost; });
    const double largest = std::max_element(units.begin(), units.end(), [](const auto& a, const auto& b) { return a.cost < b.cost; })->cost;
    const auto costs = batch_costs(balanced_partition(units, batches), units);
    const double mean = total / static_cast<double>(costs.size());
    double slowest = 0;
    for (const auto& [name, seconds] : costs) slowest = std::max(slowest, seconds);
    INFO(fmt::format("{} units, {} batches: slowest {:.3f}, mean {:.3f}, largest unit {:.3f}", count, batches, slowest, mean, largest));
    CHECK(slowest <= mean + largest + 1e-9);
  }
  // Many equal-sized units: the batches differ by at most one unit.
  std::vector<CostedUnit> equal;
  for (int i = 0; i < 100; ++i) equal.push_back({fmt::format("e{}", i), 1.0});
  const auto costs = batch_costs(balanced_partition(equal, 7), equal);
  const auto [lightest, heaviest] = std::minmax_element(costs.begin(), costs.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  CHECK(heaviest->second - lightest->second <= 1.0);
}

TEST_CASE("balanced_partition does not depend on the order units come in") {
  std::mt19937 rng(3);
  auto units = random_units(rng, 120);
  units.push_back({"tie-a", 0.5});
  units.push_back({"tie-b", 0.5});
  const Partition first = balanced_partition(units, 6);
  for (int round = 0; round < 5; ++round) {
    std::shuffle(units.begin(), units.end(), rng);
    CHECK(balanced_partition(units, 6) == first);
  }
}

TEST_CASE("carry_forward after one added, removed or re-costed unit changes at most one batch and moves none") {
  std::mt19937 rng(4);
  for (int round = 0; round < 30; ++round) {
    auto units = random_units(rng, std::uniform_int_distribution<int>(10, 200)(rng));
    const Partition before = balanced_partition(units, std::uniform_int_distribution<int>(2, 9)(rng));
    const std::size_t pick = std::uniform_int_distribution<std::size_t>(0, units.size() - 1)(rng);
    std::vector<CostedUnit> changed = units;
    switch (round % 3) {
      case 0: changed.push_back({"added", 0.3}); break;
      case 1: changed.erase(changed.begin() + static_cast<std::ptrdiff_t>(pick)); break;
      default: changed[pick].cost *= 5; break;
    }
    const Partition after = carry_forward(before, changed);
    const auto where = batch_of(after);
    CHECK(where.size() == changed.size());
    CHECK(keys_of(changed) == [&] {
      std::set<std::string> keys;
      for (const auto& [key, batch] : where) keys.insert(key);
      return keys;
    }());
    CHECK(moved(before, after) == 0);
    CHECK(changed_batches(before, after) <= (round % 3 == 2 ? 0 : 1));
  }
}

TEST_CASE("carry_forward sends a new unit to the least-loaded batch and drops emptied batches") {
  const std::vector<CostedUnit> units{{"a", 5}, {"b", 1}, {"c", 1}};
  const Partition before{{"b0", {"a"}}, {"b1", {"b", "c"}}};
  auto grown = units;
  grown.push_back({"d", 1});
  CHECK(carry_forward(before, grown) == Partition{{"b0", {"a"}}, {"b1", {"b", "c", "d"}}});
  const std::vector<CostedUnit> without_a{{"b", 1}, {"c", 1}};
  CHECK(carry_forward(before, without_a) == Partition{{"b1", {"b", "c"}}});
  // Everything removed, then new units: they start a batch b0 of their own.
  CHECK(carry_forward(before, {{"x", 1}, {"y", 2}}) == Partition{{"b0", {"x", "y"}}});
  // A unit listed in two batches of a hand-edited state stays in the first only.
  const Partition twice{{"b0", {"a", "b"}}, {"b1", {"b", "c"}}};
  CHECK(carry_forward(twice, units) == Partition{{"b0", {"a", "b"}}, {"b1", {"c"}}});
}

TEST_CASE("a re-partition of a changed project stays close to the old one, a fresh one need not") {
  // What carrying forward buys: after 5% of the units change, the carried partition moves none of
  // the others, while balancing afresh typically reshuffles many.
  std::mt19937 rng(5);
  auto units = random_units(rng, 400);
  const Partition before = balanced_partition(units, 10);
  for (int i = 0; i < 20; ++i) units[static_cast<std::size_t>(i) * 20].cost *= 3;
  CHECK(moved(before, carry_forward(before, units)) == 0);
  CHECK(moved(before, balanced_partition(units, 10)) > 20);
}

TEST_CASE("per_file_partition gives each unit its own batch, named by its key alone") {
  const std::vector<CostedUnit> units{{"app/s/main.cpp", 1}, {"lib/s/a.cpp", 2}, {"lib/s/b.cpp", 3}};
  const Partition p = per_file_partition(units);
  CHECK(p.size() == 3);
  for (const auto& [name, keys] : p) {
    CHECK(name.starts_with("f-"));
    CHECK(keys.size() == 1);
  }
  const std::vector<CostedUnit> fewer{{"lib/s/b.cpp", 9}};
  const Partition q = per_file_partition(fewer);
  REQUIRE(q.size() == 1);
  CHECK(p.count(q.begin()->first) == 1);  // the same name, whatever else is in the project
}

TEST_CASE("batch_costs sums the members' costs and ignores keys without a cost") {
  const std::vector<CostedUnit> units{{"a", 1.5}, {"b", 2}, {"c", 0.25}};
  const auto costs = batch_costs(Partition{{"b0", {"a", "c"}}, {"b1", {"b", "gone"}}}, units);
  CHECK(costs.at("b0") == Approx(1.75));
  CHECK(costs.at("b1") == Approx(2));
}
