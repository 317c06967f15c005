#include "util/paths.h"

#include <cstdlib>
#include <fstream>
#include <optional>
#include <string_view>
#include <system_error>

namespace nixcc {
namespace fs = std::filesystem;

fs::path absolute_from(const fs::path& cwd, const fs::path& path) {
  return (path.is_absolute() ? path : cwd / path).lexically_normal();
}

bool is_within(const fs::path& path, const fs::path& dir) {
  const fs::path rel = path.lexically_relative(dir);
  return !rel.empty() && *rel.begin() != "..";
}

std::string relative_if_under(const fs::path& path, const fs::path& base) {
  const fs::path rel = path.lexically_relative(base);
  if (rel.empty() || *rel.begin() == "..") return path.string();
  return rel.string();
}

namespace {

// CMakeCache.txt is a few tens of KiB; the line we need sits near the end, but reading it whole
// costs ~0.1 ms, which is cheaper than being clever.
std::optional<fs::path> cmake_home_directory(const fs::path& cache) {
  std::ifstream in(cache);
  constexpr std::string_view key = "CMAKE_HOME_DIRECTORY:INTERNAL=";
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with(key)) return fs::path(line.substr(key.size()));
  }
  return std::nullopt;
}

}  // namespace

ProjectDirs find_project_dirs(const fs::path& cwd) {
  ProjectDirs dirs;
  std::error_code ec;
  std::optional<fs::path> git_top;
  for (fs::path dir = cwd;; dir = dir.parent_path()) {
    if (fs::exists(dir / "CMakeCache.txt", ec)) {
      dirs.build_dir = dir;
      if (auto home = cmake_home_directory(dir / "CMakeCache.txt")) dirs.source_dir = *home;
      break;
    }
    if (!git_top && fs::exists(dir / ".git", ec)) git_top = dir;
    if (dir == dir.root_path() || dir.empty()) {
      if (git_top) dirs.source_dir = *git_top;
      break;
    }
  }
  if (const char* base = std::getenv("NIXCC_BASE_DIR"); base && *base) dirs.source_dir = absolute_from(cwd, base);
  return dirs;
}

}  // namespace nixcc
