#include "planner/unit_inputs.h"

#include <algorithm>
#include <fstream>
#include <tuple>
#include <map>
#include <sstream>
#include <unordered_map>

#include <fmt/format.h>

#include "core/batch_manifest.h"
#include "util/child_process.h"
#include "core/compiler_dirs.h"
#include "core/depfile.h"
#include "util/file_io.h"
#include "core/hash.h"
#include "util/host.h"
#include "planner/include_probes.h"
#include "util/paths.h"
#include "util/process_pool.h"
#include "util/scratch_dir.h"

namespace nixcc::plan {
namespace {

namespace fs = std::filesystem;

// A unit's arguments as they run at plan time: @SOURCE_ROOT@ is the plan's .root.
std::vector<std::string> plan_time_arguments(const PlannedUnit& u, const fs::path& root) {
  std::vector<std::string> args;
  args.reserve(u.arguments.size());
  for (const auto& a : u.arguments) args.push_back(substitute_source_root(a, root.string()));
  return args;
}

std::string first_error_line(const fs::path& log) {
  std::ifstream in(log);
  std::string line, fallback;
  while (std::getline(in, line)) {
    if (line.find("error") != std::string::npos) return line;
    if (fallback.empty()) fallback = line;
  }
  return fallback;
}

// The probes written in each project file the units read (only files that have any). Hashing noted
// which files mention __has_include, so only those are read, unless one of them defines a wrapper
// macro (fmt's FMT_HAS_INCLUDE): its uses can be anywhere, so then every file is read.
std::unordered_map<std::string, ProbeScan> scan_probes(const std::vector<PlannedUnit>& units, const fs::path& root,
                                                       const InputFileCache& cache) {
  std::unordered_map<std::string, std::optional<std::string>> text_of;  // by frame name; read when needed
  for (const auto& u : units) {
    text_of.try_emplace(u.source_name);
    for (const auto& h : u.headers) {
      if (!h.path.starts_with('/')) text_of.try_emplace(h.path);  // a frame name
    }
  }
  const auto text = [&](const std::string& name, std::optional<std::string>& slot) -> const std::string& {
    if (!slot) slot = read_file(root / name).value_or("");
    return *slot;
  };
  std::vector<std::string> wrappers;
  for (auto& [name, slot] : text_of) {
    if (cache.holds_word((root / name).string()) == false) continue;  // hashed, and no probe in it
    if (text(name, slot).find("__has_include") == std::string::npos) continue;
    for (auto& w : find_include_probes(*slot).wrappers) {
      if (std::find(wrappers.begin(), wrappers.end(), w) == wrappers.end()) wrappers.push_back(std::move(w));
    }
  }
  std::unordered_map<std::string, ProbeScan> scans;
  for (auto& [name, slot] : text_of) {
    if (wrappers.empty() && !slot) continue;  // not read above: no probe in it
    const std::string& t = text(name, slot);
    const bool may_probe = t.find("__has_include") != std::string::npos ||
                           std::any_of(wrappers.begin(), wrappers.end(), [&](const std::string& w) { return t.find(w) != std::string::npos; });
    if (may_probe) scans.emplace(name, find_include_probes(t, wrappers));
  }
  return scans;
}

// Adds to `u`'s headers every project file that a probe in one of its files could find.
void add_probed_files(PlannedUnit& u, const std::unordered_map<std::string, ProbeScan>& scans, const fs::path& root,
                      InputFileCache& cache) {
  // The unit's project files that hold probes (most units have none: nothing is built for them).
  std::vector<std::pair<const std::string*, const ProbeScan*>> probing;
  if (const auto found = scans.find(u.source_name); found != scans.end()) probing.emplace_back(&found->first, &found->second);
  for (const auto& h : u.headers) {
    if (h.path.starts_with('/')) continue;  // a host file
    if (const auto found = scans.find(h.path); found != scans.end()) probing.emplace_back(&found->first, &found->second);
  }
  if (probing.empty()) return;
  const auto known = [&](const std::vector<HashedFile>& list, const std::string& path) {
    return std::any_of(list.begin(), list.end(), [&](const HashedFile& h) { return h.path == path; });
  };
  std::optional<SearchPath> search;
  std::vector<HashedFile> added;
  for (const auto& [name_ptr, scan_ptr] : probing) {
    const std::string& name = *name_ptr;
    const ProbeScan& scan = *scan_ptr;
    if (scan.macro_line) {
      throw std::runtime_error(fmt::format(
          "{}:{}: __has_include names a macro, so nixcc cannot tell which file it probes for {}; write the header "
          "name literally", name, scan.macro_line, u.unit->source.string()));
    }
    if (scan.probes.empty()) continue;
    if (!search) search = search_path_of(plan_time_arguments(u, root), root / u.directory);
    for (const auto& probe : scan.probes) {
      for (const auto& candidate : probe_candidates(probe, root / name, *search)) {
        std::error_code ec;
        if (!fs::is_regular_file(candidate, ec)) continue;
        const auto& file = cache.get(candidate.string());
        if (file.in_frame && *file.hash && !known(u.headers, file.recorded) && !known(added, file.recorded)) {
          added.push_back({file.recorded, **file.hash});
        }
      }
    }
  }
  if (added.empty()) return;
  Hasher h;
  h.add_field(u.input_hash).add_field("probed");
  for (const auto& f : added) h.add_field(f.path).add_field(f.hash);
  u.input_hash = h.hex();
  u.headers.insert(u.headers.end(), added.begin(), added.end());
  std::sort(u.headers.begin(), u.headers.end(), [](const HashedFile& a, const HashedFile& b) { return a.path < b.path; });
}

// Adds to each unit's inputs the project files its __has_include probes could find (see
// include_probes.h). Re-done at every plan, since a probed file may appear without any listed input
// changing. Throws std::runtime_error for a probe whose argument is a macro.
void add_probed_inputs(std::vector<PlannedUnit>& units, const PlanFrame& frame, InputFileCache& cache) {
  const auto scans = scan_probes(units, frame.root(), cache);
  if (scans.empty()) return;
  for (auto& u : units) add_probed_files(u, scans, frame.root(), cache);
}

// The scan compiles through the plan's .root links, so a project file it names by the project's real
// path was either found in an include directory whose real path GCC preferred (it shortens system
// header paths that way) or included by its absolute path. A batch compiles a copy of the tree
// somewhere else: the absolute path would read the live host file there, or nothing in a sandbox.
std::optional<std::string> absolute_project_include(const PlannedUnit& u, const std::vector<fs::path>& headers,
                                                    const PlanFrame& frame) {
  const fs::path& root = frame.root();
  std::optional<std::vector<fs::path>> real_dirs;
  for (const auto& h : headers) {
    if (is_within(h, root)) continue;                 // spelled through the frame's links
    if (frame.frame().name_of(h).empty()) continue;  // a host file
    if (!real_dirs) {
      const auto search = search_path_of(plan_time_arguments(u, root), root / u.directory);
      real_dirs.emplace();
      for (const auto* dirs : {&search.quote, &search.angled}) {
        for (const auto& d : *dirs) {
          std::error_code ec;
          if (auto real = fs::canonical(d, ec); !ec) real_dirs->push_back(real);
        }
      }
    }
    const bool via_include_dir =
        std::any_of(real_dirs->begin(), real_dirs->end(), [&](const fs::path& d) { return is_within(h, d); });
    if (!via_include_dir) {
      return fmt::format("{}: reads {} by its absolute path (an #include of an absolute path, e.g. written by "
                         "configure_file): a batch compiles a copy of the project elsewhere and cannot honour it; "
                         "include it relative to an include directory", u.unit->source.string(), h.string());
    }
  }
  return std::nullopt;
}

}  // namespace

PlannedUnit plan_unit(const Unit& unit, const Project& project, const PlanFrame& frame, CompilerLookup& compilers) {
  PlannedUnit p;
  p.unit = &unit;
  p.key = unit.key;
  p.source_name = plan_name(project, unit.source);
  p.object = unit.key + ".o";
  p.directory = frame.directory_of(unit);
  p.arguments = frame.rewrite_arguments(unit);
  // CMake's own generated include lists name every file by its absolute path: unity sources, and the
  // cmake_pch.hxx that target_precompile_headers forces in with -include.
  const bool unity = p.source_name.starts_with(kBuildPrefix) && p.source_name.find("/Unity/unity_") != std::string::npos;
  const bool pch = std::any_of(p.arguments.begin(), p.arguments.end(), [](const std::string& a) {
    return fs::path(a).filename().string().starts_with("cmake_pch.");
  });
  if (unity || pch) p.absolute_includes = frame.host_roots();
  try {
    const auto& found = compilers.resolve(unit.compiler);
    p.compiler = found.executable;
    p.compiler_id = found.identity;
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("{}: {}", unit.source.string(), e.what()));
  }
  p.args_hash = unit_arguments_hash(p.arguments);
  return p;
}

