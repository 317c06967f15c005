#pragma once
// A compiler named in a command or manifest, resolved to its executable and identity once per name.
// Planner and batch both key reuse on the identity, so both look compilers up here.

#include <filesystem>
#include <map>
#include <string>

#include "core/hash.h"

namespace nixcc {

struct ResolvedCompiler {
  std::filesystem::path executable;
  HashHex identity;  // compiler_identity(executable)
};

class CompilerLookup {
 public:
  /// `name` resolved as execvp would. Throws std::runtime_error "compiler NAME: command not found", or
  /// "... is not executable" for a file that exists without the permission.
  const ResolvedCompiler& resolve(const std::string& name);

 private:
  std::map<std::string, ResolvedCompiler, std::less<>> resolved_;
};

}  // namespace nixcc
