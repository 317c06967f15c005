#include "util/process_info.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace nixcc {

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

std::string boot_id() {
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string id;
  std::getline(in, id);
  return id.substr(0, 8);
}

std::string process_identity(long pid) {
  if (pid <= 0) return "";
  const auto info = read_process(pid);
  if (!info) return "";
  return fmt::format("{}-{}-{}", boot_id(), pid, info->start_time);
}

}  // namespace nixcc
