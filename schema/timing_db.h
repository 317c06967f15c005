#pragma once
// The one module that opens, migrates, writes and reads nixcc timing databases.
// No other file holds SQL: commands ask this module for rows.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/recorded_path.h"
#include "schema/sqlite.h"

namespace nixcc {

using DbError = sqlite::DbError;

struct BuildRecord {
  std::string id;
  std::string kind;      // "launcher", "batch", or the planner's "scan"
  std::string base_dir;  // the absolute source directory as this build saw it ("" when unknown)
  std::string host;
  double started_at = 0;  // Unix time
  // Batch builds only.
  std::string name;
  std::optional<int> jobs;
  std::string invocation;  // the process that started the batch: one per nix-build ("" when unknown)
};

/// A header a compile read, and its XXH3-128.
struct HeaderRecord {
  RecordedPath file;
  std::string hash;
};

/// One row of the compiles table, the same whether it is being written or has been read back.
struct CompileRecord {
  std::int64_t id = 0;   // read back only
  std::string build_id;  // read back only: written under the BuildRecord it is recorded with
  RecordedPath source;
  RecordedPath object;
  RecordedPath directory;  // the working directory
  std::string language;
  std::string compiler;
  std::string compiler_id;
  double started_at = 0;  // Unix time
  double wall_s = 0;
  double user_s = 0;
  double sys_s = 0;
  std::int64_t max_rss_kb = 0;
  int exit_status = 0;
  std::string args_hash;
  std::string input_hash;
  /// Written with the compile; read back by successful_compiles() only (queries ask headers_of()).
  std::vector<HeaderRecord> headers;
  // Batch compiles only.
  std::optional<int> worker;
  std::optional<double> start_offset_s;
  bool reused = false;
  std::optional<double> original_wall_s;  // for a reused object: the compile that made it
  std::optional<double> original_cpu_s;
  // Read back only, from the row's build.
  std::string build_name;  // the batch's name, else ""
  std::string build_kind;

  double cpu_s() const { return user_s + sys_s; }
  /// The time of the compile that made the object: the original compile's for a reused one.
  double compile_wall_s() const { return original_wall_s.value_or(wall_s); }
  double compile_cpu_s() const { return original_cpu_s.value_or(cpu_s()); }
};

/// The total compile time of the translation units that read one header.
struct HeaderCost {
  RecordedPath file;
  std::int64_t compiles = 0;
  double wall_s = 0;
  double cpu_s = 0;
};

struct BuildRow {
  std::string id;
  std::string kind;
  std::string base_dir;
  std::string host;
  double started_at = 0;
  std::int64_t compiles = 0;
  std::string name;        // a batch's
  std::string invocation;  // a batch's
};

/// Which builds a query covers: these build ids, or every build when empty.
using BuildSelection = std::optional<std::vector<std::string>>;

enum class SlowestBy { Wall, Cpu };

class TimingDb {
 public:
  enum class Access { ReadWrite, ReadOnly };
  static constexpr int kBusyTimeoutMs = 15000;

  /// ReadWrite creates the file if needed and migrates it to the latest schema.
  /// ReadOnly never writes the file: an older schema is migrated in a private in-memory copy.
  explicit TimingDb(const std::filesystem::path& path, Access access = Access::ReadWrite);

  static int latest_version();
  int schema_version();
  const std::string& path() const { return conn_.path(); }

  /// Records one compile (and its build, if new) in a single transaction.
  void record_compile(const BuildRecord& build, const CompileRecord& compile);
  /// Records several compiles of one build in a single transaction.
  void record_compiles(const BuildRecord& build, std::span<const CompileRecord> compiles);

  /// Every build, in start order.
  std::vector<BuildRow> builds();
  std::vector<CompileRecord> slowest(const BuildSelection& builds, SlowestBy by, int limit);
  std::vector<HeaderRecord> headers_of(std::int64_t compile_id);
  /// Every compile of the selected builds, in start order (without header lists).
  std::vector<CompileRecord> compiles(const BuildSelection& builds);
  /// Headers ranked by the summed compile time of the translation units that read them; system
  /// headers (recorded with absolute paths, outside the project) only when asked for.
  std::vector<HeaderCost> header_costs(const BuildSelection& builds, int limit, bool include_system);
  /// Every successful compile with an input hash, in every build, with its header list: what a rebuild
  /// may reuse.
  std::vector<CompileRecord> successful_compiles();

  /// Records the end of a batch build.
  void finish_build(const std::string& id, double finished_at);
  /// Folds the write-ahead log back into the file and leaves rollback-journal mode, so the database is
  /// one self-contained file that can be read from a read-only directory such as the Nix store.
  void make_self_contained();

  /// Copies every build, compile and header of `other` into this database in one transaction; a build
  /// whose id is already here is skipped, so merging the same input twice adds nothing.
  /// Returns the number of compiles added.
  std::int64_t merge_from(TimingDb& other);

  /// Marks which batches the latest plan changed, and so the latest nix-build ran: their builds get
  /// `invocation`, every other batch's build "". Inside Nix's sandbox a batch cannot see which
  /// nix-build started it, so a result's merge says it instead.
  void mark_latest_batches(const std::vector<std::string>& names, const std::string& invocation);

  /// Deletes every build, compile and header row (ccache's -z); the schema stays.
  void clear();

 private:
  void configure_for_writing();
  void limit_wal();
  static constexpr std::uintmax_t kWalLimitBytes = 1u << 20;
  void migrate();

  sqlite::Connection conn_;
};

/// `NIXCC_DB` when set, else $XDG_STATE_HOME/nixcc/timings.sqlite (~/.local/state/nixcc/timings.sqlite).
std::filesystem::path default_db_path();

}  // namespace nixcc
