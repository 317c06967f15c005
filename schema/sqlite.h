#pragma once
// A thin RAII layer over the SQLite C API: a connection, prepared statements, transactions.
// Every failure throws DbError whose message names the database file and SQLite's reason.

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace nixcc::sqlite {

class DbError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Statement;

class Connection {
 public:
  enum class Mode { ReadWrite, ReadOnly };
  /// Opens (and with ReadWrite creates) `path`; `busy_timeout_ms` applies to every lock wait. Messages
  /// name `label` when given (an in-memory copy names the file it copies), else `path`.
  Connection(const std::string& path, Mode mode, int busy_timeout_ms, const std::string& label = "");

  /// Runs one or more statements that return no rows.
  void exec(std::string_view sql);
  Statement prepare(std::string_view sql);
  std::int64_t last_insert_rowid() const;
  int changes() const;
  const std::string& path() const { return path_; }
  sqlite3* handle() const { return db_.get(); }

  /// Throws DbError for `rc` unless it is SQLITE_OK/ROW/DONE.
  void check(int rc, std::string_view what) const;

 private:
  struct Closer {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  std::string path_;
  std::unique_ptr<sqlite3, Closer> db_;
};

class Statement {
 public:
  Statement(const Connection& conn, sqlite3_stmt* stmt) : conn_(&conn), stmt_(stmt) {}

  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, std::int64_t{value}); }
  Statement& bind_null(int index);
  template <typename T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind_null(index);
  }

  /// Steps once; true when a row is available.
  bool step();
  /// Steps to completion, for statements that return no rows, then resets for reuse.
  void run();
  void reset();

  std::string column_text(int index) const;
  double column_double(int index) const;
  std::int64_t column_int(int index) const;
  bool column_is_null(int index) const;
  int column_type(int index) const;

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
  };
  const Connection* conn_;
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
};

/// BEGIN IMMEDIATE on construction; ROLLBACK on destruction unless commit() ran.
class Transaction {
 public:
  explicit Transaction(Connection& conn);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Connection& conn_;
  bool done_ = false;
};

}  // namespace nixcc::sqlite
