#include "query/build_summary.h"

#include <algorithm>
#include <set>
#include <string>

namespace nixcc {

BuildSummary summarize(const std::vector<CompileRecord>& rows, const ChosenBuild& chosen) {
  BuildSummary s;
  std::set<std::string> builds;
  for (const auto& row : rows) {
    builds.insert(row.build_id);
    ++s.units;
    if (row.exit_status != 0) ++s.failed;
    s.compile_wall_s += row.compile_wall_s();
    s.compile_cpu_s += row.compile_cpu_s();
    if (row.reused || !chosen.ran_last(row.build_id)) {
      ++s.reused;
      continue;
    }
    ++s.compiled;
    s.ran_wall_s += row.wall_s;
    s.ran_cpu_s += row.cpu_s();
    s.peak_rss_kb = std::max(s.peak_rss_kb, row.max_rss_kb);
  }
  s.builds = static_cast<std::int64_t>(builds.size());
  return s;
}

std::vector<CompileRecord> latest_run_rows(std::vector<CompileRecord> rows, const ChosenBuild& chosen) {
  std::erase_if(rows, [&](const CompileRecord& row) { return !chosen.ran_last(row.build_id); });
  return rows;
}

}  // namespace nixcc
