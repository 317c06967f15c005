#pragma once
#include <CLI/CLI.hpp>

namespace nixcc {

/// Adds `nixcc trace`: a Chrome Trace Event file (Perfetto, chrome://tracing) of the compiles.
void add_trace_command(CLI::App& app);

}  // namespace nixcc
