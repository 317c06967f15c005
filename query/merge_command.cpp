#include "query/merge_command.h"

#include <cstdio>
#include <memory>

#include <fmt/format.h>

#include "schema/timing_db.h"

namespace nixcc {

namespace {
// What a result's merge calls the nix-build that ran the batches the latest plan changed.
constexpr const char* kLatestPlanInvocation = "latest plan";
}  // namespace

void add_merge_command(CLI::App& app) {
  auto out = std::make_shared<std::string>();
  auto inputs = std::make_shared<std::vector<std::string>>();
  auto quiet = std::make_shared<bool>(false);
  auto latest = std::make_shared<std::vector<std::string>>();
  auto* cmd = app.add_subcommand("merge", "Combine timing databases into OUT (created if missing)");
  cmd->add_option("OUT", *out, "Database to merge into")->required();
  cmd->add_option("IN", *inputs, "Databases to merge from (never modified)")->required();
  cmd->add_flag("--quiet,-q", *quiet, "Print nothing on success");
  cmd->add_option("--latest", *latest, "The batches the latest plan changed (comma-separated): what queries show as the latest nix-build")
      ->delimiter(',')
      ->allow_extra_args(false);  // one word, split at commas: OUT and IN are never taken for batch names
  cmd->callback([out, inputs, quiet, latest] {
    // Open every input first: a bad input fails the merge before OUT is touched.
    std::vector<std::unique_ptr<TimingDb>> sources;
    for (const auto& in : *inputs) sources.push_back(std::make_unique<TimingDb>(in, TimingDb::Access::ReadOnly));
    TimingDb target(*out);
    std::int64_t added = 0;
    for (auto& source : sources) added += target.merge_from(*source);
    std::erase(*latest, "");
    if (!latest->empty()) target.mark_latest_batches(*latest, kLatestPlanInvocation);
    target.make_self_contained();  // one file, readable from the Nix store
    if (!*quiet) std::fputs(fmt::format("nixcc merge: {} compiles from {} databases into {}\n", added, inputs->size(), *out).c_str(), stdout);
  });
}

}  // namespace nixcc
