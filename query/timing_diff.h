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

/// Compares the latest compile of each object in `old_db` with that in `new_db`. Compile times are
/// the original compile's for reused objects, so reuse is not mistaken for a speed-up.
TimingDiff diff_timings(TimingDb& old_db, const BuildSelection& old_builds, TimingDb& new_db,
                        const BuildSelection& new_builds, const DiffThresholds& thresholds);

}  // namespace nixcc
