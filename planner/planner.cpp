#include "planner/planner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/batch_manifest.h"
#include "planner/cmake_configure.h"
#include "planner/compile_commands_reader.h"
#include "planner/file_api_reader.h"
#include "planner/host_paths.h"
#include "util/file_io.h"
#include "core/hash.h"
#include "planner/nix_support_files.h"
#include "planner/nix_writer.h"
#include "planner/partition.h"
#include "planner/plan_frame.h"
#include "planner/plan_state.h"
#include "planner/store_import.h"
#include "planner/store_references.h"
#include "schema/timing_db.h"
#include "planner/unit_inputs.h"

namespace nixcc::plan {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

constexpr const char* kCompilerDirsFile = "compiler-dirs.txt";

bool cache_is_off(const std::string& value) {
  std::string v = value;
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return v == "OFF" || v == "0" || v == "FALSE" || v == "NO" || v == "N" || v.ends_with("-NOTFOUND") || v == "IGNORE";
}

// The CMake cache variables CMAKE_NIX_BATCH_COMPILATION, CMAKE_NIX_BATCH_SIZE and CMAKE_NIX_METRICS, as
// defaults (a project can pin its plan in its cache this way); command-line flags win.
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

// Each phase's wall time, for --metrics: end(name) closes the phase begun by the previous end().
class PhaseTimer {
 public:
  void end(const char* name) {
    const auto now = Clock::now();
    phases_[name] = seconds(phase_start_, now);
    total_ = seconds(start_, now);
    phase_start_ = now;
  }
  const json& phases() const { return phases_; }
  double total() const { return total_; }  // up to the end of the last phase

