#pragma once
// What nixcc knows about GCC and Clang options, as data: one sorted table, like ccache's compopt.

#include <cstdint>
#include <string_view>

namespace nixcc {

enum OptionFlag : std::uint32_t {
  kTakesArg = 1u << 0,        // the value may follow as the next argument ("-I dir")
  kTakesConcatArg = 1u << 1,  // the value may be glued on ("-Idir")
  kTakesPath = 1u << 2,       // the value is a path
  kDependencyOutput = 1u << 3,  // only shapes the depfile: left out of the argument hash
  kNotACompile = 1u << 4,     // the invocation produces no object (preprocess, assemble-only, info)
  kInfo = 1u << 5,            // asks the driver about itself (--version, -print-*)
};

struct CompilerOption {
  std::string_view name;
  std::uint32_t flags;
};

/// The option named exactly `name`, or nullptr.
const CompilerOption* find_option(std::string_view name);

/// The option whose name is the longest prefix of `arg` among those taking a concatenated value, or nullptr.
const CompilerOption* find_prefix_option(std::string_view arg);

}  // namespace nixcc
