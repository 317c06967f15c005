#pragma once
// Where a compile's paths are recorded relative to, so rows from two checkouts line up.

#include <filesystem>
#include <string>

namespace nixcc {

/// `path` made absolute against `cwd` and lexically normalised (no file-system access).
std::filesystem::path absolute_from(const std::filesystem::path& cwd, const std::filesystem::path& path);

/// Whether `path` is `dir` or lies under it (both absolute and lexically normal; no file-system access).
bool is_within(const std::filesystem::path& path, const std::filesystem::path& dir);

/// `path` relative to `base` when it lies under it, else `path` unchanged (absolute).
std::string relative_if_under(const std::filesystem::path& path, const std::filesystem::path& base);

struct ProjectDirs {
  std::filesystem::path source_dir;  // "" when unknown
  std::filesystem::path build_dir;   // "" when unknown
};

/// The source directory: NIXCC_BASE_DIR when set; else the CMake source directory named by the nearest
/// CMakeCache.txt above `cwd`; else the nearest directory above `cwd` holding .git; else unknown. The
/// build directory: the one holding that CMakeCache.txt, else unknown (make and other builds).
ProjectDirs find_project_dirs(const std::filesystem::path& cwd);

}  // namespace nixcc
