#pragma once
#include <CLI/CLI.hpp>

namespace nixcc {

/// Adds `nixcc merge OUT IN...`: combine timing databases (the planner's merge derivation runs this).
void add_merge_command(CLI::App& app);

}  // namespace nixcc
