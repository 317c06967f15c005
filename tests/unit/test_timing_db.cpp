#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "schema/schema_migrations.h"
#include "temp_dir.h"
#include "schema/timing_db.h"

namespace fs = std::filesystem;
using nixcc::DbError;
using nixcc::PathRoot;
using nixcc::RecordedPath;
using nixcc::TimingDb;
using nixcc::test::read_file;
using nixcc::test::TempDir;
using nixcc::test::write_file;

namespace {

// The SQLite C API directly, so tests see the file as any other reader would.
class RawDb {
 public:
  explicit RawDb(const fs::path& path) {
    const int rc = sqlite3_open(path.c_str(), &db_);
    INFO(path.string());
    REQUIRE(rc == SQLITE_OK);
  }
  ~RawDb() { sqlite3_close(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  void exec(const std::string& sql) {
    char* err = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    const std::string message = err ? err : "";
    sqlite3_free(err);
    INFO(sql << ": " << message);
    REQUIRE(rc == SQLITE_OK);
  }

  // The first column of every row, as text.
  std::vector<std::string> column(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    INFO(sql);
    REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
    std::vector<std::string> values;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      const auto* text = sqlite3_column_text(stmt, 0);
      values.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
    }
    sqlite3_finalize(stmt);
    return values;
  }

  std::string value(const std::string& sql) {
    const auto values = column(sql);
    REQUIRE(values.size() == 1);
    return values.front();
  }

 private:
  sqlite3* db_ = nullptr;
};

// A database as a nixcc understanding only the first `version` migrations would have left it, holding one
// build, one compile and one header written with the columns of 001_initial.sql.
void make_db_at_version(const fs::path& path, int version, bool wal = false) {
  RawDb db(path);
  if (wal) db.exec("PRAGMA journal_mode = WAL");
  const auto& migrations = nixcc::schema_migrations();
  REQUIRE(version <= static_cast<int>(migrations.size()));
  for (int i = 0; i < version; ++i) db.exec(std::string(migrations[static_cast<std::size_t>(i)].sql));
  db.exec(fmt::format("PRAGMA user_version = {}", version));
  if (version == 0) return;
  db.exec(
      "INSERT INTO builds(id, kind, base_dir, started_at, host) VALUES('old', 'launcher', '/src', 1000.5, 'h');"
      "INSERT INTO compiles(id, build_id, source, object, directory, language, compiler, compiler_id, started_at, "
      "  wall_s, user_s, sys_s, max_rss_kb, exit_status, args_hash, input_hash) "
      "VALUES(7, 'old', 'a.c', 'a.o', '/build', 'c', '/usr/bin/cc', 'cid', 1000.5, 2.5, 2.0, 0.25, 4096, 0, "
      "  'ah', 'ih');"
      "INSERT INTO headers(compile_id, path, hash) VALUES(7, 'a.h', 'hh');");
  // From version 4 on, a launcher also wrote which folder each path is relative to.
  if (version >= 4) {
    db.exec("UPDATE compiles SET source_root = 'source', object_root = 'build'; UPDATE headers SET root = 'source'");
  }
}

// What tests ask of a database's rows, from compiles() and builds().
struct Totals {
  std::int64_t builds = 0, compiles = 0, failures = 0, peak_rss_kb = 0;
  double wall_s = 0, cpu_s = 0;
};

Totals totals_of(TimingDb& db, const nixcc::BuildSelection& selection) {
  Totals t;
  std::set<std::string> builds;
  for (const auto& row : db.compiles(selection)) {
    builds.insert(row.build_id);
    ++t.compiles;
    if (row.exit_status != 0) ++t.failures;
    t.wall_s += row.wall_s;
    t.cpu_s += row.cpu_s();
    t.peak_rss_kb = std::max(t.peak_rss_kb, row.max_rss_kb);
  }
  t.builds = static_cast<std::int64_t>(builds.size());
  return t;
}

nixcc::BuildSelection only(const std::string& id) { return std::vector<std::string>{id}; }

std::optional<std::string> latest_build(TimingDb& db) {
  const auto builds = db.builds();  // in start order
  if (builds.empty()) return std::nullopt;
  return builds.back().id;
}

bool has_build(TimingDb& db, const std::string& id) {
  const auto builds = db.builds();
  return std::any_of(builds.begin(), builds.end(), [&](const nixcc::BuildRow& b) { return b.id == id; });
}

// Checks the row make_db_at_version wrote reads back through TimingDb.
void check_old_rows(TimingDb& db) {
  CHECK(has_build(db, "old"));
  const auto totals = totals_of(db, std::nullopt);
  CHECK(totals.builds == 1);
  CHECK(totals.compiles == 1);
  CHECK(totals.wall_s == Approx(2.5));
  CHECK(totals.cpu_s == Approx(2.25));
  CHECK(totals.peak_rss_kb == 4096);
  const auto rows = db.slowest(std::nullopt, nixcc::SlowestBy::Wall, 10);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].id == 7);
  CHECK(rows[0].build_id == "old");
  CHECK(rows[0].source == RecordedPath{PathRoot::Source, "a.c"});
  CHECK(rows[0].input_hash == "ih");
  const auto headers = db.headers_of(7);
  REQUIRE(headers.size() == 1);
  CHECK(headers[0].file == RecordedPath{PathRoot::Source, "a.h"});
  CHECK(headers[0].hash == "hh");
}

