#include "core/compiler_dirs.h"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>

#include "util/child_process.h"
#include "core/compiler_options.h"
#include "core/input_hash.h"
#include "util/paths.h"

namespace nixcc {
namespace fs = std::filesystem;

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

template <typename F>
void for_each_line(std::string_view text, F&& f) {
  while (!text.empty()) {
    const auto end = text.find('\n');
    f(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
}

// Options whose presence (with their values) changes the compiler's own search directories.
constexpr std::array<std::string_view, 14> kSearchAffecting = {
    "--sysroot", "-isysroot", "-nostdinc", "-nostdinc++", "-stdlib=", "--target", "-target",
    "-m32",      "-m64",      "-mx32",     "--gcc-toolchain", "-gcc-toolchain", "-B", "-nostdlibinc",
};

}  // namespace

std::vector<fs::path> parse_include_search_dirs(std::string_view verbose_output) {
  std::vector<fs::path> dirs;
  bool inside = false;
  for_each_line(verbose_output, [&](std::string_view line) {
    if (line.starts_with("#include <...> search starts here:")) {
      inside = true;
    } else if (line.starts_with("End of search list.")) {
      inside = false;
    } else if (inside && !line.starts_with("#include")) {
      auto dir = trim(line);
      // Clang marks framework directories " (framework directory)".
      if (const auto mark = dir.find(" (framework directory)"); mark != std::string_view::npos) dir = dir.substr(0, mark);
      if (!dir.empty()) dirs.push_back(fs::path(dir).lexically_normal());
    }
  });
  return dirs;
}

fs::path parse_install_dir(std::string_view print_search_dirs_output) {
  fs::path dir;
  for_each_line(print_search_dirs_output, [&](std::string_view line) {
    if (dir.empty() && line.starts_with("install:")) dir = fs::path(trim(line.substr(8))).lexically_normal();
  });
  return dir;
}

std::vector<std::string> search_affecting_args(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const auto match = std::find_if(kSearchAffecting.begin(), kSearchAffecting.end(),
                                    [&](std::string_view name) { return a.starts_with(name); });
    if (match == kSearchAffecting.end()) continue;
    out.push_back(a);
    const auto* option = find_option(a);
    if (option && (option->flags & kTakesArg) && i + 1 < args.size()) out.push_back(args[++i]);
  }
  return out;
}

bool CompilerDirs::contains(const fs::path& file) const {
  if (std::any_of(dirs.begin(), dirs.end(), [&](const fs::path& d) { return is_within(file, d); })) return true;
  std::error_code ec;
  const fs::path resolved = fs::canonical(file, ec);
  return !ec && resolved != file &&
         std::any_of(dirs.begin(), dirs.end(), [&](const fs::path& d) { return is_within(resolved, d); });
}

const CompilerDirs& CompilerDirsCache::get(const fs::path& compiler, const std::string& language,
                                           const std::vector<std::string>& args) {
  const auto affecting = search_affecting_args(args);
  std::string call = compiler.string() + ' ' + language;
  for (const auto& a : affecting) call += ' ' + a;
  if (const auto it = by_call_.find(call); it != by_call_.end()) return *it->second;
  const std::string key = compiler_identity(compiler) + ' ' + call;
  if (const auto it = by_key_.find(key); it != by_key_.end()) return *by_call_.emplace(call, &it->second).first->second;

  const auto ask = [&](const std::vector<std::string>& question) {
    const auto run = run_captured(compiler, question);
    if (run.exit_status != 0) {
      throw std::runtime_error(fmt::format("{}: cannot list its own include directories (exit {}): {}", compiler.string(),
                                           run.exit_status, run.err));
    }
    return run.out + run.err;
  };
  std::vector<std::string> question = affecting;
  if (!language.empty()) question.insert(question.end(), {"-x", language});
  question.insert(question.end(), {"-E", "-v", "/dev/null", "-o", "/dev/null"});
  CompilerDirs found;
  for (auto& d : parse_include_search_dirs(ask(question))) found.dirs.push_back(std::move(d));
  std::vector<std::string> print = affecting;
  print.push_back("-print-search-dirs");
  if (auto install = parse_install_dir(ask(print)); !install.empty()) found.dirs.push_back(std::move(install));
  const auto printed = found.dirs;
  for (const auto& d : printed) {
    std::error_code ec;
    if (auto real = fs::canonical(d, ec); !ec && real != d) found.dirs.push_back(std::move(real));
  }
  const CompilerDirs& stored = by_key_.emplace(key, std::move(found)).first->second;
  by_call_.emplace(call, &stored);
  return stored;
}

std::string CompilerDirsCache::save() const {
  std::string out;
  for (const auto& [key, found] : by_key_) {
    const auto unsafe = [](const std::string& s) { return s.find_first_of("\t\n") != std::string::npos; };
    if (unsafe(key) || std::any_of(found.dirs.begin(), found.dirs.end(), [&](const fs::path& d) { return unsafe(d.string()); })) {
      continue;  // cannot be written back safely: asked again next time
    }
    out += key;
    for (const auto& d : found.dirs) out += '\t' + d.string();
    out += '\n';
  }
  return out;
}

void CompilerDirsCache::load(std::string_view saved) {
  for_each_line(saved, [&](std::string_view line) {
    const auto tab = line.find('\t');
    if (tab == std::string_view::npos) return;
    CompilerDirs found;
    for (auto rest = line.substr(tab + 1); !rest.empty();) {
      const auto next = rest.find('\t');
      if (const auto dir = rest.substr(0, next); !dir.empty()) found.dirs.emplace_back(dir);
      rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 1);
    }
    by_key_.emplace(std::string(line.substr(0, tab)), std::move(found));
  });
}

}  // namespace nixcc
