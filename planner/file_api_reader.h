#pragma once
// Reads a CMake build directory through the CMake File API (codemodel v2, cache v2, toolchains v1).

#include <filesystem>

#include "planner/file_api_query.h"
#include "planner/project.h"

namespace nixcc::plan {

/// Reads the newest reply to nixcc-plan's query (planner/cmake_configure.h makes sure there is one).
/// Throws FileApiMissing when there is none, and std::runtime_error naming the file for anything
/// malformed.
Project read_file_api(const std::filesystem::path& build_dir);

}  // namespace nixcc::plan