nixcc::BuildRecord build_record(const std::string& id, double started_at) {
  nixcc::BuildRecord build;
  build.id = id;
  build.kind = "launcher";
  build.base_dir = "/src";
  build.host = "host";
  build.started_at = started_at;
  return build;
}

nixcc::CompileRecord compile_record(const std::string& source, double wall, double user, double sys,
                                    std::int64_t rss, int exit_status) {
  nixcc::CompileRecord compile;
  compile.source = {PathRoot::Source, source};
  compile.object = {PathRoot::Build, source + ".o"};
  compile.directory = {PathRoot::None, "/build"};
  compile.language = "c++";
  compile.compiler = "/usr/bin/c++";
  compile.compiler_id = "cid";
  compile.started_at = 1000;
  compile.wall_s = wall;
  compile.user_s = user;
  compile.sys_s = sys;
  compile.max_rss_kb = rss;
  compile.exit_status = exit_status;
  compile.args_hash = "args";
  compile.input_hash = "input-" + source;
  return compile;
}

std::set<std::string> tables_of(const fs::path& path) {
  RawDb raw(path);
  const auto names = raw.column("SELECT name FROM sqlite_master WHERE type = 'table'");
  return {names.begin(), names.end()};
}

template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const DbError& e) {
    return e.what();
  }
  return "<no DbError>";
}

}  // namespace

TEST_CASE("schema migrations are numbered from 1 without gaps", "[timing_db]") {
  const auto& migrations = nixcc::schema_migrations();
  REQUIRE_FALSE(migrations.empty());
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    CHECK(migrations[i].version == static_cast<int>(i) + 1);
    CHECK_FALSE(migrations[i].sql.empty());
  }
  CHECK(TimingDb::latest_version() == static_cast<int>(migrations.size()));
}

TEST_CASE("a new database is created at the latest schema in WAL mode", "[timing_db]") {
  TempDir dir;
  const auto path = dir / "new.sqlite";
  {
    TimingDb db(path);
    CHECK(db.schema_version() == TimingDb::latest_version());
    CHECK(db.path() == path.string());
    CHECK(totals_of(db, std::nullopt).compiles == 0);
    CHECK_FALSE(latest_build(db));
  }
  REQUIRE(fs::exists(path));
  RawDb raw(path);
  CHECK(raw.value("PRAGMA user_version") == std::to_string(TimingDb::latest_version()));
  CHECK(raw.value("PRAGMA journal_mode") == "wal");
  const auto tables = tables_of(path);
  CHECK(tables.count("builds") == 1);
  CHECK(tables.count("compiles") == 1);
  CHECK(tables.count("headers") == 1);
}

TEST_CASE("an existing empty file is taken as a new database", "[timing_db]") {
  TempDir dir;
  const auto path = dir / "empty.sqlite";
  write_file(path, "");
  {
    TimingDb db(path);
    CHECK(db.schema_version() == TimingDb::latest_version());
  }
  CHECK(fs::file_size(path) > 0);
  CHECK(tables_of(path).count("compiles") == 1);
}

