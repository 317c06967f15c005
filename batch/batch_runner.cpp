#include "batch/batch_runner.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "batch/batch_guard.h"
#include "core/batch_manifest.h"
#include "batch/batch_output.h"
#include "batch/batch_reuse.h"
#include "util/child_process.h"
#include "core/compiler_args.h"
#include "core/compiler_dirs.h"
#include "core/compiler_lookup.h"
#include "core/depfile.h"
#include "util/file_io.h"
#include "util/host.h"
#include "core/input_hash.h"
#include "util/paths.h"
#include "util/process_pool.h"
#include "util/scratch_dir.h"
#include "util/shell_quote.h"
#include "schema/timing_db.h"

namespace nixcc {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Signal handling: the handler forwards SIGTERM to every running compiler and asks the loop to stop.
volatile sig_atomic_t g_stop_signal = 0;

void on_stop_signal(int sig) {
  g_stop_signal = sig;
  ProcessPool::signal_all_children(SIGTERM);
}

bool stop_requested() { return g_stop_signal != 0; }

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;  // no SA_RESTART: wait4 must return EINTR
  sigemptyset(&action.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &action, nullptr);
}

struct Job {
  std::size_t index = 0;
  const BatchUnit* unit = nullptr;
  fs::path compiler;
  HashHex compiler_id;
  fs::path source;  // absolute
  fs::path compiled_source;  // what the compiler is given: the source, or its copy with absolute includes rewritten
  std::map<fs::path, fs::path> copies;  // such a copy -> the file it stands for (depfiles name the copy)
  fs::path cwd;     // absolute
  std::string language;
  std::vector<std::string> args;  // everything the compiler is given
  HashHex args_hash;
  double cost = 0;
  fs::path object;  // absolute, in the output directory
  fs::path depfile, out_log, err_log;
  std::optional<std::set<std::string>> planned;  // the manifest's inputs, when it lists them
  double started_unix = 0;    // set when it starts
  double start_offset_s = 0;  // seconds after the batch started
};

bool has_flag_prefix(const std::vector<std::string>& args, std::string_view prefix) {
  return std::any_of(args.begin(), args.end(), [&](const std::string& a) { return a.starts_with(prefix); });
}

// A copy of `file` beside it whose #includes of the plan's host folders by absolute path point at
// this tree (CMake writes unity sources and cmake_pch.hxx that way), or `file` itself when it has none.
// Beside the original, so that relative includes resolve the same; the original, unchanged, is what
// the input hash and the guard see.
fs::path pointed_at_tree(const fs::path& file, const BatchUnit& unit, const std::string& root,
                         std::map<fs::path, fs::path>& copies) {
  const auto text = read_file(file);
  if (!text) throw std::runtime_error(fmt::format("{}: cannot read {}", unit.source, file.string()));
  const std::string rewritten = rewrite_absolute_includes(*text, unit.absolute_includes, root);
  if (rewritten == *text) return file;
  const fs::path copy = file.parent_path() / fmt::format("{}.nixcc{}", file.stem().string(), file.extension().string());
  write_file_atomically(copy, rewritten);
  copies[copy.lexically_normal()] = file.lexically_normal();
  return copy;
}

