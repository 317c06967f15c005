#pragma once
#include <filesystem>

#include "planner/project.h"

namespace nixcc::plan {

/// Reads compile_commands.json (CMake, bear, meson): translation units only, no link targets.
/// The build directory is the file's folder; the source directory is `source_dir` or, when empty,
/// the deepest folder holding every source. Throws std::runtime_error naming the file and entry.
Project read_compile_commands(const std::filesystem::path& file, const std::filesystem::path& source_dir);

}  // namespace nixcc::plan
