#pragma once
// Reads a CMake build directory through the CMake File API (codemodel v2, cache v2, toolchains v1).

#include <filesystem>
#include <stdexcept>

#include "planner/project.h"

namespace nixcc::plan {

/// Thrown when the build directory has no reply yet; the message says which cmake command to re-run.
class FileApiMissing : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Writes the File API query files nixcc-plan needs (idempotent).
void write_file_api_query(const std::filesystem::path& build_dir);

/// Reads the newest reply. Throws FileApiMissing (after writing the query) when there is none, and
/// std::runtime_error naming the file for anything malformed.
Project read_file_api(const std::filesystem::path& build_dir);

}  // namespace nixcc::plan
