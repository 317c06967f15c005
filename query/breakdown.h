#pragma once
// Where the time goes: compile time summed by target, batch, folder or header.

#include <string>
#include <vector>

#include "schema/timing_db.h"

namespace nixcc {

enum class GroupBy { Target, Batch, Dir, Header };

struct Group {
  std::string key;
  std::int64_t compiles = 0;
  double wall_s = 0;  // compile time: a reused object counts with the compile that made it
  double cpu_s = 0;
};

/// Groups sorted by wall time, largest first, at most `limit`. By header, system headers count only
/// with `include_system` (they are rarely the ones worth cleaning up).
std::vector<Group> breakdown(TimingDb& db, const BuildSelection& builds, GroupBy by, int limit,
                             bool include_system = false);

/// The target an object belongs to: the X of ".../CMakeFiles/X.dir/..." (CMake's layout), else the
/// first folder of the object path (nixcc-plan's "<target>/..."), else "(none)".
std::string target_of(const std::string& object);

const char* to_string(GroupBy by);

}  // namespace nixcc
