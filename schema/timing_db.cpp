#include "schema/timing_db.h"

#include <fmt/format.h>

#include <cstdlib>
#include <stdexcept>
#include <system_error>

#include <nlohmann/json.hpp>

#include "schema/schema_migrations.h"

namespace nixcc {
namespace {

namespace fs = std::filesystem;

int read_user_version(sqlite::Connection& conn) {
  auto stmt = conn.prepare("PRAGMA user_version");
  stmt.step();
  return static_cast<int>(stmt.column_int(0));
}

// Applies every migration above the current version, each in its own IMMEDIATE transaction that
// re-reads the version first, so that concurrent first opens never apply one twice.
void apply_migrations(sqlite::Connection& conn) {
  for (const auto& migration : schema_migrations()) {
    if (read_user_version(conn) >= migration.version) continue;
    sqlite::Transaction tx(conn);
    const int current = read_user_version(conn);
    if (current >= migration.version) continue;
    if (current != migration.version - 1) {
      throw DbError(fmt::format("{}: schema version {} cannot be migrated by {}", conn.path(), current,
                                migration.file));
    }
    conn.exec(migration.sql);
    conn.exec(fmt::format("PRAGMA user_version = {}", migration.version));
    tx.commit();
  }
}

sqlite::Connection open_connection(const fs::path& path, TimingDb::Access access) {
  if (access == TimingDb::Access::ReadWrite) {
    return sqlite::Connection(path.string(), sqlite::Connection::Mode::ReadWrite, TimingDb::kBusyTimeoutMs);
  }
  std::error_code ec;
  if (!fs::exists(path, ec)) throw DbError(fmt::format("{}: no such database", path.string()));
  if (fs::is_directory(path, ec)) throw DbError(fmt::format("{}: is a directory, not a database", path.string()));
  return sqlite::Connection(path.string(), sqlite::Connection::Mode::ReadOnly, TimingDb::kBusyTimeoutMs);
}

// Copies a read-only database into memory so an older schema can be migrated without writing the file.
sqlite::Connection in_memory_copy(sqlite::Connection& source) {
  sqlite::Connection copy(":memory:", sqlite::Connection::Mode::ReadWrite, TimingDb::kBusyTimeoutMs, source.path());
  sqlite3_backup* backup = sqlite3_backup_init(copy.handle(), "main", source.handle(), "main");
  if (!backup) copy.check(sqlite3_errcode(copy.handle()), "copy for reading");
  sqlite3_backup_step(backup, -1);
  copy.check(sqlite3_backup_finish(backup), fmt::format("copy of {}", source.path()));
  return copy;
}

// Every column of a compiles row with its build's name and kind, in the order read_compile() reads them.
constexpr const char* kCompileSelect =
    "SELECT c.id, c.build_id, c.source_root, c.source, c.object_root, c.object, c.directory_root, c.directory, "
    "c.language, c.compiler, c.compiler_id, c.started_at, c.wall_s, c.user_s, c.sys_s, c.max_rss_kb, "
    "c.exit_status, c.args_hash, c.input_hash, c.worker, c.start_offset_s, c.reused, c.original_wall_s, "
    "c.original_cpu_s, b.name, b.kind "
    "FROM compiles c JOIN builds b ON b.id = c.build_id ";

// The selection as a parameter: NULL for every build, else a JSON array of ids (json_each reads it).
constexpr const char* kSelected = "(?1 IS NULL OR c.build_id IN (SELECT value FROM json_each(?1)))";

// A path and the root column before it.
RecordedPath read_path(const sqlite::Statement& stmt, int root_index, const std::string& db) {
  try {
    return {parse_root(stmt.column_text(root_index)), stmt.column_text(root_index + 1)};
  } catch (const std::runtime_error& e) {
    throw DbError(fmt::format("{}: {}", db, e.what()));
  }
}

std::optional<double> optional_double(const sqlite::Statement& stmt, int index) {
  if (stmt.column_is_null(index)) return std::nullopt;
  return stmt.column_double(index);
}

std::optional<int> optional_int(const sqlite::Statement& stmt, int index) {
  if (stmt.column_is_null(index)) return std::nullopt;
  return static_cast<int>(stmt.column_int(index));
}

CompileRecord read_compile(const sqlite::Statement& stmt, const std::string& db) {
  CompileRecord row;
  row.id = stmt.column_int(0);
  row.build_id = stmt.column_text(1);
  row.source = read_path(stmt, 2, db);
  row.object = read_path(stmt, 4, db);
  row.directory = read_path(stmt, 6, db);
  row.language = stmt.column_text(8);
  row.compiler = stmt.column_text(9);
  row.compiler_id = stmt.column_text(10);
  row.started_at = stmt.column_double(11);
  row.wall_s = stmt.column_double(12);
  row.user_s = stmt.column_double(13);
  row.sys_s = stmt.column_double(14);
  row.max_rss_kb = stmt.column_int(15);
  row.exit_status = static_cast<int>(stmt.column_int(16));
  row.args_hash = stmt.column_text(17);
  row.input_hash = stmt.column_text(18);
  row.worker = optional_int(stmt, 19);
  row.start_offset_s = optional_double(stmt, 20);
  row.reused = stmt.column_int(21) != 0;
  row.original_wall_s = optional_double(stmt, 22);
  row.original_cpu_s = optional_double(stmt, 23);
  row.build_name = stmt.column_text(24);
  row.build_kind = stmt.column_text(25);
  return row;
}

void bind_selection(sqlite::Statement& stmt, int index, const BuildSelection& builds) {
  if (builds) {
    stmt.bind(index, nlohmann::json(*builds).dump());
  } else {
    stmt.bind_null(index);
  }
}

}  // namespace

TimingDb::TimingDb(const fs::path& path, Access access) : conn_(open_connection(path, access)) {
  if (access == Access::ReadWrite) {
    // Refuse a newer schema before touching the file (configure_for_writing switches it to WAL).
    if (schema_version() > latest_version()) migrate();
    configure_for_writing();
    migrate();
    return;
  }
  const int version = schema_version();  // also surfaces "file is not a database" here
  if (version > latest_version()) {
    throw DbError(fmt::format("{}: schema version {} is newer than this nixcc understands ({})", path.string(),
                              version, latest_version()));
  }
  if (version < latest_version()) {
    conn_ = in_memory_copy(conn_);
    migrate();
  }
}

int TimingDb::latest_version() { return schema_migrations().back().version; }

int TimingDb::schema_version() { return read_user_version(conn_); }

void TimingDb::configure_for_writing() {
  // A launcher opens, writes one row and exits: skipping the checkpoint on close is what keeps that at ~2 ms.
  sqlite3_db_config(conn_.handle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
  const std::string mode = [&] {
    auto stmt = conn_.prepare("PRAGMA journal_mode");
    stmt.step();
    return stmt.column_text(0);
  }();
  if (mode != "wal") {
    auto set = conn_.prepare("PRAGMA journal_mode = WAL");
    set.step();
  }
  conn_.exec("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON");
}

void TimingDb::migrate() {
  const int version = schema_version();
  if (version > latest_version()) {
    throw DbError(fmt::format("{}: schema version {} is newer than this nixcc understands ({})", conn_.path(),
                              version, latest_version()));
  }
  if (version < latest_version()) apply_migrations(conn_);
}

void TimingDb::record_compile(const BuildRecord& build, const CompileRecord& compile) {
  record_compiles(build, std::span<const CompileRecord>(&compile, 1));
}

void TimingDb::record_compiles(const BuildRecord& build, std::span<const CompileRecord> compiles) {
  sqlite::Transaction tx(conn_);
  conn_.prepare(
           "INSERT INTO builds(id, kind, base_dir, started_at, host, name, jobs, invocation) "
           "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
           "ON CONFLICT(id) DO UPDATE SET started_at = min(started_at, excluded.started_at)")
      .bind(1, build.id)
      .bind(2, build.kind)
      .bind(3, build.base_dir)
      .bind(4, build.started_at)
      .bind(5, build.host)
      .bind(6, build.name)
      .bind(7, build.jobs)
      .bind(8, build.invocation)
      .run();
  auto insert = conn_.prepare(
           "INSERT INTO compiles(build_id, source, object, directory, language, compiler, compiler_id, started_at, "
           "wall_s, user_s, sys_s, max_rss_kb, exit_status, args_hash, input_hash, worker, start_offset_s, reused, "
           "original_wall_s, original_cpu_s, source_root, object_root, directory_root) "
           "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, "
           "?23)");
  auto header = conn_.prepare("INSERT INTO headers(compile_id, root, path, hash) VALUES(?1, ?2, ?3, ?4)");
  for (const auto& compile : compiles) {
    insert.bind(1, build.id)
      .bind(2, compile.source.path)
      .bind(3, compile.object.path)
      .bind(4, compile.directory.path)
      .bind(5, compile.language)
      .bind(6, compile.compiler)
      .bind(7, compile.compiler_id)
      .bind(8, compile.started_at)
      .bind(9, compile.wall_s)
      .bind(10, compile.user_s)
      .bind(11, compile.sys_s)
      .bind(12, compile.max_rss_kb)
      .bind(13, compile.exit_status)
      .bind(14, compile.args_hash)
      .bind(15, compile.input_hash)
      .bind(16, compile.worker)
      .bind(17, compile.start_offset_s)
      .bind(18, compile.reused ? 1 : 0)
      .bind(19, compile.original_wall_s)
      .bind(20, compile.original_cpu_s)
      .bind(21, root_name(compile.source.root))
      .bind(22, root_name(compile.object.root))
      .bind(23, root_name(compile.directory.root))
      .run();
    const auto compile_id = conn_.last_insert_rowid();
    for (const auto& h : compile.headers) {
      header.bind(1, compile_id).bind(2, root_name(h.file.root)).bind(3, h.file.path).bind(4, h.hash).run();
    }
  }
  tx.commit();
  limit_wal();
}

void TimingDb::limit_wal() {
  // Launchers are short-lived connections that skip the checkpoint on close; SQLite's automatic
  // checkpoints then copy pages back but the log never restarts. Each launcher's first open reads the
  // whole log back (WAL recovery), so its length is a per-compile cost: past kWalLimitBytes (a few
  // hundred compiles' worth) one writer truncates it, waiting on the busy timeout if needed.
  std::error_code ec;
  const auto size = std::filesystem::file_size(conn_.path() + "-wal", ec);
  if (ec || size < kWalLimitBytes) return;
  sqlite3_wal_checkpoint_v2(conn_.handle(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
}

std::vector<BuildRow> TimingDb::builds() {
  auto stmt = conn_.prepare(
      "SELECT b.id, b.kind, b.base_dir, b.host, b.started_at, "
      "(SELECT count(*) FROM compiles c WHERE c.build_id = b.id), b.name, b.invocation "
      "FROM builds b ORDER BY b.started_at, b.rowid");
  std::vector<BuildRow> rows;
  while (stmt.step()) {
    rows.push_back({stmt.column_text(0), stmt.column_text(1), stmt.column_text(2), stmt.column_text(3),
                    stmt.column_double(4), stmt.column_int(5), stmt.column_text(6), stmt.column_text(7)});
  }
  return rows;
}

std::vector<CompileRecord> TimingDb::slowest(const BuildSelection& builds, SlowestBy by, int limit) {
  const char* order = by == SlowestBy::Wall ? "c.wall_s" : "c.user_s + c.sys_s";
  auto stmt = conn_.prepare(fmt::format("{} WHERE {} ORDER BY {} DESC, c.id LIMIT ?2", kCompileSelect, kSelected, order));
  bind_selection(stmt, 1, builds);
  stmt.bind(2, limit);
  std::vector<CompileRecord> rows;
  while (stmt.step()) rows.push_back(read_compile(stmt, conn_.path()));
  return rows;
}

std::vector<HeaderRecord> TimingDb::headers_of(std::int64_t compile_id) {
  auto stmt = conn_.prepare("SELECT root, path, hash FROM headers WHERE compile_id = ?1 ORDER BY root, path");
  stmt.bind(1, compile_id);
  std::vector<HeaderRecord> rows;
  while (stmt.step()) rows.push_back({read_path(stmt, 0, conn_.path()), stmt.column_text(2)});
  return rows;
}

std::vector<CompileRecord> TimingDb::compiles(const BuildSelection& builds) {
  auto stmt = conn_.prepare(fmt::format("{} WHERE {} ORDER BY c.started_at, c.id", kCompileSelect, kSelected));
  bind_selection(stmt, 1, builds);
  std::vector<CompileRecord> rows;
  while (stmt.step()) rows.push_back(read_compile(stmt, conn_.path()));
  return rows;
}

std::vector<HeaderCost> TimingDb::header_costs(const BuildSelection& builds, int limit, bool include_system) {
  auto stmt = conn_.prepare(
      "SELECT h.root, h.path, count(*), sum(coalesce(c.original_wall_s, c.wall_s)), "
      "sum(coalesce(c.original_cpu_s, c.user_s + c.sys_s)) "
      "FROM headers h JOIN compiles c ON c.id = h.compile_id "
      "WHERE " + std::string(kSelected) + " AND (?3 OR h.root != '') "
      "GROUP BY h.root, h.path ORDER BY 4 DESC, h.root, h.path LIMIT ?2");
  bind_selection(stmt, 1, builds);
  stmt.bind(2, limit);
  stmt.bind(3, include_system ? 1 : 0);
  std::vector<HeaderCost> rows;
  while (stmt.step()) {
    rows.push_back({read_path(stmt, 0, conn_.path()), stmt.column_int(2), stmt.column_double(3), stmt.column_double(4)});
  }
  return rows;
}

std::vector<CompileRecord> TimingDb::successful_compiles() {
  auto stmt = conn_.prepare(
      fmt::format("{} WHERE c.exit_status = 0 AND c.input_hash != '' ORDER BY c.id", kCompileSelect));
  auto headers = conn_.prepare("SELECT root, path, hash FROM headers WHERE compile_id = ?1 ORDER BY root, path");
  std::vector<CompileRecord> rows;
  while (stmt.step()) {
    CompileRecord row = read_compile(stmt, conn_.path());
    headers.bind(1, row.id);
    while (headers.step()) row.headers.push_back({read_path(headers, 0, conn_.path()), headers.column_text(2)});
    headers.reset();
    rows.push_back(std::move(row));
  }
  return rows;
}

void TimingDb::finish_build(const std::string& id, double finished_at) {
  conn_.prepare("UPDATE builds SET finished_at = ?2 WHERE id = ?1").bind(1, id).bind(2, finished_at).run();
}

void TimingDb::make_self_contained() {
  auto stmt = conn_.prepare("PRAGMA journal_mode = DELETE");
  stmt.step();
}

void TimingDb::mark_latest_batches(const std::vector<std::string>& names, const std::string& invocation) {
  sqlite::Transaction tx(conn_);
  conn_.prepare("UPDATE builds SET invocation = '' WHERE kind = 'batch'").step();
  auto mark = conn_.prepare("UPDATE builds SET invocation = ?1 WHERE kind = 'batch' AND name = ?2");
  for (const auto& name : names) {
    mark.bind(1, invocation).bind(2, name);
    mark.step();
    mark.reset();
  }
  tx.commit();
}

std::int64_t TimingDb::merge_from(TimingDb& other) {
  static constexpr const char* kBuildColumns = "id, kind, base_dir, started_at, host, finished_at, jobs, name, invocation";
  static constexpr const char* kCompileColumns =
      "source, object, directory, language, compiler, compiler_id, started_at, wall_s, user_s, sys_s, max_rss_kb, "
      "exit_status, args_hash, input_hash, worker, start_offset_s, reused, original_wall_s, original_cpu_s, "
      "source_root, object_root, directory_root";
  constexpr int kBuildColumnCount = 9;
  constexpr int kCompileColumnCount = 22;

  sqlite::Transaction tx(conn_);
  auto read_builds = other.conn_.prepare(fmt::format("SELECT {} FROM builds ORDER BY rowid", kBuildColumns));
  auto insert_build = conn_.prepare(
      fmt::format("INSERT OR IGNORE INTO builds({}) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", kBuildColumns));
  auto read_compiles = other.conn_.prepare(
      fmt::format("SELECT id, {} FROM compiles WHERE build_id = ?1 ORDER BY id", kCompileColumns));
  auto insert_compile = conn_.prepare(fmt::format(
      "INSERT INTO compiles(build_id, {}) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
      "?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)",
      kCompileColumns));
  auto read_headers = other.conn_.prepare("SELECT root, path, hash FROM headers WHERE compile_id = ?1");
  auto insert_header = conn_.prepare("INSERT INTO headers(compile_id, root, path, hash) VALUES(?1, ?2, ?3, ?4)");

  // Copies column `from` of a row into parameter `to`, keeping its SQLite type.
  auto copy_value = [](const sqlite::Statement& src, int from, sqlite::Statement& dst, int to) {
    switch (src.column_type(from)) {
      case SQLITE_NULL: dst.bind_null(to); break;
      case SQLITE_INTEGER: dst.bind(to, src.column_int(from)); break;
      case SQLITE_FLOAT: dst.bind(to, src.column_double(from)); break;
      default: dst.bind(to, src.column_text(from));
    }
  };

  std::int64_t added = 0;
  while (read_builds.step()) {
    for (int i = 0; i < kBuildColumnCount; ++i) copy_value(read_builds, i, insert_build, i + 1);
    insert_build.run();
    if (conn_.changes() == 0) continue;  // already merged
    const std::string build_id = read_builds.column_text(0);
    read_compiles.bind(1, build_id);
    while (read_compiles.step()) {
      insert_compile.bind(1, build_id);
      for (int i = 0; i < kCompileColumnCount; ++i) copy_value(read_compiles, i + 1, insert_compile, i + 2);
      insert_compile.run();
      const auto new_id = conn_.last_insert_rowid();
      ++added;
      read_headers.bind(1, read_compiles.column_int(0));
      while (read_headers.step()) {
        insert_header.bind(1, new_id)
            .bind(2, read_headers.column_text(0))
            .bind(3, read_headers.column_text(1))
            .bind(4, read_headers.column_text(2))
            .run();
      }
      read_headers.reset();
    }
    read_compiles.reset();
  }
  tx.commit();
  return added;
}

void TimingDb::clear() {
  sqlite::Transaction tx(conn_);
  conn_.exec("DELETE FROM headers; DELETE FROM compiles; DELETE FROM builds;");
  tx.commit();
}

fs::path default_db_path() {
  if (const char* env = std::getenv("NIXCC_DB"); env && *env) return env;
  if (const char* state = std::getenv("XDG_STATE_HOME"); state && *state) {
    return fs::path(state) / "nixcc" / "timings.sqlite";
  }
  const char* home = std::getenv("HOME");
  return fs::path(home && *home ? home : "/tmp") / ".local" / "state" / "nixcc" / "timings.sqlite";
}

}  // namespace nixcc
