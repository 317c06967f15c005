#pragma once
// Writes a plan's default.nix: batches, link targets, the merged timings and the default result.

#include <map>
#include <string>
#include <vector>

#include "planner/project.h"
#include "planner/unit_inputs.h"

namespace nixcc::plan {

enum class Toolchain { Host, Nixpkgs };

struct EmittedBatch {
  std::string name;
  std::string manifest_file;              // relative to the plan directory
  std::vector<std::string> source_files;  // relative to the source directory, folders included
  std::vector<std::string> build_files;   // relative to the build directory, folders included
  std::string previous;                   // a store path (a copy of an earlier output), or ""
  std::string fingerprint;
  std::vector<std::string> store_inputs;  // nixpkgs mode: the store paths its units use
};

struct NixPlan {
  const Project* project = nullptr;
  Toolchain toolchain = Toolchain::Host;
  std::string nixcc;         // host mode: the nixcc store path
  std::string nixcc_source;  // nixpkgs mode: the nixcc source tree nix/nixcc.nix builds
  std::string host_path;     // host mode: PATH inside builders
  std::vector<std::string> host_paths;  // host mode: the host paths derivations use
  std::string toolchain_identity;       // host mode: changes when any host tool does
  std::vector<EmittedBatch> batches;
  std::vector<std::string> latest_batches;  // those the latest plan changed (see PlanState)
  std::map<std::string, std::string> batch_of_unit;           // unit key -> batch name
  std::map<std::string, const PlannedUnit*> units;            // by key
  // Nixpkgs mode: the store paths each target's link or archive step uses, by target name.
  std::map<std::string, std::vector<std::string>> target_store_inputs;
};

/// The text of default.nix, built as a nix::Value tree (planner/nix_writer.h writes all of it).
std::string render_default_nix(const NixPlan& plan);

/// The compiler a manifest names for a unit under `toolchain`: in nixpkgs mode the unit's own when it
/// lies in the store (CMake chose the flags for it, and the batch declares it as an input), else
/// stdenv's `cc` or `c++` on the builders' PATH.
std::string manifest_compiler(const PlannedUnit& unit, Toolchain toolchain);

}  // namespace nixcc::plan
