#pragma once
// Starting compilers with Boost.Process and reaping them with wait4, which Boost.Process lacks:
// wait4 hands back the child's CPU time and peak RSS, its own waited-for children (cc1plus, as) included.

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace nixcc {

struct ChildUsage {
  int exit_status = 0;  // exit code, or 128 + signal number
  int term_signal = 0;  // the signal that ended the child, 0 if it exited
  double user_s = 0;
  double sys_s = 0;
  long max_rss_kb = 0;
};

/// The executable `name` resolves to: itself when it contains '/', else the first match on PATH.
std::optional<std::filesystem::path> find_executable(const std::string& name);

/// Where the child's output goes. Both empty: nixcc's own streams. Only `out` given: both streams
/// into that one file, interleaved as the child wrote them.
struct ChildStdio {
  std::filesystem::path out;
  std::filesystem::path err;
};

/// Starts `exe args...` in `cwd` (empty: nixcc's own). Returns the pid; throws std::runtime_error naming
/// the executable when it cannot start. Signals blocked in nixcc are unblocked in the child, and the
/// child gets SIGTERM if nixcc dies first (so even a SIGKILLed nixcc leaves no compiler behind).
/// `argv0`, when given, is the child's argv[0] (else the executable's path). With `own_group` the
/// child leads a new process group, so that signalling -pid reaches the driver and its cc1plus alike.
pid_t spawn_child(const std::filesystem::path& exe, const std::vector<std::string>& args,
                  const std::filesystem::path& cwd = {}, const ChildStdio& stdio = {},
                  const std::string& argv0 = {}, bool own_group = false);

/// Waits for `pid` (or any child when -1), retrying on EINTR unless `interrupted` says to stop.
/// Returns the reaped pid and its usage, or nullopt when interrupted or when there is no child.
std::optional<std::pair<pid_t, ChildUsage>> wait_child(pid_t pid, bool (*interrupted)() = nullptr);

/// What a short-lived child printed, and how it ended.
struct CapturedRun {
  int exit_status = -1;  // -1 when it could not be waited for
  std::string out;
  std::string err;
};

/// Runs `exe args...` to its end with stdout and stderr captured (through a scratch folder, so
/// output of any size never blocks it). Throws std::runtime_error when it cannot start.
CapturedRun run_captured(const std::filesystem::path& exe, const std::vector<std::string>& args);

/// Replaces nixcc with `exe args...` (argv[0] is `exe`). Throws std::runtime_error naming `exe` when
/// it cannot run.
[[noreturn]] void exec_program(const std::filesystem::path& exe, const std::vector<std::string>& args);

/// Makes nixcc end the way the child did: the same exit code, or death by the same signal.
[[noreturn]] void exit_like(const ChildUsage& usage);

}  // namespace nixcc
