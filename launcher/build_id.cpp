#include "launcher/build_id.h"

#include <unistd.h>

#include <array>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string_view>

#include <fmt/format.h>

namespace nixcc {
namespace {

struct ProcessInfo {
  std::string name;
  long parent = 0;
  std::string start_time;  // clock ticks since boot
};

std::optional<ProcessInfo> read_process(long pid) {
  std::ifstream in(fmt::format("/proc/{}/stat", pid));
  std::string stat;
  if (!std::getline(in, stat)) return std::nullopt;
  // The name sits in parentheses and may itself contain spaces or ')': the last ')' ends it.
  const auto open = stat.find('(');
  const auto close = stat.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) return std::nullopt;
  ProcessInfo info;
  info.name = stat.substr(open + 1, close - open - 1);
  std::istringstream fields(stat.substr(close + 2));
  std::string field;
  // Fields after the name start at 3 (state); ppid is 4, starttime is 22.
  for (int index = 3; fields >> field; ++index) {
    if (index == 4) info.parent = std::atol(field.c_str());
    if (index == 22) {
      info.start_time = field;
      return info;
    }
  }
  return std::nullopt;
}

bool is_build_tool(std::string_view name) {
  // Not ctest or nix-build: they run many independent builds, each of which should get its own id.
  constexpr std::array<std::string_view, 5> kTools = {"make", "gmake", "ninja", "samu", "cmake"};
  for (auto tool : kTools) {
    if (name == tool) return true;
  }
  return false;
}

std::string boot_id() {
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string id;
  std::getline(in, id);
  return id.substr(0, 8);
}

}  // namespace

std::string current_build_id() {
  if (const char* id = std::getenv("NIXCC_BUILD_ID"); id && *id) return id;
  const long parent = ::getppid();
  std::optional<std::pair<long, std::string>> outermost;
  std::optional<std::pair<long, std::string>> fallback;
  for (long pid = parent; pid > 1;) {
    const auto info = read_process(pid);
    if (!info) break;
    if (!fallback) fallback = std::pair{pid, info->start_time};
    if (is_build_tool(info->name)) outermost = std::pair{pid, info->start_time};
    pid = info->parent;
  }
  const auto chosen = outermost ? outermost : fallback;
  if (!chosen) return fmt::format("auto-{}-{}", boot_id(), parent);
  return fmt::format("auto-{}-{}-{}", boot_id(), chosen->first, chosen->second);
}

}  // namespace nixcc
