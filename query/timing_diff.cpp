#include "query/timing_diff.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include "query/breakdown.h"

namespace nixcc {
namespace {

// A unit is its source; the target tells apart the rows of a source compiled in several targets
// (a static and a shared library). Objects cannot be the key: a launcher names them as CMake does and a
// batch after the plan's unit.
using UnitKey = std::pair<RecordedPath, std::string>;

// The latest row of each unit, and the side's totals over them.
std::map<UnitKey, CompileRecord> latest_by_unit(TimingDb& db, const BuildSelection& builds, Side& side) {
  std::map<UnitKey, CompileRecord> out;
  for (auto& row : db.compiles(builds)) {  // in start order: later rows win
    UnitKey key{row.source, target_of(row.object.path)};
    out.insert_or_assign(std::move(key), std::move(row));
  }
  for (const auto& [key, row] : out) {
    ++side.compiles;
    side.wall_s += row.compile_wall_s();
    side.cpu_s += row.compile_cpu_s();
  }
  return out;
}

// Each source's rows, one per target.
std::map<RecordedPath, std::vector<const CompileRecord*>> by_source(const std::map<UnitKey, CompileRecord>& units) {
  std::map<RecordedPath, std::vector<const CompileRecord*>> out;
  for (const auto& [key, row] : units) out[key.first].push_back(&row);
  return out;
}

// How a unit is named in the output: its source, and its target where the source has several.
std::string unit_name(const CompileRecord& row, std::size_t rows_of_source) {
  const std::string source = display_path(row.source);
  return rows_of_source > 1 ? source + " (" + target_of(row.object.path) + ")" : source;
}

InputChange compare_inputs(TimingDb& old_db, const CompileRecord& before, TimingDb& new_db, const CompileRecord& after,
                           const std::string& name) {
  InputChange change{name, display_path(after.object), before.args_hash != after.args_hash, {}, {}, {}};
  std::map<RecordedPath, std::string> old_headers;
  for (auto& h : old_db.headers_of(before.id)) old_headers[h.file] = h.hash;
  for (const auto& h : new_db.headers_of(after.id)) {
    const auto it = old_headers.find(h.file);
    if (it == old_headers.end()) {
      change.added.push_back(display_path(h.file));
      continue;
    }
    if (it->second != h.hash) change.headers.push_back(display_path(h.file));
    old_headers.erase(it);
  }
  for (const auto& [file, hash] : old_headers) change.removed.push_back(display_path(file));
  return change;
}

}  // namespace

std::string describe_change(const InputChange& c) {
  std::vector<std::string> parts;
  if (c.arguments) parts.push_back("arguments");
  for (const auto& h : c.headers) parts.push_back("header " + h);
  for (const auto& h : c.added) parts.push_back("now reads " + h);
  for (const auto& h : c.removed) parts.push_back("no longer reads " + h);
  if (parts.empty()) parts.push_back("source");
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

std::vector<std::pair<const CompileRecord*, const CompileRecord*>> match_units(
    const std::vector<const CompileRecord*>& before, const std::vector<const CompileRecord*>& after) {
  std::vector<std::pair<const CompileRecord*, const CompileRecord*>> pairs;
  std::vector<const CompileRecord*> old_left = before, new_left;
  for (const auto* row : after) {
    const auto same = std::find_if(old_left.begin(), old_left.end(), [&](const CompileRecord* old) {
      return target_of(old->object.path) == target_of(row->object.path);
    });
    if (same == old_left.end()) {
      new_left.push_back(row);
      continue;
    }
    pairs.emplace_back(*same, row);
    old_left.erase(same);
  }
  // One row left on each side: the same unit under another name for its target (a launcher's CMake
  // target against a plan without targets).
  if (old_left.size() == 1 && new_left.size() == 1) pairs.emplace_back(old_left.front(), new_left.front());
  return pairs;
}

TimingDiff diff_timings(TimingDb& old_db, const BuildSelection& old_builds, TimingDb& new_db,
                        const BuildSelection& new_builds, const DiffThresholds& thresholds) {
  TimingDiff diff;
  const auto before_units = latest_by_unit(old_db, old_builds, diff.before);
  const auto after_units = latest_by_unit(new_db, new_builds, diff.after);
  const auto before = by_source(before_units);
  const auto after = by_source(after_units);
  static const std::vector<const CompileRecord*> kNone;
  for (const auto& [source, rows] : after) {
    const auto it = before.find(source);
    const auto& old_rows = it == before.end() ? kNone : it->second;
    const auto pairs = match_units(old_rows, rows);
    for (const auto* row : rows) {
      const bool matched = std::any_of(pairs.begin(), pairs.end(), [&](const auto& p) { return p.second == row; });
      if (!matched) diff.appeared.push_back(unit_name(*row, rows.size()));
    }
    for (const auto* old_row : old_rows) {
      const bool matched = std::any_of(pairs.begin(), pairs.end(), [&](const auto& p) { return p.first == old_row; });
      if (!matched) diff.vanished.push_back(unit_name(*old_row, old_rows.size()));
    }
    for (const auto& [old_row, row] : pairs) {
      const std::string name = unit_name(*row, rows.size());
      if (old_row->input_hash != row->input_hash) diff.changed.push_back(compare_inputs(old_db, *old_row, new_db, *row, name));
      const double delta = row->compile_wall_s() - old_row->compile_wall_s();
      if (std::abs(delta) >= thresholds.min_seconds && std::abs(delta) >= thresholds.min_ratio * old_row->compile_wall_s()) {
        (delta > 0 ? diff.slower : diff.faster).push_back({name, old_row->compile_wall_s(), row->compile_wall_s()});
      }
    }
  }
  for (const auto& [source, old_rows] : before) {
    if (after.count(source)) continue;
    for (const auto* old_row : old_rows) diff.vanished.push_back(unit_name(*old_row, old_rows.size()));
  }
  const auto by_size = [](const TimeChange& a, const TimeChange& b) {
    return std::abs(a.new_s - a.old_s) > std::abs(b.new_s - b.old_s);
  };
  std::stable_sort(diff.slower.begin(), diff.slower.end(), by_size);
  std::stable_sort(diff.faster.begin(), diff.faster.end(), by_size);
  return diff;
}

}  // namespace nixcc
