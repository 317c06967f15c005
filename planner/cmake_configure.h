#pragma once
// A build directory configured with plain `cmake -S -B` has no reply to nixcc-plan's File API query
// yet: nixcc-plan writes the query and runs cmake itself, as ninja re-runs cmake when its inputs change.

#include <filesystem>

namespace nixcc::plan {

/// Makes sure `build_dir` holds a current reply to nixcc-plan's File API query. When it holds none, or
/// one older than CMake's inputs, and `may_configure`: writes the query and runs the cmake that
/// configured the directory on it, printing one line on success and cmake's whole output on failure.
/// Throws std::runtime_error when `build_dir` does not exist or is not a CMake build directory (no
/// CMakeCache.txt; nothing is written into it then) and when cmake fails; FileApiMissing, after
/// writing the query, when the reply is missing or stale and !may_configure.
void prepare_file_api_reply(const std::filesystem::path& build_dir, bool may_configure);

}  // namespace nixcc::plan
