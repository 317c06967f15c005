#pragma once
// Compiles laid out on tracks: one group per batch (or launcher build), one track per worker slot.

#include <string>
#include <vector>

#include "schema/timing_db.h"

namespace nixcc {

struct TimelineSlice {
  const CompileRecord* row;
  int group;   // index into Timeline::groups
  int track;   // worker slot within the group
  double start_s;  // since the earliest compile
  double duration_s;
};

struct Timeline {
  double origin = 0;  // Unix time of the earliest compile
  double end_s = 0;   // of the latest slice, since origin
  std::vector<std::string> groups;
  std::vector<int> tracks;  // per group
  std::vector<TimelineSlice> slices;
};

/// Batch compiles keep their worker slot; reused objects and launcher compiles (which have no slot)
/// are packed onto the first track free at their start, after the workers.
Timeline make_timeline(const std::vector<CompileRecord>& rows);

}  // namespace nixcc
