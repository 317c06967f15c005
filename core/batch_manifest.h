#pragma once
// The batch manifest: what one `nixcc batch` run compiles. Format documented in README ("Batch manifest").

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace nixcc {

inline constexpr std::string_view kManifestFormat = "nixcc-batch-manifest";
inline constexpr int kManifestVersion = 1;
/// Written in arguments and directories, replaced by the absolute source root at run time.
inline constexpr std::string_view kSourceRootPlaceholder = "@SOURCE_ROOT@";

struct BatchUnit {
  std::string source;                 // relative to the source root
  std::string object;                 // relative to the output directory
  std::string directory;              // working directory, relative to the source root ("" = the root)
  std::vector<std::string> arguments; // compiler flags, without -c, -o, depfile options or the source
  std::string compiler;               // the manifest's compiler unless a unit names its own
  std::optional<double> cost;         // expected seconds, for scheduling
  /// Every file the plan expects the compile to read besides the source and the compiler's own
  /// headers: frame names ("s/...", "b/...") or absolute host paths. When present, the batch fails the
  /// unit if its compiler reads anything else.
  std::optional<std::vector<std::string>> inputs;
  /// Host folders whose files the source #includes by absolute path (CMake's unity sources), each with
  /// the frame folder ("s" or "b") it stands for: the batch compiles a copy of the source with those
  /// includes pointed at its own tree.
  std::vector<std::pair<std::string, std::string>> absolute_includes;
};

struct BatchManifest {
  std::string name;
  std::string compiler;
  /// The compilers' own include directories as the planner found them (absolute). A host file read
  /// there is expected; one read anywhere else makes the batch ask the compiler itself.
  std::vector<std::string> system_dirs;
  std::filesystem::path source_root;  // absolute
  std::vector<BatchUnit> units;
};

/// Reads and validates `path`. Throws std::runtime_error naming the file and the offending field.
/// A relative source_root is taken relative to the manifest's own directory.
BatchManifest read_batch_manifest(const std::filesystem::path& path);

/// The default object path for a source: the source path with ".o" appended, so that a/util.cpp and
/// b/util.cpp land at a/util.cpp.o and b/util.cpp.o.
std::string default_object_for(const std::string& source);

/// `text` with every occurrence of `from` replaced by `to`.
std::string replace_all(std::string_view text, std::string_view from, std::string_view to);

/// `text` (a C or C++ source) with every `#include "<host>/<path>"` whose folder is a key of `roots`
/// rewritten to `#include "<root>/<frame folder>/<path>"`. Other lines are left as they are.
std::string rewrite_absolute_includes(std::string_view text, const std::vector<std::pair<std::string, std::string>>& roots,
                                      const std::string& root);

/// `text` with every kSourceRootPlaceholder replaced by `root`.
std::string substitute_source_root(const std::string& text, const std::string& root);

}  // namespace nixcc
