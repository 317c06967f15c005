#include "launcher/build_id.h"

#include <unistd.h>

#include <array>
#include <cstdlib>
#include <optional>
#include <string_view>

#include <fmt/format.h>

#include "util/process_info.h"

namespace nixcc {
namespace {

bool is_build_tool(std::string_view name) {
  // Not ctest or nix-build: they run many independent builds, each of which should get its own id.
  constexpr std::array<std::string_view, 5> kTools = {"make", "gmake", "ninja", "samu", "cmake"};
  for (auto tool : kTools) {
    if (name == tool) return true;
  }
  return false;
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
