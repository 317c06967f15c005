#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "planner/nix_expression.h"

namespace nixcc::plan {

struct PlanOptions {
  std::filesystem::path build_dir;          // a CMake build directory (File API)
  bool configure = true;                    // run cmake there when its File API reply is missing or stale
  std::filesystem::path compile_commands;   // or a compile_commands.json
  std::filesystem::path source_dir;         // with compile_commands: the project's root (default: inferred)
  std::filesystem::path out;                // the plan directory
  std::optional<int> batches;
  std::optional<double> batch_seconds;
  std::optional<int> batch_size;            // TUs per batch (CMAKE_NIX_BATCH_SIZE)
  bool per_file = false;
  bool rebalance = false;
  std::vector<std::filesystem::path> timings;
  std::optional<std::filesystem::path> previous;
  Toolchain toolchain = Toolchain::Host;
  bool metrics = false;
  std::string nixcc;         // host mode: the nixcc binary
  std::string nixcc_source;  // nixpkgs mode: nixcc's source tree
  int jobs = 1;              // dependency scans at once
};

inline constexpr double kDefaultBatchSeconds = 15.0;

/// Plans the project into `out`. Prints a summary (and metrics when asked). Throws on errors.
void run_plan(PlanOptions options);

}  // namespace nixcc::plan
