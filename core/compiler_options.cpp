#include "core/compiler_options.h"

#include <algorithm>
#include <array>

namespace nixcc {
namespace {

constexpr auto kArgPath = kTakesArg | kTakesConcatArg | kTakesPath;
constexpr auto kArg = kTakesArg | kTakesConcatArg;

// Sorted by name (checked by a unit test). Options not listed are kept in the argument hash as they are.
constexpr std::array kOptions = std::to_array<CompilerOption>({
    {"-###", kInfo | kNotACompile},
    {"--help", kInfo | kNotACompile},
    {"--include", kArgPath},
    {"--output", kArgPath},
    {"--param", kTakesArg},
    {"--print-file-name", kInfo | kNotACompile},
    {"--print-prog-name", kInfo | kNotACompile},
    {"--print-search-dirs", kInfo | kNotACompile},
    {"--serialize-diagnostics", kTakesArg | kTakesPath},
    {"--sysroot", kArgPath},
    {"--target", kTakesArg},
    {"--version", kInfo | kNotACompile},
    {"-B", kArgPath},
    {"-D", kArg},
    {"-E", kNotACompile},
    {"-F", kArgPath},
    {"-G", kArg},
    {"-I", kArgPath},
    {"-L", kArgPath},
    {"-M", kNotACompile},
    {"-MD", kDependencyOutput},
    {"-MF", kArgPath | kDependencyOutput},
    {"-MG", kDependencyOutput},
    {"-MM", kNotACompile},
    {"-MMD", kDependencyOutput},
    {"-MP", kDependencyOutput},
    {"-MQ", kArg | kDependencyOutput},
    {"-MT", kArg | kDependencyOutput},
    {"-S", kNotACompile},
    {"-T", kArgPath},
    {"-U", kArg},
    {"-V", kArg},
    {"-Xassembler", kTakesArg},
    {"-Xclang", kTakesArg},
    {"-Xlinker", kTakesArg},
    {"-Xpreprocessor", kTakesArg},
    {"-arch", kTakesArg},
    {"-aux-info", kTakesArg | kTakesPath},
    {"-b", kTakesArg},
    {"-dumpfullversion", kInfo | kNotACompile},
    {"-dumpmachine", kInfo | kNotACompile},
    {"-dumpspecs", kInfo | kNotACompile},
    {"-dumpversion", kInfo | kNotACompile},
    {"-gcc-toolchain", kTakesArg | kTakesPath},
    {"-idirafter", kArgPath},
    {"-imacros", kArgPath},
    {"-imultilib", kArgPath},
    {"-include", kArgPath},
    {"-include-pch", kArgPath},
    {"-iprefix", kArgPath},
    {"-iquote", kArgPath},
    {"-isysroot", kArgPath},
    {"-isystem", kArgPath},
    {"-ivfsoverlay", kArgPath},
    {"-iwithprefix", kArgPath},
    {"-iwithprefixbefore", kArgPath},
    {"-l", kArg},
    {"-o", kArgPath},
    {"-target", kTakesArg},
    {"-u", kArg},
    {"-x", kArg},
    {"-z", kTakesArg},
});

constexpr bool is_sorted_by_name() {
  for (std::size_t i = 1; i < kOptions.size(); ++i) {
    if (!(kOptions[i - 1].name < kOptions[i].name)) return false;
  }
  return true;
}
static_assert(is_sorted_by_name(), "kOptions must stay sorted by name");

}  // namespace

const CompilerOption* find_option(std::string_view name) {
  const auto it = std::lower_bound(kOptions.begin(), kOptions.end(), name,
                                   [](const CompilerOption& o, std::string_view n) { return o.name < n; });
  return it != kOptions.end() && it->name == name ? &*it : nullptr;
}

const CompilerOption* find_prefix_option(std::string_view arg) {
  const CompilerOption* best = nullptr;
  for (const auto& option : kOptions) {
    if ((option.flags & kTakesConcatArg) && arg.size() > option.name.size() && arg.starts_with(option.name) &&
        (!best || option.name.size() > best->name.size())) {
      best = &option;
    }
  }
  return best;
}

}  // namespace nixcc
