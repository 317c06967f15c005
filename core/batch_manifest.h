#pragma once
// The batch manifest: what one `nixcc batch` run compiles, handed from nixcc-plan to the batch. This
// module owns all of it: the format (documented in the README, "Batch manifest"), reading, writing,
// the fingerprint that decides whether a batch changed, the argument hash that reuse keys on, and the
// @SOURCE_ROOT@ frame mapping both ways. Planner and batch call these and nothing else.

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/hash.h"
#include "core/recorded_path.h"

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
  std::filesystem::path source_root;  // absolute once read; written as given (nixcc-plan writes ".")
  /// Where the project's source and build directories lie in the tree, relative to source_root: the
  /// timing database records paths relative to them (core/recorded_path.h), as the launcher does.
  /// nixcc-plan writes "s" (or the folder below s/ that CMake's source directory is) and "b".
  std::string source_dir = ".";
  std::string build_dir;  // "" when the tree has none
  std::vector<BatchUnit> units;

  /// The tree's layout for recording paths.
  TreeLayout layout() const { return TreeLayout(source_dir, build_dir); }
};

/// Reads and validates `path`. Throws std::runtime_error naming the file and the offending field.
/// A relative source_root is taken relative to the manifest's own directory.
BatchManifest read_batch_manifest(const std::filesystem::path& path);

/// The manifest's text, every field read_batch_manifest reads, one JSON value per line for readable
/// diffs. `cost` is rounded to milliseconds.
std::string batch_manifest_text(const BatchManifest& manifest);

/// What decides a batch's derivation: every field of the manifest except the cost estimates (which
/// only order the work), and each unit's input hash (`input_hashes[i]` for `units[i]`). Hashed field by
/// field rather than through the JSON, which costs ten times more.
HashHex batch_fingerprint(const BatchManifest& manifest, std::span<const HashHex> input_hashes);

/// The argument hash reuse keys on: a unit's manifest arguments (placeholder form, so that a new
/// store path of the source root changes nothing) followed by -c. nixcc-plan records it with the
/// scans it keeps; the batch compares it with the earlier output's rows.
HashHex unit_arguments_hash(std::span<const std::string> manifest_arguments);

/// The default object path for a source: the source path with ".o" appended, so that a/util.cpp and
/// b/util.cpp land at a/util.cpp.o and b/util.cpp.o.
std::string default_object_for(const std::string& source);

/// `@SOURCE_ROOT@/<part>`: how a manifest names the folder `part` ("s", "b", "s/include") of its tree.
std::string under_source_root(std::string_view part);

/// `text` (a C or C++ source) with every `#include "<host>/<path>"` whose folder is a key of `roots`
/// rewritten to `#include "<root>/<frame folder>/<path>"`. Other lines are left as they are.
std::string rewrite_absolute_includes(std::string_view text, const std::vector<std::pair<std::string, std::string>>& roots,
                                      const std::string& root);

/// `text` with every kSourceRootPlaceholder replaced by `root`: a manifest value as it runs.
std::string substitute_source_root(std::string_view text, std::string_view root);

}  // namespace nixcc
