// nixcc-plan: a configured project becomes a few coarse Nix derivations.

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <thread>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "util/child_process.h"
#include "util/cli_checks.h"
#include "util/command_line.h"
#include "planner/file_api_reader.h"
#include "planner/planner.h"

namespace {

namespace fs = std::filesystem;

// The nixcc binary that batch derivations run in host mode: beside nixcc-plan, else on PATH.
std::string find_nixcc() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (const fs::path sibling = self.parent_path() / "nixcc"; !ec && ::access(sibling.c_str(), X_OK) == 0) {
    return sibling.string();
  }
  if (const auto found = nixcc::find_executable("nixcc")) return fs::absolute(*found).string();
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  using nixcc::plan::Toolchain;
  nixcc::plan::PlanOptions options;
  std::string toolchain = "host";
  std::string build_dir;
  std::vector<std::string> timings;
  std::string previous;
  int batches = 0;
  double batch_seconds = 0;

  CLI::App app{"nixcc-plan: turn a configured CMake project into a few coarse Nix derivations"};
  app.set_version_flag("--version", "nixcc-plan " NIXCC_VERSION);
  auto* input = app.add_option_group("input", "What to plan");
  input->add_option("BUILD_DIR", build_dir, "A configured CMake build directory (read through the File API)");
  input->add_option("--compile-commands", options.compile_commands, "Plan a compile_commands.json instead (objects only)");
  input->require_option(1);
  app.add_option("--source-dir", options.source_dir, "With --compile-commands: the project's root (default: inferred)");
  app.add_option("--out,-o", options.out, "Plan directory to write (default.nix, batches/, state)")->required();
  bool no_configure = false;
  app.add_flag("--no-configure", no_configure,
               "Never run cmake: fail when BUILD_DIR's File API reply is missing or older than CMake's inputs");
  auto* batches_opt = app.add_option("--batches", batches, "Number of batches")->check(nixcc::at_least(1));
  auto* seconds_opt = app.add_option("--batch-seconds", batch_seconds,
                                     fmt::format("Target compile seconds per batch (default {})", nixcc::plan::kDefaultBatchSeconds))
                          ->check(nixcc::greater_than(0));
  auto* per_file_opt = app.add_flag("--per-file", options.per_file, "One batch per translation unit (for comparison)");
  batches_opt->excludes(seconds_opt)->excludes(per_file_opt);
  seconds_opt->excludes(per_file_opt);
  app.add_flag("--rebalance", options.rebalance, "Partition afresh instead of carrying the previous plan forward");
  app.add_option("--timings", timings, "Earlier timing databases (launcher or batch outputs); repeatable")->check(CLI::ExistingFile);
  app.add_option("--previous", previous, "An earlier build's result (nix-build's result link): changed batches reuse its objects");
  app.add_option("--toolchain", toolchain, "host (builtins.derivation, host compilers) or nixpkgs")
      ->check(CLI::IsMember({"host", "nixpkgs"}))
      ->capture_default_str();
  app.add_flag("--metrics", options.metrics, "Print the planner's own figures and write metrics.json");
  app.add_option("--nixcc", options.nixcc, "The nixcc binary batch derivations run (host mode; default: beside nixcc-plan)");
  app.add_option("--jobs,-j", options.jobs, "Dependency scans at once (default: all cores)")->check(nixcc::at_least(1));
  options.jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));

  app.callback([&] {
    options.build_dir = build_dir;
    options.configure = !no_configure;
    if (batches > 0) options.batches = batches;
    if (batch_seconds > 0) options.batch_seconds = batch_seconds;
    for (const auto& t : timings) options.timings.emplace_back(t);
    if (!previous.empty()) {
      if (!fs::is_directory(previous)) throw std::runtime_error(fmt::format("--previous {}: no such result directory", previous));
      options.previous = previous;
    }
    options.toolchain = toolchain == "nixpkgs" ? Toolchain::Nixpkgs : Toolchain::Host;
    if (options.nixcc.empty()) options.nixcc = find_nixcc();
    if (options.toolchain == Toolchain::Host && options.nixcc.empty()) {
      throw std::runtime_error("cannot find the nixcc binary; pass --nixcc PATH");
    }
    // Nixpkgs mode builds its own nixcc: none need be found here.
    if (!options.nixcc.empty()) options.nixcc = fs::absolute(options.nixcc).string();
    options.nixcc_source = NIXCC_SOURCE_DIR;
    try {
      nixcc::plan::run_plan(options);
    } catch (const nixcc::plan::FileApiMissing& e) {
      std::fputs(fmt::format("nixcc-plan: {}\n", e.what()).c_str(), stderr);
      throw CLI::RuntimeError(nixcc::kUsageExit);  // the build directory is not ready: as a usage error
    }
  });
  return nixcc::run_command_line(app, "nixcc-plan", std::vector<std::string>(argv + 1, argv + argc));
}
