#include "schema/sqlite.h"

#include <fmt/format.h>

namespace nixcc::sqlite {

Connection::Connection(const std::string& path, Mode mode, int busy_timeout_ms, const std::string& label)
    : path_(label.empty() ? path : label) {
  sqlite3* raw = nullptr;
  const int flags = mode == Mode::ReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  db_.reset(raw);
  if (rc != SQLITE_OK) {
    throw DbError(fmt::format("{}: cannot open database: {}", path_,
                              raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, busy_timeout_ms);
}

void Connection::check(int rc, std::string_view what) const {
  if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE) return;
  throw DbError(fmt::format("{}: {}: {}", path_, what, sqlite3_errmsg(db_.get())));
}

void Connection::exec(std::string_view sql) {
  const std::string text(sql);
  char* err = nullptr;
  const int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw DbError(fmt::format("{}: {}", path_, msg));
  }
}

Statement Connection::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  check(sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &stmt, nullptr), "prepare");
  return Statement(*this, stmt);
}

std::int64_t Connection::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_.get()); }
int Connection::changes() const { return sqlite3_changes(db_.get()); }

Statement& Statement::bind(int index, std::string_view value) {
  conn_->check(sqlite3_bind_text(stmt_.get(), index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT),
               "bind");
  return *this;
}

Statement& Statement::bind(int index, double value) {
  conn_->check(sqlite3_bind_double(stmt_.get(), index, value), "bind");
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  conn_->check(sqlite3_bind_int64(stmt_.get(), index, value), "bind");
  return *this;
}

Statement& Statement::bind_null(int index) {
  conn_->check(sqlite3_bind_null(stmt_.get(), index), "bind");
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_.get());
  conn_->check(rc, "step");
  return rc == SQLITE_ROW;
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

void Statement::reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

std::string Statement::column_text(int index) const {
  const auto* text = sqlite3_column_text(stmt_.get(), index);
  return text ? std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt_.get(), index))
              : std::string();
}

double Statement::column_double(int index) const { return sqlite3_column_double(stmt_.get(), index); }
std::int64_t Statement::column_int(int index) const { return sqlite3_column_int64(stmt_.get(), index); }
int Statement::column_type(int index) const { return sqlite3_column_type(stmt_.get(), index); }
bool Statement::column_is_null(int index) const { return sqlite3_column_type(stmt_.get(), index) == SQLITE_NULL; }

Transaction::Transaction(Connection& conn) : conn_(conn) { conn_.exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
  if (!done_) sqlite3_exec(conn_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  conn_.exec("COMMIT");
  done_ = true;
}

}  // namespace nixcc::sqlite
