#include "core/host_toolchain.h"

#include <elf.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
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

bool is_elf(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  char magic[SELFMAG] = {};
  return in.read(magic, SELFMAG) && std::memcmp(magic, ELFMAG, SELFMAG) == 0;
}

std::optional<fs::path> interpreter_of(const fs::path& exe) {
  std::ifstream in(exe, std::ios::binary);
  char start[2] = {};
  if (!in.read(start, 2)) return std::nullopt;
  if (start[0] == '#' && start[1] == '!') {  // "#! /bin/sh -e": the first word
    std::string line;
    std::getline(in, line);
    const auto begin = line.find_first_not_of(" \t");
    if (begin == std::string::npos) return std::nullopt;
    return fs::path(line.substr(begin, line.find_first_of(" \t\r", begin) - begin));
  }
  Elf64_Ehdr header{};
  in.seekg(0);
  if (!in.read(reinterpret_cast<char*>(&header), sizeof header) || std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 ||
      header.e_ident[EI_CLASS] != ELFCLASS64) {
    return std::nullopt;
  }
  for (unsigned i = 0; i < header.e_phnum; ++i) {
    Elf64_Phdr ph{};
    in.seekg(static_cast<std::streamoff>(header.e_phoff + i * header.e_phentsize));
    if (!in.read(reinterpret_cast<char*>(&ph), sizeof ph)) return std::nullopt;
    if (ph.p_type != PT_INTERP || ph.p_filesz == 0 || ph.p_filesz > 4096) continue;
    std::string path(ph.p_filesz, '\0');
    in.seekg(static_cast<std::streamoff>(ph.p_offset));
    if (!in.read(path.data(), static_cast<std::streamsize>(path.size()))) return std::nullopt;
    path.resize(path.find('\0'));
    return fs::path(path);
  }
  return std::nullopt;
}

std::vector<std::string> sandbox_entries_of(const fs::path& path) {
  std::vector<std::string> entries;
  fs::path wanted = path.lexically_normal();
  // Each pass walks `wanted` from the root until a symlink, then starts over on what it names; the
  // walked part has no symlinks, so ".." in a relative target can be resolved by hand.
  for (int hops = 0; hops < 40; ++hops) {
    fs::path walked = "/";
    bool redirected = false;
    for (auto it = std::next(wanted.begin()); it != wanted.end(); ++it) {
      if (it->empty()) continue;  // the trailing "" of "dir/"
      const fs::path next = walked / *it;
      std::error_code ec;
      const auto status = fs::symlink_status(next, ec);
      if (ec || !fs::exists(status)) return {};
      if (!fs::is_symlink(status)) {
        walked = next;
        continue;
      }
      entries.push_back(next.string());
      const fs::path target = fs::read_symlink(next, ec);
      if (ec) return {};
      fs::path resolved = target.is_absolute() ? target : walked / target;
      for (++it; it != wanted.end(); ++it) resolved /= *it;
      wanted = resolved.lexically_normal();
      redirected = true;
      break;
    }
    if (!redirected) {
      entries.push_back(walked.string());
      return entries;
    }
  }
  return {};  // a symlink loop: nothing a tool could use
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
  for (const auto& entry : sandbox_entries_of(fs::absolute(path))) paths_.insert(entry);
}

void HostToolchain::add_executable(const fs::path& exe) {
  add_path(exe);
  if (!executables_.insert(exe.string()).second) return;
  const auto interpreter = interpreter_of(exe);
  if (!interpreter) return;  // static: it loads nothing
  add_executable(*interpreter);
  if (!is_elf(exe)) return;  // a script: its interpreter is what runs
  // The loader's own listing; ldd (a script around it) takes ten times as long.
  const auto run = run_captured(*interpreter, {"--list", exe.string()});
  if (run.exit_status != 0) {
    throw std::runtime_error(fmt::format("{}: its loader {} cannot list the libraries it loads: {}", exe.string(),
                                         interpreter->string(), run.err.substr(0, run.err.find('\n'))));
  }
  for (const auto& lib : parse_ldd_output(run.out)) add_path(lib);
}

void HostToolchain::add_program(const std::string& name) {
  const auto exe = find_executable(name);
  if (!exe) throw std::runtime_error(fmt::format("{}: command not found", name));
  add_executable(fs::absolute(*exe));
}

void HostToolchain::add_compiler(const fs::path& named) {
  const auto driver = find_executable(named.string());
  if (!driver) throw std::runtime_error(fmt::format("{}: command not found", named.string()));
  if (!compilers_.insert(driver->string()).second) return;
  add_executable(fs::absolute(*driver));
  for (const auto program : kDriverPrograms) {
    const std::string answer = ask(*driver, {fmt::format("-print-prog-name={}", program)});
    const std::string name = answer.substr(0, answer.find('\n'));
    if (name.find('/') != std::string::npos) {
      if (fs::exists(name)) add_executable(fs::path(name).lexically_normal());
    } else if (name != program || program == std::string_view("as") || program == std::string_view("ld")) {
      // GCC names as and ld as found on PATH at run time; a bare cc1plus is one clang has built in.
      if (const auto found = find_executable(name)) add_executable(fs::absolute(*found));
    }
  }
  const std::string dirs = ask(*driver, {"-print-search-dirs"});
  for (const char* key : {"programs", "libraries"}) {
    for (const auto& dir : parse_search_dirs_line(dirs, key)) add_path(dir);
  }
}

}  // namespace nixcc