InputStats resolve_inputs(std::vector<PlannedUnit>& units, const PlanFrame& frame, TimingDb& scans_db,
                          const std::vector<TimingDb*>& history, int jobs) {
  InputStats stats;
  // Earlier compiles of the plan's units (a batch's or a scan's, whose objects are the plan's), by
  // object, with their headers named in the frame as the input hash names them.
  struct Known {
    CompileRecord record;
    std::vector<HashedFile> headers;
  };
  const TreeLayout layout = frame.layout();
  std::unordered_map<std::string, std::vector<Known>> known;
  auto remember = [&](TimingDb& db) {
    for (auto& record : db.successful_compiles()) {
      if (record.object.root != PathRoot::Output) continue;
      Known k;
      for (const auto& h : record.headers) k.headers.push_back({layout.name_of(h.file), h.hash});
      auto key = record.object.path;
      k.record = std::move(record);
      known[key].push_back(std::move(k));
    }
  };
  remember(scans_db);
  for (auto* db : history) remember(*db);

  const fs::path& root = frame.root();
  InputFileCache cache(frame.frame());
  cache.watch_for("__has_include");  // see add_probed_inputs
  std::vector<std::size_t> to_scan;
  for (std::size_t i = 0; i < units.size(); ++i) {
    auto& u = units[i];
    bool found = false;
    if (const auto it = known.find(u.object); it != known.end()) {
      for (auto k = it->second.rbegin(); k != it->second.rend() && !found; ++k) {  // newest first
        const CompileRecord& rec = k->record;
        if (rec.args_hash != u.args_hash || rec.compiler_id != u.compiler_id) continue;
        if (auto inputs = rehash_if_unchanged(rec.input_hash, k->headers, u.compiler_id, u.args_hash,
                                              root / u.source_name, cache)) {
          u.headers = std::move(inputs->headers);
          u.input_hash = inputs->value;
          found = true;
        }
      }
    }
    if (found) {
      ++stats.from_history;
    } else {
      std::error_code ec;
      if (!fs::exists(u.unit->source, ec)) {
        throw std::runtime_error(fmt::format(
            "{}: source file is missing{}", u.unit->source.string(),
            u.unit->generated ? fmt::format(" (generated by target {}: build it first, e.g. cmake --build <build dir> --target {})",
                                            u.unit->target, u.unit->target)
                              : ""));
      }
      to_scan.push_back(i);
    }
  }
  if (to_scan.empty()) {
    add_probed_inputs(units, frame, cache);
    return stats;
  }

  ScratchDir scratch("nixcc-scan-");
  ProcessPool pool(jobs);
  BuildRecord build;
  build.id = "scan";
  build.kind = "scan";
  build.base_dir = root.string();
  build.host = host_name();
  build.started_at = unix_now();
  std::size_t next = 0;
  std::vector<std::string> failures;
  while (next < to_scan.size() || pool.running() > 0) {
    while (next < to_scan.size() && pool.has_free_slot()) {
      const std::size_t i = to_scan[next++];
      const auto& u = units[i];
      std::vector<std::string> args = plan_time_arguments(u, root);
      const fs::path dep = scratch.path() / fmt::format("{}.d", i);
      args.insert(args.end(), {"-M", "-MF", dep.string(), (root / u.source_name).string()});
      fs::path cwd = root / u.directory;
      std::error_code ec;
      if (!fs::is_directory(cwd, ec)) cwd = root;
      pool.start(i, u.compiler, args, cwd,
                 {scratch.path() / fmt::format("{}.out", i), scratch.path() / fmt::format("{}.err", i)});
    }
    const auto done = pool.wait_any();
    if (!done) break;
    auto& u = units[done->tag];
    const fs::path dep = scratch.path() / fmt::format("{}.d", done->tag);
    fs::path cwd = root / u.directory;
    std::error_code ec;
    if (!fs::is_directory(cwd, ec)) cwd = root;
    const auto headers = done->usage.exit_status == 0 ? read_depfile_headers(dep, cwd, root / u.source_name) : std::nullopt;
    if (!headers) {
      failures.push_back(fmt::format("{}: dependency scan failed: {}", u.unit->source.string(),
                                     first_error_line(scratch.path() / fmt::format("{}.err", done->tag))));
      continue;
    }
    if (auto why = u.absolute_includes.empty() ? absolute_project_include(u, *headers, frame) : std::nullopt) {
      failures.push_back(*why);
      continue;
    }
    auto inputs = hash_inputs(u.compiler_id, u.args_hash, root / u.source_name, *headers, cache);
    u.headers = inputs.headers;
    u.input_hash = inputs.value;
    ++stats.scanned;

    CompileRecord record;
    record.source = layout.record(u.source_name);
    record.object = {PathRoot::Output, u.object};
    record.directory = layout.record(u.directory);
    record.compiler = u.compiler.string();
    record.compiler_id = u.compiler_id;
    record.started_at = unix_now();
    record.wall_s = done->wall_s;
    record.user_s = done->usage.user_s;
    record.sys_s = done->usage.sys_s;
    record.max_rss_kb = done->usage.max_rss_kb;
    record.args_hash = u.args_hash;
    record.input_hash = u.input_hash;
    for (const auto& h : u.headers) record.headers.push_back({layout.record(h.path), h.hash});
    scans_db.record_compile(build, record);
  }
  if (!failures.empty()) {
    throw std::runtime_error(failures.size() == 1 ? failures.front()
                                                  : fmt::format("{} (and {} more)", failures.front(), failures.size() - 1));
  }
  add_probed_inputs(units, frame, cache);
  return stats;
}

