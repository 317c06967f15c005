#include "query/trace_command.h"

#include <cstdio>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "util/file_io.h"
#include "query/build_summary.h"
#include "query/query_input.h"
#include "query/timeline.h"

namespace nixcc {
namespace {

struct TraceOptions {
  std::vector<std::string> dbs;
  std::string build;
  std::string out;
};

nlohmann::json trace_json(const Timeline& t) {
  using nlohmann::json;
  json events = json::array();
  for (std::size_t g = 0; g < t.groups.size(); ++g) {
    const int pid = static_cast<int>(g) + 1;
    events.push_back({{"ph", "M"}, {"name", "process_name"}, {"pid", pid}, {"tid", 0}, {"args", {{"name", t.groups[g].name}}}});
    for (int track = 0; track < t.groups[g].tracks; ++track) {
      events.push_back({{"ph", "M"}, {"name", "thread_name"}, {"pid", pid}, {"tid", track},
                        {"args", {{"name", fmt::format("worker {}", track)}}}});
    }
  }
  for (const auto& s : t.slices) {
    const auto& r = *s.row;
    const std::string source = display_path(r.source);
    events.push_back({{"ph", "X"},
                      {"name", source},
                      {"cat", r.reused ? "reused" : (r.exit_status == 0 ? "compile" : "failed")},
                      {"pid", s.group + 1},
                      {"tid", s.track},
                      {"ts", s.start_s * 1e6},
                      {"dur", s.duration_s * 1e6},
                      {"args",
                       {{"source", source},
                        {"object", display_path(r.object)},
                        {"build", r.build_id},
                        {"input_hash", r.input_hash},
                        {"cpu_s", r.cpu_s()},
                        {"max_rss_kb", r.max_rss_kb},
                        {"exit_status", r.exit_status},
                        {"reused", r.reused}}}});
  }
  return {{"traceEvents", events}, {"displayTimeUnit", "ms"},
          {"otherData", {{"generator", "nixcc trace"}, {"origin_unix_s", t.origin}}}};
}

}  // namespace

void add_trace_command(CLI::App& app) {
  auto options = std::make_shared<TraceOptions>();
  auto* cmd = app.add_subcommand("trace", "Write a Chrome Trace Event file of the compiles (opens in Perfetto)");
  add_db_option(*cmd, options->dbs);
  add_build_option(*cmd, options->build);
  cmd->add_option("-o,--output", options->out, "Trace file to write (default: standard output)");
  cmd->callback([options] {
    const auto dbs = query_databases(options->dbs);
    auto db = open_for_query(dbs);
    const auto chosen = choose_build(db->builds(), options->build, describe(dbs));
    // What ran: a result's batches that an earlier nix-build made have nothing on this build's clock.
    const auto rows = latest_run_rows(chosen.empty ? std::vector<CompileRecord>{} : db->compiles(chosen.selection), chosen);
    const Timeline timeline = make_timeline(rows);
    const std::string text = trace_json(timeline).dump() + "\n";
    if (options->out.empty()) {
      std::fputs(text.c_str(), stdout);
      return;
    }
    write_file_atomically(options->out, text);
    int tracks = 0;
    for (const auto& g : timeline.groups) tracks += g.tracks;
    std::fputs(fmt::format("nixcc trace: {} compiles on {} tracks -> {}\n", rows.size(), tracks, options->out).c_str(), stdout);
  });
}

}  // namespace nixcc
