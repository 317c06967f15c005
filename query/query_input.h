#pragma once
// What every query command starts with: one or more databases and a choice of build.

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "schema/timing_db.h"

namespace nixcc {

/// The databases a query reads: those given with --db, else the default one ($NIXCC_DB, else the
/// per-user database; see default_db_path()).
std::vector<std::string> query_databases(const std::vector<std::string>& given);

/// Opens one database read-only, or merges several into a private in-memory database; never writes them.
std::unique_ptr<TimingDb> open_for_query(const std::vector<std::string>& paths);

/// Adds `--db PATH` (repeatable; see query_databases()) to `cmd`.
void add_db_option(CLI::App& cmd, std::vector<std::string>& dbs);

/// "a.sqlite" or "a.sqlite + b.sqlite".
std::string describe(const std::vector<std::string>& paths);

struct ChosenBuild {
  BuildSelection selection;  // nullopt: every build
  /// The selected builds that ran last (what a timeline draws); nullopt: all of them. A result's
  /// database holds every batch of the plan, also those the latest nix-build did not rebuild.
  std::optional<std::set<std::string>> latest_run;
  bool empty = false;  // "latest" of a database with no builds
  std::string label;   // for headings

  /// Whether the compiles of `build_id` ran in the latest run (as opposed to an earlier one whose
  /// objects this build took as they were).
  bool ran_last(const std::string& build_id) const { return !latest_run || latest_run->count(build_id) > 0; }
};

/// The query commands' default: "latest", the build that started last, where a batch stands for the
/// result it belongs to: the latest build of every batch name (what a nix-build's merged database
/// holds), of which those started by the same nix-build as the last one ran last.
inline constexpr const char* kDefaultBuild = "latest";

/// `spec` is "latest", "all", or a build id; `builds` in start order (TimingDb::builds()). Throws
/// std::runtime_error naming `label` (the database) when the id is unknown.
ChosenBuild choose_build(const std::vector<BuildRow>& builds, const std::string& spec, const std::string& label);

/// Adds `--build latest|all|ID` (default kDefaultBuild) to `cmd`.
void add_build_option(CLI::App& cmd, std::string& build);

}  // namespace nixcc