Job prepare_job(const BatchManifest& manifest, const BatchUnit& unit, std::size_t index, const fs::path& manifest_path,
                const fs::path& out_dir, const fs::path& scratch, CompilerLookup& compilers) {
  const std::string root = manifest.source_root.string();
  const auto where = [&] { return fmt::format("{}: units[{}] ({})", manifest_path.string(), index, unit.source); };
  Job job;
  job.index = index;
  job.unit = &unit;
  try {
    const auto& found = compilers.resolve(substitute_source_root(unit.compiler, root));
    job.compiler = found.executable;
    job.compiler_id = found.identity;
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(fmt::format("{}: {}", where(), e.what()));
  }
  job.source = manifest.source_root / unit.source;
  job.cwd = absolute_from(manifest.source_root, substitute_source_root(unit.directory, root));
  std::error_code ec;
  if (!fs::is_regular_file(job.source, ec)) throw std::runtime_error(fmt::format("{}: no such source file {}", where(), job.source.string()));
  // CMake compiles in a target's build folder, which a batch's copy of the tree may not hold.
  if (!fs::is_directory(job.cwd, ec)) fs::create_directories(job.cwd, ec);
  if (!fs::is_directory(job.cwd, ec)) throw std::runtime_error(fmt::format("{}: no such directory {}", where(), job.cwd.string()));

  job.compiled_source = job.source;
  if (!unit.absolute_includes.empty()) job.compiled_source = pointed_at_tree(job.source, unit, root, job.copies);

  std::vector<std::string> user_args;
  for (const auto& arg : unit.arguments) {
    user_args.push_back(substitute_source_root(arg, root));
  }
  auto check_args = user_args;
  check_args.insert(check_args.end(), {"-c", job.compiled_source.string()});
  const auto classified = classify_compiler_args(check_args, job.cwd);
  if (classified.kind != InvocationKind::Compile || classified.has_output || classified.has_dependency_options) {
    throw std::runtime_error(fmt::format(
        "{}: arguments must be plain compile flags: nixcc adds -c, the source, -o and the depfile options ({})",
        where(), classified.kind == InvocationKind::Compile ? "found -o or a depfile option" : classified.reason));
  }
  job.language = classified.language;
  job.args_hash = unit_arguments_hash(unit.arguments);

  job.object = out_dir / unit.object;
  job.depfile = scratch / fmt::format("{}.d", index);
  job.out_log = scratch / fmt::format("{}.out", index);
  job.err_log = scratch / fmt::format("{}.err", index);
  job.args = user_args;
  if (!unit.absolute_includes.empty()) {  // CMake's cmake_pch.hxx, forced in with -include
    for (std::size_t i = 0; i + 1 < job.args.size(); ++i) {
      if (job.args[i] == "-include" && !relative_if_under(job.args[i + 1], root).starts_with('/')) {
        job.args[i + 1] = pointed_at_tree(job.args[i + 1], unit, root, job.copies).string();
      }
    }
  }
  // Deterministic objects whatever the root's absolute path: the same TU compiled from any copy of
  // the tree gives the same bytes, so a reused object equals a fresh one.
  if (!has_flag_prefix(user_args, "-frandom-seed")) job.args.push_back("-frandom-seed=" + unit.source);
  if (!has_flag_prefix(user_args, "-ffile-prefix-map=" + root + "=")) {
    job.args.push_back(fmt::format("-ffile-prefix-map={}=.", root));
  }
  job.args.insert(job.args.end(), {"-c", job.compiled_source.string(), "-o", job.object.string(), "-MD", "-MF", job.depfile.string()});

  if (unit.inputs) job.planned.emplace(unit.inputs->begin(), unit.inputs->end());
  if (unit.cost) {
    job.cost = *unit.cost;
  } else {
    job.cost = static_cast<double>(fs::file_size(job.source, ec)) / 10000.0;  // documented fallback
  }
  return job;
}

class BatchRun {
 public:
  BatchRun(const BatchOptions& options, const BatchManifest& manifest)
      : options_(options), manifest_(manifest), output_(options.out), batch_start_(Clock::now()),
        batch_start_unix_(unix_now()) {
    if (options.previous) load_previous(*options.previous);
    for (std::size_t i = 0; i < manifest.units.size(); ++i) {
      jobs_.push_back(prepare_job(manifest, manifest.units[i], i, options.manifest, output_.dir(), scratch_.path(), compilers_));
    }
    db_.emplace(output_.partial_database());
    build_.id = options.build_id;
    build_.kind = "batch";
    build_.base_dir = manifest.source_root.string();
    build_.host = host_name();
    build_.started_at = batch_start_unix_;
    build_.name = manifest.name;
    build_.jobs = options.jobs;
    build_.invocation = options.invocation;
  }

  int run() {
    std::vector<Job*> queue;
    std::vector<std::pair<Job*, InputHash>> reusable_jobs;
    for (auto& job : jobs_) {
      if (stop_requested()) return conclude();
      std::error_code ec;
      fs::create_directories(job.object.parent_path(), ec);
      if (ec) throw std::runtime_error(fmt::format("{}: cannot create: {}", job.object.parent_path().string(), ec.message()));
      if (auto inputs = reusable(job)) {
        reusable_jobs.emplace_back(&job, std::move(*inputs));
      } else {
        queue.push_back(&job);
      }
    }
    // Longest first: the slowest unit starting last is what stretches a batch.
    std::stable_sort(queue.begin(), queue.end(), [](const Job* a, const Job* b) { return a->cost > b->cost; });

    ProcessPool pool(options_.jobs);
    std::size_t next = 0;
    bool stop_launching = false;
    bool reuse_done = reusable_jobs.empty();
    while (next < queue.size() || pool.running() > 0 || !reuse_done) {
      stop_launching = stop_launching || stop_requested() || (!failed_.empty() && !options_.keep_going);
      while (!stop_launching && next < queue.size() && pool.has_free_slot()) {
        Job* job = queue[next++];
        const auto offset = std::chrono::duration<double>(Clock::now() - batch_start_).count();
        try {
          pool.start(job->index, job->compiler, job->args, job->cwd, {job->out_log, job->err_log});
          job->started_unix = unix_now();
          job->start_offset_s = offset;
        } catch (const std::exception& e) {
          report_failure(*job, fmt::format("cannot start compiler: {}", e.what()));
          stop_launching = !options_.keep_going;
        }
      }
      if (!reuse_done) {
        copy_reused(reusable_jobs, queue);
        reuse_done = true;
        continue;  // a failed copy may have queued a unit
      }
      if (pool.running() == 0) break;
      const auto finished = pool.wait_any(stop_requested);
      if (!finished) {
        // A child started just as the signal came may have missed the handler's SIGTERM.
        if (stop_requested()) ProcessPool::signal_all_children(SIGTERM);
        continue;
      }
      finish(jobs_[finished->tag], *finished);
    }
    not_started_ = queue.size() - next;
    return conclude();
  }

