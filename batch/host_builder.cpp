#include "batch/host_builder.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "util/child_process.h"

namespace nixcc {

namespace fs = std::filesystem;

std::vector<std::string> parse_host_paths(std::string_view json_text) {
  const auto doc = nlohmann::json::parse(json_text, nullptr, false);
  if (!doc.is_array()) throw std::runtime_error(fmt::format("{}: not a JSON list of paths", kHostPathsVariable));
  std::vector<std::string> paths;
  for (std::size_t i = 0; i < doc.size(); ++i) {
    if (!doc[i].is_string() || !doc[i].get_ref<const std::string&>().starts_with('/')) {
      throw std::runtime_error(fmt::format("{}[{}]: not an absolute path", kHostPathsVariable, i));
    }
    paths.push_back(doc[i].get<std::string>());
  }
  return paths;
}

std::vector<std::string> missing_host_paths(const std::vector<std::string>& declared) {
  std::vector<std::string> missing;
  for (const auto& p : declared) {
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(p, ec))) missing.push_back(p);
  }
  return missing;
}

std::string missing_host_paths_message(const std::vector<std::string>& missing) {
  const std::string more = missing.size() > 1 ? fmt::format(" and {} more host paths", missing.size() - 1) : "";
  return fmt::format(
      "nixcc: the Nix sandbox lacks {}{} this plan's host tools need: add the extra-sandbox-paths line nixcc-plan "
      "printed (also in the plan's sandbox-paths.conf) to nix.conf, or build with --option sandbox false",
      missing.front(), more);
}

void add_host_builder_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("host-builder", "Builder of host-mode derivations: check the sandbox, then run SHELL SCRIPT ARGS...");
  cmd->prefix_command();
  cmd->callback([cmd] {
    const auto command = cmd->remaining();
    if (command.empty()) throw CLI::ValidationError("host-builder", "a program to run is required");
    const char* declared = std::getenv(kHostPathsVariable);
    const auto missing = missing_host_paths(parse_host_paths(declared ? declared : "[]"));
    if (!missing.empty()) {
      std::fputs((missing_host_paths_message(missing) + "\n").c_str(), stderr);
      throw CLI::RuntimeError(1);
    }
    exec_program(command.front(), std::vector<std::string>(command.begin() + 1, command.end()));
  });
}

}  // namespace nixcc
