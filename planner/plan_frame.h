#pragma once
// The tree a batch compiles in: <root>/s is the source directory, <root>/b the build directory. At plan
// time <root> holds symlinks to the real folders; inside a batch derivation it holds copies of just the
// files the batch reads. Arguments name both through @SOURCE_ROOT@, so they read the same either way,
// and input hashes computed at plan time equal those the batch computes.

#include <filesystem>
#include <string>
#include <vector>

#include "project.h"

namespace nixcc::plan {

class PlanFrame {
 public:
  /// Makes `root` (inside the plan directory) with the s and b links.
  PlanFrame(const Project& project, const std::filesystem::path& root);

  const std::filesystem::path& root() const { return root_; }
  /// An argument with the source and build directories written as @SOURCE_ROOT@/s and @SOURCE_ROOT@/b.
  std::string rewrite(const std::string& arg) const;
  /// The working directory of a unit relative to the root, or "" when outside both directories.
  std::string directory_of(const Unit& unit) const;

 private:
  const Project& project_;
  std::filesystem::path root_;
};

}  // namespace nixcc::plan
