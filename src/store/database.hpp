#pragma once
/// A Phasebook database file: opened with the settings every connection needs (WAL, foreign
/// keys, busy timeout) and migrated to the schema this binary knows (docs/database.md).
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/sqlite.hpp"

namespace pb::store {

/// One schema change: applied once, in order, inside a single transaction.
struct Migration {
  int version;
  std::string_view description;
  std::string_view sql;
};

/// The migrations this binary knows, ordered by version (schema.cpp).
const std::vector<Migration>& migrations();

/// The database file is newer than this binary or otherwise unusable.
class SchemaError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Connection settings with their documented defaults.
struct OpenOptions {
  /// How long a writer waits for another writer's lock before failing (milliseconds).
  int busy_timeout_ms = 10000;
  /// Create the file when it does not exist.
  bool create = true;
};

/// An open, migrated database.
class Database {
 public:
  /// Opens (creating on first use) and migrates; throws SchemaError when the file's schema is
  /// newer than this binary knows.
  static Database open(const std::filesystem::path& path, const OpenOptions& options = {});

  Connection& connection() { return connection_; }
  const std::filesystem::path& path() const { return path_; }
  /// The schema version of the file (after migration, the latest).
  int schema_version();
  /// The newest schema version this binary knows.
  static int latest_schema_version();
  /// The journal mode SQLite reports ("wal").
  std::string journal_mode();
  /// Writes a consistent copy to `out` (online backup); refuses to overwrite an existing file.
  void backup(const std::filesystem::path& out);
  /// Row counts of the entry tables, in schema order.
  std::vector<std::pair<std::string, std::int64_t>> table_counts();

 private:
  Database(Connection c, std::filesystem::path p)
      : connection_(std::move(c)), path_(std::move(p)) {}
  void migrate();
  void sync_property_kinds();

  Connection connection_;
  std::filesystem::path path_;
};

}  // namespace pb::store
