#include "planner/store_references.h"

#include <algorithm>
#include <iterator>
#include <stdexcept>

#include <fmt/format.h>

#include "core/compiler_options.h"
#include "util/paths.h"

namespace nixcc::plan {
namespace {

namespace fs = std::filesystem;

// A store path is /nix/store/<32 characters of Nix's base-32>-<name>.
constexpr std::size_t kHashLength = 32;

bool is_hash_char(char c) {
  return std::string_view("0123456789abcdfghijklmnpqrsvwxyz").find(c) != std::string_view::npos;
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("+-._?=").find(c) != std::string_view::npos;
}

// The length of the store path at the start of `text` (hash, '-', name), or 0 when there is none.
// Inside a flag, '=' ends the name although a name may hold one: "-fmacro-prefix-map=<store path>=/x"
// is common, a store path name with '=' in it unheard of.
std::size_t store_path_length(std::string_view text, bool in_flag) {
  if (!text.starts_with(kStoreDir)) return 0;
  std::size_t i = kStoreDir.size();
  if (text.size() < i + kHashLength + 2) return 0;
  for (std::size_t end = i + kHashLength; i < end; ++i) {
    if (!is_hash_char(text[i])) return 0;
  }
  const auto name_char = [&](char c) { return is_name_char(c) && !(in_flag && c == '='); };
  if (text[i++] != '-' || !name_char(text[i])) return 0;
  while (i < text.size() && name_char(text[i])) ++i;
  return i;
}

// The characters that end one path inside a flag: "-Wl,-rpath,/a:/b", "-DX=\"/a\"", "-I /a".
constexpr std::string_view kPathSeparators = " \t,:;=\"'()";

// Path options whose value is an output, not something read.
bool is_output_option(std::string_view name) {
  return name == "-o" || name == "--output" || name == "-MF" || name == "-aux-info" || name == "--serialize-diagnostics";
}

// Options outside core/compiler_options.h's table that name a file the compiler or linker reads,
// always glued on with '='.
constexpr std::string_view kEqualsPathOptions[] = {
    "--gcc-toolchain=", "--specs=", "-fplugin=", "-fprofile-sample-use=", "-fprofile-use=",
    "-fsanitize-blacklist=", "-fsanitize-ignorelist=", "-fuse-ld=", "-resource-dir=", "-specs=",
};

// The absolute entries of a linker argument list ("-rpath", "/a:/b", "-L/c"): rpaths are ':'-separated.
void add_linker_paths(const std::string& flag, std::string_view part, std::vector<NamedPath>& out) {
  if (part.starts_with("-L/")) part.remove_prefix(2);
  if (!part.starts_with('/')) return;
  while (!part.empty()) {
    const auto colon = part.find(':');
    const std::string_view one = part.substr(0, colon);
    if (one.starts_with('/')) out.push_back({flag, std::string(one)});
    if (colon == std::string_view::npos) break;
    part.remove_prefix(colon + 1);
  }
}

std::string unit_label(const PlannedUnit& unit) {
  if (!unit.unit) return unit.key;
  if (unit.unit->target.empty()) return unit.unit->source.string();
  return fmt::format("{} (target {})", unit.unit->source.string(), unit.unit->target);
}

// What every refusal ends with: why it is one, and the two ways out.
constexpr std::string_view kWhy =
    "a host path outside /nix/store: a --toolchain nixpkgs derivation holds only store paths; configure inside "
    "nix-shell or nix develop so that CMake finds it in nixpkgs, or plan with --toolchain host";

// A tool named by absolute path: a store path to add, or a host path to refuse. Bare names ("ar") are
// looked up on the builders' PATH, which nixpkgs provides.
void add_tool(const std::string& tool, const std::string& what, const std::vector<fs::path>& project_dirs,
              std::set<std::string>& paths) {
  if (is_host_path(tool, project_dirs)) throw std::runtime_error(fmt::format("{} {} is {}", what, tool, kWhy));
  if (auto store = store_path_of(tool); !store.empty()) paths.insert(std::move(store));
}

}  // namespace

std::string store_path_of(std::string_view path) {
  const std::size_t length = store_path_length(path, false);
  if (length == 0 || (length < path.size() && path[length] != '/')) return "";
  return std::string(path.substr(0, length));
}

void add_store_paths(std::string_view text, std::set<std::string>& into) {
  for (std::size_t at = text.find(kStoreDir); at != std::string_view::npos; at = text.find(kStoreDir, at + 1)) {
    // "/opt/nix/store/..." is not the store: the match must begin a path, not continue one.
    std::size_t start = at;
    while (start > 0 && kPathSeparators.find(text[start - 1]) == std::string_view::npos && text[start - 1] != '/') --start;
    if (start > 0 && text[start - 1] == '/') continue;
    if (const std::size_t length = store_path_length(text.substr(at), true)) into.emplace(text.substr(at, length));
  }
}

std::vector<NamedPath> named_paths(std::span<const std::string> args) {
  std::vector<NamedPath> out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "-D" || arg == "-U") {  // the macro follows
      ++i;
      continue;
    }
    if (arg.starts_with("-D") || arg.starts_with("-U")) continue;
    if (arg.starts_with('/')) {
      out.push_back({arg, arg});
      continue;
    }
    if (arg.starts_with("-Wl,")) {
      std::string_view rest = std::string_view(arg).substr(4);
      for (;;) {
        const auto comma = rest.find(',');
        add_linker_paths(arg, rest.substr(0, comma), out);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
      continue;
    }
    if (arg == "-Xlinker" && i + 1 < args.size()) {
      add_linker_paths(arg + " " + args[i + 1], args[i + 1], out);
      ++i;
      continue;
    }
    if (const auto glued = std::find_if(std::begin(kEqualsPathOptions), std::end(kEqualsPathOptions),
                                        [&](std::string_view o) { return arg.starts_with(o); });
        glued != std::end(kEqualsPathOptions)) {
      const std::string value = arg.substr(glued->size());
      if (value.starts_with('/')) out.push_back({arg, value});
      continue;
    }
    if (const auto* option = find_option(arg); option && (option->flags & kTakesPath) && (option->flags & kTakesArg)) {
      if (i + 1 < args.size() && !is_output_option(option->name) && args[i + 1].starts_with('/')) {
        out.push_back({arg + " " + args[i + 1], args[i + 1]});
      }
      ++i;
      continue;
    }
    if (const auto* option = find_prefix_option(arg); option && (option->flags & kTakesPath) && !is_output_option(option->name)) {
      std::string value = arg.substr(option->name.size());
      if (value.starts_with('=') && option->name.starts_with("--")) value.erase(0, 1);  // --sysroot=/x
      if (value.starts_with('/')) out.push_back({arg, value});
    }
  }
  return out;
}

