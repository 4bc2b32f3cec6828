#include "store/sqlite.hpp"

#include <sqlite3.h>

#include <utility>

namespace pb::store {

namespace {

[[noreturn]] void fail(sqlite3* db, int code, std::string_view context = {}) {
  std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
  if (!context.empty()) message = std::string(context) + ": " + message;
  throw SqliteError(db != nullptr ? sqlite3_extended_errcode(db) : code, message);
}

void check(sqlite3* db, int code, std::string_view context = {}) {
  if (code != SQLITE_OK) fail(db, code, context);
}

}  // namespace

SqliteError::SqliteError(int code, const std::string& message)
    : std::runtime_error("sqlite: " + message), code_(code) {}

bool SqliteError::constraint() const { return (code_ & 0xFF) == SQLITE_CONSTRAINT; }

// --- Statement ---

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt_, &tail);
  if (rc != SQLITE_OK) fail(db, rc, sql.substr(0, 80));
}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::bind(int index, std::int64_t value) {
  check(db_, sqlite3_bind_int64(stmt_, index, value));
  return *this;
}

Statement& Statement::bind(int index, double value) {
  check(db_, sqlite3_bind_double(stmt_, index, value));
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  check(db_, sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT,
                                 SQLITE_UTF8));
  return *this;
}

Statement& Statement::bind(int index, std::nullptr_t) {
  check(db_, sqlite3_bind_null(stmt_, index));
  return *this;
}

int Statement::parameter_index(std::string_view name) const {
  int index = sqlite3_bind_parameter_index(stmt_, std::string(name).c_str());
  if (index == 0) throw SqliteError(SQLITE_RANGE, "no parameter " + std::string(name));
  return index;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  // sqlite3_reset returns the same error; reset so the statement can be reused after a failure.
  sqlite3_reset(stmt_);
  fail(db_, rc);
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int Statement::column_count() const { return sqlite3_column_count(stmt_); }

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t Statement::column_int64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

double Statement::column_double(int column) const { return sqlite3_column_double(stmt_, column); }

std::string Statement::column_text(int column) const {
  const auto* p = sqlite3_column_text(stmt_, column);
  int n = sqlite3_column_bytes(stmt_, column);
  return p == nullptr ? std::string{} : std::string(reinterpret_cast<const char*>(p), n);
}

std::optional<std::int64_t> Statement::column_optional_int64(int column) const {
  if (is_null(column)) return std::nullopt;
  return column_int64(column);
}

std::optional<double> Statement::column_optional_double(int column) const {
  if (is_null(column)) return std::nullopt;
  return column_double(column);
}

std::optional<std::string> Statement::column_optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return column_text(column);
}

// --- Connection ---

Connection::Connection(const std::filesystem::path& path, bool create) {
  int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_FULLMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw SqliteError(rc, "cannot open " + path.string() + ": " + message);
  }
  sqlite3_extended_result_codes(db_, 1);
}

Connection::Connection(Connection&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
  }
  return *this;
}

Connection::~Connection() { sqlite3_close_v2(db_); }

void Connection::exec(std::string_view sql) {
  char* error = nullptr;
  int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string message = error != nullptr ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    throw SqliteError(sqlite3_extended_errcode(db_), message);
  }
}

Statement Connection::prepare(std::string_view sql) { return Statement(db_, sql); }

std::optional<std::int64_t> Connection::query_int64(std::string_view sql) {
  Statement s = prepare(sql);
  if (!s.step()) return std::nullopt;
  return s.column_optional_int64(0);
}

std::optional<std::string> Connection::query_text(std::string_view sql) {
  Statement s = prepare(sql);
  if (!s.step()) return std::nullopt;
  return s.column_optional_text(0);
}

std::int64_t Connection::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

std::int64_t Connection::changes() const { return sqlite3_changes64(db_); }

bool Connection::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

void Connection::backup_to(const std::filesystem::path& path) {
  Connection target(path);
  sqlite3_backup* b = sqlite3_backup_init(target.db_, "main", db_, "main");
  if (b == nullptr) fail(target.db_, sqlite3_errcode(target.db_), "backup");
  // Copy in chunks so that a busy source is retried rather than failing the whole backup.
  constexpr int kPagesPerStep = 1024;
  int rc;
  do {
    rc = sqlite3_backup_step(b, kPagesPerStep);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(20);
  } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) fail(target.db_, rc, "backup");
}

// --- Transaction and Savepoint ---

Transaction::Transaction(Connection& db, Mode mode) : db_(db) {
  db_.exec(mode == Mode::kImmediate ? "BEGIN IMMEDIATE" : "BEGIN");
}

Transaction::~Transaction() {
  if (!open_) return;
  try {
    db_.exec("ROLLBACK");
  } catch (const SqliteError&) {  // already rolled back by SQLite after an error
  }
}

void Transaction::commit() {
  db_.exec("COMMIT");
  open_ = false;
}

void Transaction::rollback() {
  open_ = false;
  db_.exec("ROLLBACK");
}

Savepoint::Savepoint(Connection& db, std::string name) : db_(db), name_(std::move(name)) {
  db_.exec("SAVEPOINT \"" + name_ + "\"");
}

Savepoint::~Savepoint() {
  if (!open_) return;
  try {
    rollback();
  } catch (const SqliteError&) {
  }
}

void Savepoint::release() {
  db_.exec("RELEASE \"" + name_ + "\"");
  open_ = false;
}

void Savepoint::rollback() {
  open_ = false;
  db_.exec("ROLLBACK TO \"" + name_ + "\"");
  db_.exec("RELEASE \"" + name_ + "\"");
}

}  // namespace pb::store
