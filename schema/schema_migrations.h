#pragma once
#include <string_view>
#include <vector>

namespace nixcc {

/// One step of the timing-database schema: applying `sql` to a database at version - 1 gives `version`.
struct Migration {
  int version;
  std::string_view file;
  std::string_view sql;
};

/// Every migration under schema/ (NNN_name.sql, NNN being its version), ordered by version, starting
/// at 1 with no gaps; a gap or a misnamed file throws at first use, so a test catches it.
const std::vector<Migration>& schema_migrations();

}  // namespace nixcc
