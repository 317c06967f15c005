#pragma once
// Reads the prerequisites out of a Make-style depfile written by -MD/-MMD.

#include <string>
#include <string_view>
#include <vector>

namespace nixcc {

/// Every prerequisite of every rule in `text`, in first-seen order, without duplicates.
/// Handles line continuations, "\ " and "$$" escapes, and -MP's empty phony rules.
std::vector<std::string> parse_depfile(std::string_view text);

}  // namespace nixcc
