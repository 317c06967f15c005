#include "planner/planner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/batch_manifest.h"
#include "planner/compile_commands_reader.h"
#include "planner/file_api_reader.h"
#include "util/file_io.h"
#include "core/hash.h"
#include "planner/nix_support_files.h"
#include "planner/partition.h"
#include "planner/plan_frame.h"
#include "planner/plan_state.h"
#include "schema/timing_db.h"
#include "planner/unit_inputs.h"

namespace nixcc::plan {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

constexpr const char* kCompilerDirsFile = "compiler-dirs.txt";

double since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

bool cache_is_off(const std::string& value) {
  std::string v = value;
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return v == "OFF" || v == "0" || v == "FALSE" || v == "NO" || v == "N" || v.ends_with("-NOTFOUND") || v == "IGNORE";
}

// The CMake cache variables of the design nixcc grew from, as defaults; command-line flags win.
void apply_cache_defaults(const Project& project, PlanOptions& options, bool flags_chose_partition) {
  const auto get = [&](const char* name) -> std::optional<std::string> {
    const auto it = project.cache.find(name);
    if (it == project.cache.end() || it->second.empty()) return std::nullopt;
    return it->second;
  };
  if (!flags_chose_partition) {
    if (auto v = get("CMAKE_NIX_BATCH_COMPILATION"); v && cache_is_off(*v)) options.per_file = true;
    if (auto v = get("CMAKE_NIX_BATCH_SIZE"); v && !options.per_file) {
      try {
        options.batch_size = std::stoi(*v);
      } catch (const std::exception&) {
        throw std::runtime_error(fmt::format("CMAKE_NIX_BATCH_SIZE={}: not a number", *v));
      }
      if (*options.batch_size < 1) throw std::runtime_error(fmt::format("CMAKE_NIX_BATCH_SIZE={}: must be at least 1", *v));
    }
  }
  if (auto v = get("CMAKE_NIX_METRICS"); v && !cache_is_off(*v)) options.metrics = true;
}

// The store path of batch `name` in an earlier result (result/batches/<name>), if it is still there.
std::string previous_output(const std::optional<fs::path>& previous, const std::string& name) {
  if (!previous) return "";
  std::error_code ec;
  const fs::path link = *previous / "batches" / name;
  const fs::path target = fs::canonical(link, ec);
  if (ec || !fs::exists(target / "timings.sqlite", ec)) return "";
  return target.string();
}

// Adds `name` and every folder leading to it (plan names are relative, '/'-separated, normalised).
// Returns whether `name` itself was new.
bool add_with_parents(std::set<std::string>& files, std::string_view name) {
  bool fresh = false;
  for (bool first = true; !name.empty() && files.emplace(name).second; first = false) {
    fresh = fresh || first;
    const auto slash = name.rfind('/');
    name = name.substr(0, slash == std::string_view::npos ? 0 : slash);
  }
  return fresh;
}

// The compilers' own include directories of a batch's units, for the manifest's "system_dirs".
std::set<std::string> system_dirs_of(const std::vector<const PlannedUnit*>& units) {
  std::set<const CompilerDirs*> distinct;  // a handful, shared by thousands of units
  for (const auto* u : units) {
    if (u->compiler_dirs) distinct.insert(u->compiler_dirs);
  }
  std::set<std::string> dirs;
  for (const auto* d : distinct) {
    for (const auto& dir : d->dirs) dirs.insert(dir.string());
  }
  return dirs;
}

// The manifest of batch `name`, its source root being the batch's copy of the tree (".").
BatchManifest batch_manifest_of(const std::string& name, const std::vector<const PlannedUnit*>& units, Toolchain toolchain,
                                const TreeLayout& layout) {
  BatchManifest m;
  m.name = name;
  m.source_root = ".";
  m.source_dir = layout.name_of({PathRoot::Source, "."});
  m.build_dir = layout.name_of({PathRoot::Build, "."});
  // Only the host toolchain's: with nixpkgs' compilers the batch asks them itself.
  if (toolchain == Toolchain::Host) {
    const auto dirs = system_dirs_of(units);
    m.system_dirs.assign(dirs.begin(), dirs.end());
  }
  m.units.reserve(units.size());
  for (const auto* u : units) {
    BatchUnit& b = m.units.emplace_back();
    b.source = u->source_name;
    b.object = u->object;
    b.directory = u->directory;
    b.compiler = manifest_compiler(*u, toolchain);
    b.arguments = u->arguments;
    b.inputs = u->inputs;
    b.absolute_includes = u->absolute_includes;
    b.cost = u->cost;
  }
  return m;
}

std::vector<HashHex> input_hashes_of(const std::vector<const PlannedUnit*>& units) {
  std::vector<HashHex> hashes;
  hashes.reserve(units.size());
  for (const auto* u : units) hashes.push_back(u->input_hash);
  return hashes;
}

// The file's text when its hash is `expected`.
std::optional<std::string> read_if_hash(const fs::path& file, const std::string& expected) {
  if (expected.empty()) return std::nullopt;
  auto text = read_file(file);
  if (!text || hash_string(*text) != expected) return std::nullopt;
  return text;
}

}  // namespace

