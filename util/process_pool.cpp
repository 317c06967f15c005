#include "util/process_pool.h"

#include <signal.h>

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

namespace nixcc {
namespace {

// Live children, by slot, readable from a signal handler. A process runs one pool at a time.
volatile sig_atomic_t g_child_pids[ProcessPool::kMaxSlots] = {};

void publish(int slot, pid_t pid) { g_child_pids[slot] = pid; }

}  // namespace

ProcessPool::ProcessPool(int slots) : slots_(slots), busy_(static_cast<std::size_t>(std::max(slots, 0)), false) {
  if (slots < 1 || slots > kMaxSlots) throw std::runtime_error(fmt::format("jobs must be between 1 and {}", kMaxSlots));
}

ProcessPool::~ProcessPool() {
  for (const auto& [pid, r] : running_) ::kill(-pid, SIGTERM);
  while (!running_.empty()) {
    const auto done = wait_child(-1);
    if (!done) break;
    if (auto it = running_.find(done->first); it != running_.end()) {
      publish(it->second.slot, 0);
      running_.erase(it);
    }
  }
}

int ProcessPool::start(std::size_t tag, const std::filesystem::path& exe, const std::vector<std::string>& args,
                       const std::filesystem::path& cwd, const ChildStdio& stdio) {
  const auto free = std::find(busy_.begin(), busy_.end(), false);
  if (free == busy_.end()) throw std::logic_error("ProcessPool::start with no free slot");
  const int slot = static_cast<int>(free - busy_.begin());
  const auto started = std::chrono::steady_clock::now();
  const pid_t pid = spawn_child(exe, args, cwd, stdio, {}, /*own_group=*/true);
  *free = true;
  publish(slot, pid);
  running_.emplace(pid, Running{tag, slot, started});
  return slot;
}

std::optional<ProcessPool::Finished> ProcessPool::wait_any(bool (*interrupted)()) {
  while (!running_.empty()) {
    const auto done = wait_child(-1, interrupted);
    if (!done) return std::nullopt;
    const auto it = running_.find(done->first);
    if (it == running_.end()) continue;  // not ours
    const Running r = it->second;
    running_.erase(it);
    publish(r.slot, 0);
    busy_[static_cast<std::size_t>(r.slot)] = false;
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - r.started).count();
    return Finished{r.tag, r.slot, done->second, wall, r.started};
  }
  return std::nullopt;
}

void ProcessPool::signal_all_children(int sig) {
  for (int i = 0; i < kMaxSlots; ++i) {
    if (g_child_pids[i] > 0) ::kill(-g_child_pids[i], sig);  // the whole group: driver, cc1plus, as
  }
}

}  // namespace nixcc
