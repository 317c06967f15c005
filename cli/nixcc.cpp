// nixcc: `nixcc <compiler> args...` times a compile; `nixcc <command>` queries timing databases.

#include <array>
#include <filesystem>
#include <optional>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "batch/batch_command.h"
#include "batch/host_builder.h"
#include "query/diff_command.h"
#include "core/compiler_args.h"
#include "launcher/launcher.h"
#include "query/merge_command.h"
#include "query/report_command.h"
#include "query/stats_command.h"
#include "query/trace_command.h"
#include "util/command_line.h"
#include "util/text.h"

namespace {

struct Command {
  std::string_view name;
  void (*add)(CLI::App&);
};

// Adding a command is one line here and one add_*_command function in its own file.
constexpr std::array kCommands = std::to_array<Command>({
    {"batch", nixcc::add_batch_command},
    {"diff", nixcc::add_diff_command},
    {"host-builder", nixcc::add_host_builder_command},
    {"merge", nixcc::add_merge_command},
    {"report", nixcc::add_report_command},
    {"stats", nixcc::add_stats_command},
    {"trace", nixcc::add_trace_command},
    {"zero", nixcc::add_zero_command},
});

// ccache's spellings, for hands that know them.
std::string_view alias(std::string_view arg) {
  if (arg == "-s" || arg == "--show-stats") return "stats";
  if (arg == "-z" || arg == "--zero-stats") return "zero";
  return arg;
}

bool is_command(std::string_view arg) {
  for (const auto& c : kCommands) {
    if (c.name == arg) return true;
  }
  return false;
}

// `nixcc stat` must not run /usr/bin/stat as a compiler: a bare name one or two edits away from a
// command (none of cc, gcc, g++, clang, c++, tcc, icx, zig is), with arguments that compile nothing,
// is a typo. A compiler that happens to be named so is still reached by its path.
std::optional<std::string_view> command_meant_by(const std::vector<std::string>& args) {
  const std::string& name = args[1];
  if (name.find('/') != std::string::npos) return std::nullopt;
  const std::vector<std::string> compiler_args(args.begin() + 2, args.end());
  std::error_code ec;
  if (nixcc::classify_compiler_args(compiler_args, std::filesystem::current_path(ec)).kind == nixcc::InvocationKind::Compile) {
    return std::nullopt;
  }
  for (const auto& c : kCommands) {
    if (nixcc::looks_like_typo_of(name, c.name)) return c.name;
  }
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  if (args.size() >= 2 && !args[1].empty() && args[1][0] != '-' && !is_command(args[1])) {
    if (const auto meant = command_meant_by(args)) {
      std::fputs(fmt::format("nixcc: '{}' is not a nixcc command; did you mean '{}'? (to run a compiler named {}, give "
                             "its path)\n",
                             args[1], *meant, args[1])
                     .c_str(),
                 stderr);
      return nixcc::kUsageExit;
    }
    nixcc::run_launcher(args);
  }
  if (args.size() >= 2) args[1] = std::string(alias(args[1]));

  CLI::App app{"Time, hash and record every compile; query the timing database.\n"
               "Launcher: nixcc <compiler> [args...]"};
  app.set_version_flag("--version", "nixcc " NIXCC_VERSION);
  app.require_subcommand(1);
  for (const auto& c : kCommands) c.add(app);
  return nixcc::run_command_line(app, "nixcc", std::vector<std::string>(args.begin() + 1, args.end()));
}
