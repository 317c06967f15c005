#include "batch/batch_command.h"

#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <thread>

#include <fmt/format.h>

#include "batch/batch_runner.h"
#include "util/host.h"
#include "util/process_info.h"

namespace nixcc {
namespace {

int all_cores() { return std::max(1u, std::thread::hardware_concurrency()); }

// --jobs, else NIX_BUILD_CORES (0 meaning every core, as in Nix), else every core.
int resolve_jobs(std::optional<int> requested) {
  if (requested) return *requested == 0 ? all_cores() : *requested;
  if (const char* cores = std::getenv("NIX_BUILD_CORES"); cores && *cores) {
    char* end = nullptr;
    const long n = std::strtol(cores, &end, 10);
    if (*end != '\0' || n < 0) throw std::runtime_error(fmt::format("NIX_BUILD_CORES={}: not a number of cores", cores));
    return n == 0 ? all_cores() : static_cast<int>(n);
  }
  return all_cores();
}

struct BatchArgs {
  std::string manifest;
  std::string out;
  std::string previous;
  std::string source_root;
  std::optional<int> jobs;
  bool keep_going = false;
};

}  // namespace

void add_batch_command(CLI::App& app) {
  auto args = std::make_shared<BatchArgs>();
  auto* cmd = app.add_subcommand("batch", "Compile a manifest of translation units in parallel into DIR");
  cmd->add_option("MANIFEST", args->manifest, "Batch manifest (JSON; see README)")->required();
  cmd->add_option("--out", args->out, "Output directory: objects and timings.sqlite")->required();
  cmd->add_option("--jobs,-j", args->jobs, "Compilers at once (default: $NIX_BUILD_CORES, else all cores; 0 = all)")
      ->check(CLI::Range(0, 512).description("0 to 512"));
  cmd->add_option("--previous", args->previous, "An earlier output of this batch: unchanged units are copied from it");
  cmd->add_option("--source-root", args->source_root, "Use this source root instead of the manifest's");
  cmd->add_flag("--keep-going,-k", args->keep_going, "Compile every unit even after one fails");
  cmd->callback([args] {
    BatchOptions options;
    options.manifest = args->manifest;
    options.out = args->out;
    if (!args->previous.empty()) options.previous = args->previous;
    if (!args->source_root.empty()) options.source_root = args->source_root;
    options.jobs = resolve_jobs(args->jobs);
    options.keep_going = args->keep_going;
    const char* id = std::getenv("NIXCC_BUILD_ID");
    options.build_id = id && *id ? id : fmt::format("batch-{}-{:.6f}", std::filesystem::path(args->manifest).stem().string(), unix_now());
    // Batches of one nix-build share their parent (nix-build, or the daemon's worker for one client),
    // which is how queries tell this build's batches from earlier ones. A sandbox hides it: "".
    options.invocation = process_identity(::getppid());
    const int status = run_batch(options);
    if (status != 0) throw CLI::RuntimeError(status);
  });
}

}  // namespace nixcc
