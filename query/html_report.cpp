#include "query/html_report.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "query/breakdown.h"
#include "query/build_summary.h"
#include "query/output_format.h"
#include "query/timeline.h"

namespace nixcc {
namespace {

constexpr const char* kStyle = R"(
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #1d232a; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { margin-top: 1.8em; border-bottom: 1px solid #d5dbe1; }
.sub { color: #5b6670; } .cards { display: flex; gap: 1em; flex-wrap: wrap; margin: 1em 0; }
.card { border: 1px solid #d5dbe1; border-radius: 6px; padding: 0.6em 1em; min-width: 8em; }
.card b { display: block; font-size: 1.4em; }
table { border-collapse: collapse; width: 100%; } th, td { padding: 0.25em 0.6em; text-align: left; }
th { border-bottom: 2px solid #d5dbe1; } tr:nth-child(even) td { background: #f4f6f8; }
th.n, td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.bar-cell { width: 25%; } .bar { background: #3b82c4; height: 0.7em; }
svg text { font: 11px system-ui, sans-serif; } svg text.slice { fill: #fff; font-size: 10px; }
.empty { color: #5b6670; font-style: italic; }
)";

// How a column's cells and heading align: numbers to the right, bars filling their cell, text left.
enum class Column { Text, Number, Bar };

const char* cell_class(const std::vector<Column>& columns, std::size_t i) {
  if (i >= columns.size()) return "";
  switch (columns[i]) {
    case Column::Number: return " class=\"n\"";
    case Column::Bar: return " class=\"bar-cell\"";
    case Column::Text: break;
  }
  return "";
}

// Cells are HTML already (escaped by the caller); the heading is text. A heading aligns as its cells do.
std::string table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                  const std::vector<Column>& columns) {
  if (rows.empty()) return "<p class=\"empty\">Nothing recorded.</p>\n";
  std::string out = "<table><tr>";
  for (std::size_t i = 0; i < header.size(); ++i) {
    out += fmt::format("<th{}>{}</th>", cell_class(columns, i), html_escape(header[i]));
  }
  out += "</tr>\n";
  for (const auto& r : rows) {
    out += "<tr>";
    for (std::size_t i = 0; i < r.size(); ++i) out += fmt::format("<td{}>{}</td>", cell_class(columns, i), r[i]);
    out += "</tr>\n";
  }
  return out + "</table>\n";
}

std::string share_bar(double part, double whole) {
  const double pct = whole > 0 ? 100.0 * part / whole : 0;
  return fmt::format("<div class=\"bar\" style=\"width:{:.1f}%\"></div>", std::min(100.0, pct));
}

std::string timeline_svg(const Timeline& t) {
  if (t.slices.empty()) return "<p class=\"empty\">No compiles to draw.</p>\n";
  constexpr double kLabel = 150, kWidth = 1050, kTrack = 16, kGap = 8;
  constexpr double kRight = 40;      // room for the last axis label
  constexpr double kCharWidth = 6;   // of the 10px labels inside slices, generously
  constexpr std::size_t kLabelChars = 24;  // of a group's label, in the kLabel pixels left of the axis
  constexpr double kReusedWidth = 4;  // a copied object takes no time, but is drawn: it is part of the build
  const double scale = (kWidth - kLabel - kRight) / std::max(t.end_s, 1e-3);
  std::vector<double> group_y;
  double y = 20;
  for (std::size_t g = 0; g < t.groups.size(); ++g) {
    group_y.push_back(y);
    y += t.groups[g].tracks * kTrack + kGap;
  }
  std::string out = fmt::format("<svg width=\"{}\" height=\"{:.0f}\" role=\"img\" aria-label=\"timeline\">\n", kWidth, y + 10);
  for (int s = 0; s <= 4; ++s) {  // time axis
    const double x = kLabel + s * (kWidth - kLabel - kRight) / 4;
    out += fmt::format("<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"14\" y2=\"{1:.0f}\" stroke=\"#d5dbe1\"/><text x=\"{0:.1f}\" y=\"11\">{2:.1f}s</text>\n",
                       x, y, t.end_s * s / 4);
  }
  for (std::size_t g = 0; g < t.groups.size(); ++g) {  // "b1 (3, 5 reused)": what each batch did
    const auto& group = t.groups[g];
    const std::string counts = group.reused ? fmt::format(" ({}, {} reused)", group.compiled, group.reused)
                                            : fmt::format(" ({})", group.compiled);
    const std::size_t room = counts.size() < kLabelChars ? kLabelChars - counts.size() : 4;
    out += fmt::format("<text x=\"0\" y=\"{:.0f}\">{}{}</text>\n", group_y[g] + 12,
                       html_escape(fit_label(group.name, room)), html_escape(counts));
  }
  for (const auto& s : t.slices) {
    const auto& r = *s.row;
    const char* color = r.exit_status != 0 ? "#d64545" : r.reused ? "#9aa5b1" : "#3b82c4";
    const std::string source = display_path(r.source);
    const double x = kLabel + s.start_s * scale;
    const double top = group_y[static_cast<std::size_t>(s.group)] + s.track * kTrack;
    const double width = std::max(r.reused ? kReusedWidth : 1.0, s.duration_s * scale);
    out += fmt::format(
        "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{}\" fill=\"{}\" stroke=\"#fff\"><title>{} {:.3f}s{}</title></rect>\n",
        x, top, width, kTrack - 2, color, html_escape(source), s.duration_s, r.reused ? " (reused)" : "");
    const std::string label = fit_label(source, static_cast<std::size_t>((width - 4) / kCharWidth));
    if (!label.empty()) {
      out += fmt::format("<text class=\"slice\" x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n", x + 2, top + kTrack - 5,
                         html_escape(label));
    }
  }
  return out + "</svg>\n";
}

std::string diff_section(const TimingDiff& d, const std::string& previous) {
  std::string out = fmt::format(
      "<h2>Against {}</h2>\n<p>Compile time before: {} units, {} s. After: {} units, {} s ({}).</p>\n",
      html_escape(previous), d.before.compiles, format_seconds(d.before.wall_s), d.after.compiles,
      format_seconds(d.after.wall_s), kCompileTimeMeaning);
  std::vector<std::vector<std::string>> changed;
  for (const auto& c : d.changed) changed.push_back({html_escape(c.source), html_escape(describe_change(c))});
  out += "<h3>Changed inputs</h3>\n" + table({"source", "what changed"}, changed, {Column::Text, Column::Text});
  std::vector<std::vector<std::string>> times;
  for (const auto* list : {&d.slower, &d.faster}) {
    for (const auto& t : *list) {
      times.push_back({html_escape(t.source), format_seconds(t.old_s), format_seconds(t.new_s),
                       fmt::format("{:+.0f}%", t.old_s > 0 ? 100.0 * (t.new_s - t.old_s) / t.old_s : 0.0)});
    }
  }
  out += "<h3>Slower and faster</h3>\n" + table({"source", "before s", "after s", "change"}, times,
                                                      {Column::Text, Column::Number, Column::Number, Column::Number});
  std::vector<std::vector<std::string>> moved;
  for (const auto& s : d.appeared) moved.push_back({"appeared", html_escape(s)});
  for (const auto& s : d.vanished) moved.push_back({"vanished", html_escape(s)});
  out += "<h3>Appeared and vanished</h3>\n" + table({"", "source"}, moved, {Column::Text, Column::Text});
  return out;
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string render_html_report(TimingDb& db, const ReportInput& input) {
  const ChosenBuild& chosen = input.build;
  const auto& sel = chosen.selection;
  const auto rows = chosen.empty ? std::vector<CompileRecord>{} : db.compiles(sel);
  const BuildSummary summary = summarize(rows, chosen);
  const auto drawn = latest_run_rows(rows, chosen);
  const Timeline timeline = make_timeline(drawn);

  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{}</style></head><body>\n",
      html_escape(input.title), kStyle);
  out += fmt::format("<h1>{}</h1>\n<p class=\"sub\">{} &middot; build {}</p>\n", html_escape(input.title),
                     html_escape(input.database), html_escape(chosen.label));
  out += "<div class=\"cards\">";
  const std::vector<std::pair<std::string, std::string>> cards = {
      {"units", std::to_string(summary.units)},
      {"compiled", std::to_string(summary.compiled)},
      {"reused", std::to_string(summary.reused)},
      {"failed", std::to_string(summary.failed)},
      {"span", format_seconds(timeline.end_s) + " s"},
      {"compile time", format_seconds(summary.compile_wall_s) + " s"},
      {"CPU time", format_seconds(summary.compile_cpu_s) + " s"},
      {"peak RSS", format_kib(summary.peak_rss_kb)}};
  for (const auto& [name, value] : cards) out += fmt::format("<div class=\"card\"><b>{}</b>{}</div>", html_escape(value), name);
  out += fmt::format(
      "</div>\n<p class=\"sub\">Compile and CPU time: {} (the total nixcc diff compares). Span: from the "
      "first to the last compile this build ran, as the timeline shows it.</p>\n",
      kCompileTimeMeaning);
  out += "<h2>Timeline</h2>\n<p class=\"sub\">One row per worker slot; blue compiled, grey reused, red failed.";
  if (drawn.size() < rows.size()) {
    std::set<std::string> earlier;
    for (const auto& r : rows) {
      if (!chosen.ran_last(r.build_id)) earlier.insert(r.build_id);
    }
    out += fmt::format(" Not drawn: {} units of {} batch{} an earlier nix-build made (counted as reused).",
                       rows.size() - drawn.size(), earlier.size(), earlier.size() == 1 ? "" : "es");
  }
  out += "</p>\n" + timeline_svg(timeline);

  std::vector<const CompileRecord*> slowest;
  for (const auto& r : rows) slowest.push_back(&r);
  std::stable_sort(slowest.begin(), slowest.end(),
                   [](const CompileRecord* a, const CompileRecord* b) { return a->compile_wall_s() > b->compile_wall_s(); });
  if (slowest.size() > static_cast<std::size_t>(input.top)) slowest.resize(static_cast<std::size_t>(input.top));
  std::vector<std::vector<std::string>> slow_rows;
  for (const auto* r : slowest) {
    const bool reused = r->reused || !chosen.ran_last(r->build_id);
    slow_rows.push_back({html_escape(display_path(r->source)) + (reused ? " <span class=\"sub\">(reused)</span>" : ""),
                         format_seconds(r->compile_wall_s()), format_seconds(r->compile_cpu_s()),
                         r->reused ? std::string("-") : format_kib(r->max_rss_kb),
                         share_bar(r->compile_wall_s(), slowest.empty() ? 0 : slowest.front()->compile_wall_s())});
  }
  const std::vector<Column> slow_columns = {Column::Text, Column::Number, Column::Number, Column::Number, Column::Bar};
  out += fmt::format("<h2>Slowest translation units</h2>\n{}",
                     table({"source", "compile s", "CPU s", "peak RSS", ""}, slow_rows, slow_columns));

  const std::vector<Column> group_columns = {Column::Text, Column::Number, Column::Number, Column::Number, Column::Bar};
  for (const GroupBy by : {GroupBy::Target, GroupBy::Header, GroupBy::Dir}) {
    std::vector<std::vector<std::string>> group_rows;
    for (const auto& g : chosen.empty ? std::vector<Group>{} : breakdown(db, sel, by, input.top)) {
      group_rows.push_back({html_escape(g.key), std::to_string(g.compiles), format_seconds(g.wall_s), format_seconds(g.cpu_s),
                            share_bar(g.wall_s, summary.compile_wall_s)});
    }
    const char* title = by == GroupBy::Target ? "By target" : by == GroupBy::Header ? "By header (compile time of the units that read it)" : "By folder";
    out += fmt::format("<h2>{}</h2>\n{}", title,
                       table({to_string(by), "units", "compile s", "CPU s", "share"}, group_rows, group_columns));
  }
  if (input.diff) out += diff_section(*input.diff, input.previous);
  out += "<p class=\"sub\">Made by nixcc report.</p>\n</body></html>\n";
  return out;
}

}  // namespace nixcc
