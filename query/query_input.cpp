#include "query/query_input.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

namespace nixcc {

std::vector<std::string> query_databases(const std::vector<std::string>& given) {
  if (!given.empty()) return given;
  return {default_db_path().string()};
}

std::unique_ptr<TimingDb> open_for_query(const std::vector<std::string>& paths) {
  if (paths.empty()) throw std::runtime_error("no database given");
  if (paths.size() == 1) return std::make_unique<TimingDb>(paths.front(), TimingDb::Access::ReadOnly);
  std::vector<std::unique_ptr<TimingDb>> inputs;  // all opened before anything is merged
  for (const auto& p : paths) inputs.push_back(std::make_unique<TimingDb>(p, TimingDb::Access::ReadOnly));
  auto merged = std::make_unique<TimingDb>(":memory:");
  for (auto& in : inputs) merged->merge_from(*in);
  return merged;
}

void add_db_option(CLI::App& cmd, std::vector<std::string>& dbs) {
  cmd.add_option("--db", dbs, "Timing database; repeat to combine several (default: $NIXCC_DB, else ~/.local/state/nixcc/timings.sqlite)");
}

std::string describe(const std::vector<std::string>& paths) {
  std::string out;
  for (const auto& p : paths) out += (out.empty() ? "" : " + ") + p;
  return out;
}

namespace {

// The latest build of every batch name, and of those the ones the last batch's nix-build started.
ChosenBuild latest_result(const std::vector<BuildRow>& builds) {
  std::map<std::string, const BuildRow*> by_name;  // later builds win: `builds` is in start order
  for (const auto& b : builds) {
    if (b.kind == "batch") by_name[b.name] = &b;
  }
  // The nix-build of the most recently started batch that knows its nix-build.
  std::string invocation;
  for (auto it = builds.rbegin(); it != builds.rend() && invocation.empty(); ++it) invocation = it->invocation;
  ChosenBuild chosen;
  chosen.selection.emplace();
  std::set<std::string> ran;
  for (const auto& b : builds) {  // in start order
    const auto it = by_name.find(b.name);
    if (b.kind != "batch" || it->second != &b) continue;
    chosen.selection->push_back(b.id);
    if (b.invocation == invocation) ran.insert(b.id);
  }
  const auto batches = chosen.selection->size();
  // Without any invocation (a database no result's merge marked, from a sandbox that hides the
  // batch's parent) every batch counts as run.
  if (!invocation.empty()) chosen.latest_run = ran;
  chosen.label = chosen.latest_run
                     ? fmt::format("latest result: {} batch{}, {} run by the latest nix-build", batches,
                                   batches == 1 ? "" : "es", ran.size())
                     : fmt::format("latest result: {} batch{}", batches, batches == 1 ? "" : "es");
  return chosen;
}

}  // namespace

ChosenBuild choose_build(const std::vector<BuildRow>& builds, const std::string& spec, const std::string& label) {
  ChosenBuild chosen;
  if (spec == "all") {
    chosen.label = "all";
    chosen.empty = builds.empty();
    return chosen;
  }
  if (spec == "latest") {
    if (builds.empty()) {
      chosen.empty = true;
      chosen.label = "none";
      return chosen;
    }
    if (builds.back().kind == "batch") return latest_result(builds);
    chosen.selection = std::vector<std::string>{builds.back().id};
    chosen.label = builds.back().id;
    return chosen;
  }
  const bool known = std::any_of(builds.begin(), builds.end(), [&](const BuildRow& b) { return b.id == spec; });
  if (!known) throw std::runtime_error(fmt::format("{}: no build '{}'", label, spec));
  chosen.selection = std::vector<std::string>{spec};
  chosen.label = spec;
  return chosen;
}

void add_build_option(CLI::App& cmd, std::string& build) {
  build = kDefaultBuild;
  cmd.add_option("--build", build, "latest (a batch: its whole result), all, or a build id")->capture_default_str();
}

}  // namespace nixcc