TEST_CASE("a SQLite database at version 0 migrates to the latest", "[timing_db]") {
  TempDir dir;
  const auto path = dir / "v0.sqlite";
  {
    RawDb raw(path);
    raw.exec("CREATE TABLE unrelated(x); DROP TABLE unrelated; PRAGMA user_version = 0");
  }
  REQUIRE(fs::file_size(path) > 0);
  {
    TimingDb db(path);
    CHECK(db.schema_version() == TimingDb::latest_version());
    db.record_compile(build_record("b", 1), compile_record("a.cpp", 1, 1, 0, 1, 0));
    CHECK(totals_of(db, std::nullopt).compiles == 1);
  }
  RawDb raw(path);
  CHECK(raw.value("PRAGMA user_version") == std::to_string(TimingDb::latest_version()));
}

TEST_CASE("a database at every earlier version migrates and keeps its rows", "[timing_db]") {
  const int latest = TimingDb::latest_version();
  for (int version = 1; version < latest; ++version) {
    INFO("from version " << version);
    TempDir dir;
    const auto path = dir / "old.sqlite";
    make_db_at_version(path, version);
    {
      TimingDb db(path);
      CHECK(db.schema_version() == latest);
      check_old_rows(db);
      // New rows go in beside the old ones.
      db.record_compile(build_record("new", 2000), compile_record("b.cpp", 1, 1, 0, 1, 0));
      CHECK(totals_of(db, std::nullopt).compiles == 2);
      CHECK(latest_build(db) == "new");
    }
    RawDb raw(path);
    CHECK(raw.value("PRAGMA user_version") == std::to_string(latest));
    CHECK(raw.value("SELECT count(*) FROM compiles") == "2");
    // Version 3 dropped the index that made every header row a random write.
    CHECK(raw.value("SELECT count(*) FROM sqlite_master WHERE name = 'headers_by_path'") == "0");
    CHECK(raw.value("SELECT count(*) FROM sqlite_master WHERE name = 'headers_by_compile'") == "1");
  }
}

TEST_CASE("opening a current database again changes nothing", "[timing_db]") {
  TempDir dir;
  const auto path = dir / "db.sqlite";
  make_db_at_version(path, TimingDb::latest_version());
  TimingDb db(path);
  CHECK(db.schema_version() == TimingDb::latest_version());
  check_old_rows(db);
}

TEST_CASE("read-only open of a missing file names the path", "[timing_db]") {
  TempDir dir;
  const auto path = dir / "missing.sqlite";
  const auto message = error_of([&] { TimingDb db(path, TimingDb::Access::ReadOnly); });
  CHECK(message.find(path.string()) != std::string::npos);
  CHECK_FALSE(fs::exists(path));
}

TEST_CASE("read-only open of a directory throws", "[timing_db]") {
  TempDir dir;
  const auto message = error_of([&] { TimingDb db(dir.path(), TimingDb::Access::ReadOnly); });
  CHECK(message.find(dir.path().string()) != std::string::npos);
}

TEST_CASE("opening a file that is not a database names the path", "[timing_db]") {
  TempDir dir;
  const auto path = dir / "garbage.sqlite";
  std::string garbage;
  for (int i = 0; i < 200; ++i) garbage += "this is not an SQLite database, only text.\n";
  write_file(path, garbage);

  const auto read_only = error_of([&] { TimingDb db(path, TimingDb::Access::ReadOnly); });
  CHECK(read_only.find(path.string()) != std::string::npos);
  CHECK(read_only.find("not a database") != std::string::npos);

  const auto read_write = error_of([&] { TimingDb db(path); });
  CHECK(read_write.find(path.string()) != std::string::npos);
  CHECK(read_file(path) == garbage);
}

