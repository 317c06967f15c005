#pragma once
// Nixpkgs mode: the store paths a compile or link names, and the host paths it must not name.
//
// A derivation's sandbox holds only the store paths it declares. Users configure inside nix-shell or
// nix develop, so CMake's flags name /nix/store paths: -I<zlib-dev>/include, <zlib>/lib/libz.so, the
// compiler itself. Each must become an input of the batch or link derivation that uses it, or the
// compile fails remotely, or silently reads whatever the local machine has. A host path outside the
// store (-I/usr/include/foo, /usr/lib/libz.so, /usr/bin/c++) cannot be an input at all: nixcc-plan
// refuses the plan with one line naming it, rather than letting it leak into a "portable" derivation.

#include <filesystem>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "planner/project.h"
#include "planner/unit_inputs.h"

namespace nixcc::plan {

inline constexpr std::string_view kStoreDir = "/nix/store/";

/// The top-level store path `path` lies in ("/nix/store/<hash>-zlib-dev" for
/// "/nix/store/<hash>-zlib-dev/include/zlib.h"), or "" when it does not start with a store path.
std::string store_path_of(std::string_view path);

/// Adds every top-level store path named anywhere in `text`: "-I/nix/store/<hash>-x/include",
/// "-Wl,-rpath,/nix/store/<hash>-y/lib:/nix/store/<hash>-z/lib", "-DDATA=\"/nix/store/<hash>-d/share\"".
void add_store_paths(std::string_view text, std::set<std::string>& into);

/// An absolute path that arguments name for the compiler or linker to read, and the argument naming it.
struct NamedPath {
  std::string flag;  // as written: "-I/usr/include/foo", "-isystem /usr/include", "/usr/lib/libz.so"
  std::string path;
};

/// The absolute paths `args` name as inputs: the values of path options (-I, -isystem, -include, -L,
/// -B, --sysroot=, -fplugin=, -specs= ...), arguments that are themselves absolute paths (a library in
/// a link), and absolute entries of -Wl, lists and -Xlinker values. Outputs (-o, -MF) are not inputs,
/// and a macro's value (-D) is the program's business, not a file the compiler reads.
std::vector<NamedPath> named_paths(std::span<const std::string> args);

/// Whether `path` is absolute, outside the store and outside every folder of `project_dirs`.
bool is_host_path(std::string_view path, const std::vector<std::filesystem::path>& project_dirs);

/// The project's own folders, as written and as real paths: the plan maps them, so they are no leak.
std::vector<std::filesystem::path> project_dirs_of(const Project& project);

/// The store paths a unit uses: its compiler, those its arguments name, and those of the headers it
/// reads (its `headers`, so resolve_inputs must have run). Throws std::runtime_error, one line naming the
/// unit and the flag, compiler or header, when it names a host path (see the header comment).
std::vector<std::string> unit_store_paths(const PlannedUnit& unit, const std::vector<std::filesystem::path>& project_dirs);

/// The unit checks that need no scan: the compiler and the arguments. Throws as unit_store_paths.
void check_unit_arguments(const PlannedUnit& unit, const std::vector<std::filesystem::path>& project_dirs);

/// The store paths a target's link or archive step uses: its link compiler and link fragments (less
/// the build-tree rpaths the plan replaces), or the archiver and ranlib of a static library. Throws
/// std::runtime_error naming the target and the fragment or tool when one is a host path.
std::vector<std::string> target_store_paths(const Target& target, const Project& project,
                                            const std::vector<std::filesystem::path>& project_dirs);

}  // namespace nixcc::plan