 private:
  static double seconds(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double>(to - from).count();
  }
  Clock::time_point start_ = Clock::now();
  Clock::time_point phase_start_ = start_;
  json phases_ = json::object();
  double total_ = 0;
};

// Read: the project, the plan folder, the timing databases given as history.
struct ReadProject {
  Project project;
  bool objects_only = false;  // compile_commands.json input: no link targets
  fs::path out;               // the plan folder, canonical
  std::vector<std::unique_ptr<TimingDb>> history_dbs;
  std::vector<TimingDb*> history;
};

ReadProject read_project(PlanOptions& options) {
  ReadProject read;
  const bool flags_chose_partition = options.per_file || options.batches || options.batch_seconds;
  if (!options.compile_commands.empty()) {
    read.project = read_compile_commands(options.compile_commands, options.source_dir);
    read.objects_only = true;
  } else {
    prepare_file_api_reply(options.build_dir, options.configure);
    read.project = read_file_api(options.build_dir);
    apply_cache_defaults(read.project, options, flags_chose_partition);
  }
  if (read.project.units.empty()) throw std::runtime_error("the project has no translation units to compile");
  fs::create_directories(options.out);
  read.out = fs::canonical(options.out);
  for (const auto& t : options.timings) {
    read.history_dbs.push_back(std::make_unique<TimingDb>(t, TimingDb::Access::ReadOnly));
    read.history.push_back(read.history_dbs.back().get());
  }
  return read;
}

// Scan: every unit's header list (from history or a dependency scan), planned inputs and cost.
struct ScannedUnits {
  std::vector<PlannedUnit> units;
  InputStats stats;
  // Where the units' compiler_dirs point: it must live as long as they do.
  std::unique_ptr<CompilerDirsCache> compiler_dirs = std::make_unique<CompilerDirsCache>();
  // Nixpkgs mode: the store paths each target's link or archive step uses, by target name.
  std::map<std::string, std::vector<std::string>> target_store_paths;
};

// Nixpkgs mode, before any scan: every compiler, argument and link fragment names store paths or
// the project's own folders, never another host path (planner/store_references.h). Returns the
// store paths of each target's link or archive step.
std::map<std::string, std::vector<std::string>> check_store_references(const Project& project,
                                                                       const std::vector<PlannedUnit>& units,
                                                                       const std::vector<fs::path>& project_dirs) {
  for (const auto& u : units) check_unit_arguments(u, project_dirs);
  std::map<std::string, std::vector<std::string>> targets;
  for (const auto& t : project.targets) {
    if (t.kind == TargetKind::ObjectLibrary || t.units.empty()) continue;  // no step of its own
    if (auto paths = target_store_paths(t, project, project_dirs); !paths.empty()) targets.emplace(t.name, std::move(paths));
  }
  return targets;
}

ScannedUnits scan_units(const ReadProject& read, const PlanFrame& frame, int jobs, Toolchain toolchain) {
  ScannedUnits scanned;
  auto& units = scanned.units;
  units.reserve(read.project.units.size());
  CompilerLookup compilers;
  for (const auto& u : read.project.units) units.push_back(plan_unit(u, read.project, frame, compilers));
  const bool nixpkgs = toolchain == Toolchain::Nixpkgs;
  const auto project_dirs = nixpkgs ? project_dirs_of(read.project) : std::vector<fs::path>{};
  if (nixpkgs) scanned.target_store_paths = check_store_references(read.project, units, project_dirs);
  TimingDb scans(read.out / "scans.sqlite");
  scanned.stats = resolve_inputs(units, frame, scans, read.history, jobs);
  // Asking a compiler for its own directories costs two runs: the answers are kept with the plan.
  const auto known_dirs = read_file(read.out / kCompilerDirsFile).value_or("");
  scanned.compiler_dirs->load(known_dirs);
  list_planned_inputs(units, frame, *scanned.compiler_dirs);
  if (const auto dirs = scanned.compiler_dirs->save(); dirs != known_dirs) write_file_atomically(read.out / kCompilerDirsFile, dirs);
  // The headers each unit reads are known now: their store paths are inputs too, and a host header
  // outside the compiler's own folders is refused.
  if (nixpkgs) {
    for (auto& u : units) u.store_paths = unit_store_paths(u, project_dirs);
  }
  estimate_costs(units, read.project, frame, read.history, scanned.stats);
  return scanned;
}

// Partition: which unit goes into which batch, and how that was decided.
struct PartitionChoice {
  std::vector<CostedUnit> costed;
  std::map<std::string, const PlannedUnit*> by_key;
  double total_cost = 0;
  std::optional<PlanState> previous_state;  // what the last plan into this folder emitted
  std::string mode;                         // "batches" or "per-file"
  int batch_count = 0;                      // the count asked for, kept in the state
  Partition partition;
  std::string how;
};

// How many batches the options ask for, within 1 and the number of units.
int wanted_batches(const PlanOptions& options, std::size_t unit_count, double total_cost) {
  int wanted = 0;
  if (options.batches) {
    wanted = *options.batches;
  } else if (options.batch_size) {
    const auto size = static_cast<std::size_t>(*options.batch_size);
    wanted = static_cast<int>((unit_count + size - 1) / size);
  } else {
    wanted = static_cast<int>(std::ceil(total_cost / options.batch_seconds.value_or(kDefaultBatchSeconds)));
  }
  return std::max(1, std::min(wanted, static_cast<int>(unit_count)));
}

PartitionChoice choose_partition(const std::vector<PlannedUnit>& units, const PlanOptions& options, const fs::path& out) {
  PartitionChoice choice;
  for (const auto& u : units) {
    choice.costed.push_back({u.key, u.cost});
    choice.by_key[u.key] = &u;
    choice.total_cost += u.cost;
  }
  choice.previous_state = read_plan_state(out);
  const auto& state = choice.previous_state;
  choice.mode = options.per_file ? "per-file" : "batches";
  choice.batch_count = wanted_batches(options, units.size(), choice.total_cost);
  const bool count_asked = options.batches || options.batch_size;
  if (options.per_file) {
    choice.partition = per_file_partition(choice.costed);
    choice.how = "one batch per file";
  } else if (state && state->mode == choice.mode && !options.rebalance &&
             (!count_asked || state->batch_count == choice.batch_count)) {
    choice.partition = carry_forward(state->partition(), choice.costed);
    choice.batch_count = state->batch_count;
    choice.how = "carried forward from the previous plan";
  } else {
    choice.partition = balanced_partition(choice.costed, choice.batch_count);
    choice.how = "balanced afresh";
  }
  return choice;
}

// Host mode: nixcc as a store path, and the host paths the derivations use (the sandbox's line).
struct HostDeclaration {
  std::string nixcc_store_path;
  std::vector<std::string> paths;
  std::string sandbox_line;  // "" in nixpkgs mode
  std::string toolchain;      // toolchain_identity of every program the tools run
  CachedAnswer nixcc_in_store;
  CachedAnswer host_tools;
  CachedAnswer host_programs;
};

constexpr const char* kSandboxPathsFile = "sandbox-paths.conf";
constexpr const char* kRootsFolder = "gcroots";

bool still_in_store(const CachedAnswer& answer, const std::string& key) {
  std::error_code ec;
  return !key.empty() && answer.key == key && answer.values.size() == 1 && fs::exists(answer.values.front(), ec);
}

HostDeclaration declare_host(const ReadProject& read, const ScannedUnits& scanned, const PartitionChoice& choice,
                             const PlanOptions& options) {
  HostDeclaration host;
  if (options.toolchain != Toolchain::Host) return host;
  const PlanState* before = choice.previous_state ? &*choice.previous_state : nullptr;

  const std::string nixcc_key = file_identity(options.nixcc);
  if (before && still_in_store(before->nixcc_in_store, nixcc_key)) {
    host.nixcc_in_store = before->nixcc_in_store;
  } else {
    host.nixcc_in_store = {nixcc_key, {import_nixcc(options.nixcc)}};
  }
  host.nixcc_store_path = host.nixcc_in_store.values.front();

  const HostTools tools = host_tools_of(read.project, scanned.units);
  const std::string tools_key = host_tools_identity(tools);
  if (before && before->host_tools.key == tools_key && before->host_programs.key == tools_key) {
    host.host_tools = before->host_tools;
    host.host_programs = before->host_programs;
  } else {
    auto answer = ask_host_tools(tools);
    host.host_tools = {tools_key, std::move(answer.entries)};
    host.host_programs = {tools_key, std::move(answer.executables)};
  }
  host.toolchain = toolchain_identity(host.host_programs.values);
  const std::set<std::string> tool_entries(host.host_tools.values.begin(), host.host_tools.values.end());
  host.paths = declared_host_paths(tool_entries, read.project, scanned.units);
  host.sandbox_line = sandbox_paths_line(host.paths);
  return host;
}

// Writes sandbox-paths.conf; prints the line when it is new or changed, and what it cannot name.
void print_sandbox_line(const ReadProject& read, const HostDeclaration& host) {
  if (host.sandbox_line.empty()) return;
  const fs::path file = read.out / kSandboxPathsFile;
  const std::string text = host.sandbox_line + "\n";
  for (const auto& bad : unnameable_in_nix_conf(host.paths)) {
    std::fputs(fmt::format("nixcc-plan: warning: nix.conf cannot name the host path {} (whitespace or '='): a sandboxed "
                           "build stops at it; build with --option sandbox false\n",
                           nix::string_literal(bad))
                   .c_str(),
               stderr);
  }
  if (read_file(file) == text) return;
  write_file_atomically(file, text);
  std::fputs(fmt::format("nixcc-plan: with Nix's sandbox on, nix.conf needs this line (also in {}):\n{}",
                         file.string(), text).c_str(), stdout);
}

// Write: one batch's manifest file (unless last plan's still stands) and what default.nix says of it.
struct BatchOutcome {
  EmittedBatch emitted;
  BatchState state;
  bool unchanged = false;        // the same derivation as last time
  std::string previous_to_copy;  // an earlier output, to copy into the store as `previous`
};

// The project files a batch's copy of the tree needs, folders included: its units' sources and
// headers. A file reached through a link inside the tree needs the link and what it points to: the
// batch's copy keeps links as links. In nixpkgs mode also the store paths its units use.
void list_batch_files(const std::vector<const PlannedUnit*>& members, const PlanFrame& frame, EmittedBatch& emitted) {
  std::set<std::string> source_files, build_files;
  std::string link_target;
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
  std::set<std::string> store_paths;
  for (const auto* m : members) {
    add(m->source_name);
    for (const auto& h : m->headers) add(h.path);
    store_paths.insert(m->store_paths.begin(), m->store_paths.end());
  }
  emitted.source_files.assign(source_files.begin(), source_files.end());
  emitted.build_files.assign(build_files.begin(), build_files.end());
  emitted.store_inputs.assign(store_paths.begin(), store_paths.end());
}

BatchOutcome write_batch(const std::string& name, const std::vector<const PlannedUnit*>& members,
                         const PlanFrame& frame, const PartitionChoice& choice, const PlanOptions& options,
                         const fs::path& out) {
  BatchOutcome outcome;
  BatchState& batch = outcome.state;
  for (const auto* m : members) batch.units.push_back(m->key);
  const BatchManifest manifest_now = batch_manifest_of(name, members, options.toolchain, frame.layout());
  batch.fingerprint = batch_fingerprint(manifest_now, input_hashes_of(members));
  const BatchState* before = nullptr;
  if (const auto& state = choice.previous_state) {
    if (auto it = state->batches.find(name); it != state->batches.end()) before = &it->second;
  }
  const std::string manifest_file = fmt::format("batches/{}.json", name);
  // The manifest Nix saw last time, byte for byte (its costs may differ from today's estimates).
  std::optional<std::string> kept;
  if (before && before->fingerprint == batch.fingerprint) kept = read_if_hash(out / manifest_file, before->manifest_hash);
  std::error_code gone;
  const bool previous_collected = before && !before->previous.empty() && !fs::exists(before->previous, gone);
  if (kept && !previous_collected) {
    batch.previous = before->previous;
    outcome.unchanged = true;
  } else {
    // A changed batch reuses what it can from the newest output. So does an unchanged one whose
    // copy of an earlier output has been garbage-collected: its derivation must change anyway.
    outcome.previous_to_copy = previous_output(options.previous, name);
  }
  const std::string manifest = kept ? *kept : batch_manifest_text(manifest_now);
  batch.manifest_hash = hash_string(manifest);
  if (!kept) write_file_atomically(out / manifest_file, manifest);

  EmittedBatch& emitted = outcome.emitted;
  emitted.name = name;
  emitted.manifest_file = manifest_file;
  emitted.fingerprint = batch.fingerprint;
  list_batch_files(members, frame, emitted);
  return outcome;
}

// Manifests of batches that no longer exist.
void remove_stale_manifests(const fs::path& out, const std::set<std::string>& manifest_files) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(out / "batches", ec)) {
    const auto rel = fmt::format("batches/{}", entry.path().filename().string());
    if (!manifest_files.count(rel)) fs::remove(entry.path(), ec);
  }
}

