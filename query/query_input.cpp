#include "query/query_input.h"

#include <fmt/format.h>

namespace nixcc {

std::unique_ptr<TimingDb> open_for_query(const std::vector<std::string>& paths) {
  if (paths.empty()) throw std::runtime_error("no database given");
  if (paths.size() == 1) return std::make_unique<TimingDb>(paths.front(), TimingDb::Access::ReadOnly);
  std::vector<std::unique_ptr<TimingDb>> inputs;  // all opened before anything is merged
  for (const auto& p : paths) inputs.push_back(std::make_unique<TimingDb>(p, TimingDb::Access::ReadOnly));
  auto merged = std::make_unique<TimingDb>(":memory:");
  for (auto& in : inputs) merged->merge_from(*in);
  return merged;
}

ChosenBuild choose_build(TimingDb& db, const std::string& spec, const std::string& label) {
  ChosenBuild chosen;
  if (spec == "all") {
    chosen.label = "all";
  } else if (spec == "latest") {
    chosen.selection = db.latest_build();
    chosen.empty = !chosen.selection;
    chosen.label = chosen.selection.value_or("none");
  } else {
    if (!db.has_build(spec)) throw std::runtime_error(fmt::format("{}: no build '{}'", label, spec));
    chosen.selection = spec;
    chosen.label = spec;
  }
  return chosen;
}

void add_db_option(CLI::App& cmd, std::vector<std::string>& dbs) {
  cmd.add_option("--db", dbs, "Timing database; repeat to combine several (default: $NIXCC_DB, else ~/.local/state/nixcc/timings.sqlite)");
}

std::string describe(const std::vector<std::string>& paths) {
  std::string out;
  for (const auto& p : paths) out += (out.empty() ? "" : " + ") + p;
  return out;
}

}  // namespace nixcc
