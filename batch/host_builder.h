#pragma once
// `nixcc host-builder SHELL SCRIPT ARGS...`: the builder of every host-mode derivation. Nix's sandbox
// holds only what nix.conf's `extra-sandbox-paths` lists, so before a host tool runs this checks that
// every host path the plan declared (NIXCC_HOST_PATHS, a JSON list) is there, and stops with one line
// naming what is missing. nixcc itself is a static store path: it runs in any sandbox.

#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace nixcc {

inline constexpr const char* kHostPathsVariable = "NIXCC_HOST_PATHS";

/// The paths of a NIXCC_HOST_PATHS value. Throws std::runtime_error naming the variable when it is not
/// a JSON list of absolute paths.
std::vector<std::string> parse_host_paths(std::string_view json_text);

/// Those of `declared` that do not exist here (a symlink counts as existing, whatever it names).
std::vector<std::string> missing_host_paths(const std::vector<std::string>& declared);

/// The one line a build stops with when `missing` is not empty.
std::string missing_host_paths_message(const std::vector<std::string>& missing);

void add_host_builder_command(CLI::App& app);

}  // namespace nixcc