// Copies the earlier outputs that changed batches reuse into the store, all in one call to Nix.
void copy_previous_outputs(std::vector<BatchOutcome>& outcomes) {
  std::vector<StoreImport> imports;
  std::vector<BatchOutcome*> importing;
  for (auto& o : outcomes) {
    if (o.previous_to_copy.empty()) continue;
    imports.push_back({o.previous_to_copy, "nixcc-previous-" + o.emitted.name});
    importing.push_back(&o);
  }
  const auto copies = import_into_store(imports);
  for (std::size_t i = 0; i < copies.size(); ++i) importing[i]->state.previous = copies[i];
  for (auto& o : outcomes) o.emitted.previous = o.state.previous;
}

// Writes the manifests, the Nix support files, default.nix and the new state. Returns how many
// batches are the same derivations as last time.
std::size_t write_plan(const ReadProject& read, const PlanFrame& frame, const ScannedUnits& scanned,
                       const PartitionChoice& choice, const HostDeclaration& host, const PlanOptions& options) {
  NixPlan nix;
  nix.project = &read.project;
  nix.toolchain = options.toolchain;
  nix.nixcc = host.nixcc_store_path;
  nix.nixcc_source = options.nixcc_source;
  nix.host_path = "/usr/local/bin:/usr/bin:/bin";
  nix.host_paths = host.paths;
  nix.toolchain_identity = host.toolchain;
  nix.units = choice.by_key;
  nix.target_store_inputs = scanned.target_store_paths;
  PlanState new_state;
  new_state.mode = choice.mode;
  new_state.batch_count = choice.batch_count;
  new_state.nixcc_in_store = host.nixcc_in_store;
  new_state.host_tools = host.host_tools;
  new_state.host_programs = host.host_programs;
  std::set<std::string> manifest_files;
  std::size_t unchanged = 0;
  std::vector<BatchOutcome> outcomes;
  for (const auto& [name, keys] : choice.partition) {
    std::vector<const PlannedUnit*> members;
    for (const auto& key : keys) {
      members.push_back(choice.by_key.at(key));
      nix.batch_of_unit[key] = name;
    }
    outcomes.push_back(write_batch(name, members, frame, choice, options, read.out));
  }
  copy_previous_outputs(outcomes);
  for (const auto& outcome : outcomes) {
    if (!outcome.unchanged) new_state.latest_batches.push_back(outcome.emitted.name);
  }
  if (new_state.latest_batches.empty() && choice.previous_state) {
    // Nothing changed: the latest plan that changed something still describes the next build, and
    // the merge's derivation stays the same.
    for (const auto& name : choice.previous_state->latest_batches) {
      if (choice.partition.count(name)) new_state.latest_batches.push_back(name);
    }
  }
  nix.latest_batches = new_state.latest_batches;
  for (auto& outcome : outcomes) {
    unchanged += outcome.unchanged ? 1 : 0;
    manifest_files.insert(outcome.emitted.manifest_file);
    new_state.batches.emplace(outcome.emitted.name, std::move(outcome.state));
    nix.batches.push_back(std::move(outcome.emitted));
  }
  std::map<std::string, std::string> roots;
  if (!host.nixcc_store_path.empty()) roots["nixcc"] = host.nixcc_store_path;
  for (const auto& [name, batch] : new_state.batches) {
    if (!batch.previous.empty()) roots["previous-" + name] = batch.previous;
  }
  keep_in_store(read.out / kRootsFolder, roots);
  remove_stale_manifests(read.out, manifest_files);
  for (const auto& file : nix_support_files()) write_file_atomically(read.out / "nixcc" / file.path, file.text);
  write_file_atomically(read.out / "default.nix", render_default_nix(nix));
  write_plan_state(read.out, new_state);
  return unchanged;
}

