#pragma once
#include <string_view>
#include <vector>

namespace nixcc {

/// A file compiled into the binary (cmake/embed_files.cmake): its path relative to the folder it was
/// embedded from, and its text.
struct EmbeddedFile {
  std::string_view path;
  std::string_view text;
};

}  // namespace nixcc