TEST_CASE("read-only open of an older database leaves the file alone", "[timing_db]") {
  const int latest = TimingDb::latest_version();
  for (int version = 0; version < latest; ++version) {
    for (const bool wal : {false, true}) {
      INFO("version " << version << (wal ? ", WAL" : ", rollback journal"));
      TempDir dir;
      const auto path = dir / "old.sqlite";
      make_db_at_version(path, version, wal);
      const auto before = read_file(path);
      {
        TimingDb db(path, TimingDb::Access::ReadOnly);
        CHECK(db.schema_version() == latest);
        if (version > 0) {
          check_old_rows(db);
        } else {
          CHECK(totals_of(db, std::nullopt).compiles == 0);
          CHECK(db.builds().empty());
        }
      }
      CHECK(read_file(path) == before);
      RawDb raw(path);
      CHECK(raw.value("PRAGMA user_version") == std::to_string(version));
    }
  }
}

TEST_CASE("read-only open of an empty file reads as an empty database", "[timing_db]") {
  TempDir dir;
  const auto path = dir / "empty.sqlite";
  write_file(path, "");
  {
    TimingDb db(path, TimingDb::Access::ReadOnly);
    CHECK(totals_of(db, std::nullopt).compiles == 0);
    CHECK_FALSE(latest_build(db));
  }
  CHECK(fs::file_size(path) == 0);
}

TEST_CASE("read-only open sees rows still in the write-ahead log", "[timing_db]") {
  TempDir dir;
  const auto path = dir / "db.sqlite";
  {
    TimingDb db(path);
    db.record_compile(build_record("b", 1), compile_record("a.cpp", 1.5, 1, 0.5, 10, 0));
  }
  const auto before = read_file(path);
  TimingDb db(path, TimingDb::Access::ReadOnly);
  CHECK(db.schema_version() == TimingDb::latest_version());
  CHECK(totals_of(db, std::nullopt).compiles == 1);
  CHECK(latest_build(db) == "b");
  CHECK(read_file(path) == before);
}

TEST_CASE("a database newer than this nixcc is refused", "[timing_db]") {
  TempDir dir;
  const auto path = dir / "future.sqlite";
  make_db_at_version(path, TimingDb::latest_version());
  {
    RawDb raw(path);
    raw.exec(fmt::format("PRAGMA user_version = {}", TimingDb::latest_version() + 1));
  }
  const auto before = read_file(path);
  const auto read_only = error_of([&] { TimingDb db(path, TimingDb::Access::ReadOnly); });
  CHECK(read_only.find(path.string()) != std::string::npos);
  CHECK(read_only.find("newer") != std::string::npos);
  CHECK(read_file(path) == before);

  const auto read_write = error_of([&] { TimingDb db(path); });
  CHECK(read_write.find(path.string()) != std::string::npos);
  CHECK(read_write.find("newer") != std::string::npos);
  RawDb raw(path);
  CHECK(raw.value("PRAGMA user_version") == std::to_string(TimingDb::latest_version() + 1));
}

