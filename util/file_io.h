#pragma once
// Whole-file reads and atomic whole-file writes: every file nixcc writes for another program
// (plans, manifests, reports) appears complete or not at all.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace nixcc {

/// The file's bytes, or nullopt when it cannot be opened or read.
std::optional<std::string> read_file(const std::filesystem::path& path);

/// The file's bytes; throws std::runtime_error "<path>: cannot read" when it cannot be read.
std::string read_file_or_throw(const std::filesystem::path& path);

/// Writes `<path>.tmp`, then renames it over `path`, creating the parent folders. Throws
/// std::runtime_error naming the file when it cannot be written; `path` is then left as it was.
void write_file_atomically(const std::filesystem::path& path, std::string_view text);

}  // namespace nixcc
