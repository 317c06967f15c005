#include "query/stats_command.h"

#include <cstdio>
#include <ctime>
#include <map>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "query/breakdown.h"
#include "query/build_summary.h"
#include "util/cli_checks.h"
#include "query/output_format.h"
#include "query/query_input.h"
#include "schema/timing_db.h"

namespace nixcc {
namespace {

struct StatsOptions {
  std::vector<std::string> dbs;
  std::string build;
  int top = 10;
  OutputFormat format = OutputFormat::Table;
  std::optional<GroupBy> by;
  bool system_headers = false;
};

const std::map<std::string, OutputFormat> kFormats = {
    {"table", OutputFormat::Table}, {"json", OutputFormat::Json}, {"csv", OutputFormat::Csv}};
const std::map<std::string, GroupBy> kGroups = {
    {"target", GroupBy::Target}, {"batch", GroupBy::Batch}, {"dir", GroupBy::Dir}, {"header", GroupBy::Header}};

std::string local_time(double unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  localtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm);
  return text;
}

nlohmann::json compile_json(const CompileRecord& row) {
  return {{"source", display_path(row.source)}, {"object", display_path(row.object)}, {"build", row.build_id},
          {"wall_s", row.wall_s},     {"cpu_s", row.cpu_s()},             {"max_rss_kb", row.max_rss_kb},
          {"exit_status", row.exit_status}, {"input_hash", row.input_hash}, {"reused", row.reused}};
}

Table compile_table(const std::vector<CompileRecord>& rows) {
  Table table{{"wall s", "cpu s", "peak RSS", "exit", "source"}, {}, {true, true, true, true, false}};
  for (const auto& row : rows) {
    table.rows.push_back({format_seconds(row.wall_s), format_seconds(row.cpu_s()), format_kib(row.max_rss_kb),
                          std::to_string(row.exit_status), display_path(row.source) + (row.reused ? " (reused)" : "")});
  }
  return table;
}

void print_breakdown(TimingDb& db, const ChosenBuild& chosen, const StatsOptions& options) {
  const GroupBy by = *options.by;
  const auto groups = chosen.empty ? std::vector<Group>{} : breakdown(db, chosen.selection, by, options.top, options.system_headers);
  const auto rows = chosen.empty ? std::vector<CompileRecord>{} : db.compiles(chosen.selection);
  const double total = summarize(rows, chosen).compile_wall_s;
  if (options.format == OutputFormat::Json) {
    nlohmann::json out = {{"format", "nixcc-stats-by"}, {"version", 1}, {"by", to_string(by)},
                          {"build", chosen.empty ? nlohmann::json(nullptr) : nlohmann::json(chosen.label)},
                          {"total_wall_s", total}, {"groups", nlohmann::json::array()}};
    for (const auto& g : groups) {
      out["groups"].push_back({{"key", g.key}, {"compiles", g.compiles}, {"wall_s", g.wall_s}, {"cpu_s", g.cpu_s}});
    }
    std::fputs((out.dump(2) + "\n").c_str(), stdout);
    return;
  }
  Table table{{to_string(by), "compiles", "wall s", "cpu s", "share"}, {}, {false, true, true, true, true}};
  for (const auto& g : groups) {
    // For headers the share is of the build's compile time spent in units that read the header.
    table.rows.push_back({g.key, std::to_string(g.compiles), format_seconds(g.wall_s), format_seconds(g.cpu_s),
                          total > 0 ? fmt::format("{:.1f}%", 100.0 * g.wall_s / total) : "-"});
  }
  if (options.format == OutputFormat::Csv) {
    table.header = {to_string(by), "compiles", "wall_s", "cpu_s", "share"};
    std::fputs(render_csv(table).c_str(), stdout);
    return;
  }
  std::fputs(fmt::format("Compile time by {} ({} of {} s, build {})\n{}", to_string(by),
                         by == GroupBy::Header ? "units reading each header, out" : "share", format_seconds(total),
                         chosen.label, render_table(table)).c_str(),
             stdout);
}

// The heading's build line: one build with its kind and start, or what the selection stands for.
std::string build_line(const std::vector<BuildRow>& builds, const ChosenBuild& chosen, const BuildSummary& summary) {
  if (!chosen.selection) return fmt::format("Builds        all ({})\n", summary.builds);
  if (chosen.selection->size() == 1) {
    for (const auto& b : builds) {
      if (b.id == chosen.selection->front()) {
        return fmt::format("Build         {} ({}, started {})\n", b.id, b.kind, local_time(b.started_at));
      }
    }
  }
  return fmt::format("Build         {}\n", chosen.label);
}

void run_stats(const StatsOptions& options) {
  const auto dbs = query_databases(options.dbs);
  const std::string label = describe(dbs);
  auto db = open_for_query(dbs);
  const auto builds = db->builds();
  const ChosenBuild chosen = choose_build(builds, options.build, label);
  if (options.by) {
    print_breakdown(*db, chosen, options);
    return;
  }
  const auto& selection = chosen.selection;
  const bool empty = chosen.empty;
  const BuildSummary summary = summarize(empty ? std::vector<CompileRecord>{} : db->compiles(selection), chosen);
  const auto by_wall = empty ? std::vector<CompileRecord>{} : db->slowest(selection, SlowestBy::Wall, options.top);
  const auto by_cpu = empty ? std::vector<CompileRecord>{} : db->slowest(selection, SlowestBy::Cpu, options.top);

  if (options.format == OutputFormat::Json) {
    nlohmann::json out = {
        {"format", "nixcc-stats"},
        {"version", 1},
        {"database", label},
        {"build", empty ? nlohmann::json(nullptr) : nlohmann::json(chosen.label)},
        {"totals",
         {{"builds", summary.builds},
          {"compiles", summary.units},
          {"compiled", summary.compiled},
          {"failures", summary.failed},
          {"reused", summary.reused},
          {"wall_s", summary.ran_wall_s},
          {"cpu_s", summary.ran_cpu_s},
          {"compile_wall_s", summary.compile_wall_s},
          {"compile_cpu_s", summary.compile_cpu_s},
          {"peak_rss_kb", summary.peak_rss_kb}}},
        {"slowest_by_wall", nlohmann::json::array()},
        {"slowest_by_cpu", nlohmann::json::array()},
    };
    for (const auto& row : by_wall) out["slowest_by_wall"].push_back(compile_json(row));
    for (const auto& row : by_cpu) out["slowest_by_cpu"].push_back(compile_json(row));
    std::fputs((out.dump(2) + "\n").c_str(), stdout);
    return;
  }
  if (options.format == OutputFormat::Csv) {
    Table table{{"list", "rank", "source", "object", "build", "wall_s", "cpu_s", "max_rss_kb", "exit_status"}, {}, {}};
    auto add = [&](const char* list, const std::vector<CompileRecord>& rows) {
      for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& r = rows[i];
        table.rows.push_back({list, std::to_string(i + 1), display_path(r.source), display_path(r.object), r.build_id,
                              fmt::format("{:.6f}", r.wall_s), fmt::format("{:.6f}", r.cpu_s()),
                              std::to_string(r.max_rss_kb), std::to_string(r.exit_status)});
      }
    };
    add("wall", by_wall);
    add("cpu", by_cpu);
    std::fputs(render_csv(table).c_str(), stdout);
    return;
  }