 private:
  void load_previous(const fs::path& dir) {
    // --previous may name the very directory being replaced; it has been moved aside by now.
    std::error_code ec;
    fs::path source = dir;
    if (!output_.set_aside().empty() && fs::weakly_canonical(dir, ec) == output_.dir()) source = output_.set_aside();
    try {
      previous_.emplace(source, layout_);
    } catch (const std::exception& e) {
      std::fputs(fmt::format("nixcc batch: warning: {}; compiling every unit\n", e.what()).c_str(), stderr);
    }
  }

  // Whether the previous output holds this unit's object with the same input hash (no copying yet).
  std::optional<InputHash> reusable(const Job& job) {
    if (!previous_) return std::nullopt;
    const auto* prev = previous_->find(job.unit->object);
    if (!prev || prev->record.args_hash != job.args_hash || prev->record.compiler_id != job.compiler_id) return std::nullopt;
    return rehash_if_unchanged(prev->record.input_hash, prev->headers, job.compiler_id, job.args_hash, job.source,
                               hash_cache_);
  }

  // Copies the reusable objects (while the compilers already run) and records them in one transaction.
  // A unit whose copy fails goes back to the queue and is compiled.
  void copy_reused(std::vector<std::pair<Job*, InputHash>>& reusable_jobs, std::vector<Job*>& queue) {
    std::vector<CompileRecord> records;
    for (auto& [job, inputs] : reusable_jobs) {
      if (stop_requested()) break;
      const CompileRecord& prev = previous_->find(job->unit->object)->record;
      if (!reads_only_planned(*job, inputs.headers)) {  // planned differently since: compile and check afresh
        queue.push_back(job);
        continue;
      }
      const auto start = Clock::now();
      const double started_unix = unix_now();
      std::error_code ec;
      fs::copy_file(previous_->object_path(job->unit->object), job->object, fs::copy_options::overwrite_existing, ec);
      // Store files are read-only; the copy in this output must be an ordinary file again.
      if (!ec) fs::permissions(job->object, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::add, ec);
      if (ec) {
        queue.push_back(job);
        continue;
      }
      CompileRecord record = base_record(*job, started_unix, std::chrono::duration<double>(Clock::now() - start).count());
      record.input_hash = inputs.value;
      record.headers = recorded(inputs.headers);
      record.reused = true;
      record.start_offset_s = std::chrono::duration<double>(start - batch_start_).count();
      record.original_wall_s = prev.compile_wall_s();
      record.original_cpu_s = prev.compile_cpu_s();
      records.push_back(std::move(record));
      ++reused_;
      progress(fmt::format("{} reused", job->unit->source));
    }
    db_->record_compiles(build_, records);
  }

  // Headers named by this tree, as the database records them.
  std::vector<HeaderRecord> recorded(const std::vector<HashedFile>& headers) const {
    std::vector<HeaderRecord> out;
    out.reserve(headers.size());
    for (const auto& h : headers) out.push_back({layout_.record(h.path), h.hash});
    return out;
  }

  CompileRecord base_record(const Job& job, double started_unix, double wall_s) const {
    CompileRecord record;
    record.source = layout_.record(job.unit->source);
    record.object = {PathRoot::Output, job.unit->object};
    record.directory = layout_.record(job.cwd.lexically_relative(manifest_.source_root).string());
    record.language = job.language;
    record.compiler = job.compiler.string();
    record.compiler_id = job.compiler_id;
    record.started_at = started_unix;
    record.wall_s = wall_s;
    record.args_hash = job.args_hash;
    return record;
  }

