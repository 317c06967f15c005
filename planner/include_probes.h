#pragma once
// __has_include(<x.h>) asks whether a header exists without reading it, and GCC's dependency list
// does not name the file it found. A batch holds only the files its plan lists, so a probe that finds
// a project header on the host would find nothing inside the batch and the unit would compile other
// code. The planner therefore adds every project file a unit's probes could find to its inputs.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace nixcc::plan {

struct IncludeProbe {
  std::string name;     // as written between the brackets or quotes
  bool angled = false;  // <name> rather than "name"
};

struct ProbeScan {
  std::vector<IncludeProbe> probes;
  /// Function-like macros that hand their parameter to a probe, as fmt's
  /// `#define FMT_HAS_INCLUDE(x) __has_include(x)`: their uses are probes too.
  std::vector<std::string> wrappers;
  int macro_line = 0;  // the first line whose probe names a macro rather than a literal file, else 0
};

/// The __has_include and __has_include_next probes written in `text`, and those made through the
/// macros named in `wrappers` (comments included: a probe too many costs nothing but an input).
ProbeScan find_include_probes(std::string_view text, const std::vector<std::string>& wrappers = {});

struct SearchPath {
  std::vector<std::filesystem::path> quote;   // -iquote
  std::vector<std::filesystem::path> angled;  // -I, -isystem, -idirafter, in order
};

/// The include directories of a compile's arguments (values already absolute or relative to `cwd`).
SearchPath search_path_of(const std::vector<std::string>& args, const std::filesystem::path& cwd);

/// Where a probe written in `including_file` may look: for "name" the file's own folder and the quote
/// directories first, then the angled directories.
std::vector<std::filesystem::path> probe_candidates(const IncludeProbe& probe, const std::filesystem::path& including_file,
                                                    const SearchPath& search);

}  // namespace nixcc::plan
