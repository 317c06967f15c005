#pragma once
// One self-contained HTML page (inline CSS and SVG, no scripts, no network) about a build.

#include <optional>
#include <string>

#include "query/query_input.h"
#include "query/timing_diff.h"

namespace nixcc {

struct ReportInput {
  std::string title;
  std::string database;        // for the heading
  ChosenBuild build;
  std::optional<TimingDiff> diff;  // against a previous database, when given
  std::string previous;        // its name
  int top = 20;
};

std::string render_html_report(TimingDb& db, const ReportInput& input);

/// `text` with &, <, >, " and ' escaped for HTML text and attribute values.
std::string html_escape(std::string_view text);

}  // namespace nixcc
