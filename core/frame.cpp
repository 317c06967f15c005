#include "core/frame.h"

#include <system_error>

namespace nixcc {
namespace fs = std::filesystem;

namespace {

// `path` relative to `dir` when strictly under it, else "".
std::string under(const fs::path& path, const fs::path& dir) {
  if (dir.empty()) return "";
  const fs::path rel = path.lexically_relative(dir);
  if (rel.empty() || rel == "." || *rel.begin() == "..") return "";
  return rel.string();
}

fs::path canonical_or_empty(const fs::path& path) {
  std::error_code ec;
  fs::path resolved = fs::canonical(path, ec);
  return ec ? fs::path() : resolved;
}

}  // namespace

std::string frame_name(const fs::path& absolute, const fs::path& source_dir, const fs::path& build_dir) {
  if (auto rel = under(absolute, build_dir); !rel.empty()) return std::string(kBuildPrefix) + rel;
  if (auto rel = under(absolute, source_dir); !rel.empty()) return std::string(kSourcePrefix) + rel;
  return "";
}

Frame::Frame(fs::path root) : Frame(root, root / "s", root / "b") {}

Frame::Frame(fs::path root, const fs::path& source_dir, const fs::path& build_dir) : root_(std::move(root)) {
  const auto add = [&](fs::path s, fs::path b) {
    for (const auto& p : places_) {
      if (p.source_dir == s && p.build_dir == b) return;
    }
    places_.push_back({std::move(s), std::move(b)});
  };
  add(root_ / "s", root_ / "b");
  add(source_dir.lexically_normal(), build_dir.lexically_normal());
  // GCC spells a system header found through "dir/.." by its canonical path, so a tree reached
  // through a link is also recognised by its real location.
  add(canonical_or_empty(root_ / "s"), canonical_or_empty(root_ / "b"));
  add(canonical_or_empty(source_dir), canonical_or_empty(build_dir));
}

std::string Frame::lexical_name(const fs::path& absolute) const {
  for (const auto& place : places_) {
    if (auto name = frame_name(absolute, place.source_dir, place.build_dir); !name.empty()) return name;
  }
  return under(absolute, root_);
}

std::string Frame::name_of(const fs::path& absolute) const {
  if (auto name = lexical_name(absolute); !name.empty()) return name;
  const fs::path resolved = canonical_or_empty(absolute);
  if (resolved.empty() || resolved == absolute) return "";
  return lexical_name(resolved);
}

std::string Frame::link_target_name(std::string_view name) const {
  const fs::path lexical = root_ / name;  // frame names are already normal
  // The folder first, once per folder: resolving the root's own links (s -> the source directory at
  // plan time) names it the same, a link inside the tree names it differently.
  const auto slash = name.rfind('/');
  const std::string folder(name.substr(0, slash == std::string_view::npos ? 0 : slash));
  auto [it, fresh] = folders_.try_emplace(folder);
  Folder& f = it->second;
  if (fresh) {
    const fs::path dir = root_ / folder;
    const fs::path real = canonical_or_empty(dir);
    const bool frame_folder = folder == "s" || folder == "b" || folder.empty();  // the root's own links
    f.resolved = real.empty() || frame_folder ? folder : lexical_name(real);
    std::error_code ec;
    for (fs::directory_iterator entry(dir, ec), end; !ec && entry != end; entry.increment(ec)) {
      if (entry->is_symlink(ec)) f.link_names.insert(entry->path().filename().string());  // d_type: no stat
    }
  }
  const auto file_name = name.substr(slash == std::string_view::npos ? 0 : slash + 1);
  if (f.resolved == folder && !f.link_names.count(std::string(file_name))) return "";
  const fs::path resolved = canonical_or_empty(lexical);
  if (resolved.empty()) return "";
  std::string target = lexical_name(resolved);
  return target == name ? "" : target;
}

}  // namespace nixcc
