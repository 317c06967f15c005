#pragma once
#include <filesystem>
#include <optional>
#include <string>

namespace nixcc {

struct BatchOptions {
  std::filesystem::path manifest;
  std::filesystem::path out;
  std::optional<std::filesystem::path> previous;
  std::optional<std::filesystem::path> source_root;  // overrides the manifest's
  int jobs = 1;
  bool keep_going = false;
  std::string build_id;
  std::string invocation;  // the process that started the batch (nix-build); see BuildRecord
};

/// Compiles every unit of the manifest into `out` on a pool of `jobs` compilers, reusing objects from
/// `previous` whose input hash is unchanged. Returns the exit status: 0 when every unit succeeded.
int run_batch(const BatchOptions& options);

}  // namespace nixcc