TEST_CASE("recorded compiles read back through every query", "[timing_db]") {
  TempDir dir;
  const auto path = dir / "db.sqlite";
  TimingDb db(path);
  auto a = compile_record("a.cpp", 1.5, 1.0, 0.25, 1000, 0);
  a.headers = {{{PathRoot::Source, "z.h"}, "hz"}, {{PathRoot::Source, "a.h"}, "ha"}};
  db.record_compile(build_record("b1", 100), a);
  db.record_compile(build_record("b1", 100), compile_record("b.cpp", 3.0, 0.5, 0.25, 3000, 1));
  db.record_compile(build_record("b2", 200), compile_record("c.cpp", 2.0, 4.0, 1.0, 2000, 0));

  const auto all = totals_of(db, std::nullopt);
  CHECK(all.builds == 2);
  CHECK(all.compiles == 3);
  CHECK(all.failures == 1);
  CHECK(all.wall_s == Approx(6.5));
  CHECK(all.cpu_s == Approx(7.0));
  CHECK(all.peak_rss_kb == 3000);

  const auto b1 = totals_of(db, only("b1"));
  CHECK(b1.builds == 1);
  CHECK(b1.compiles == 2);
  CHECK(b1.wall_s == Approx(4.5));
  CHECK(totals_of(db, only("nope")).compiles == 0);

  const auto by_wall = db.slowest(std::nullopt, nixcc::SlowestBy::Wall, 2);
  REQUIRE(by_wall.size() == 2);
  CHECK(by_wall[0].source == RecordedPath{PathRoot::Source, "b.cpp"});
  CHECK(by_wall[0].exit_status == 1);
  CHECK(by_wall[1].source == RecordedPath{PathRoot::Source, "c.cpp"});
  const auto by_cpu = db.slowest(std::nullopt, nixcc::SlowestBy::Cpu, 10);
  REQUIRE(by_cpu.size() == 3);
  CHECK(by_cpu[0].source == RecordedPath{PathRoot::Source, "c.cpp"});
  CHECK(by_cpu[0].cpu_s() == Approx(5.0));
  CHECK(by_cpu[1].source == RecordedPath{PathRoot::Source, "a.cpp"});
  const auto in_b1 = db.slowest(only("b1"), nixcc::SlowestBy::Wall, 10);
  REQUIRE(in_b1.size() == 2);
  CHECK(in_b1[1].source == RecordedPath{PathRoot::Source, "a.cpp"});
  CHECK(in_b1[1].build_id == "b1");
  CHECK(in_b1[1].object == RecordedPath{PathRoot::Build, "a.cpp.o"});
  CHECK(in_b1[1].max_rss_kb == 1000);
  CHECK(in_b1[1].input_hash == "input-a.cpp");

  const auto headers = db.headers_of(in_b1[1].id);
  REQUIRE(headers.size() == 2);
  CHECK(headers[0].file == RecordedPath{PathRoot::Source, "a.h"});
  CHECK(headers[0].hash == "ha");
  CHECK(headers[1].file == RecordedPath{PathRoot::Source, "z.h"});
  CHECK(db.headers_of(in_b1[0].id).empty());

  CHECK(latest_build(db) == "b2");
  CHECK(has_build(db, "b1"));
  CHECK_FALSE(has_build(db, "b3"));
  const auto builds = db.builds();
  REQUIRE(builds.size() == 2);
  CHECK(builds[0].id == "b1");
  CHECK(builds[0].compiles == 2);
  CHECK(builds[0].kind == "launcher");
  CHECK(builds[0].host == "host");
  CHECK(builds[1].id == "b2");
}

TEST_CASE("a build starts at its earliest recorded compile", "[timing_db]") {
  TempDir dir;
  TimingDb db(dir / "db.sqlite");
  db.record_compile(build_record("b1", 100), compile_record("a.cpp", 1, 1, 0, 1, 0));
  db.record_compile(build_record("b2", 200), compile_record("b.cpp", 1, 1, 0, 1, 0));
  db.record_compile(build_record("b1", 300), compile_record("c.cpp", 1, 1, 0, 1, 0));
  CHECK(latest_build(db) == "b2");
  db.record_compile(build_record("b2", 50), compile_record("d.cpp", 1, 1, 0, 1, 0));
  CHECK(latest_build(db) == "b1");
  const auto builds = db.builds();
  REQUIRE(builds.size() == 2);
  CHECK(builds[0].id == "b2");
  CHECK(builds[0].started_at == Approx(50));
  CHECK(builds[1].started_at == Approx(100));
}

TEST_CASE("rows survive closing and reopening", "[timing_db]") {
  TempDir dir;
  const auto path = dir / "db.sqlite";
  {
    TimingDb db(path);
    db.record_compile(build_record("b1", 100), compile_record("a.cpp", 1, 1, 0, 1, 0));
  }
  {
    TimingDb db(path);
    db.record_compile(build_record("b1", 100), compile_record("b.cpp", 1, 1, 0, 1, 0));
  }
  TimingDb db(path);
  CHECK(totals_of(db, std::nullopt).compiles == 2);
  CHECK(db.builds().size() == 1);
}

TEST_CASE("clear removes every row but keeps the schema", "[timing_db]") {
  TempDir dir;
  const auto path = dir / "db.sqlite";
  TimingDb db(path);
  auto a = compile_record("a.cpp", 1, 1, 0, 1, 0);
  a.headers = {{{PathRoot::Source, "a.h"}, "ha"}};
  db.record_compile(build_record("b1", 100), a);
  const auto id = db.slowest(std::nullopt, nixcc::SlowestBy::Wall, 1).at(0).id;
  db.clear();
  CHECK(totals_of(db, std::nullopt).compiles == 0);
  CHECK_FALSE(latest_build(db));
  CHECK_FALSE(has_build(db, "b1"));
  CHECK(db.headers_of(id).empty());
  CHECK(db.schema_version() == TimingDb::latest_version());
  db.record_compile(build_record("b2", 100), a);
  CHECK(totals_of(db, std::nullopt).compiles == 1);
  RawDb raw(path);
  CHECK(raw.value("SELECT count(*) FROM headers") == "1");
}

