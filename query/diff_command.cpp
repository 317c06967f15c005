#include "query/diff_command.h"

#include <cstdio>
#include <map>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "util/cli_checks.h"
#include "query/build_summary.h"
#include "query/output_format.h"
#include "query/query_input.h"
#include "query/timing_diff.h"

namespace nixcc {
namespace {

struct DiffOptions {
  std::string old_db, new_db;
  std::string old_build = "all", new_build = "all";
  DiffThresholds thresholds;
  OutputFormat format = OutputFormat::Table;
};

nlohmann::json to_json(const TimingDiff& d) {
  using nlohmann::json;
  json changed = json::array();
  for (const auto& c : d.changed) {
    changed.push_back({{"source", c.source}, {"object", c.object}, {"arguments", c.arguments}, {"headers", c.headers},
                       {"added_headers", c.added}, {"removed_headers", c.removed}, {"source_changed", c.source_only()}});
  }
  auto times = [](const std::vector<TimeChange>& list) {
    json out = json::array();
    for (const auto& t : list) out.push_back({{"source", t.source}, {"old_s", t.old_s}, {"new_s", t.new_s}});
    return out;
  };
  auto side = [](const Side& s) { return json{{"compiles", s.compiles}, {"wall_s", s.wall_s}, {"cpu_s", s.cpu_s}}; };
  return {{"format", "nixcc-diff"}, {"version", 1},         {"changed_inputs", changed},
          {"slower", times(d.slower)}, {"faster", times(d.faster)}, {"appeared", d.appeared},
          {"vanished", d.vanished},  {"before", side(d.before)}, {"after", side(d.after)}};
}

std::string to_text(const TimingDiff& d) {
  std::string out = fmt::format("Compile time  before {} units, {} s   after {} units, {} s\n  ({})\n",
                                d.before.compiles, format_seconds(d.before.wall_s), d.after.compiles,
                                format_seconds(d.after.wall_s), kCompileTimeMeaning);
  out += fmt::format("\nChanged inputs ({})\n", d.changed.size());
  for (const auto& c : d.changed) out += fmt::format("  {}: {}\n", c.source, describe_change(c));
  auto times = [&](const char* title, const std::vector<TimeChange>& list) {
    out += fmt::format("\n{} ({})\n", title, list.size());
    if (list.empty()) return;
    Table table{{"before s", "after s", "change", "source"}, {}, {true, true, true, false}};
    for (const auto& t : list) {
      table.rows.push_back({format_seconds(t.old_s), format_seconds(t.new_s),
                            fmt::format("{:+.0f}%", t.old_s > 0 ? 100.0 * (t.new_s - t.old_s) / t.old_s : 0.0), t.source});
    }
    // Indented like the other lists.
    const std::string rendered = render_table(table);
    for (std::size_t start = 0; start < rendered.size();) {
      const auto end = rendered.find('\n', start);
      out += "  " + rendered.substr(start, end - start + 1);
      start = end + 1;
    }
  };
  times("Slower", d.slower);
  times("Faster", d.faster);
  out += fmt::format("\nAppeared ({})\n", d.appeared.size());
  for (const auto& s : d.appeared) out += fmt::format("  {}\n", s);
  out += fmt::format("\nVanished ({})\n", d.vanished.size());
  for (const auto& s : d.vanished) out += fmt::format("  {}\n", s);
  return out;
}

std::string to_csv(const TimingDiff& d) {
  Table table{{"change", "source", "detail", "old_s", "new_s"}, {}, {}};
  for (const auto& c : d.changed) table.rows.push_back({"inputs", c.source, describe_change(c), "", ""});
  for (const auto& t : d.slower) table.rows.push_back({"slower", t.source, "", fmt::format("{:.6f}", t.old_s), fmt::format("{:.6f}", t.new_s)});
  for (const auto& t : d.faster) table.rows.push_back({"faster", t.source, "", fmt::format("{:.6f}", t.old_s), fmt::format("{:.6f}", t.new_s)});
  for (const auto& s : d.appeared) table.rows.push_back({"appeared", s, "", "", ""});
  for (const auto& s : d.vanished) table.rows.push_back({"vanished", s, "", "", ""});
  return render_csv(table);
}

}  // namespace

void add_diff_command(CLI::App& app) {
  auto options = std::make_shared<DiffOptions>();
  const std::map<std::string, OutputFormat> formats = {
      {"table", OutputFormat::Table}, {"json", OutputFormat::Json}, {"csv", OutputFormat::Csv}};
  auto* cmd = app.add_subcommand("diff", "What changed between two timing databases");
  cmd->add_option("OLD", options->old_db, "The earlier database")->required();
  cmd->add_option("NEW", options->new_db, "The later database")->required();
  cmd->add_option("--old-build", options->old_build, "Build of OLD: latest, an id, or all")->capture_default_str();
  cmd->add_option("--new-build", options->new_build, "Build of NEW: latest, an id, or all")->capture_default_str();
  cmd->add_option("--min-seconds", options->thresholds.min_seconds, "Smaller time changes are noise")
      ->capture_default_str()->check(at_least(0));
  cmd->add_option("--min-ratio", options->thresholds.min_ratio, "So are changes below this fraction of the old time")
      ->capture_default_str()->check(at_least(0));
  cmd->add_option("--format", options->format, "table, json or csv")->transform(one_of(formats));
  cmd->callback([options] {
    auto old_db = open_for_query({options->old_db});
    auto new_db = open_for_query({options->new_db});
    const auto old_build = choose_build(old_db->builds(), options->old_build, options->old_db);
    const auto new_build = choose_build(new_db->builds(), options->new_build, options->new_db);
    const auto diff = diff_timings(*old_db, old_build.selection, *new_db, new_build.selection, options->thresholds);
    const std::string text = options->format == OutputFormat::Json  ? to_json(diff).dump(2) + "\n"
                             : options->format == OutputFormat::Csv ? to_csv(diff)
                                                                    : to_text(diff);
    std::fputs(text.c_str(), stdout);
  });
}

}  // namespace nixcc
