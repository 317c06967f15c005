#include "batch/batch_guard.h"

#include <filesystem>

#include <fmt/format.h>

namespace nixcc {
namespace fs = std::filesystem;

std::optional<UnplannedRead> find_unplanned_read(std::span<const HashedFile> read, const std::set<std::string>& planned,
                                                 const CompilerDirs& compiler_dirs) {
  for (const auto& file : read) {
    if (planned.count(file.path)) continue;
    const fs::path path(file.path);
    if (path.is_absolute() && compiler_dirs.contains(path)) continue;
    UnplannedRead found{file.path, ""};
    const auto name = path.filename();
    for (const auto& p : planned) {
      if (fs::path(p).filename() != name) continue;
      found.expected += (found.expected.empty() ? "" : ", ") + p;
    }
    return found;
  }
  return std::nullopt;
}

std::string unplanned_read_message(const std::string& batch, const std::string& source, const UnplannedRead& read) {
  const bool in_frame = !fs::path(read.file).is_absolute();
  return fmt::format("nixcc batch: {}: {} read {}, {} ({}); re-run nixcc-plan", batch, source, read.file,
                     in_frame ? "a file inside the project that the plan did not list for it"
                              : "a host file outside the compiler's own include directories that the plan did not list",
                     read.expected.empty() ? "the plan lists no file of that name"
                                           : fmt::format("the plan expected {}", read.expected));
}

}  // namespace nixcc
