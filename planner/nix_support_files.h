#pragma once
#include <string_view>
#include <vector>

namespace nixcc::plan {

/// A file of nix/ that every plan carries: its path under nix/ and its text.
struct SupportFile {
  std::string_view path;
  std::string_view text;
};

const std::vector<SupportFile>& nix_support_files();

}  // namespace nixcc::plan
