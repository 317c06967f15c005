#include "schema/schema_migrations.h"

#include <fmt/format.h>

#include <charconv>
#include <stdexcept>

#include "util/embedded_file.h"

namespace nixcc {

const std::vector<EmbeddedFile>& embedded_schema_files();  // generated from schema/*.sql

namespace {

std::vector<Migration> number_migrations() {
  std::vector<Migration> migrations;
  for (const auto& file : embedded_schema_files()) {
    int version = 0;
    const auto [end, ec] = std::from_chars(file.path.data(), file.path.data() + file.path.size(), version);
    if (ec != std::errc{} || end != file.path.data() + 3 || file.path.size() < 4 || file.path[3] != '_') {
      throw std::logic_error(fmt::format("schema/{}: a migration is named NNN_name.sql", file.path));
    }
    if (version != static_cast<int>(migrations.size()) + 1) {
      throw std::logic_error(fmt::format("schema/{}: expected version {}", file.path, migrations.size() + 1));
    }
    migrations.push_back({version, file.path, file.text});
  }
  return migrations;
}

}  // namespace

const std::vector<Migration>& schema_migrations() {
  static const std::vector<Migration> migrations = number_migrations();
  return migrations;
}

}  // namespace nixcc
