#include "query/timeline.h"

#include <algorithm>
#include <map>

namespace nixcc {

Timeline make_timeline(const std::vector<CompileRecord>& rows) {
  Timeline t;
  if (rows.empty()) return t;
  t.origin = rows.front().started_at;
  for (const auto& r : rows) t.origin = std::min(t.origin, r.started_at);

  std::map<std::string, int> group_of;
  std::vector<int> worker_tracks;                    // per group: tracks taken by worker slots
  std::vector<std::vector<double>> packed_track_end;  // per group: end times of the packed tracks
  for (const auto& r : rows) {
    const std::string name = r.build_name.empty() ? r.build_id : r.build_name;
    if (group_of.emplace(name, static_cast<int>(t.groups.size())).second) {
      t.groups.push_back({name, 0, 0, 0});
      worker_tracks.push_back(0);
      packed_track_end.emplace_back();
    }
    auto& group = t.groups[static_cast<std::size_t>(group_of[name])];
    ++(r.reused ? group.reused : group.compiled);
    if (r.worker) {
      auto& n = worker_tracks[static_cast<std::size_t>(group_of[name])];
      n = std::max(n, *r.worker + 1);
    }
  }
  std::vector<const CompileRecord*> ordered;
  for (const auto& r : rows) ordered.push_back(&r);
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const CompileRecord* a, const CompileRecord* b) { return a->started_at < b->started_at; });
  for (const auto* r : ordered) {
    const int group = group_of[r->build_name.empty() ? r->build_id : r->build_name];
    const double start = r->started_at - t.origin;
    int track;
    if (r->worker) {
      track = *r->worker;
    } else {
      auto& ends = packed_track_end[static_cast<std::size_t>(group)];
      auto free = std::find_if(ends.begin(), ends.end(), [&](double end) { return end <= start + 1e-9; });
      if (free == ends.end()) free = ends.insert(ends.end(), 0.0);
      *free = start + r->wall_s;
      track = worker_tracks[static_cast<std::size_t>(group)] + static_cast<int>(free - ends.begin());
    }
    t.slices.push_back({r, group, track, start, r->wall_s});
    t.end_s = std::max(t.end_s, start + r->wall_s);
  }
  for (std::size_t g = 0; g < t.groups.size(); ++g) {
    t.groups[g].tracks = worker_tracks[g] + static_cast<int>(packed_track_end[g].size());
  }
  return t;
}

namespace {

// UTF-8 characters in `text` (bytes that do not continue a character).
std::size_t characters(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace

std::string fit_label(const std::string& path, std::size_t max_chars) {
  if (characters(path) <= max_chars) return path;
  const auto slash = path.rfind('/');
  const std::string_view name = slash == std::string::npos ? std::string_view(path) : std::string_view(path).substr(slash + 1);
  if (characters(name) <= max_chars) return std::string(name);
  if (max_chars < 4) return "";
  // Cut before the character that would exceed the room left beside the ellipsis, never inside one.
  std::size_t end = 0;
  for (std::size_t kept = 0; end < name.size(); ++end) {
    if ((static_cast<unsigned char>(name[end]) & 0xC0) != 0x80 && kept++ == max_chars - 1) break;
  }
  return std::string(name.substr(0, end)) + "\u2026";
}

}  // namespace nixcc
