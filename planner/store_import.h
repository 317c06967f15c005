#pragma once
// What a plan hands its derivations from outside the project: the nixcc binary they run and the
// earlier batch outputs they reuse, copied into the Nix store so that they are declared inputs (inside
// the sandbox, and copied to remote builders with everything else). A copy has no references: an
// earlier output, whose derivation named the output before it, would otherwise keep every earlier
// build alive.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace nixcc::plan {

struct StoreImport {
  std::filesystem::path path;  // a file or folder
  std::string name;            // the store path's name (made valid by nix::store_name)
};

/// The Nix expression whose value is the store path of each import, in order.
std::string store_import_expression(const std::vector<StoreImport>& imports);

/// Copies each into the Nix store (through nix-instantiate, so through the daemon when there is one)
/// and returns the store paths in order. Throws std::runtime_error naming the first path when Nix
/// cannot be run or refuses.
std::vector<std::string> import_into_store(const std::vector<StoreImport>& imports);

/// The nixcc binary as the store path "nixcc": a copy without debug sections when `strip` is there
/// (a tenth of the size that every builder then receives), else as it is.
std::string import_nixcc(const std::filesystem::path& binary);

/// Makes the plan folder's `roots` folder hold exactly `wanted` (link name -> store path) as Nix
/// garbage-collector roots, so that what a plan names stays in the store until the plan names
/// something else. Only missing or changed links cost a call to Nix.
void keep_in_store(const std::filesystem::path& roots, const std::map<std::string, std::string>& wanted);

/// What identifies a file's content cheaply: its path, size and modification time.
std::string file_identity(const std::filesystem::path& file);

}  // namespace nixcc::plan
