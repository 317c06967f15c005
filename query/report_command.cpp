#include "query/report_command.h"

#include <cstdio>
#include <memory>

#include <fmt/format.h>

#include "util/cli_checks.h"
#include "util/file_io.h"
#include "query/html_report.h"
#include "query/query_input.h"

namespace nixcc {
namespace {

struct ReportOptions {
  std::vector<std::string> dbs;
  std::string build;
  std::string previous;
  std::string out;
  std::string title = "nixcc build report";
  int top = 20;
};

}  // namespace

void add_report_command(CLI::App& app) {
  auto options = std::make_shared<ReportOptions>();
  auto* cmd = app.add_subcommand("report", "Write one self-contained HTML page: timeline, slowest units, breakdowns, diff");
  add_db_option(*cmd, options->dbs);
  add_build_option(*cmd, options->build);
  cmd->add_option("--previous", options->previous, "A previous database to show the difference against");
  cmd->add_option("-o,--output", options->out, "HTML file to write")->required();
  cmd->add_option("--title", options->title, "Page title")->capture_default_str();
  cmd->add_option("--top", options->top, "Rows per table")->capture_default_str()->check(at_least(1));
  cmd->callback([options] {
    const auto dbs = query_databases(options->dbs);
    auto db = open_for_query(dbs);
    ReportInput input;
    input.title = options->title;
    input.database = describe(dbs);
    input.build = choose_build(db->builds(), options->build, input.database);
    input.top = options->top;
    if (!options->previous.empty()) {
      auto old_db = open_for_query({options->previous});
      const auto old_build = choose_build(old_db->builds(), "all", options->previous);
      input.diff = diff_timings(*old_db, old_build.selection, *db, input.build.selection, DiffThresholds{});
      input.previous = options->previous;
    }
    const std::string html = render_html_report(*db, input);
    write_file_atomically(options->out, html);
    std::fputs(fmt::format("nixcc report: {}\n", options->out).c_str(), stdout);
  });
}

}  // namespace nixcc
