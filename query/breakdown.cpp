#include "query/breakdown.h"

#include <algorithm>
#include <filesystem>
#include <map>

namespace nixcc {

std::string target_of(const std::string& object) {
  constexpr std::string_view marker = "CMakeFiles/";
  if (const auto at = object.find(marker); at != std::string::npos) {
    const auto start = at + marker.size();
    const auto dot = object.find(".dir/", start);
    if (dot != std::string::npos) return object.substr(start, dot - start);
  }
  if (const auto slash = object.find('/'); slash != std::string::npos && slash > 0) return object.substr(0, slash);
  return "(none)";
}

const char* to_string(GroupBy by) {
  switch (by) {
    case GroupBy::Target: return "target";
    case GroupBy::Batch: return "batch";
    case GroupBy::Dir: return "dir";
    case GroupBy::Header: return "header";
  }
  return "?";
}

namespace {

std::string group_key(const CompileRecord& row, GroupBy by) {
  switch (by) {
    case GroupBy::Target: return target_of(row.object.path);
    case GroupBy::Batch: return row.build_name.empty() ? row.build_id : row.build_name;
    case GroupBy::Dir: {
      const auto dir = std::filesystem::path(row.source.path).parent_path();
      return display_path({row.source.root, dir.empty() ? std::string(".") : dir.string()});
    }
    case GroupBy::Header: break;
  }
  return {};
}

}  // namespace

std::vector<Group> breakdown(TimingDb& db, const BuildSelection& builds, GroupBy by, int limit, bool include_system) {
  std::vector<Group> groups;
  if (by == GroupBy::Header) {
    for (const auto& h : db.header_costs(builds, limit, include_system)) groups.push_back({display_path(h.file), h.compiles, h.wall_s, h.cpu_s});
    return groups;
  }
  std::map<std::string, Group> by_key;
  for (const auto& row : db.compiles(builds)) {
    const std::string key = group_key(row, by);
    auto& g = by_key[key];
    g.key = key;
    ++g.compiles;
    g.wall_s += row.compile_wall_s();
    g.cpu_s += row.compile_cpu_s();
  }
  for (auto& [key, g] : by_key) groups.push_back(std::move(g));
  std::sort(groups.begin(), groups.end(), [](const Group& a, const Group& b) {
    return a.wall_s != b.wall_s ? a.wall_s > b.wall_s : a.key < b.key;
  });
  if (limit >= 0 && groups.size() > static_cast<std::size_t>(limit)) groups.resize(static_cast<std::size_t>(limit));
  return groups;
}

}  // namespace nixcc
