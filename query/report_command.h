#pragma once
#include <CLI/CLI.hpp>

namespace nixcc {

/// Adds `nixcc report -o report.html`: a self-contained HTML page about a build.
void add_report_command(CLI::App& app);

}  // namespace nixcc
