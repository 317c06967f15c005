#include "planner/cmake_configure.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <optional>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "planner/file_api_query.h"
#include "util/child_process.h"
#include "util/file_io.h"
#include "util/scratch_dir.h"
#include "util/shell_quote.h"

namespace nixcc::plan {
namespace {

namespace fs = std::filesystem;

// Refuses anything but an existing CMake build directory, before anything is written into it.
void check_build_dir(const fs::path& build_dir) {
  std::error_code ec;
  if (!fs::is_directory(build_dir, ec)) {
    throw std::runtime_error(
        fmt::format("{}: no such build directory (configure the project with cmake first)", build_dir.string()));
  }
  if (fs::exists(build_dir / "CMakeCache.txt", ec)) return;
  const fs::path commands = build_dir / "compile_commands.json";
  if (fs::exists(commands, ec)) {
    throw std::runtime_error(fmt::format(
        "{}: not a CMake build directory (no CMakeCache.txt); to plan its compile_commands.json: nixcc-plan "
        "--compile-commands {} -o PLAN_DIR",
        build_dir.string(), shell_quote(commands.string())));
  }
  throw std::runtime_error(fmt::format(
      "{}: not a CMake build directory (no CMakeCache.txt) and no compile_commands.json in it", build_dir.string()));
}

// Why the reply cannot be used as it is, or nullopt when it can.
std::optional<std::string> why_not_current(const fs::path& build_dir) {
  const auto reply = find_file_api_reply(build_dir);
  if (!reply) return "no CMake File API reply to nixcc-plan's query";
  if (const auto changed = input_newer_than(*reply, build_dir)) {
    return fmt::format("the File API reply is older than {}", changed->string());
  }
  return std::nullopt;
}

// The cmake that configured `build_dir` (CMAKE_COMMAND in its cache), else the first on PATH.
fs::path cmake_of(const fs::path& build_dir) {
  const fs::path cache = build_dir / "CMakeCache.txt";
  std::istringstream lines(read_file_or_throw(cache));
  constexpr std::string_view kEntry = "CMAKE_COMMAND:INTERNAL=";
  std::string recorded;
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with(kEntry)) recorded = line.substr(kEntry.size());
  }
  if (!recorded.empty() && ::access(recorded.c_str(), X_OK) == 0) return recorded;
  if (const auto found = find_executable("cmake")) return *found;
  throw std::runtime_error(fmt::format("{}: cannot run cmake to write the File API reply: {}, and no cmake on PATH",
                                       cache.string(),
                                       recorded.empty() ? "no CMAKE_COMMAND entry" : recorded + " is not there"));
}

void run_cmake(const fs::path& build_dir, const std::string& why) {
  const fs::path cmake = cmake_of(build_dir);
  const std::string command = fmt::format("{} {}", shell_quote(cmake.string()), shell_quote(build_dir.string()));
  const ScratchDir scratch("nixcc-plan-cmake-");
  const fs::path log = scratch.path() / "cmake.log";
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = spawn_child(cmake, {build_dir.string()}, build_dir, {log, {}});
  const auto done = wait_child(pid);
  if (!done) throw std::runtime_error(fmt::format("{}: lost track of the cmake it started", build_dir.string()));
  if (done->second.exit_status != 0) {
    std::fputs(read_file(log).value_or("").c_str(), stderr);
    throw std::runtime_error(fmt::format("{}: {}; `{}` failed with exit status {} (its output is above)",
                                         build_dir.string(), why, command, done->second.exit_status));
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fputs(fmt::format("nixcc-plan: {}: {}; ran {} ({:.1f} s)\n", build_dir.string(), why, command, seconds).c_str(),
             stdout);
}

}  // namespace

void prepare_file_api_reply(const fs::path& build_dir_in, bool may_configure) {
  const fs::path build_dir = fs::absolute(build_dir_in).lexically_normal();
  check_build_dir(build_dir);
  const auto why = why_not_current(build_dir);
  if (!why) return;
  write_file_api_query(build_dir);
  if (!may_configure) {
    throw FileApiMissing(fmt::format("{}: {}; query written, now re-run: cmake {}", build_dir.string(), *why,
                                     shell_quote(build_dir.string())));
  }
  run_cmake(build_dir, *why);
  if (!find_file_api_reply(build_dir)) {
    throw std::runtime_error(fmt::format(
        "{}: cmake ran but wrote no reply to nixcc-plan's File API query (CMake 3.14 or newer writes one)",
        build_dir.string()));
  }
}

}  // namespace nixcc::plan
