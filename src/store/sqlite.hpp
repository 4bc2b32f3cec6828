#pragma once
/// A thin RAII layer over the SQLite C API: connections, prepared statements, transactions and
/// savepoints. sqlite3.h stays in sqlite.cpp.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace pb::store {

/// A failed SQLite call, with SQLite's own message and (extended) result code.
class SqliteError : public std::runtime_error {
 public:
  SqliteError(int code, const std::string& message);
  int code() const { return code_; }
  /// True for SQLITE_CONSTRAINT and its extended codes (UNIQUE, FOREIGN KEY, CHECK, ...).
  bool constraint() const;

 private:
  int code_;
};

/// One prepared statement; bind with 1-based indices or ":name" parameters, then step().
class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const std::string& value) {
    return bind(index, std::string_view(value));
  }
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, std::nullptr_t);
  /// Binds the value, or NULL when empty.
  template <class T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind(index, nullptr);
  }
  /// Binds a named parameter (":doi"); throws SqliteError when the statement has no such name.
  template <class T>
  Statement& bind(std::string_view name, const T& value) {
    return bind(parameter_index(name), value);
  }
  /// The 1-based index of a named parameter.
  int parameter_index(std::string_view name) const;

  /// Runs one step: true when a row is available, false when done.
  bool step();
  /// Steps to completion (an INSERT/UPDATE/DDL) and resets for reuse.
  void run();
  /// Resets the statement and clears its bindings for the next use.
  void reset();

  int column_count() const;
  bool is_null(int column) const;
  std::int64_t column_int64(int column) const;
  double column_double(int column) const;
  std::string column_text(int column) const;
  std::optional<std::int64_t> column_optional_int64(int column) const;
  std::optional<double> column_optional_double(int column) const;
  std::optional<std::string> column_optional_text(int column) const;

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

/// An open database connection (serialized threading mode; use one per thread).
class Connection {
 public:
  /// Opens (and creates) the file; throws SqliteError when it cannot.
  explicit Connection(const std::filesystem::path& path, bool create = true);
  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  /// Runs one or more SQL statements without results.
  void exec(std::string_view sql);
  /// Prepares a statement.
  Statement prepare(std::string_view sql);
  /// Runs a query whose first column of the first row is an integer (nullopt: no row or NULL).
  std::optional<std::int64_t> query_int64(std::string_view sql);
  /// Runs a query whose first column of the first row is text (nullopt: no row or NULL).
  std::optional<std::string> query_text(std::string_view sql);
  std::int64_t last_insert_rowid() const;
  /// Rows changed by the last INSERT/UPDATE/DELETE.
  std::int64_t changes() const;
  /// True while a transaction is open.
  bool in_transaction() const;
  /// Copies the whole database to `path` with the online backup API (readers and writers
  /// may continue meanwhile).
  void backup_to(const std::filesystem::path& path);
  /// The underlying handle, for code in src/store that needs an API call not wrapped here.
  sqlite3* handle() { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

/// BEGIN ... COMMIT; rolls back in the destructor unless committed.
class Transaction {
 public:
  /// kImmediate takes the write lock at once, so a writer never fails half-way on SQLITE_BUSY.
  enum class Mode { kDeferred, kImmediate };
  explicit Transaction(Connection& db, Mode mode = Mode::kImmediate);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void commit();
  void rollback();

 private:
  Connection& db_;
  bool open_ = true;
};

/// SAVEPOINT ... RELEASE, nestable inside a transaction; rolls back in the destructor unless
/// released.
class Savepoint {
 public:
  Savepoint(Connection& db, std::string name);
  Savepoint(const Savepoint&) = delete;
  Savepoint& operator=(const Savepoint&) = delete;
  ~Savepoint();
  void release();
  void rollback();

 private:
  Connection& db_;
  std::string name_;
  bool open_ = true;
};

}  // namespace pb::store
