#include "planner/plan_frame.h"

#include <fmt/format.h>

#include "core/batch_manifest.h"
#include "core/compiler_options.h"
#include "util/paths.h"

namespace nixcc::plan {

namespace fs = std::filesystem;

namespace {

fs::path make_root(const fs::path& root, const Project& project) {
  const auto link = [](const fs::path& at, const fs::path& target) {
    std::error_code ec;
    if (fs::is_symlink(at, ec) && fs::read_symlink(at, ec) == target) return;
    fs::remove(at, ec);
    fs::create_directory_symlink(target, at, ec);
    if (ec) throw std::runtime_error(fmt::format("{}: cannot link to {}: {}", at.string(), target.string(), ec.message()));
  };
  fs::create_directories(root);
  link(root / "s", project.source_dir);
  link(root / "b", project.build_dir);
  return root;
}

// Replaces `dir` where it stands as a whole path (followed by '/', the end, or a character that ends a
// path inside an option such as "-fmacro-prefix-map=<dir>=."), never inside a longer name such as dir + "2".
std::string replace_dir(const std::string& text, const std::string& dir, const std::string& with) {
  std::string out;
  std::size_t pos = 0;
  for (;;) {
    const auto found = text.find(dir, pos);
    if (found == std::string::npos) break;
    const auto end = found + dir.size();
    const bool whole = end == text.size() || std::string_view("/=:,;\"' ").find(text[end]) != std::string_view::npos;
    out.append(text, pos, found - pos);
    out += whole ? with : dir;
    pos = end;
  }
  out.append(text, pos);
  return out;
}

}  // namespace

PlanFrame::PlanFrame(const Project& project, const fs::path& root)
    : project_(project), frame_(make_root(root, project), project.source_dir, project.build_dir) {
  const auto add = [&](const fs::path& dir, const char* part) {
    const std::string with = under_source_root(part);
    for (const auto& [written, _] : spellings_) {
      if (written == dir.string()) return;
    }
    spellings_.emplace_back(dir.string(), with);
  };
  std::error_code ec;
  add(project.build_dir, "b");
  if (auto real = fs::canonical(project.build_dir, ec); !ec) add(real, "b");
  add(project.source_dir, "s");
  if (auto real = fs::canonical(project.source_dir, ec); !ec) add(real, "s");
}

std::string PlanFrame::rewrite(const std::string& arg) const {
  std::string out = arg;
  for (const auto& [dir, with] : spellings_) out = replace_dir(out, dir, with);
  return out;
}

std::vector<std::pair<std::string, std::string>> PlanFrame::host_roots() const {
  std::vector<std::pair<std::string, std::string>> roots;
  for (const auto& [dir, with] : spellings_) roots.emplace_back(dir, with.substr(with.size() - 1));
  return roots;
}

std::string PlanFrame::frame_form(const fs::path& absolute_in) const {
  fs::path absolute = absolute_in;
  if (!absolute.has_filename()) absolute = absolute.parent_path();  // "sub/.." normalises to "dir/"
  for (const auto& [dir, with] : spellings_) {
    if (absolute == dir) return with;  // the folder itself
  }
  const std::string name = frame_.name_of(absolute);
  return name.empty() ? "" : under_source_root(name);
}

std::vector<std::string> PlanFrame::rewrite_arguments(const Unit& unit) const {
  std::vector<std::string> out;
  out.reserve(unit.arguments.size());
  // A relative path value in the frame, made absolute; anything else as rewrite() leaves it.
  const auto path_value = [&](const std::string& value) {
    if (value.empty() || value.front() == '/') return rewrite(value);
    const auto in_frame = frame_form(absolute_from(unit.directory, value));
    return in_frame.empty() ? rewrite(value) : in_frame;
  };
  const auto& args = unit.arguments;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    // A macro's value is for the program, not the compiler: libgit2's tests find their fixtures
    // through -DCLAR_FIXTURE_PATH="<source dir>/tests/resources/", which must name the project, not a
    // batch's temporary copy of it.
    if (arg == "-D" || arg == "-U") {
      out.push_back(arg);
      if (i + 1 < args.size()) out.push_back(args[++i]);
      continue;
    }
    if (arg.starts_with("-D") || arg.starts_with("-U")) {
      out.push_back(arg);
      continue;
    }
    // Only these can start a path-taking option (-I, -i..., -B, -L, -F, -T, -MF, -o, -aux-info,
    // -gcc-toolchain, --include ...): the rest of the flags skip the two table look-ups.
    if (arg.size() < 2 || arg[0] != '-' || std::string_view("-BFILMTagio").find(arg[1]) == std::string_view::npos) {
      out.push_back(rewrite(arg));
      continue;
    }
    if (const auto* option = find_option(arg); option && (option->flags & kTakesPath) && (option->flags & kTakesArg) &&
                                               i + 1 < args.size()) {
      out.push_back(arg);
      out.push_back(path_value(args[++i]));
      continue;
    }
    if (const auto* option = find_prefix_option(arg); option && (option->flags & kTakesPath) && arg.size() > option->name.size()) {
      std::string value = arg.substr(option->name.size());
      std::string glue;
      if (value.starts_with('=') && option->name.starts_with("--")) {  // --include=file
        glue = "=";
        value.erase(0, 1);
      }
      out.push_back(std::string(option->name) + glue + path_value(value));
      continue;
    }
    out.push_back(rewrite(arg));
  }
  return out;
}

std::string PlanFrame::directory_of(const Unit& unit) const {
  fs::path dir = unit.directory.lexically_normal();  // CMake writes the top build folder as "<build>/."
  if (!dir.has_filename()) dir = dir.parent_path();
  if (dir == project_.build_dir) return "b";
  if (dir == project_.source_dir) return "s";
  return plan_name(project_, dir);
}

TreeLayout PlanFrame::layout() const {
  const fs::path below = project_.cmake_source_dir.empty() ? fs::path(".")
                                                           : project_.cmake_source_dir.lexically_relative(project_.source_dir);
  std::string source = (fs::path("s") / below).lexically_normal().string();
  while (source.size() > 1 && source.back() == '/') source.pop_back();
  return TreeLayout(source, "b");
}

}  // namespace nixcc::plan
