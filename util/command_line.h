#pragma once
// How nixcc and nixcc-plan parse their command lines and end on an error, so that both behave as
// users of GNU tools expect: `--help` and `--version` print and exit 0, a usage error is one line
// "PROGRAM: what is wrong (see 'PROGRAM --help')" and exit 2, and any other failure is one line and exit 1.

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace nixcc {

inline constexpr int kUsageExit = 2;

/// Parses `args` (the program's arguments, without argv[0]) with `app` and runs the chosen callbacks.
/// Returns the process's exit status: 0, kUsageExit, 1 for an exception, or the status a callback
/// asked for with CLI::RuntimeError.
int run_command_line(CLI::App& app, const std::string& program, const std::vector<std::string>& args);

}  // namespace nixcc
