#pragma once
// How a timing database names a file: relative to the project folder it lies in, with that folder
// kept in a column of its own. The launcher sees the host's folders and a batch its own copy of the
// tree (core/frame.h), yet both name one file of a project the same way, so their rows line up.

#include <compare>
#include <filesystem>
#include <string>
#include <string_view>

namespace nixcc {

enum class PathRoot {
  None,    // the path is absolute (a system header, or a file outside the project)
  Source,  // CMake's source directory
  Build,   // CMake's build directory
  Output,  // a batch's output directory (its objects)
};

struct RecordedPath {
  PathRoot root = PathRoot::None;
  std::string path;  // relative to the root (may climb above the source directory with ../), or absolute

  bool operator==(const RecordedPath&) const = default;
  auto operator<=>(const RecordedPath&) const = default;
};

/// The database's spelling of a root: "", "source", "build", "output".
std::string_view root_name(PathRoot root);
/// The root spelled `name`. Throws std::runtime_error naming it when it is none of root_name()'s.
PathRoot parse_root(std::string_view name);

/// How query output shows a path: as recorded under the source directory ("src/a.cpp"), output
/// directory or none, and "<build>/gen/v.cpp" under the build directory, which generated files share
/// names with sources.
std::string display_path(const RecordedPath& path);

/// The launcher's rule, lexical only: `absolute` (lexically normal) relative to `build_dir` when it lies
/// there (checked first: a build directory often lies inside the source directory), else relative to
/// `source_dir`, else absolute. An empty folder is unknown and matches nothing.
RecordedPath record_host_path(const std::filesystem::path& absolute, const std::filesystem::path& source_dir,
                              const std::filesystem::path& build_dir);

/// Where the project's source and build directories lie in a tree of files (a batch's copy, or the
/// planner's frame), relative to the tree's root. Converts the tree's names of files ("s/src/a.cpp",
/// relative to its root, or absolute host paths) to recorded paths and back.
class TreeLayout {
 public:
  /// `source_dir` and `build_dir` relative to the tree's root and lexically normal; `build_dir` "" when the
  /// tree holds none.
  TreeLayout(std::string source_dir, std::string build_dir);

  /// A file of the tree, by its name relative to the root, or a host file by its absolute path.
  /// Anything in the tree outside the build directory is recorded relative to the source directory.
  RecordedPath record(std::string_view name) const;
  /// The inverse: the name in this tree of a recorded source, header or directory ("" for the root
  /// itself). An output-relative path comes back unchanged.
  std::string name_of(const RecordedPath& recorded) const;

 private:
  std::filesystem::path source_dir_;
  std::filesystem::path build_dir_;
};

}  // namespace nixcc
