#pragma once
// What every query command starts with: one or more databases and a choice of build.

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "schema/timing_db.h"

namespace nixcc {

/// Opens one database read-only, or merges several into a private in-memory database; never writes them.
std::unique_ptr<TimingDb> open_for_query(const std::vector<std::string>& paths);

/// "latest" (the build that started last; nullopt-with-flag when there is none), "all", or a build id.
/// Throws std::runtime_error naming `label` when the id is unknown.
struct ChosenBuild {
  BuildSelection selection;  // nullopt: every build
  bool empty = false;        // "latest" of a database with no builds
  std::string label;         // for headings
};
ChosenBuild choose_build(TimingDb& db, const std::string& spec, const std::string& label);

/// Adds `--db PATH` (repeatable; default $NIXCC_DB or the per-user database) to `cmd`.
void add_db_option(CLI::App& cmd, std::vector<std::string>& dbs);

/// "a.sqlite" or "a.sqlite + b.sqlite".
std::string describe(const std::vector<std::string>& paths);

}  // namespace nixcc
