// nixcc: `nixcc <compiler> args...` times a compile; `nixcc <command>` queries timing databases.

#include <array>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "batch/batch_command.h"
#include "query/diff_command.h"
#include "launcher/launcher.h"
#include "query/merge_command.h"
#include "query/report_command.h"
#include "query/stats_command.h"
#include "query/trace_command.h"

namespace {

struct Command {
  std::string_view name;
  void (*add)(CLI::App&);
};

// Adding a command is one line here and one add_*_command function in its own file.
constexpr std::array kCommands = std::to_array<Command>({
    {"batch", nixcc::add_batch_command},
    {"diff", nixcc::add_diff_command},
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

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  if (args.size() >= 2 && !args[1].empty() && args[1][0] != '-' && !is_command(args[1])) {
    nixcc::run_launcher(args);
  }
  if (args.size() >= 2) args[1] = std::string(alias(args[1]));

  CLI::App app{"nixcc: time, hash and record every compile; query the timing database.\n"
               "Launcher: nixcc <compiler> [args...]"};
  app.set_version_flag("--version", "nixcc " NIXCC_VERSION);
  app.require_subcommand(1);
  for (const auto& c : kCommands) c.add(app);
  try {
    std::vector<std::string> rest(args.rbegin(), args.rend() - 1);  // CLI11 takes them reversed
    app.parse(rest);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::fputs(fmt::format("nixcc: {}\n", e.what()).c_str(), stderr);
    return 1;
  }
  return 0;
}
