#pragma once
// What each translation unit reads and what it is expected to cost: from earlier timing databases
// where their records still hash the same, else from one dependency scan whose result is kept.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/compiler_dirs.h"
#include "core/compiler_lookup.h"
#include "core/input_hash.h"
#include "planner/plan_frame.h"
#include "planner/project.h"
#include "schema/timing_db.h"

namespace nixcc::plan {

struct PlannedUnit {
  const Unit* unit = nullptr;
  std::string key;
  std::string source_name;  // "s/..." or "b/..."
  std::string object;       // in the batch output: key + ".o"
  std::string directory;    // relative to the frame root
  std::vector<std::string> arguments;  // frame form, with @SOURCE_ROOT@
  // CMake's unity sources #include every source by its absolute path: the batch points them at its tree.
  std::vector<std::pair<std::string, std::string>> absolute_includes;
  std::filesystem::path compiler;
  HashHex compiler_id;
  HashHex args_hash;
  // Filled by resolve_inputs:
  std::vector<HashedFile> headers;  // every file it reads besides the source: "s/", "b/" or absolute
  HashHex input_hash;
  double cost = 0;
  bool measured = false;  // cost from a timing database rather than the model
  // Filled by list_planned_inputs: what the batch lets the compile read (the manifest's "inputs"),
  // and the compiler's own include directories (the manifest's "system_dirs").
  std::vector<std::string> inputs;
  const CompilerDirs* compiler_dirs = nullptr;
  // Nixpkgs mode only (planner/store_references.h): the top-level store paths the compile uses (its
  // compiler, those its arguments name, those of its headers), which its batch declares as inputs.
  std::vector<std::string> store_paths;
};

struct InputStats {
  std::size_t from_history = 0;  // header lists taken from a timing database or an earlier scan
  std::size_t scanned = 0;
  std::size_t measured = 0;      // costs from timing databases
};

/// Prepares a unit in the frame: arguments rewritten, compiler resolved, argument hash computed.
PlannedUnit plan_unit(const Unit& unit, const Project& project, const PlanFrame& frame, CompilerLookup& compilers);

/// Fills headers and input_hash of every unit, scanning (up to `jobs` at once) only those no timing
/// database or earlier scan describes any more; scans are recorded in `scans_db`. Throws
/// std::runtime_error naming the source when a scan fails (e.g. a generated file is missing).
InputStats resolve_inputs(std::vector<PlannedUnit>& units, const PlanFrame& frame, TimingDb& scans_db,
                          const std::vector<TimingDb*>& history, int jobs);

/// Fills inputs of every unit: its headers, less the host files in its compiler's own include
/// directories (which the batch expects anyway and which would make manifests large).
void list_planned_inputs(std::vector<PlannedUnit>& units, const PlanFrame& frame, CompilerDirsCache& compiler_dirs);

/// Fills cost: the latest measured compile time of the same source in `history` (launcher or batch
/// databases alike), else the model 0.05 s + 4 ms per header read + 10 µs per source byte.
void estimate_costs(std::vector<PlannedUnit>& units, const Project& project, const PlanFrame& frame,
                    const std::vector<TimingDb*>& history, InputStats& stats);

}  // namespace nixcc::plan
