#include "query/timing_diff.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace nixcc {
namespace {

// The latest row of each object.
std::map<std::string, CompileRecord> latest_by_object(TimingDb& db, const BuildSelection& builds, Side& side) {
  std::map<std::string, CompileRecord> out;
  for (auto& row : db.compiles(builds)) {
    auto key = row.object;
    out.insert_or_assign(std::move(key), std::move(row));
  }
  for (const auto& [key, row] : out) {
    ++side.compiles;
    side.wall_s += row.compile_wall_s();
    side.cpu_s += row.compile_cpu_s();
  }
  return out;
}

InputChange compare_inputs(TimingDb& old_db, const CompileRecord& before, TimingDb& new_db, const CompileRecord& after) {
  InputChange change{after.source, after.object, before.args_hash != after.args_hash, {}, {}, {}};
  std::map<std::string, std::string> old_headers;
  for (auto& h : old_db.headers_of(before.id)) old_headers[h.path] = h.hash;
  for (const auto& h : new_db.headers_of(after.id)) {
    const auto it = old_headers.find(h.path);
    if (it == old_headers.end()) {
      change.added.push_back(h.path);
      continue;
    }
    if (it->second != h.hash) change.headers.push_back(h.path);
    old_headers.erase(it);
  }
  for (const auto& [path, hash] : old_headers) change.removed.push_back(path);
  return change;
}

}  // namespace

TimingDiff diff_timings(TimingDb& old_db, const BuildSelection& old_builds, TimingDb& new_db,
                        const BuildSelection& new_builds, const DiffThresholds& thresholds) {
  TimingDiff diff;
  const auto before = latest_by_object(old_db, old_builds, diff.before);
  const auto after = latest_by_object(new_db, new_builds, diff.after);
  for (const auto& [object, row] : after) {
    const auto it = before.find(object);
    if (it == before.end()) {
      diff.appeared.push_back(row.source);
      continue;
    }
    const auto& old_row = it->second;
    if (old_row.input_hash != row.input_hash) diff.changed.push_back(compare_inputs(old_db, old_row, new_db, row));
    const double delta = row.compile_wall_s() - old_row.compile_wall_s();
    if (std::abs(delta) >= thresholds.min_seconds && std::abs(delta) >= thresholds.min_ratio * old_row.compile_wall_s()) {
      (delta > 0 ? diff.slower : diff.faster).push_back({row.source, old_row.compile_wall_s(), row.compile_wall_s()});
    }
  }
  for (const auto& [object, row] : before) {
    if (!after.count(object)) diff.vanished.push_back(row.source);
  }
  const auto by_size = [](const TimeChange& a, const TimeChange& b) {
    return std::abs(a.new_s - a.old_s) > std::abs(b.new_s - b.old_s);
  };
  std::sort(diff.slower.begin(), diff.slower.end(), by_size);
  std::sort(diff.faster.begin(), diff.faster.end(), by_size);
  return diff;
}

}  // namespace nixcc