bool is_host_path(std::string_view path, const std::vector<fs::path>& project_dirs) {
  if (!path.starts_with('/') || !store_path_of(path).empty()) return false;
  const fs::path normal = fs::path(path).lexically_normal();
  return std::none_of(project_dirs.begin(), project_dirs.end(), [&](const fs::path& dir) { return is_within(normal, dir); });
}

std::vector<fs::path> project_dirs_of(const Project& project) {
  std::vector<fs::path> dirs;
  for (const auto& dir : {project.source_dir, project.build_dir, project.cmake_source_dir}) {
    if (dir.empty()) continue;
    dirs.push_back(dir.lexically_normal());
    std::error_code ec;
    if (auto real = fs::canonical(dir, ec); !ec && real != dirs.back()) dirs.push_back(real);
  }
  return dirs;
}

void check_unit_arguments(const PlannedUnit& unit, const std::vector<fs::path>& project_dirs) {
  std::set<std::string> ignored;
  add_tool(unit.compiler.string(), fmt::format("{}: compiler", unit_label(unit)), project_dirs, ignored);
  for (const auto& named : named_paths(unit.arguments)) {
    if (is_host_path(named.path, project_dirs)) {
      throw std::runtime_error(fmt::format("{}: {} names {}, {}", unit_label(unit), named.flag, named.path, kWhy));
    }
  }
}

std::vector<std::string> unit_store_paths(const PlannedUnit& unit, const std::vector<fs::path>& project_dirs) {
  check_unit_arguments(unit, project_dirs);
  std::set<std::string> paths;
  if (auto compiler = store_path_of(unit.compiler.string()); !compiler.empty()) paths.insert(std::move(compiler));
  for (const auto& arg : unit.arguments) add_store_paths(arg, paths);
  for (const auto& header : unit.headers) {
    if (auto store = store_path_of(header.path); !store.empty()) paths.insert(std::move(store));
  }
  // `inputs` leaves out what lies in the compiler's own include directories, which come with the
  // compiler; any other host file would be read from whichever machine runs the batch.
  for (const auto& input : unit.inputs) {
    if (is_host_path(input, project_dirs)) {
      throw std::runtime_error(fmt::format("{}: reads {}, outside the compiler's own include directories and {}",
                                           unit_label(unit), input, kWhy));
    }
  }
  return {paths.begin(), paths.end()};
}

std::vector<std::string> target_store_paths(const Target& target, const Project& project,
                                            const std::vector<fs::path>& project_dirs) {
  std::set<std::string> paths;
  const std::string label = fmt::format("target {}", target.name);
  if (target.kind == TargetKind::StaticLibrary) {
    add_tool(project.archiver, label + ": the archiver (CMAKE_AR)", project_dirs, paths);
    add_tool(project.ranlib, label + ": CMAKE_RANLIB", project_dirs, paths);
    return {paths.begin(), paths.end()};
  }
  if (!target.link_compiler.empty()) add_tool(target.link_compiler, label + ": link compiler", project_dirs, paths);
  std::vector<std::string> fragments = target.link_flags;
  for (const auto& f : target.link_libraries) {
    // Dropped from the link by the plan, which points rpaths at the libraries' outputs instead.
    if (!f.starts_with("-Wl,-rpath,")) fragments.push_back(f);
  }
  for (const auto& named : named_paths(fragments)) {
    if (is_host_path(named.path, project_dirs)) {
      throw std::runtime_error(fmt::format("{}: link fragment {} names {}, {}", label, named.flag, named.path, kWhy));
    }
  }
  for (const auto& f : fragments) add_store_paths(f, paths);
  return {paths.begin(), paths.end()};
}

}  // namespace nixcc::plan
