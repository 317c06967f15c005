#include "launcher/launcher.h"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "launcher/build_id.h"
#include "util/child_process.h"
#include "core/compiler_args.h"
#include "core/depfile.h"
#include "util/host.h"
#include "core/input_hash.h"
#include "core/recorded_path.h"
#include "util/paths.h"
#include "schema/timing_db.h"

namespace nixcc {
namespace {

namespace fs = std::filesystem;

volatile sig_atomic_t g_child_pid = 0;

void forward_signal(int sig) {
  if (g_child_pid > 0) ::kill(g_child_pid, sig);
}

constexpr int kForwardedSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

[[noreturn]] void exec_unchanged(const fs::path& exe, const std::vector<std::string>& argv, std::size_t first_arg) {
  std::vector<char*> raw;
  raw.push_back(const_cast<char*>(argv[1].c_str()));  // the compiler as the build named it
  for (std::size_t i = first_arg; i < argv.size(); ++i) raw.push_back(const_cast<char*>(argv[i].c_str()));
  raw.push_back(nullptr);
  ::execv(exe.c_str(), raw.data());
  std::fprintf(stderr, "nixcc: %s: %s\n", argv[1].c_str(), std::strerror(errno));
  std::_Exit(errno == ENOENT ? 127 : 126);
}

void warn(const std::string& message) { std::fputs(fmt::format("nixcc: warning: {}\n", message).c_str(), stderr); }

bool is_cache_wrapper(const fs::path& exe) {
  const auto name = exe.filename().string();
  return name == "ccache" || name == "sccache";
}

// Only GCC-style drivers accept -MD -MF; for any other compiler nixcc records no header list.
bool accepts_gcc_depfile_flags(const fs::path& exe) {
  const auto name = exe.filename().string();
  return name.find("gcc") != std::string::npos || name.find("g++") != std::string::npos ||
         name.find("clang") != std::string::npos || name == "cc" || name == "c++" || name.ends_with("-cc") ||
         name.ends_with("-c++");
}

// CMake's configure-time probes compile in these folders; they are not part of the build.
bool is_cmake_probe(const fs::path& cwd) {
  const auto text = cwd.string();
  return text.find("/CMakeFiles/CMakeScratch/") != std::string::npos ||
         text.find("/CMakeFiles/CMakeTmp") != std::string::npos;
}

// A temporary depfile that is removed when the launcher is done with it.
class TempDepfile {
 public:
  TempDepfile() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = fmt::format("{}/nixcc-XXXXXX.d", tmp && *tmp ? tmp : "/tmp");
    const int fd = ::mkstemps(pattern.data(), 2);
    if (fd >= 0) {
      ::close(fd);
      path_ = pattern;
    }
  }
  ~TempDepfile() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  TempDepfile(const TempDepfile&) = delete;
  TempDepfile& operator=(const TempDepfile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct LaunchedCompile {
  fs::path compiler;       // what runs: the compiler, or ccache in front of it
  fs::path real_compiler;  // what compiles: for identity and the depfile flags
  std::size_t first_compiler_arg = 2;  // argv index where the real compiler's arguments start
};

void record(const LaunchedCompile& launch, const CompilerArgs& args, const fs::path& cwd,
            const fs::path& depfile, double started_at, double wall_s, const ChildUsage& usage) {
  const auto dirs = find_project_dirs(cwd);
  const fs::path source = absolute_from(cwd, args.source);
  const auto compiler_id = compiler_identity(launch.real_compiler);
  const auto args_hash = hash_arguments(args.hashed_args);

  const auto recorded = [&](const fs::path& absolute) {
    return record_host_path(absolute, dirs.source_dir, dirs.build_dir);
  };
  CompileRecord compile;
  if (usage.exit_status == 0) {
    if (const auto headers = read_depfile_headers(depfile, cwd, source)) {
      // Hashed by their names relative to the source directory, so the hash does not depend on where
      // the tree is checked out; recorded relative to their own folder.
      const auto inputs = hash_inputs(compiler_id, args_hash, source, *headers, dirs.source_dir);
      compile.input_hash = inputs.value;
      for (const auto& h : inputs.headers) {
        compile.headers.push_back({recorded(absolute_from(dirs.source_dir, h.path)), h.hash});
      }
    }
  }
  compile.source = recorded(source);
  compile.object = recorded(absolute_from(cwd, args.object));
  compile.directory = recorded(cwd);
  compile.language = args.language;
  compile.compiler = launch.real_compiler.string();
  compile.compiler_id = compiler_id;
  compile.started_at = started_at;
  compile.wall_s = wall_s;
  compile.user_s = usage.user_s;
  compile.sys_s = usage.sys_s;
  compile.max_rss_kb = usage.max_rss_kb;
  compile.exit_status = usage.exit_status;
  compile.args_hash = args_hash;

  BuildRecord build;
  build.id = current_build_id();
  build.kind = "launcher";
  build.base_dir = dirs.source_dir.string();
  build.host = host_name();
  build.started_at = started_at;
  const fs::path db_path = default_db_path();
  if (!std::getenv("NIXCC_DB")) {
    std::error_code ec;
    fs::create_directories(db_path.parent_path(), ec);
  }
  TimingDb db(db_path);
  db.record_compile(build, compile);
}

}  // namespace

void run_launcher(const std::vector<std::string>& argv) {
  LaunchedCompile launch;
  const auto compiler = find_executable(argv[1]);
  if (!compiler) {
    // As a shell: a path that exists but cannot run is 126, a name found nowhere is 127.
    std::error_code ec;
    const bool exists = argv[1].find('/') != std::string::npos && fs::exists(argv[1], ec);
    std::fprintf(stderr, "nixcc: %s: %s\n", argv[1].c_str(), exists ? "Permission denied" : "command not found");
    std::_Exit(exists ? 126 : 127);
  }
  launch.compiler = *compiler;
  launch.real_compiler = *compiler;
  if (is_cache_wrapper(*compiler) && argv.size() > 2 && argv[2][0] != '-') {
    const auto real = find_executable(argv[2]);
    if (!real) exec_unchanged(*compiler, argv, 2);  // let ccache report it
    launch.real_compiler = *real;
    launch.first_compiler_arg = 3;
  }

  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);
  const std::vector<std::string> compiler_args(argv.begin() + static_cast<long>(launch.first_compiler_arg),
                                               argv.end());
  const CompilerArgs args = classify_compiler_args(compiler_args, cwd);
  const char* disabled = std::getenv("NIXCC_DISABLE");
  if (ec || args.kind != InvocationKind::Compile || is_cmake_probe(cwd) || (disabled && *disabled && *disabled != '0')) {
    exec_unchanged(*compiler, argv, 2);
  }

