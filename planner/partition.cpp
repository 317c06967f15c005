#include "planner/partition.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "core/hash.h"

namespace nixcc::plan {
namespace {

std::unordered_map<std::string, double> cost_by_key(const std::vector<CostedUnit>& units) {
  std::unordered_map<std::string, double> costs;
  for (const auto& u : units) costs[u.key] = u.cost;
  return costs;
}

// Sorted longest first, ties by key, so the result never depends on input order.
std::vector<const CostedUnit*> longest_first(const std::vector<const CostedUnit*>& units) {
  auto sorted = units;
  std::sort(sorted.begin(), sorted.end(), [](const CostedUnit* a, const CostedUnit* b) {
    return a->cost != b->cost ? a->cost > b->cost : a->key < b->key;
  });
  return sorted;
}

// Adds each unit to the batch with the least expected time (ties: the name that sorts first).
void assign_least_loaded(Partition& partition, std::map<std::string, double>& load,
                         const std::vector<const CostedUnit*>& units) {
  for (const auto* unit : longest_first(units)) {
    const auto lightest = std::min_element(load.begin(), load.end(), [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second < b.second : a.first < b.first;
    });
    partition[lightest->first].push_back(unit->key);
    lightest->second += unit->cost;
  }
}

std::string batch_name(int index) { return fmt::format("b{}", index); }

}  // namespace

Partition balanced_partition(const std::vector<CostedUnit>& units, int batches) {
  batches = std::max(1, std::min(batches, static_cast<int>(units.size())));
  Partition partition;
  std::map<std::string, double> load;
  for (int i = 0; i < batches; ++i) load[batch_name(i)] = 0;
  std::vector<const CostedUnit*> all;
  for (const auto& u : units) all.push_back(&u);
  assign_least_loaded(partition, load, all);
  for (auto& [name, keys] : partition) std::sort(keys.begin(), keys.end());
  return partition;
}

Partition carry_forward(const Partition& previous, const std::vector<CostedUnit>& units) {
  const auto costs = cost_by_key(units);
  Partition partition;
  std::map<std::string, double> load;
  std::set<std::string> placed;
  for (const auto& [name, keys] : previous) {
    for (const auto& key : keys) {
      const auto it = costs.find(key);
      if (it == costs.end() || !placed.insert(key).second) continue;  // removed, or listed twice
      partition[name].push_back(key);
      load[name] += it->second;
    }
  }
  std::vector<const CostedUnit*> added;
  for (const auto& u : units) {
    if (!placed.count(u.key)) added.push_back(&u);
  }
  if (load.empty() && !added.empty()) load[batch_name(0)] = 0;  // everything was removed, then added anew
  assign_least_loaded(partition, load, added);
  for (auto& [name, keys] : partition) std::sort(keys.begin(), keys.end());
  return partition;
}

Partition per_file_partition(const std::vector<CostedUnit>& units) {
  Partition partition;
  for (const auto& u : units) partition["f-" + hash_string(u.key).substr(0, 12)].push_back(u.key);
  return partition;
}

std::map<std::string, double> batch_costs(const Partition& partition, const std::vector<CostedUnit>& units) {
  const auto costs = cost_by_key(units);
  std::map<std::string, double> out;
  for (const auto& [name, keys] : partition) {
    double total = 0;
    for (const auto& key : keys) {
      if (auto it = costs.find(key); it != costs.end()) total += it->second;
    }
    out[name] = total;
  }
  return out;
}

}  // namespace nixcc::plan
