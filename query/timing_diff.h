#pragma once
// What changed between two builds: inputs (and which header), times beyond noise, units that came and went.

#include <string>
#include <vector>

#include "schema/timing_db.h"

namespace nixcc {

struct DiffThresholds {
  double min_seconds = 0.1;  // a change smaller than this is noise
  double min_ratio = 0.2;    // and so is one smaller than this fraction of the old time
};

// Sources, objects and headers are named as queries show them (display_path()).
struct InputChange {
  std::string source;
  std::string object;
  bool arguments = false;                // the argument hash (or compiler) differs
  std::vector<std::string> headers;      // headers whose contents differ
  std::vector<std::string> added;        // headers read now, not before
  std::vector<std::string> removed;      // headers read before, not now
  bool source_only() const { return !arguments && headers.empty() && added.empty() && removed.empty(); }
};

struct TimeChange {
  std::string source;
  double old_s = 0;
  double new_s = 0;
};

struct Side {
  std::int64_t compiles = 0;
  double wall_s = 0;
  double cpu_s = 0;
};

struct TimingDiff {
  std::vector<InputChange> changed;
  std::vector<TimeChange> slower, faster;  // largest change first
  std::vector<std::string> appeared, vanished;
  Side before, after;
};

/// Compares the latest compile of each unit in `old_db` with that in `new_db`. A unit is its source
/// (root and path), so a launcher's and a batch's rows of one project line up; a source compiled in
/// several targets is told apart by target. Compile times are the original compile's for reused
/// objects, so reuse is not mistaken for a speed-up, and the totals sum them over units (BuildSummary's
/// compile time).
TimingDiff diff_timings(TimingDb& old_db, const BuildSelection& old_builds, TimingDb& new_db,
                        const BuildSelection& new_builds, const DiffThresholds& thresholds);

/// Why a unit's inputs changed, in one line: "arguments", "header X", "now reads X", "no longer reads
/// X", comma-separated, else "source".
std::string describe_change(const InputChange& change);

/// Pairs the rows of one source on the two sides: by target (breakdown.h's target_of), and when
/// exactly one row is left on each side, those two. Rows left out appeared or vanished.
std::vector<std::pair<const CompileRecord*, const CompileRecord*>> match_units(
    const std::vector<const CompileRecord*>& before, const std::vector<const CompileRecord*>& after);

}  // namespace nixcc