  std::vector<std::string> child_args(argv.begin() + 2, argv.end());
  std::optional<TempDepfile> temp_depfile;
  fs::path depfile;
  if (args.depfile) {
    depfile = absolute_from(cwd, *args.depfile);
  } else if (accepts_gcc_depfile_flags(launch.real_compiler)) {
    temp_depfile.emplace();
    if (!temp_depfile->path().empty()) {
      depfile = temp_depfile->path();
      child_args.insert(child_args.end(), {"-MD", "-MF", depfile.string()});
    }
  }

  // Block the forwarded signals while the child starts, so none arrives before its pid is known.
  sigset_t forwarded, previous;
  sigemptyset(&forwarded);
  for (int sig : kForwardedSignals) sigaddset(&forwarded, sig);
  sigprocmask(SIG_BLOCK, &forwarded, &previous);
  struct sigaction action {};
  action.sa_handler = forward_signal;
  sigemptyset(&action.sa_mask);
  for (int sig : kForwardedSignals) sigaction(sig, &action, nullptr);

  const double started_at = unix_now();
  const auto start = std::chrono::steady_clock::now();
  pid_t pid = 0;
  try {
    pid = spawn_child(launch.compiler, child_args, {}, {}, argv[1]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nixcc: %s\n", e.what());
    std::_Exit(127);
  }
  g_child_pid = pid;
  sigprocmask(SIG_SETMASK, &previous, nullptr);

  const auto waited = wait_child(pid);
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  g_child_pid = 0;
  if (!waited) {
    std::fprintf(stderr, "nixcc: lost track of the compiler (pid %d)\n", static_cast<int>(pid));
    std::_Exit(1);
  }
  const ChildUsage usage = waited->second;

  try {
    record(launch, args, cwd, depfile, started_at, wall_s, usage);
  } catch (const std::exception& e) {
    warn(fmt::format("{}; this compile was not recorded", e.what()));
  }
  temp_depfile.reset();
  exit_like(usage);
}

}  // namespace nixcc
