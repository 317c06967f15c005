#pragma once
#include <CLI/CLI.hpp>

namespace nixcc {

/// Adds `nixcc stats`: totals and the slowest translation units of one build, or of all.
void add_stats_command(CLI::App& app);

/// Adds `nixcc zero` (ccache's -z): forget every recorded compile, keep the database.
void add_zero_command(CLI::App& app);

}  // namespace nixcc
