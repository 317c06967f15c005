#include "planner/host_paths.h"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include <fmt/format.h>

#include "core/hash.h"
#include "core/host_toolchain.h"
#include "planner/store_import.h"
#include "util/child_process.h"
#include "util/paths.h"

namespace nixcc::plan {

namespace fs = std::filesystem;

namespace {

// What nix/builders/*.sh run besides the tools the plan names.
constexpr const char* kBuilderPrograms[] = {"/bin/sh", "cp", "mkdir", "chmod", "ln"};

bool outside(const fs::path& path, const Project& project) {
  return !is_within(path, project.source_dir) && !is_within(path, project.build_dir);
}

// An absolute library or library folder a link names: "/usr/lib/libz.so", "-L/opt/x/lib".
std::optional<fs::path> named_library_path(const std::string& fragment) {
  if (fragment.starts_with("-L/")) return fs::path(fragment.substr(2));
  if (fragment.starts_with('/')) return fs::path(fragment);
  return std::nullopt;
}

}  // namespace

HostTools host_tools_of(const Project& project, const std::vector<PlannedUnit>& units) {
  HostTools tools;
  for (const char* p : kBuilderPrograms) tools.programs.insert(p);
  tools.programs.insert(project.archiver);
  tools.programs.insert(project.ranlib);
  for (const auto& u : units) tools.compilers.insert(u.compiler.string());
  for (const auto& t : project.targets) {
    if (!t.link_compiler.empty()) tools.compilers.insert(t.link_compiler);
  }
  return tools;
}

std::string host_tools_identity(const HostTools& tools) {
  std::string text;
  for (const auto* set : {&tools.compilers, &tools.programs}) {
    for (const auto& name : *set) {
      const auto exe = find_executable(name);
      text += fmt::format("{}={}\n", name, exe ? file_identity(fs::canonical(*exe)) : "");
    }
    text += "--\n";
  }
  return hash_string(text);
}

HostToolAnswer ask_host_tools(const HostTools& tools) {
  HostToolchain host;
  for (const auto& c : tools.compilers) host.add_compiler(c);
  for (const auto& p : tools.programs) host.add_program(p);
  return {host.paths(), {host.executables().begin(), host.executables().end()}};
}

std::string toolchain_identity(const std::vector<std::string>& executables) {
  std::string text;
  for (const auto& e : executables) {
    std::error_code ec;
    const fs::path real = fs::canonical(e, ec);
    text += fmt::format("{}={}\n", e, ec ? "" : file_identity(real));
  }
  return hash_string(text);
}

std::vector<std::string> declared_host_paths(const std::set<std::string>& tool_entries, const Project& project,
                                             const std::vector<PlannedUnit>& units) {
  std::set<fs::path> wanted;  // many units share each: resolved once
  std::set<const CompilerDirs*> dirs;
  for (const auto& u : units) {
    if (u.compiler_dirs) dirs.insert(u.compiler_dirs);
    if (u.source_name.starts_with('/')) wanted.insert(u.source_name);
    for (const auto& h : u.headers) {
      if (h.path.starts_with('/')) wanted.insert(h.path);
    }
  }
  for (const auto* d : dirs) wanted.insert(d->dirs.begin(), d->dirs.end());
  for (const auto& t : project.targets) {
    for (const auto* fragments : {&t.link_flags, &t.link_libraries}) {
      for (const auto& f : *fragments) {
        if (const auto p = named_library_path(f); p && outside(*p, project)) wanted.insert(*p);
      }
    }
  }
  std::set<std::string> entries = tool_entries;
  for (const auto& p : wanted) {
    for (auto& e : sandbox_entries_of(p)) entries.insert(std::move(e));
  }
  return without_nested(entries);
}

std::vector<std::string> unnameable_in_nix_conf(const std::vector<std::string>& paths) {
  std::vector<std::string> bad;
  for (const auto& p : paths) {
    if (p.find_first_of(" \t\n\r=") != std::string::npos) bad.push_back(p);
  }
  return bad;
}

std::string sandbox_paths_line(const std::vector<std::string>& paths) {
  const auto bad = unnameable_in_nix_conf(paths);
  std::string line = "extra-sandbox-paths =";
  for (const auto& p : paths) {
    if (std::find(bad.begin(), bad.end(), p) == bad.end()) line += " " + p;
  }
  return line;
}

}  // namespace nixcc::plan
