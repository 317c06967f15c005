#include "util/child_process.h"

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include <fmt/format.h>

#include "util/file_io.h"
#include "util/scratch_dir.h"

namespace nixcc {
namespace bp = boost::process;
namespace fs = std::filesystem;

namespace {

// Runs in the child between fork and exec: nixcc may block signals while it records the pid,
// and an exec'd compiler must not inherit that mask.
// It also hands the compiler the argv[0] the build wrote (a shell would), not the resolved path
// Boost.Process puts there: drivers and wrappers such as ccache look at their own name.
struct PrepareChild : bp::extend::handler {
  std::vector<char*> argv;  // built before fork; empty: keep Boost.Process's
  bool own_group = false;

  template <typename Executor>
  void on_exec_setup(Executor& exec) const {
    if (own_group) ::setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (!argv.empty()) exec.cmd_line = argv.data();
  }
};

double seconds(const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; }

}  // namespace

std::optional<fs::path> find_executable(const std::string& name) {
  if (name.empty()) return std::nullopt;
  if (name.find('/') != std::string::npos) {
    if (::access(name.c_str(), X_OK) == 0 && !fs::is_directory(name)) return fs::path(name);
    return std::nullopt;
  }
  // As execvp searches, without bp::search_path: that one loads the user's locale on the way, which
  // is a third of the launcher's start-up.
  const char* path = std::getenv("PATH");
  std::string_view dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  for (;;) {
    const auto colon = dirs.find(':');
    const std::string_view dir = dirs.substr(0, colon);
    const fs::path candidate = fs::path(dir.empty() ? "." : std::string(dir)) / name;
    std::error_code ec;
    if (::access(candidate.c_str(), X_OK) == 0 && !fs::is_directory(candidate, ec)) return candidate;
    if (colon == std::string_view::npos) return std::nullopt;
    dirs.remove_prefix(colon + 1);
  }
}

pid_t spawn_child(const fs::path& exe, const std::vector<std::string>& args, const fs::path& cwd,
                  const ChildStdio& stdio, const std::string& argv0, bool own_group) {
  std::error_code ec;
  PrepareChild prepare;
  prepare.own_group = own_group;
  if (!argv0.empty()) {
    prepare.argv.push_back(const_cast<char*>(argv0.c_str()));
    for (const auto& a : args) prepare.argv.push_back(const_cast<char*>(a.c_str()));
    prepare.argv.push_back(nullptr);
  }
  const auto start_dir = cwd.empty() ? fs::current_path() : cwd;
  auto launch = [&](auto&&... redirects) {
    return bp::child(bp::exe = exe.string(), bp::args = args, bp::start_dir = start_dir.string(),
                     prepare, redirects..., ec);
  };
  bp::child child = stdio.out.empty()   ? launch()
                    : stdio.err.empty() ? launch((bp::std_out & bp::std_err) > stdio.out.string())
                                        : launch(bp::std_out > stdio.out.string(), bp::std_err > stdio.err.string());
  if (ec) throw std::runtime_error(fmt::format("{}: cannot run: {}", exe.string(), ec.message()));
  const pid_t pid = child.id();
  if (own_group) ::setpgid(pid, pid);  // also here, so a signal sent right after spawning finds the group
  child.detach();  // reaped by wait_child, which reports rusage
  return pid;
}

std::optional<std::pair<pid_t, ChildUsage>> wait_child(pid_t pid, bool (*interrupted)()) {
  int status = 0;
  rusage usage{};
  for (;;) {
    const pid_t reaped = ::wait4(pid, &status, 0, &usage);
    if (reaped > 0) {
      ChildUsage result;
      if (WIFSIGNALED(status)) {
        result.term_signal = WTERMSIG(status);
        result.exit_status = 128 + result.term_signal;
      } else {
        result.exit_status = WEXITSTATUS(status);
      }
      result.user_s = seconds(usage.ru_utime);
      result.sys_s = seconds(usage.ru_stime);
      result.max_rss_kb = usage.ru_maxrss;
      return std::pair{reaped, result};
    }
    if (errno != EINTR || (interrupted && interrupted())) return std::nullopt;
  }
}

void exit_like(const ChildUsage& usage) {
  if (usage.term_signal != 0) {
    std::signal(usage.term_signal, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, usage.term_signal);
    sigprocmask(SIG_UNBLOCK, &set, nullptr);
    ::raise(usage.term_signal);
  }
  std::fflush(nullptr);
  std::_Exit(usage.exit_status);
}

CapturedRun run_captured(const fs::path& exe, const std::vector<std::string>& args) {
  ScratchDir scratch("nixcc-run-");
  const fs::path out = scratch.path() / "out", err = scratch.path() / "err";
  CapturedRun run;
  if (const auto done = wait_child(spawn_child(exe, args, {}, {out, err}))) run.exit_status = done->second.exit_status;
  run.out = read_file(out).value_or("");
  run.err = read_file(err).value_or("");
  return run;
}

void exec_program(const fs::path& exe, const std::vector<std::string>& args) {
  std::vector<std::string> owned{exe.string()};
  owned.insert(owned.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : owned) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::fflush(nullptr);
  ::execv(exe.c_str(), argv.data());
  throw std::runtime_error(fmt::format("{}: cannot run: {}", exe.string(), std::strerror(errno)));
}

}  // namespace nixcc
