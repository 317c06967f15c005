#pragma once
// A fixed number of worker slots, each running at most one child process. One thread starts children
// and reaps them with wait_any(); nothing is ever oversubscribed.

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>

#include "util/child_process.h"

namespace nixcc {

class ProcessPool {
 public:
  static constexpr int kMaxSlots = 512;

  struct Finished {
    std::size_t tag;  // what the caller passed to start()
    int slot;
    ChildUsage usage;
    double wall_s;
    std::chrono::steady_clock::time_point started;
  };

  explicit ProcessPool(int slots);
  ~ProcessPool();  // SIGTERMs and reaps whatever still runs
  ProcessPool(const ProcessPool&) = delete;
  ProcessPool& operator=(const ProcessPool&) = delete;

  int slots() const { return slots_; }
  std::size_t running() const { return running_.size(); }
  bool has_free_slot() const { return static_cast<int>(running_.size()) < slots_; }

  /// Starts a child on the lowest free slot and returns that slot. Throws when none is free or the
  /// child cannot start.
  int start(std::size_t tag, const std::filesystem::path& exe, const std::vector<std::string>& args,
            const std::filesystem::path& cwd, const ChildStdio& stdio);

  /// Waits for any child to end. nullopt when `interrupted` says so after a signal, or nothing runs.
  std::optional<Finished> wait_any(bool (*interrupted)() = nullptr);

  /// Sends `sig` to every running child's process group. Async-signal-safe: may be called from a signal handler.
  static void signal_all_children(int sig);

 private:
  struct Running {
    std::size_t tag;
    int slot;
    std::chrono::steady_clock::time_point started;
  };
  int slots_;
  std::vector<bool> busy_;
  std::map<pid_t, Running> running_;
};

}  // namespace nixcc
