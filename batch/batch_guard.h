#pragma once
// The batch's guard against a wrong input: after a unit compiles, every file the compiler read must be
// one the plan listed for that unit, or lie in the compiler's own include directories. Anything else
// means the plan's picture of the unit is wrong, and the object may be too.

#include <optional>
#include <set>
#include <span>
#include <string>

#include "core/compiler_dirs.h"
#include "core/input_hash.h"

namespace nixcc {

struct UnplannedRead {
  std::string file;      // as recorded: a frame name ("s/...", "b/...") or an absolute host path
  std::string expected;  // what the plan listed instead: its inputs of the same file name, or ""
};

/// The first file of `read` (named by the frame rule) that is neither in `planned` nor, for a host
/// file, under `compiler_dirs`.
std::optional<UnplannedRead> find_unplanned_read(std::span<const HashedFile> read, const std::set<std::string>& planned,
                                                 const CompilerDirs& compiler_dirs);

/// The one line a batch prints for it: the unit, the file, what the plan expected, and the remedy.
std::string unplanned_read_message(const std::string& batch, const std::string& source, const UnplannedRead& read);

}  // namespace nixcc