std::size_t derivation_count(const Project& project, const Partition& partition) {
  std::size_t derivations = partition.size() + 2;  // batches, timings, default
  for (const auto& t : project.targets) derivations += (t.kind != TargetKind::ObjectLibrary && !t.units.empty()) ? 1 : 0;
  return derivations;
}

void print_summary(const ReadProject& read, const ScannedUnits& scanned, const PartitionChoice& choice,
                   std::size_t unchanged) {
  const auto& units = scanned.units;
  const auto& stats = scanned.stats;
  std::string summary = fmt::format(
      "nixcc-plan: {} translation units in {} batches ({}; {} unchanged), {} targets, {} derivations -> {}\n",
      units.size(), choice.partition.size(), choice.how, unchanged, read.objects_only ? 0 : read.project.targets.size(),
      derivation_count(read.project, choice.partition), (read.out / "default.nix").string());
  summary += fmt::format("nixcc-plan: header lists: {} from timing databases, {} scanned; costs: {} measured, {} modelled\n",
                         stats.from_history, stats.scanned, stats.measured, units.size() - stats.measured);
  if (read.objects_only) summary += "nixcc-plan: compile_commands.json input: builds objects only (no link targets)\n";
  std::fputs(summary.c_str(), stdout);
}

// metrics.json and its table on stdout: phase times, sizes, and each batch's expected seconds.
void write_metrics(const ReadProject& read, const PartitionChoice& choice, const PhaseTimer& timer) {
  const std::size_t unit_count = choice.costed.size();
  const std::size_t batch_count = choice.partition.size();
  const std::size_t derivations = derivation_count(read.project, choice.partition);
  const auto costs = batch_costs(choice.partition, choice.costed);
  json metrics = {{"phases", timer.phases()}, {"total_s", timer.total()}};
  metrics["translation_units"] = unit_count;
  metrics["batches"] = batch_count;
  metrics["derivations"] = derivations;
  metrics["expected_seconds"] = json::object();
  double worst = 0;
  for (const auto& [name, seconds] : costs) {
    metrics["expected_seconds"][name] = seconds;
    worst = std::max(worst, seconds);
  }
  const double mean = choice.total_cost / static_cast<double>(batch_count);
  metrics["expected_total_seconds"] = choice.total_cost;
  metrics["slowest_over_mean"] = mean > 0 ? worst / mean : 1.0;
  write_file_atomically(read.out / "metrics.json", metrics.dump(2) + "\n");
  std::string table = fmt::format("nixcc-plan metrics (also {}):\n", (read.out / "metrics.json").string());
  for (const auto& [k, v] : metrics["phases"].items()) table += fmt::format("  {:<14} {:.3f} s\n", k, v.get<double>());
  table += fmt::format("  {:<14} {}\n  {:<14} {}\n  {:<14} {}\n", "units", unit_count, "batches", batch_count,
                       "derivations", derivations);
  for (const auto& [name, seconds] : costs) table += fmt::format("  batch {:<8} {:.2f} s expected\n", name, seconds);
  table += fmt::format("  slowest/mean   {:.3f}\n", mean > 0 ? worst / mean : 1.0);
  std::fputs(table.c_str(), stdout);
}

}  // namespace

void run_plan(PlanOptions options) {
  PhaseTimer timer;
  const ReadProject read = read_project(options);
  timer.end("read_s");
  const PlanFrame frame(read.project, read.out / ".root");
  const ScannedUnits scanned = scan_units(read, frame, options.jobs, options.toolchain);
  timer.end("scan_s");
  const PartitionChoice choice = choose_partition(scanned.units, options, read.out);
  timer.end("partition_s");
  const HostDeclaration host = declare_host(read, scanned, choice, options);
  timer.end("host_s");
  const std::size_t unchanged = write_plan(read, frame, scanned, choice, host, options);
  timer.end("write_s");
  print_summary(read, scanned, choice, unchanged);
  print_sandbox_line(read, host);
  if (options.metrics) write_metrics(read, choice, timer);
}

}  // namespace nixcc::plan
