#pragma once
// Compiles laid out on tracks: one group per batch (or launcher build), one track per worker slot.

#include <string>
#include <vector>

#include "schema/timing_db.h"

namespace nixcc {

struct TimelineGroup {
  std::string name;  // the batch's name, else the build id
  int tracks = 0;    // worker slots, then packed tracks
  int compiled = 0;  // slices that ran a compiler (failures included)
  int reused = 0;    // slices that copied an object from a previous output
};

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
  std::vector<TimelineGroup> groups;
  std::vector<TimelineSlice> slices;
};

/// Batch compiles keep their worker slot; reused objects and launcher compiles (which have no slot)
/// are packed onto the first track free at their start, after the workers. The slices point into `rows`.
Timeline make_timeline(const std::vector<CompileRecord>& rows);

/// A label of at most `max_chars` characters for a slice or group: the whole path when it fits, else
/// its file name, else the start of the file name and "…"; "" when not even that fits (under 4).
std::string fit_label(const std::string& path, std::size_t max_chars);

}  // namespace nixcc
