#pragma once
// Other processes as /proc shows them: what the launcher's build id and a batch's invocation are made of.

#include <optional>
#include <string>

namespace nixcc {

struct ProcessInfo {
  std::string name;
  long parent = 0;
  std::string start_time;  // clock ticks since boot
};

/// The process `pid`, or nullopt when /proc does not show it (gone, or outside this PID namespace).
std::optional<ProcessInfo> read_process(long pid);

/// The first 8 characters of this boot's id: with a pid and its start time, names a process uniquely.
std::string boot_id();

/// "<boot>-<pid>-<start time>" of `pid`, which never repeats; "" when /proc does not show it.
std::string process_identity(long pid);

}  // namespace nixcc
