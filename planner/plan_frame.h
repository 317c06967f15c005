#pragma once
// The planner's frame (see core/frame.h): the plan folder's .root/ holds links s -> the source
// directory and b -> the build directory. Arguments name both through @SOURCE_ROOT@, so they read the
// same at plan time and inside a batch, and input hashes computed at plan time equal the batch's.

#include <filesystem>
#include <string>
#include <vector>

#include "core/frame.h"
#include "core/recorded_path.h"
#include "planner/project.h"

namespace nixcc::plan {

class PlanFrame {
 public:
  /// Makes `root` (inside the plan directory) with the s and b links.
  PlanFrame(const Project& project, const std::filesystem::path& root);

  const std::filesystem::path& root() const { return frame_.root(); }
  const Frame& frame() const { return frame_; }

  /// A unit's arguments in frame form: the source and build directories written as @SOURCE_ROOT@/s
  /// and @SOURCE_ROOT@/b, and the value of every path-taking option given relative to the unit's
  /// working directory made absolute when it lies in the frame (a relative "-I../include" from b/
  /// may climb into s/, which the batch's copy of the tree does not reproduce). Macro definitions
  /// (-D, -U) are kept as written: their values are the program's, not paths the compiler reads.
  std::vector<std::string> rewrite_arguments(const Unit& unit) const;
  /// Every spelling of the source and build directories with the frame folder it stands for ("s", "b").
  std::vector<std::pair<std::string, std::string>> host_roots() const;
  /// The working directory of a unit relative to the root, or "" when outside both directories.
  std::string directory_of(const Unit& unit) const;
  /// Where CMake's source directory (s/, or a folder below it) and the build directory (b) lie in the
  /// frame: how timing databases' paths and the frame's names convert.
  TreeLayout layout() const;

 private:
  /// One argument with the source and build directories written as @SOURCE_ROOT@/s and @SOURCE_ROOT@/b.
  std::string rewrite(const std::string& arg) const;
  std::string frame_form(const std::filesystem::path& absolute) const;

  const Project& project_;
  Frame frame_;
  // Each way the two directories may be written (as configured, and by their real paths), build
  // directories first: the build directory often lies inside the source directory.
  std::vector<std::pair<std::string, std::string>> spellings_;
};

}  // namespace nixcc::plan
