#pragma once
// Reads the prerequisites out of a Make-style depfile written by -MD/-MMD.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nixcc {

/// Every prerequisite of every rule in `text`, in first-seen order, without duplicates.
/// Handles line continuations, "\ " and "$$" escapes, and -MP's empty phony rules.
std::vector<std::string> parse_depfile(std::string_view text);

/// The headers a compile read, from the depfile it wrote: prerequisites made absolute against `cwd`,
/// without `source` itself. nullopt when the depfile cannot be read.
std::optional<std::vector<std::filesystem::path>> read_depfile_headers(const std::filesystem::path& depfile,
                                                                       const std::filesystem::path& cwd,
                                                                       const std::filesystem::path& source);

}  // namespace nixcc