  void finish(const Job& job, const ProcessPool::Finished& done) {
    const ChildUsage& usage = done.usage;
    const double wall_s = done.wall_s;
    CompileRecord record = base_record(job, job.started_unix, wall_s);
    record.user_s = usage.user_s;
    record.sys_s = usage.sys_s;
    record.max_rss_kb = usage.max_rss_kb;
    record.exit_status = usage.exit_status;
    record.worker = done.slot;
    record.start_offset_s = job.start_offset_s;
    InputHash inputs;
    if (usage.exit_status == 0) {
      // No depfile (a compiler that ignores -MD) leaves the input hash empty: such a unit is never reused.
      if (auto headers = read_depfile_headers(job.depfile, job.cwd, job.compiled_source)) {
        for (auto& h : *headers) {
          if (const auto it = job.copies.find(h); it != job.copies.end()) h = it->second;
        }
        inputs = hash_inputs(job.compiler_id, job.args_hash, job.source, *headers, hash_cache_);
        record.input_hash = inputs.value;
        record.headers = recorded(inputs.headers);
      }
    }
    const auto unplanned = check_reads(job, record, inputs.headers);
    db_->record_compile(build_, record);

    const std::string out = read_file(job.out_log).value_or("");
    const std::string err = read_file(job.err_log).value_or("");
    if (unplanned) {
      failed_.push_back(job.unit->source);
      progress(fmt::format("FAILED {} (read an unplanned input) {:.1f}s", job.unit->source, wall_s));
      std::fputs((*unplanned + "\n").c_str(), stderr);
    } else if (usage.exit_status == 0) {
      ++compiled_;
      progress(fmt::format("{} {:.1f}s", job.unit->source, wall_s));
    } else {
      failed_.push_back(job.unit->source);
      progress(fmt::format("FAILED {} (exit {}) {:.1f}s", job.unit->source, usage.exit_status, wall_s));
      std::fputs((command_line(job) + "\n").c_str(), stdout);
    }
    std::fputs(out.c_str(), stdout);
    std::fflush(stdout);
    std::fputs(err.c_str(), stderr);
    std::fflush(stderr);
  }

  bool reads_only_planned(const Job& job, const std::vector<HashedFile>& headers) {
    if (!job.planned || !find_unplanned_read(headers, *job.planned, planned_dirs_)) return true;
    try {
      return !find_unplanned_read(headers, *job.planned, own_dirs(job));
    } catch (const std::exception&) {
      return false;
    }
  }

  // The directories the planner listed together with those the unit's compiler names itself.
  const CompilerDirs& own_dirs(const Job& job) {
    const CompilerDirs& asked = compiler_dirs_.get(job.compiler, job.language, job.args);
    auto [it, fresh] = with_planned_dirs_.try_emplace(&asked);
    if (fresh) {
      it->second.dirs = planned_dirs_.dirs;
      it->second.dirs.insert(it->second.dirs.end(), asked.dirs.begin(), asked.dirs.end());
    }
    return it->second;
  }

  // The guard: a unit whose compiler read a file the plan did not list for it fails, with one line
  // saying which. Returns that line.
  std::optional<std::string> check_reads(const Job& job, const CompileRecord& record, const std::vector<HashedFile>& read) {
    if (!job.planned || record.exit_status != 0) return std::nullopt;
    const auto start = Clock::now();
    std::optional<std::string> message;
    ++checked_;
    if (record.input_hash.empty()) {
      message = fmt::format("nixcc batch: {}: {}: the compiler wrote no dependency list, so what it read cannot be "
                            "checked against the plan; re-run nixcc-plan", manifest_.name, job.unit->source);
    } else {
      try {
        auto unplanned = find_unplanned_read(read, *job.planned, planned_dirs_);
        if (unplanned && fs::path(unplanned->file).is_absolute()) {  // not where the planner saw the compiler look: ask it
          const auto asking = Clock::now();
          const auto& dirs = own_dirs(job);
          ask_s_ += std::chrono::duration<double>(Clock::now() - asking).count();
          unplanned = find_unplanned_read(read, *job.planned, dirs);
        }
        if (unplanned) message = unplanned_read_message(manifest_.name, job.unit->source, *unplanned);
      } catch (const std::exception& e) {
        message = fmt::format("nixcc batch: {}: {}: {}", manifest_.name, job.unit->source, e.what());
      }
    }
    // ask_s_ is counted apart: the total less it is the check itself.
    check_s_ += std::chrono::duration<double>(Clock::now() - start).count();
    return message;
  }

