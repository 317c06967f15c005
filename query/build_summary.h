#pragma once
// The figures every query states about a build: how many units, how many it compiled and reused, and
// how long they took. One definition, so that stats, report and diff agree.

#include <cstdint>
#include <vector>

#include "query/query_input.h"
#include "schema/timing_db.h"

namespace nixcc {

struct BuildSummary {
  std::int64_t builds = 0;    // distinct builds among the rows
  std::int64_t units = 0;     // rows
  std::int64_t compiled = 0;  // compiled by the latest run (failures included)
  std::int64_t reused = 0;    // the rest: objects copied from a previous output, or left from an earlier nix-build
  std::int64_t failed = 0;
  /// Compile time: summed over units, a reused object counting with the compile that made it. What
  /// nixcc diff totals, and what a build from scratch would spend compiling on one core.
  double compile_wall_s = 0;
  double compile_cpu_s = 0;
  /// What the latest run's compilers themselves took (summed, not the span).
  double ran_wall_s = 0;
  double ran_cpu_s = 0;
  std::int64_t peak_rss_kb = 0;  // the largest of the latest run's compiles
};

/// Sums `rows` (the selected builds' compiles) as `chosen` says which of them ran last.
BuildSummary summarize(const std::vector<CompileRecord>& rows, const ChosenBuild& chosen);

/// The rows of the builds that ran last (`rows` filtered by chosen.ran_last()): what a timeline draws.
std::vector<CompileRecord> latest_run_rows(std::vector<CompileRecord> rows, const ChosenBuild& chosen);

/// What compile time means, for the output of every command that prints it.
inline constexpr const char* kCompileTimeMeaning =
    "summed over units; a reused object counts with the compile that made it";

}  // namespace nixcc