void run_plan(PlanOptions options) {
  const auto start = Clock::now();
  nlohmann::json metrics = {{"phases", json::object()}};

  // Read.
  auto phase = Clock::now();
  const bool flags_chose_partition = options.per_file || options.batches || options.batch_seconds;
  Project project;
  bool objects_only = false;
  if (!options.compile_commands.empty()) {
    project = read_compile_commands(options.compile_commands, options.source_dir);
    objects_only = true;
  } else {
    project = read_file_api(options.build_dir);
    apply_cache_defaults(project, options, flags_chose_partition);
  }
  if (project.units.empty()) throw std::runtime_error("the project has no translation units to compile");
  fs::create_directories(options.out);
  const fs::path out = fs::canonical(options.out);
  std::vector<std::unique_ptr<TimingDb>> history_dbs;
  std::vector<TimingDb*> history;
  for (const auto& t : options.timings) {
    history_dbs.push_back(std::make_unique<TimingDb>(t, TimingDb::Access::ReadOnly));
    history.push_back(history_dbs.back().get());
  }
  metrics["phases"]["read_s"] = since(phase);

  // Scan: header lists from history or a dependency scan; costs.
  phase = Clock::now();
  const PlanFrame frame(project, out / ".root");
  std::vector<PlannedUnit> units;
  units.reserve(project.units.size());
  CompilerLookup compilers;
  for (const auto& u : project.units) units.push_back(plan_unit(u, project, frame, compilers));
  TimingDb scans(out / "scans.sqlite");
  InputStats stats = resolve_inputs(units, frame, scans, history, options.jobs);
  CompilerDirsCache compiler_dirs;  // asking costs two compiler runs: the answers are kept with the plan
  const auto known_dirs = read_file(out / kCompilerDirsFile).value_or("");
  compiler_dirs.load(known_dirs);
  list_planned_inputs(units, frame, compiler_dirs);
  if (const auto dirs = compiler_dirs.save(); dirs != known_dirs) write_file_atomically(out / kCompilerDirsFile, dirs);
  estimate_costs(units, project, frame, history, stats);
  metrics["phases"]["scan_s"] = since(phase);

  // Partition.
  phase = Clock::now();
  std::vector<CostedUnit> costed;
  std::map<std::string, const PlannedUnit*> by_key;
  double total_cost = 0;
  for (const auto& u : units) {
    costed.push_back({u.key, u.cost});
    by_key[u.key] = &u;
    total_cost += u.cost;
  }
  const auto state = read_plan_state(out);
  const std::string mode = options.per_file ? "per-file" : "batches";
  int wanted = 0;
  if (options.batches) {
    wanted = *options.batches;
  } else if (options.batch_size) {
    wanted = static_cast<int>((units.size() + static_cast<std::size_t>(*options.batch_size) - 1) / static_cast<std::size_t>(*options.batch_size));
  } else {
    wanted = static_cast<int>(std::ceil(total_cost / options.batch_seconds.value_or(kDefaultBatchSeconds)));
  }
  wanted = std::max(1, std::min(wanted, static_cast<int>(units.size())));
  Partition partition;
  std::string partition_how;
  if (options.per_file) {
    partition = per_file_partition(costed);
    partition_how = "one batch per file";
  } else if (state && state->mode == mode && !options.rebalance &&
             (!(options.batches || options.batch_size) || state->batch_count == wanted)) {
    partition = carry_forward(state->partition(), costed);
    wanted = state->batch_count;
    partition_how = "carried forward from the previous plan";
  } else {
    partition = balanced_partition(costed, wanted);
    partition_how = "balanced afresh";
  }
  metrics["phases"]["partition_s"] = since(phase);

  // Write.
  phase = Clock::now();
  NixPlan nix;
  nix.project = &project;
  nix.toolchain = options.toolchain;
  nix.nixcc = options.nixcc;
  nix.nixcc_source = options.nixcc_source;
  nix.host_path = "/usr/local/bin:/usr/bin:/bin";
  nix.units = by_key;
  PlanState new_state;
  new_state.mode = mode;
  new_state.batch_count = wanted;
  const auto costs = batch_costs(partition, costed);
  std::set<std::string> manifest_files;
  std::size_t unchanged = 0;
  for (const auto& [name, keys] : partition) {
    std::vector<const PlannedUnit*> members;
    for (const auto& key : keys) {
      members.push_back(by_key.at(key));
      nix.batch_of_unit[key] = name;
    }
    BatchState batch;
    batch.units = keys;
    const BatchManifest manifest_now = batch_manifest_of(name, members, options.toolchain, frame.layout());
    batch.fingerprint = batch_fingerprint(manifest_now, input_hashes_of(members));
    const BatchState* before = nullptr;
    if (state) {
      if (auto it = state->batches.find(name); it != state->batches.end()) before = &it->second;
    }
    // The manifest Nix saw last time, byte for byte (its costs may differ from today's estimates).
    std::optional<std::string> kept;
    if (before && before->fingerprint == batch.fingerprint) {
      kept = read_if_hash(out / "batches" / (name + ".json"), before->manifest_hash);
    }
    std::error_code gone;
    const bool previous_collected = before && !before->previous.empty() && !fs::exists(before->previous, gone);
    if (kept && !previous_collected) {
      batch.previous = before->previous;  // the same derivation as last time
      ++unchanged;
    } else {
      // A changed batch reuses what it can from the newest output. So does an unchanged one whose
      // recorded output has been garbage-collected: its derivation must change anyway.
      batch.previous = previous_output(options.previous, name);
    }
    const std::string manifest = kept ? *kept : batch_manifest_text(manifest_now);
    batch.manifest_hash = hash_string(manifest);
    EmittedBatch emitted;
    emitted.name = name;
    emitted.manifest_file = fmt::format("batches/{}.json", name);
    emitted.previous = batch.previous;
    emitted.fingerprint = batch.fingerprint;
    std::set<std::string> source_files, build_files;
    std::string link_target;
    for (const auto* m : members) {
      // A file reached through a link inside the tree needs the link and what it points to: the
      // batch's copy keeps links as links.
      const auto add = [&](std::string_view n) {
        for (int hop = 0; hop < 2 && !n.empty(); ++hop) {
          bool fresh = false;
          if (n.starts_with(kSourcePrefix)) fresh = add_with_parents(source_files, n.substr(kSourcePrefix.size()));
          if (n.starts_with(kBuildPrefix)) fresh = add_with_parents(build_files, n.substr(kBuildPrefix.size()));
          if (!fresh) break;
          link_target = frame.frame().link_target_name(n);
          n = link_target;
        }
      };
      add(m->source_name);
      for (const auto& h : m->headers) add(h.path);
    }
    emitted.source_files.assign(source_files.begin(), source_files.end());
    emitted.build_files.assign(build_files.begin(), build_files.end());
    if (!kept) write_file_atomically(out / emitted.manifest_file, manifest);
    manifest_files.insert(emitted.manifest_file);
    nix.batches.push_back(std::move(emitted));
    new_state.batches.emplace(name, std::move(batch));
  }
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(out / "batches", ec)) {  // batches that no longer exist
    const auto rel = fmt::format("batches/{}", entry.path().filename().string());
    if (!manifest_files.count(rel)) fs::remove(entry.path(), ec);
  }
  for (const auto& file : nix_support_files()) write_file_atomically(out / "nixcc" / file.path, file.text);
  write_file_atomically(out / "default.nix", render_default_nix(nix));
  write_plan_state(out, new_state);
  metrics["phases"]["write_s"] = since(phase);
  metrics["total_s"] = since(start);

  std::size_t derivations = partition.size() + 2;  // batches, timings, default
  for (const auto& t : project.targets) derivations += (t.kind != TargetKind::ObjectLibrary && !t.units.empty()) ? 1 : 0;
  std::string summary = fmt::format(
      "nixcc-plan: {} translation units in {} batches ({}; {} unchanged), {} targets, {} derivations -> {}\n",
      units.size(), partition.size(), partition_how, unchanged, objects_only ? 0 : project.targets.size(), derivations,
      (out / "default.nix").string());
  summary += fmt::format("nixcc-plan: header lists: {} from timing databases, {} scanned; costs: {} measured, {} modelled\n",
                         stats.from_history, stats.scanned, stats.measured, units.size() - stats.measured);
  if (objects_only) summary += "nixcc-plan: compile_commands.json input: builds objects only (no link targets)\n";
  std::fputs(summary.c_str(), stdout);

  if (options.metrics) {
    metrics["translation_units"] = units.size();
    metrics["batches"] = partition.size();
    metrics["derivations"] = derivations;
    metrics["expected_seconds"] = json::object();
    double worst = 0;
    for (const auto& [name, seconds] : costs) {
      metrics["expected_seconds"][name] = seconds;
      worst = std::max(worst, seconds);
    }
    const double mean = total_cost / static_cast<double>(partition.size());
    metrics["expected_total_seconds"] = total_cost;
    metrics["slowest_over_mean"] = mean > 0 ? worst / mean : 1.0;
    write_file_atomically(out / "metrics.json", metrics.dump(2) + "\n");
    std::string table = fmt::format("nixcc-plan metrics (also {}):\n", (out / "metrics.json").string());
    for (const auto& [k, v] : metrics["phases"].items()) table += fmt::format("  {:<14} {:.3f} s\n", k, v.get<double>());
    table += fmt::format("  {:<14} {}\n  {:<14} {}\n  {:<14} {}\n", "units", units.size(), "batches", partition.size(),
                         "derivations", derivations);
    for (const auto& [name, seconds] : costs) table += fmt::format("  batch {:<8} {:.2f} s expected\n", name, seconds);
    table += fmt::format("  slowest/mean   {:.3f}\n", mean > 0 ? worst / mean : 1.0);
    std::fputs(table.c_str(), stdout);
  }
}

}  // namespace nixcc::plan
