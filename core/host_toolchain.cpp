#include "core/host_toolchain.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "util/child_process.h"
#include "util/paths.h"

namespace nixcc {
namespace {

namespace fs = std::filesystem;

// What a GCC driver runs for a compile or a link; clang answers with a bare name for those it has
// built in, which are skipped.
constexpr std::string_view kDriverPrograms[] = {"cc1", "cc1plus", "as", "ld", "collect2", "lto-wrapper", "lto1"};

// `exe args...`'s stdout; throws when it cannot run or fails.
std::string ask(const fs::path& exe, const std::vector<std::string>& args) {
  auto run = run_captured(exe, args);
  if (run.exit_status != 0) {
    throw std::runtime_error(fmt::format("{} {}: failed (exit {}): {}", exe.string(), fmt::join(args, " "),
                                         run.exit_status, run.err));
  }
  return std::move(run.out);
}

}  // namespace

std::vector<fs::path> parse_ldd_output(std::string_view output) {
  std::vector<fs::path> libs;
  while (!output.empty()) {
    const auto end = output.find('\n');
    std::string_view line = output.substr(0, end);
    output.remove_prefix(end == std::string_view::npos ? output.size() : end + 1);
    const auto arrow = line.find("=> ");
    std::string_view path = arrow == std::string_view::npos ? line : line.substr(arrow + 3);
    path.remove_prefix(std::min(path.find_first_not_of(" \t"), path.size()));
    path = path.substr(0, path.find(" ("));
    if (path.starts_with('/')) libs.emplace_back(path);
  }
  return libs;
}

std::vector<fs::path> parse_search_dirs_line(std::string_view output, std::string_view key) {
  std::vector<fs::path> dirs;
  const std::string prefix = fmt::format("{}: =", key);
  for (auto pos = output.find(prefix); pos != std::string_view::npos; pos = output.find(prefix, pos + 1)) {
    if (pos != 0 && output[pos - 1] != '\n') continue;
    std::string_view list = output.substr(pos + prefix.size());
    list = list.substr(0, list.find('\n'));
    while (!list.empty()) {
      const auto colon = list.find(':');
      const std::string_view dir = list.substr(0, colon);
      list.remove_prefix(colon == std::string_view::npos ? list.size() : colon + 1);
      if (dir.empty()) continue;
      fs::path normal = fs::path(dir).lexically_normal();
      if (!normal.has_filename()) normal = normal.parent_path();
      if (std::find(dirs.begin(), dirs.end(), normal) == dirs.end()) dirs.push_back(std::move(normal));
    }
    break;
  }
  return dirs;
}

std::vector<std::string> without_nested(const std::set<std::string>& paths) {
  std::vector<std::string> kept;
  for (const auto& p : paths) {  // sorted, so a folder comes right before what lies inside it
    if (!kept.empty() && is_within(p, kept.back())) continue;
    kept.push_back(p);
  }
  return kept;
}

void HostToolchain::add_path(const fs::path& path) {
  std::error_code ec;
  if (fs::exists(path, ec)) paths_.insert(path.lexically_normal().string());
}

void HostToolchain::add_executable(const fs::path& exe) {
  add_path(exe);
  if (!executables_.insert(exe.string()).second) return;
  std::error_code ec;
  const fs::path real = fs::canonical(exe, ec);
  if (!ec && real != exe) add_path(real);  // what a symlink on the way names, for tools that resolve it
  const auto ldd = find_executable("ldd");
  if (!ldd) throw std::runtime_error("ldd: command not found (needed to list the libraries host tools load)");
  // A static executable makes ldd exit 1 ("not a dynamic executable"): it loads nothing.
  const auto run = run_captured(*ldd, {exe.string()});
  if (run.exit_status != 0) return;
  for (const auto& lib : parse_ldd_output(run.out)) add_path(lib);
}

void HostToolchain::add_program(const std::string& name) {
  const auto exe = find_executable(name);
  if (!exe) throw std::runtime_error(fmt::format("{}: command not found", name));
  add_executable(fs::absolute(*exe));
}

void HostToolchain::add_compiler(const fs::path& driver) {
  if (!compilers_.insert(driver.string()).second) return;
  add_executable(driver);
  for (const auto program : kDriverPrograms) {
    const std::string answer = ask(driver, {fmt::format("-print-prog-name={}", program)});
    const std::string name = answer.substr(0, answer.find('\n'));
    if (name.find('/') != std::string::npos) {
      if (fs::exists(name)) add_executable(fs::path(name).lexically_normal());
    } else if (name != program || program == std::string_view("as") || program == std::string_view("ld")) {
      // GCC names as and ld as found on PATH at run time; a bare cc1plus is one clang has built in.
      if (const auto found = find_executable(name)) add_executable(fs::absolute(*found));
    }
  }
  const std::string dirs = ask(driver, {"-print-search-dirs"});
  for (const char* key : {"programs", "libraries"}) {
    for (const auto& dir : parse_search_dirs_line(dirs, key)) add_path(dir);
  }
}

}  // namespace nixcc
