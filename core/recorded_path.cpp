#include "core/recorded_path.h"

#include <stdexcept>

#include <fmt/format.h>

#include "util/paths.h"

namespace nixcc {
namespace fs = std::filesystem;

namespace {

// `path` relative to `dir` when it is `dir` (".") or lies under it, else "".
std::string relative_within(const fs::path& path, const fs::path& dir) {
  if (dir.empty()) return "";
  const fs::path rel = path.lexically_relative(dir);
  if (rel.empty() || *rel.begin() == "..") return "";
  return rel.string();
}

// `rel` under `dir`, lexically normal, without a trailing slash; "" for the tree's root.
std::string joined(const fs::path& dir, const std::string& rel) {
  std::string out = (dir / rel).lexically_normal().string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out == "." ? "" : out;
}

}  // namespace

std::string_view root_name(PathRoot root) {
  switch (root) {
    case PathRoot::None: return "";
    case PathRoot::Source: return "source";
    case PathRoot::Build: return "build";
    case PathRoot::Output: return "output";
  }
  return "";
}

PathRoot parse_root(std::string_view name) {
  for (const auto root : {PathRoot::None, PathRoot::Source, PathRoot::Build, PathRoot::Output}) {
    if (root_name(root) == name) return root;
  }
  throw std::runtime_error(fmt::format("unknown path root '{}' (expected source, build, output or '')", name));
}

std::string display_path(const RecordedPath& path) {
  if (path.root != PathRoot::Build) return path.path;
  return path.path == "." ? std::string("<build>") : "<build>/" + path.path;
}

RecordedPath record_host_path(const fs::path& absolute, const fs::path& source_dir, const fs::path& build_dir) {
  if (auto rel = relative_within(absolute, build_dir); !rel.empty()) return {PathRoot::Build, std::move(rel)};
  if (auto rel = relative_within(absolute, source_dir); !rel.empty()) return {PathRoot::Source, std::move(rel)};
  return {PathRoot::None, absolute.string()};
}

TreeLayout::TreeLayout(std::string source_dir, std::string build_dir)
    : source_dir_(source_dir.empty() ? "." : std::move(source_dir)), build_dir_(std::move(build_dir)) {}

RecordedPath TreeLayout::record(std::string_view name) const {
  const fs::path path = name.empty() ? fs::path(".") : fs::path(name);
  if (path.is_absolute()) return {PathRoot::None, std::string(name)};
  if (auto rel = relative_within(path, build_dir_); !rel.empty()) return {PathRoot::Build, std::move(rel)};
  // Anything else in the tree is the project's: below s/ when CMake's source directory lies deeper
  // (lz4 keeps its CMakeLists.txt in build/cmake/), it is named with ../ from there.
  return {PathRoot::Source, path.lexically_relative(source_dir_).string()};
}

std::string TreeLayout::name_of(const RecordedPath& recorded) const {
  switch (recorded.root) {
    case PathRoot::Source: return joined(source_dir_, recorded.path);
    case PathRoot::Build: return joined(build_dir_, recorded.path);
    case PathRoot::None:
    case PathRoot::Output: break;
  }
  return recorded.path;
}

}  // namespace nixcc