TEST_CASE("a compile reads back as it was written, through every read", "[timing_db]") {
  TempDir dir;
  TimingDb db(dir / "db.sqlite");
  auto build = build_record("batch-1", 100);
  build.kind = "batch";
  build.name = "b0";
  build.jobs = 2;
  auto written = compile_record("a.cpp", 0.01, 0.005, 0.001, 900, 0);
  written.directory = {PathRoot::Build, "sub"};
  written.worker = 1;
  written.start_offset_s = 0.5;
  written.reused = true;
  written.original_wall_s = 2.5;
  written.original_cpu_s = 2.25;
  written.headers = {{{PathRoot::Source, "a.h"}, "ha"}};
  db.record_compile(build, written);

  const auto check = [&](const nixcc::CompileRecord& read) {
    CHECK(read.id > 0);
    CHECK(read.build_id == "batch-1");
    CHECK(read.build_name == "b0");
    CHECK(read.build_kind == "batch");
    CHECK(read.source == RecordedPath{PathRoot::Source, "a.cpp"});
    CHECK(read.object == RecordedPath{PathRoot::Build, "a.cpp.o"});
    CHECK(read.directory == RecordedPath{PathRoot::Build, "sub"});
    CHECK(read.language == "c++");
    CHECK(read.compiler == "/usr/bin/c++");
    CHECK(read.compiler_id == "cid");
    CHECK(read.args_hash == "args");
    CHECK(read.input_hash == "input-a.cpp");
    CHECK(read.worker == 1);
    CHECK(read.start_offset_s == Approx(0.5));
    CHECK(read.reused);
    CHECK(read.wall_s == Approx(0.01));
    CHECK(read.cpu_s() == Approx(0.006));
    CHECK(read.compile_wall_s() == Approx(2.5));
    CHECK(read.compile_cpu_s() == Approx(2.25));
  };
  const auto all = db.compiles(std::nullopt);
  REQUIRE(all.size() == 1);
  check(all[0]);
  CHECK(all[0].headers.empty());  // queries ask headers_of()
  const auto slowest = db.slowest(std::nullopt, nixcc::SlowestBy::Cpu, 1);
  REQUIRE(slowest.size() == 1);
  check(slowest[0]);
  const auto reusable = db.successful_compiles();
  REQUIRE(reusable.size() == 1);
  check(reusable[0]);
  REQUIRE(reusable[0].headers.size() == 1);
  CHECK(reusable[0].headers[0].file == RecordedPath{PathRoot::Source, "a.h"});

  // A compile that was not reused has no original times: its own stand in.
  db.record_compile(build, compile_record("b.cpp", 1.5, 1.0, 0.25, 10, 0));
  const auto fresh = db.compiles(std::nullopt).at(1);
  CHECK_FALSE(fresh.original_wall_s);
  CHECK_FALSE(fresh.worker);
  CHECK(fresh.compile_wall_s() == Approx(1.5));
  CHECK(fresh.compile_cpu_s() == Approx(1.25));
}