void list_planned_inputs(std::vector<PlannedUnit>& units, const PlanFrame& frame, CompilerDirsCache& compiler_dirs) {
  // Thousands of units read the same few hundred system headers: decide each once per compiler.
  std::unordered_map<const CompilerDirs*, std::unordered_map<std::string, bool>> own_header;
  for (auto& u : units) {
    const auto args = plan_time_arguments(u, frame.root());
    const std::string language = u.unit->language == "C" ? "c" : u.unit->language == "CXX" ? "c++" : "";
    try {
      u.compiler_dirs = &compiler_dirs.get(u.compiler, language, args);
    } catch (const std::exception& e) {
      throw std::runtime_error(fmt::format("{}: {}", u.unit->source.string(), e.what()));
    }
    u.inputs.clear();
    auto& owned = own_header[u.compiler_dirs];
    for (const auto& h : u.headers) {
      if (h.path.starts_with('/')) {
        auto [it, fresh] = owned.try_emplace(h.path);
        if (fresh) it->second = u.compiler_dirs->contains(h.path);
        if (it->second) continue;
      }
      u.inputs.push_back(h.path);
    }
  }
}

void estimate_costs(std::vector<PlannedUnit>& units, const Project& project, const PlanFrame& frame,
                    const std::vector<TimingDb*>& history, InputStats& stats) {
  const TreeLayout layout = frame.layout();
  std::unordered_map<std::string, double> measured;  // by source plan name; later samples win
  for (auto* db : history) {
    for (const auto& c : db->compiles(std::nullopt)) {
      if (c.exit_status != 0) continue;
      const std::string name = c.source.root == PathRoot::None ? plan_name(project, c.source.path) : layout.name_of(c.source);
      if (!name.empty()) measured[name] = c.compile_wall_s();
    }
  }
  for (auto& u : units) {
    if (const auto it = measured.find(u.source_name); it != measured.end()) {
      u.cost = it->second;
      u.measured = true;
      ++stats.measured;
      continue;
    }
    std::error_code ec;
    const auto bytes = fs::file_size(u.unit->source, ec);
    u.cost = 0.05 + 0.004 * static_cast<double>(u.headers.size()) + (ec ? 0.0 : static_cast<double>(bytes) * 1e-5);
  }
}

}  // namespace nixcc::plan