  void report_failure(const Job& job, const std::string& why) {
    failed_.push_back(job.unit->source);
    progress(fmt::format("FAILED {}: {}", job.unit->source, why));
  }

  std::string command_line(const Job& job) const {
    return fmt::format("  (cd {} && {} {})", shell_quote(job.cwd.string()), shell_quote(job.compiler.string()),
                       shell_join(job.args));
  }

  void progress(const std::string& what) {
    ++finished_;
    // Named, because nix-build interleaves the logs of batches that build at once.
    std::fputs(fmt::format("[{} {}/{}] {}\n", manifest_.name, finished_, jobs_.size(), what).c_str(), stdout);
    std::fflush(stdout);
  }

  int conclude() {
    const double elapsed = std::chrono::duration<double>(Clock::now() - batch_start_).count();
    if (stop_requested()) {
      db_.reset();
      output_.abandon();
      std::fputs(fmt::format("nixcc batch: interrupted by signal {}; {} left incomplete\n", static_cast<int>(g_stop_signal),
                             output_.dir().string()).c_str(), stderr);
      return 128 + g_stop_signal;  // run_batch dies of the signal once everything is cleaned up
    }
    if (!failed_.empty()) {
      db_.reset();
      output_.abandon();
      std::string names;
      for (const auto& f : failed_) names += (names.empty() ? "" : ", ") + f;
      std::fputs(fmt::format("nixcc batch: {}: {} of {} failed: {}{}\n", manifest_.name, failed_.size(), jobs_.size(), names,
                             not_started_ ? fmt::format(" ({} not started)", not_started_) : "").c_str(),
                 stderr);
      return 1;
    }
    db_->finish_build(build_.id, unix_now());
    db_->make_self_contained();
    db_.reset();
    output_.commit();
    const std::string checked =
        checked_ ? fmt::format("; inputs of {} checked in {:.1f} ms (+{:.0f} ms asking the compiler for its own directories)",
                               checked_, (check_s_ - ask_s_) * 1000.0, ask_s_ * 1000.0)
                 : std::string();
    std::fputs(fmt::format("nixcc batch: {}: {} units, {} compiled, {} reused, {:.2f}s on {} job{}{}\n", manifest_.name,
                           jobs_.size(), compiled_, reused_, elapsed, options_.jobs, options_.jobs == 1 ? "" : "s", checked).c_str(),
               stdout);
    return 0;
  }

  const BatchOptions& options_;
  const BatchManifest& manifest_;
  BatchOutput output_;
  ScratchDir scratch_{"nixcc-batch-"};
  Clock::time_point batch_start_;
  double batch_start_unix_;
  std::optional<PreviousOutput> previous_;
  CompilerLookup compilers_;
  std::vector<Job> jobs_;
  std::optional<TimingDb> db_;
  BuildRecord build_;
  Frame frame_{manifest_.source_root};
  TreeLayout layout_{manifest_.layout()};
  InputFileCache hash_cache_{frame_};
  CompilerDirs planned_dirs_{{manifest_.system_dirs.begin(), manifest_.system_dirs.end()}};
  CompilerDirsCache compiler_dirs_;
  std::map<const CompilerDirs*, CompilerDirs> with_planned_dirs_;
  double check_s_ = 0, ask_s_ = 0;  // the guard's own cost, reported in the summary line
  std::size_t finished_ = 0, compiled_ = 0, reused_ = 0, not_started_ = 0, checked_ = 0;
  std::vector<std::string> failed_;
};

}  // namespace

int run_batch(const BatchOptions& options) {
  if (options.jobs < 1 || options.jobs > ProcessPool::kMaxSlots) {
    throw std::runtime_error(fmt::format("--jobs must be between 1 and {}", ProcessPool::kMaxSlots));
  }
  // From here on a signal only sets a flag: the run stops at the next step and cleans up, whether it is
  // preparing, copying reused objects or compiling.
  install_stop_handlers();
  BatchManifest manifest = read_batch_manifest(options.manifest);
  if (options.source_root) manifest.source_root = std::filesystem::absolute(*options.source_root).lexically_normal();
  int status;
  {
    BatchRun run(options, manifest);
    status = run.run();
  }
  if (stop_requested()) {
    ChildUsage as_signal;
    as_signal.term_signal = g_stop_signal;
    as_signal.exit_status = 128 + g_stop_signal;
    exit_like(as_signal);
  }
  return status;
}

}  // namespace nixcc