  if (empty) {
    std::fputs(fmt::format("nixcc stats: no compiles recorded in {}\n", label).c_str(), stdout);
    return;
  }
  std::string out = fmt::format("Database      {}\n", label);
  out += build_line(builds, chosen, summary);
  out += fmt::format("Units         {} ({} compiled, {} reused, {} failed)\n", summary.units, summary.compiled,
                     summary.reused, summary.failed);
  out += fmt::format("Compile time  {} s wall, {} s CPU ({})\n", format_seconds(summary.compile_wall_s),
                     format_seconds(summary.compile_cpu_s), kCompileTimeMeaning);
  out += fmt::format("Compiling     {} s wall, {} s CPU (summed over the {} compiles this build ran)\n",
                     format_seconds(summary.ran_wall_s), format_seconds(summary.ran_cpu_s), summary.compiled);
  out += fmt::format("Peak RSS      {}\n", format_kib(summary.peak_rss_kb));
  out += fmt::format("\nSlowest {} by wall time\n{}", by_wall.size(), render_table(compile_table(by_wall)));
  out += fmt::format("\nSlowest {} by CPU time\n{}", by_cpu.size(), render_table(compile_table(by_cpu)));
  std::fputs(out.c_str(), stdout);
}

}  // namespace

void add_stats_command(CLI::App& app) {
  auto options = std::make_shared<StatsOptions>();
  auto* cmd = app.add_subcommand("stats", "Totals and the slowest translation units, or where the time goes (ccache: -s)");
  add_db_option(*cmd, options->dbs);
  add_build_option(*cmd, options->build);
  cmd->add_option("--top", options->top, "How many rows to list")->capture_default_str()->check(at_least(0));
  cmd->add_option("--format", options->format, "table, json or csv")
      ->transform(one_of(kFormats));
  cmd->add_option("--by", options->by, "Sum compile time by target, batch, dir or header")
      ->transform(one_of(kGroups));
  cmd->add_flag("--system-headers", options->system_headers, "With --by header: rank system headers too");
  cmd->callback([options] { run_stats(*options); });
}

void add_zero_command(CLI::App& app) {
  auto dbs = std::make_shared<std::vector<std::string>>();
  auto* cmd = app.add_subcommand("zero", "Forget every recorded compile; keep the database (ccache: -z)");
  cmd->add_option("--db", *dbs, "Timing database (default: $NIXCC_DB, else ~/.local/state/nixcc/timings.sqlite)")->expected(1);
  cmd->callback([dbs] {
    const std::string path = query_databases(*dbs).front();
    TimingDb timing(path);
    timing.clear();
    std::fputs(fmt::format("nixcc: cleared {}\n", path).c_str(), stdout);
  });
}

}  // namespace nixcc
