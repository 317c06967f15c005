#pragma once
#include <CLI/CLI.hpp>

namespace nixcc {

/// Adds `nixcc diff OLD NEW`: changed inputs (and the header that made the difference), slower and
/// faster units, units that appeared or vanished, totals before and after.
void add_diff_command(CLI::App& app);

}  // namespace nixcc
