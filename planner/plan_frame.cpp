#include "plan_frame.h"

#include <fmt/format.h>

#include "batch_manifest.h"

namespace nixcc::plan {

namespace fs = std::filesystem;

namespace {

void make_link(const fs::path& link, const fs::path& target) {
  std::error_code ec;
  if (fs::is_symlink(link, ec) && fs::read_symlink(link, ec) == target) return;
  fs::remove(link, ec);
  fs::create_directory_symlink(target, link, ec);
  if (ec) throw std::runtime_error(fmt::format("{}: cannot link to {}: {}", link.string(), target.string(), ec.message()));
}

// Replaces `dir` where it stands as a whole path prefix (followed by '/' or the end), never inside a
// longer name such as dir + "2".
std::string replace_dir(const std::string& text, const std::string& dir, const std::string& with) {
  std::string out;
  std::size_t pos = 0;
  for (;;) {
    const auto found = text.find(dir, pos);
    if (found == std::string::npos) break;
    const auto end = found + dir.size();
    const bool whole = end == text.size() || text[end] == '/';
    out.append(text, pos, found - pos);
    out += whole ? with : dir;
    pos = end;
  }
  out.append(text, pos);
  return out;
}

}  // namespace

PlanFrame::PlanFrame(const Project& project, const fs::path& root) : project_(project), root_(root) {
  fs::create_directories(root_);
  make_link(root_ / "s", project.source_dir);
  make_link(root_ / "b", project.build_dir);
}

std::string PlanFrame::rewrite(const std::string& arg) const {
  // The build directory first: it often lies inside the source directory.
  const std::string b = replace_dir(arg, project_.build_dir.string(), fmt::format("{}/b", kSourceRootPlaceholder));
  return replace_dir(b, project_.source_dir.string(), fmt::format("{}/s", kSourceRootPlaceholder));
}

std::string PlanFrame::directory_of(const Unit& unit) const {
  if (unit.directory == project_.build_dir) return "b";
  if (unit.directory == project_.source_dir) return "s";
  return plan_name(project_, unit.directory);
}

}  // namespace nixcc::plan
