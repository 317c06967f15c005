#pragma once
// The frame: the one tree every planned compile is described in. <root>/s is the project's source
// directory and <root>/b its build directory. At plan time <root>/s and <root>/b are links to the real
// folders; inside a batch they are copies of just the files the batch reads. A file the compile reads
// is named "s/<path>" or "b/<path>" when it lies in either folder, by whatever route the compiler
// reached it (a relative -I, a symlink, GCC's canonical spelling of a system header), and absolute
// otherwise. Every part of nixcc that names a compile's files goes through this one rule.

#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace nixcc {

inline constexpr std::string_view kSourcePrefix = "s/";
inline constexpr std::string_view kBuildPrefix = "b/";

/// The lexical rule alone: "b/<rel>" when `absolute` lies under `build_dir` (checked first: a build
/// directory often lies inside the source directory), "s/<rel>" under `source_dir`, "" elsewhere or for
/// the two folders themselves. No file-system access.
std::string frame_name(const std::filesystem::path& absolute, const std::filesystem::path& source_dir,
                       const std::filesystem::path& build_dir);

class Frame {
 public:
  /// A batch's tree: <root>/s and <root>/b are real folders.
  explicit Frame(std::filesystem::path root);
  /// The planner's tree: <root>/s and <root>/b stand for `source_dir` and `build_dir`.
  Frame(std::filesystem::path root, const std::filesystem::path& source_dir, const std::filesystem::path& build_dir);

  const std::filesystem::path& root() const { return root_; }

  /// The frame name of an absolute, lexically normal path: relative to the root when it lies under it
  /// ("s/...", "b/..."), else under the source or build directory as written or with symlinks resolved,
  /// else, when the file exists, the same for its canonical path. "" for a file outside the frame.
  std::string name_of(const std::filesystem::path& absolute) const;

  /// The frame name the file `name` resolves to through symlinks when that differs from `name` and lies
  /// in the frame, else "". A batch must hold both: its copy of the tree keeps links as links. Costs
  /// one lstat per file and one realpath per folder.
  std::string link_target_name(std::string_view name) const;

 private:
  struct Place {
    std::filesystem::path source_dir, build_dir;
  };
  std::string lexical_name(const std::filesystem::path& absolute) const;

  std::filesystem::path root_;
  std::vector<Place> places_;
  struct Folder {
    std::string resolved;                         // its frame name with links resolved
    std::unordered_set<std::string> link_names;  // its entries that are symlinks
  };
  mutable std::unordered_map<std::string, Folder> folders_;  // by frame name
};

}  // namespace nixcc