TEST_CASE("version 4 gives every path of an older database the folder it is relative to", "[timing_db]") {
  TempDir dir;
  const auto path = dir / "v3.sqlite";
  {
    RawDb db(path);
    const auto& migrations = nixcc::schema_migrations();
    for (int i = 0; i < 3; ++i) db.exec(std::string(migrations[static_cast<std::size_t>(i)].sql));
    db.exec("PRAGMA user_version = 3");
    const char* columns =
        "INSERT INTO compiles(id, build_id, source, object, directory, compiler, compiler_id, started_at, wall_s, "
        "user_s, sys_s, max_rss_kb, exit_status, args_hash, input_hash) ";
    db.exec(std::string(
        "INSERT INTO builds(id, kind, base_dir, started_at, name) VALUES('l', 'launcher', '/src', 1, ''), "
        "  ('b', 'batch', '/tmp/nix-build/root', 2, 'b0'), ('s', 'scan', '/plan/.root', 3, '');") +
        columns + "VALUES(1, 'l', 'src/a.cpp', 'CMakeFiles/app.dir/src/a.cpp.o', 'src', 'c++', 'c', 1, 1, 1, 0, 1, 0, 'a', 'i');" +
        columns + "VALUES(2, 'l', '/opt/x.cpp', '/tmp/x.o', '/tmp', 'c++', 'c', 1, 1, 1, 0, 1, 0, 'a', 'i');" +
        columns + "VALUES(3, 'b', 's/src/a.cpp', 'app/s/src/a.cpp.o', 'b/src', 'c++', 'c', 2, 1, 1, 0, 1, 0, 'a', 'i');" +
        columns + "VALUES(4, 'b', 'b/gen/v.cpp', 'app/b/gen/v.cpp.o', '.', 'c++', 'c', 2, 1, 1, 0, 1, 0, 'a', 'i');" +
        columns + "VALUES(5, 's', 's/src/a.cpp', 'app/s/src/a.cpp.o', 'b', 'c++', 'c', 3, 1, 1, 0, 1, 0, 'a', 'i');" +
        "INSERT INTO headers(compile_id, path, hash) VALUES(1, 'include/a.h', 'h'), (1, '/usr/include/stdio.h', 'h'), "
        "  (3, 's/include/a.h', 'h'), (3, 'b/gen/config.h', 'h'), (3, '/usr/include/stdio.h', 'h'), "
        "  (5, 'b/gen/config.h', 'h');");
  }
  TimingDb db(path, TimingDb::Access::ReadOnly);
  const auto rows = db.compiles(std::nullopt);
  REQUIRE(rows.size() == 5);
  using P = RecordedPath;
  // A launcher's relative paths were relative to the source (sources, headers) and build directory.
  CHECK(rows[0].source == P{PathRoot::Source, "src/a.cpp"});
  CHECK(rows[0].object == P{PathRoot::Build, "CMakeFiles/app.dir/src/a.cpp.o"});
  CHECK(rows[0].directory == P{PathRoot::Build, "src"});
  CHECK(rows[1].source == P{PathRoot::None, "/opt/x.cpp"});
  CHECK(rows[1].object == P{PathRoot::None, "/tmp/x.o"});
  CHECK(rows[1].directory == P{PathRoot::None, "/tmp"});
  // A batch's and a scan's s/ and b/ are the two folders; objects are the output's.
  CHECK(rows[2].source == P{PathRoot::Source, "src/a.cpp"});
  CHECK(rows[2].object == P{PathRoot::Output, "app/s/src/a.cpp.o"});
  CHECK(rows[2].directory == P{PathRoot::Build, "src"});
  CHECK(rows[3].source == P{PathRoot::Build, "gen/v.cpp"});
  CHECK(rows[3].directory == P{PathRoot::Source, "."});
  CHECK(rows[4].source == P{PathRoot::Source, "src/a.cpp"});
  CHECK(rows[4].directory == P{PathRoot::Build, "."});
  // So the launcher's and the batch's rows of one source now name it alike.
  CHECK(rows[0].source == rows[2].source);

  const auto files = [&](std::int64_t id) {
    std::vector<P> out;
    for (const auto& h : db.headers_of(id)) out.push_back(h.file);
    return out;
  };
  CHECK(files(1) == std::vector<P>{{PathRoot::None, "/usr/include/stdio.h"}, {PathRoot::Source, "include/a.h"}});
  CHECK(files(3) == std::vector<P>{{PathRoot::None, "/usr/include/stdio.h"}, {PathRoot::Build, "gen/config.h"},
                                   {PathRoot::Source, "include/a.h"}});
  CHECK(files(5) == std::vector<P>{{PathRoot::Build, "gen/config.h"}});
  for (const auto& b : db.builds()) CHECK(b.invocation.empty());
}

