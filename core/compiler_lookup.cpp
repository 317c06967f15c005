#include "core/compiler_lookup.h"

#include <fmt/format.h>

#include <stdexcept>

#include "core/input_hash.h"
#include "util/child_process.h"

namespace nixcc {

const ResolvedCompiler& CompilerLookup::resolve(const std::string& name) {
  if (const auto it = resolved_.find(name); it != resolved_.end()) return it->second;
  const auto exe = find_executable(name);
  if (!exe) {
    std::error_code ec;
    if (name.find('/') != std::string::npos && std::filesystem::is_regular_file(name, ec)) {
      throw std::runtime_error(fmt::format("compiler {}: is not executable", name));
    }
    throw std::runtime_error(fmt::format("compiler {}: command not found", name));
  }
  return resolved_.emplace(name, ResolvedCompiler{*exe, compiler_identity(*exe)}).first->second;
}

}  // namespace nixcc
