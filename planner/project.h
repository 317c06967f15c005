#pragma once
// The configured project as the planner sees it: translation units, link targets, toolchain.

#include <filesystem>
#include <optional>
#include <map>
#include <string>
#include <vector>

#include "core/frame.h"

namespace nixcc::plan {

// The plan's file naming ("s/<path>" under the source directory, "b/<path>" under the build
// directory) is core/frame.h's: a batch compiles in a tree laid out the same way.
using nixcc::kBuildPrefix;
using nixcc::kSourcePrefix;

struct Unit {
  std::string key;           // unique: "<target>/<source name>"
  std::string target;        // "" for compile_commands.json input
  std::filesystem::path source;  // absolute, real path at plan time
  std::string language;      // "CXX", "C", ...
  std::string compiler;      // absolute path
  std::vector<std::string> arguments;  // flags only, real absolute paths
  std::filesystem::path directory;     // working directory at plan time
  bool generated = false;              // made by a build step (File API isGenerated)
};

enum class TargetKind { Executable, StaticLibrary, SharedLibrary, ModuleLibrary, ObjectLibrary };

struct Target {
  std::string name;
  std::string id;  // CMake's target id
  TargetKind kind = TargetKind::Executable;
  std::string name_on_disk;
  std::string artifact;                   // path relative to the build directory
  std::vector<std::string> units;         // keys
  std::string link_compiler;
  std::vector<std::string> link_flags;    // before the objects
  std::vector<std::string> link_libraries;  // after the objects, as CMake wrote them
  std::vector<std::string> dependencies;  // target names
};

struct Project {
  std::filesystem::path source_dir;  // the frame's s/: CMake's source directory, or a folder above it
  std::filesystem::path build_dir;
  /// CMake's own source directory (the project root of compile_commands.json input), which timing
  /// databases record paths relative to; source_dir may lie above it (see common_source_root).
  std::filesystem::path cmake_source_dir;
  std::vector<Unit> units;
  std::vector<Target> targets;       // empty: objects only (compile_commands.json input)
  std::string archiver = "ar";
  std::string ranlib = "ranlib";
  std::map<std::string, std::string> cache;  // CMake cache entries, when known
};

const char* to_string(TargetKind kind);

/// The plan's name for a file: "b/<path>" under the build directory (checked first, it may lie inside
/// the source directory), "s/<path>" under the source directory, "" anywhere else (system headers).
std::string plan_name(const Project& project, const std::filesystem::path& absolute);

/// The key of a translation unit: "<target>/<plan name of its source>", or the plan name alone.
std::string unit_key(const std::string& target, const std::string& source_plan_name);

}  // namespace nixcc::plan
