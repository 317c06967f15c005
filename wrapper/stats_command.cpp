#include "stats_command.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "output_format.h"
#include "timing_db.h"

namespace nixcc {
namespace {

struct StatsOptions {
  std::string db;
  std::string build = "latest";
  int top = 10;
  OutputFormat format = OutputFormat::Table;
};

const std::map<std::string, OutputFormat> kFormats = {
    {"table", OutputFormat::Table}, {"json", OutputFormat::Json}, {"csv", OutputFormat::Csv}};

std::string local_time(double unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  localtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm);
  return text;
}

nlohmann::json compile_json(const CompileRow& row) {
  return {{"source", row.source},     {"object", row.object},           {"build", row.build_id},
          {"wall_s", row.wall_s},     {"cpu_s", row.cpu_s},             {"max_rss_kb", row.max_rss_kb},
          {"exit_status", row.exit_status}, {"input_hash", row.input_hash}};
}

Table compile_table(const std::vector<CompileRow>& rows) {
  Table table{{"wall s", "cpu s", "peak RSS", "exit", "source"}, {}, {true, true, true, true, false}};
  for (const auto& row : rows) {
    table.rows.push_back({format_seconds(row.wall_s), format_seconds(row.cpu_s), format_kib(row.max_rss_kb),
                          std::to_string(row.exit_status), row.source});
  }
  return table;
}

void run_stats(const StatsOptions& options) {
  TimingDb db(options.db, TimingDb::Access::ReadOnly);
  BuildSelection selection;
  std::string build_label = "all";
  if (options.build == "latest") {
    selection = db.latest_build();
    build_label = selection.value_or("none");
  } else if (options.build != "all") {
    if (!db.has_build(options.build)) throw std::runtime_error(fmt::format("{}: no build '{}'", options.db, options.build));
    selection = options.build;
    build_label = options.build;
  }
  const bool empty = options.build == "latest" && !selection;
  const Totals totals = empty ? Totals{} : db.totals(selection);
  const auto by_wall = empty ? std::vector<CompileRow>{} : db.slowest(selection, SlowestBy::Wall, options.top);
  const auto by_cpu = empty ? std::vector<CompileRow>{} : db.slowest(selection, SlowestBy::Cpu, options.top);

  if (options.format == OutputFormat::Json) {
    nlohmann::json out = {
        {"format", "nixcc-stats"},
        {"version", 1},
        {"database", options.db},
        {"build", empty ? nlohmann::json(nullptr) : nlohmann::json(build_label)},
        {"totals",
         {{"builds", totals.builds},
          {"compiles", totals.compiles},
          {"failures", totals.failures},
          {"wall_s", totals.wall_s},
          {"cpu_s", totals.cpu_s},
          {"peak_rss_kb", totals.peak_rss_kb}}},
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
    auto add = [&](const char* list, const std::vector<CompileRow>& rows) {
      for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& r = rows[i];
        table.rows.push_back({list, std::to_string(i + 1), r.source, r.object, r.build_id,
                              fmt::format("{:.6f}", r.wall_s), fmt::format("{:.6f}", r.cpu_s),
                              std::to_string(r.max_rss_kb), std::to_string(r.exit_status)});
      }
    };
    add("wall", by_wall);
    add("cpu", by_cpu);
    std::fputs(render_csv(table).c_str(), stdout);
    return;
  }

  if (empty) {
    std::fputs(fmt::format("nixcc stats: no compiles recorded in {}\n", options.db).c_str(), stdout);
    return;
  }
  std::string out = fmt::format("Database   {}\n", options.db);
  if (selection) {
    for (const auto& b : db.builds()) {
      if (b.id == *selection) out += fmt::format("Build      {} ({}, started {})\n", b.id, b.kind, local_time(b.started_at));
    }
  } else {
    out += fmt::format("Builds     all ({})\n", totals.builds);
  }
  out += fmt::format("Compiles   {} ({} failed)\n", totals.compiles, totals.failures);
  out += fmt::format("Wall time  {} s (sum over compiles)\n", format_seconds(totals.wall_s));
  out += fmt::format("CPU time   {} s\n", format_seconds(totals.cpu_s));
  out += fmt::format("Peak RSS   {}\n", format_kib(totals.peak_rss_kb));
  out += fmt::format("\nSlowest {} by wall time\n{}", by_wall.size(), render_table(compile_table(by_wall)));
  out += fmt::format("\nSlowest {} by CPU time\n{}", by_cpu.size(), render_table(compile_table(by_cpu)));
  std::fputs(out.c_str(), stdout);
}

void add_db_option(CLI::App& cmd, std::string& db) {
  db = default_db_path().string();
  cmd.add_option("--db", db, "Timing database (default: $NIXCC_DB, else ~/.local/state/nixcc/timings.sqlite)");
}

}  // namespace

void add_stats_command(CLI::App& app) {
  auto options = std::make_shared<StatsOptions>();
  auto* cmd = app.add_subcommand("stats", "Totals and the slowest translation units (ccache: -s)");
  add_db_option(*cmd, options->db);
  cmd->add_option("--build", options->build, "latest, a build id, or all")->capture_default_str();
  cmd->add_option("--top", options->top, "How many of the slowest to list")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--format", options->format, "table, json or csv")
      ->transform(CLI::CheckedTransformer(kFormats, CLI::ignore_case));
  cmd->callback([options] { run_stats(*options); });
}

void add_zero_command(CLI::App& app) {
  auto db = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("zero", "Forget every recorded compile; keep the database (ccache: -z)");
  add_db_option(*cmd, *db);
  cmd->callback([db] {
    TimingDb timing(*db);
    timing.clear();
    std::fputs(fmt::format("nixcc: cleared {}\n", *db).c_str(), stdout);
  });
}

}  // namespace nixcc
