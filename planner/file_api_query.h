#pragma once
// nixcc-plan's CMake File API query (client "nixcc": codemodel v2, cache v2, toolchains v1, cmakeFiles
// v1) and the reply that answers it: where it is, and whether CMake's inputs changed since.

#include <filesystem>
#include <optional>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace nixcc::plan {

/// No current reply to nixcc-plan's query (none, or older than CMake's inputs), and nixcc-plan may not
/// run cmake itself; the message says which cmake command to run.
class FileApiMissing : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Writes the query files into `build_dir`/.cmake/api/v1/query/client-nixcc/ (idempotent).
void write_file_api_query(const std::filesystem::path& build_dir);

/// The newest reply index's answer to nixcc-plan's query.
struct FileApiReply {
  std::filesystem::path dir;         // .cmake/api/v1/reply
  std::filesystem::path index_file;  // its newest index-*.json
  nlohmann::json client;             // the index's "reply"."client-nixcc"

  /// The reply file of object kind `kind` ("codemodel-v2"), or nullopt when CMake did not answer it.
  /// Throws std::runtime_error naming the index file when the entry is malformed.
  std::optional<std::filesystem::path> file(const char* kind) const;
};

/// nullopt when `build_dir` has no reply index, or its newest one does not answer nixcc-plan's query
/// with a codemodel. Throws std::runtime_error naming the index file when it is malformed.
std::optional<FileApiReply> find_file_api_reply(const std::filesystem::path& build_dir);

/// The first of CMake's inputs changed after `reply` was written: CMakeCache.txt, or a CMakeLists.txt
/// or included script the reply's cmakeFiles-v1 lists (CMake's own modules and generated files left
/// out). nullopt when none is, and when the reply has no cmakeFiles-v1 to tell by.
std::optional<std::filesystem::path> input_newer_than(const FileApiReply& reply, const std::filesystem::path& build_dir);

/// Parses a JSON file, naming it when it cannot be read or is not JSON.
nlohmann::json read_json_file(const std::filesystem::path& file);

}  // namespace nixcc::plan
