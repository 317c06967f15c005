#pragma once
#include <CLI/CLI.hpp>

namespace nixcc {

/// Adds `nixcc batch MANIFEST --out DIR`: compile a manifest of translation units in parallel.
void add_batch_command(CLI::App& app);

}  // namespace nixcc