TEST_CASE("a root the database does not know is an error naming the file", "[timing_db]") {
  TempDir dir;
  const auto path = dir / "db.sqlite";
  {
    TimingDb db(path);
    db.record_compile(build_record("b", 1), compile_record("a.cpp", 1, 1, 0, 1, 0));
  }
  {
    RawDb raw(path);
    raw.exec("UPDATE compiles SET source_root = 'elsewhere'");
  }
  TimingDb db(path, TimingDb::Access::ReadOnly);
  const auto message = error_of([&] { db.compiles(std::nullopt); });
  CHECK(message.find(path.string()) != std::string::npos);
  CHECK(message.find("'elsewhere'") != std::string::npos);
}

TEST_CASE("a selection of several builds reads exactly their rows", "[timing_db]") {
  TempDir dir;
  TimingDb db(dir / "db.sqlite");
  db.record_compile(build_record("b1", 100), compile_record("a.cpp", 1, 1, 0, 1, 0));
  db.record_compile(build_record("b2", 200), compile_record("b.cpp", 2, 1, 0, 1, 0));
  db.record_compile(build_record("b3", 300), compile_record("c.cpp", 4, 1, 0, 1, 0));
  const nixcc::BuildSelection two = std::vector<std::string>{"b1", "b3"};
  CHECK(totals_of(db, two).compiles == 2);
  CHECK(totals_of(db, two).wall_s == Approx(5));
  CHECK(db.slowest(two, nixcc::SlowestBy::Wall, 10).size() == 2);
  CHECK(totals_of(db, nixcc::BuildSelection(std::vector<std::string>{})).compiles == 0);
  // An id with a quote in it is a value, not SQL.
  db.record_compile(build_record("it's", 400), compile_record("d.cpp", 1, 1, 0, 1, 0));
  CHECK(totals_of(db, only("it's")).compiles == 1);
}

TEST_CASE("a batch's invocation is written, read and merged", "[timing_db]") {
  TempDir dir;
  auto build = build_record("batch-1", 100);
  build.kind = "batch";
  build.name = "b0";
  build.invocation = "boot-42-1000";
  {
    TimingDb db(dir / "one.sqlite");
    db.record_compile(build, compile_record("a.cpp", 1, 1, 0, 1, 0));
  }
  TimingDb in(dir / "one.sqlite", TimingDb::Access::ReadOnly);
  TimingDb merged(dir / "merged.sqlite");
  CHECK(merged.merge_from(in) == 1);
  const auto builds = merged.builds();
  REQUIRE(builds.size() == 1);
  CHECK(builds[0].invocation == "boot-42-1000");
  CHECK(builds[0].name == "b0");
  CHECK(merged.compiles(std::nullopt).at(0).source == RecordedPath{PathRoot::Source, "a.cpp"});
}

TEST_CASE("a result's merge marks the batches the latest plan changed, and only those", "[timing_db]") {
  TempDir dir;
  TimingDb db(dir / "merged.sqlite");
  for (const char* name : {"b0", "b1", "b2"}) {
    auto build = build_record(fmt::format("batch-{}", name), 100);
    build.kind = "batch";
    build.name = name;
    build.invocation = "";  // inside the sandbox a batch cannot tell
    db.record_compile(build, compile_record(fmt::format("{}.cpp", name), 1, 1, 0, 1, 0));
  }
  auto launcher = build_record("launcher-1", 50);
  launcher.invocation = "";
  db.record_compile(launcher, compile_record("l.cpp", 1, 1, 0, 1, 0));
  db.mark_latest_batches({"b1", "b2"}, "latest plan");
  std::map<std::string, std::string> invocation;
  for (const auto& b : db.builds()) invocation[b.id] = b.invocation;
  CHECK(invocation["batch-b0"] == "");
  CHECK(invocation["batch-b1"] == "latest plan");
  CHECK(invocation["batch-b2"] == "latest plan");
  CHECK(invocation["launcher-1"] == "");
  db.mark_latest_batches({"b0"}, "latest plan");  // the next result's merge starts afresh
  for (const auto& b : db.builds()) invocation[b.id] = b.invocation;
  CHECK(invocation["batch-b0"] == "latest plan");
  CHECK(invocation["batch-b1"] == "");
}
