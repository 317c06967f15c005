#pragma once
// What the planner emitted last time, kept beside the plan: batch membership, and for each batch the
// fingerprint of its inputs, the hash of its manifest file and the previous output it was given. A
// batch whose fingerprint is unchanged keeps its manifest file and previous output, so Nix sees the
// same derivation.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "planner/partition.h"

namespace nixcc::plan {

struct BatchState {
  std::vector<std::string> units;
  std::string fingerprint;
  std::string manifest_hash;  // of the manifest file as emitted (batches/<name>.json)
  std::string previous;  // the store path handed to the batch (a copy of an earlier output), or ""
};

// An answer that is slow to get, kept with what it depends on (`key`).
struct CachedAnswer {
  std::string key;
  std::vector<std::string> values;
};

struct PlanState {
  std::string mode;  // "batches" or "per-file"
  int batch_count = 0;
  std::map<std::string, BatchState> batches;
  // The batches whose derivations the latest plan that changed any made new: what the next nix-build
  // runs, and what a result's database shows as its latest build.
  std::vector<std::string> latest_batches;
  CachedAnswer nixcc_in_store;  // key: the binary's file identity; values: its store path
  CachedAnswer host_tools;      // key: host_tools_identity; values: their sandbox entries
  CachedAnswer host_programs;   // key: host_tools_identity; values: every program they run

  Partition partition() const;
};

inline constexpr const char* kStateFile = "nixcc-plan-state.json";

/// nullopt when `plan_dir` has no state yet. Throws std::runtime_error naming the file when it is unreadable.
std::optional<PlanState> read_plan_state(const std::filesystem::path& plan_dir);
/// Writes atomically (temporary file, then rename).
void write_plan_state(const std::filesystem::path& plan_dir, const PlanState& state);

}  // namespace nixcc::plan
