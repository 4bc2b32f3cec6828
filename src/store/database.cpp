#include "store/database.hpp"

#include <filesystem>

#include "store/property_kinds.hpp"
#include "util/error.hpp"
#include "util/sha256.hpp"

namespace pb::store {

namespace {

// Tables reported by `phasebook db info`, in the order of ARCHITECTURE.md §3.
constexpr std::string_view kCountedTables[] = {"reference",
                                               "structure",
                                               "property",
                                               "property_kind",
                                               "phase_diagram",
                                               "phase_diagram_phase",
                                               "phase_diagram_boundary",
                                               "substance",
                                               "substance_member",
                                               "audit_log"};

}  // namespace

Database Database::open(const std::filesystem::path& path, const OpenOptions& options) {
  if (!options.create && !std::filesystem::exists(path)) {
    throw SchemaError("no database at " + path.string());
  }
  Database db(Connection(path, options.create), path);
  Connection& c = db.connection_;
  c.exec("PRAGMA busy_timeout = " + std::to_string(options.busy_timeout_ms));
  // WAL: readers never block the writer, and a killed writer leaves the last commit intact.
  auto mode = c.query_text("PRAGMA journal_mode = WAL");
  if (!mode || *mode != "wal") {
    throw SchemaError(path.string() + ": cannot switch to WAL journal mode (got " +
                      mode.value_or("nothing") + ")");
  }
  // NORMAL is durable against application crashes in WAL mode; only a power loss can drop the
  // last commits (SQLite docs, "PRAGMA synchronous").
  c.exec("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;");
  db.migrate();
  db.sync_property_kinds();
  return db;
}

int Database::latest_schema_version() { return migrations().back().version; }

int Database::schema_version() {
  return static_cast<int>(
      connection_.query_int64("SELECT coalesce(max(version), 0) FROM schema_migrations")
          .value_or(0));
}

std::string Database::journal_mode() {
  return connection_.query_text("PRAGMA journal_mode").value_or("");
}

void Database::migrate() {
  Connection& c = connection_;
  c.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version INTEGER PRIMARY KEY,"
      " description TEXT NOT NULL,"
      " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')))");
  const int latest = latest_schema_version();
  if (int current = schema_version(); current > latest) {
    throw SchemaError(path_.string() + " has schema version " + std::to_string(current) +
                      " but this phasebook knows only up to " + std::to_string(latest) +
                      "; use a newer phasebook");
  }
  for (const Migration& m : migrations()) {
    if (m.version <= schema_version()) continue;
    Transaction tx(c);
    // Another process may have migrated while this one waited for the write lock.
    if (m.version <= schema_version()) continue;
    c.exec(m.sql);
    c.prepare("INSERT INTO schema_migrations(version, description) VALUES (?, ?)")
        .bind(1, m.version)
        .bind(2, m.description)
        .run();
    tx.commit();
  }
}

void Database::sync_property_kinds() {
  // The vocabulary is compiled in from data/property_kinds.csv; rewrite the table only when the
  // file's hash changed, so that opening a database for reading writes nothing.
  const std::string hash = sha256_hex(property_kinds_csv());
  Connection& c = connection_;
  auto stored = c.prepare("SELECT value FROM meta WHERE key = 'property_kinds_sha256'");
  if (stored.step() && stored.column_text(0) == hash) return;
  stored.reset();
  Transaction tx(c);
  auto upsert = c.prepare(
      "INSERT INTO property_kind(name, unit, description, source) VALUES (?, ?, ?, ?) "
      "ON CONFLICT(name) DO UPDATE SET unit = excluded.unit, description = excluded.description,"
      " source = excluded.source");
  for (const PropertyKind& k : property_kinds()) {
    upsert.bind(1, k.name).bind(2, k.unit.text).bind(3, k.description).bind(4, k.source).run();
  }
  c.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES ('property_kinds_sha256', ?)")
      .bind(1, hash)
      .run();
  tx.commit();
}

void Database::backup(const std::filesystem::path& out) {
  if (std::filesystem::exists(out)) {
    throw InvalidArgument(out.string() + " exists; choose another name or remove it");
  }
  // Write beside the target and rename, so that a failed backup never leaves a partial file
  // under the requested name.
  std::filesystem::path partial = out;
  partial += ".partial";
  std::filesystem::remove(partial);
  try {
    connection_.backup_to(partial);
    // The copy keeps WAL mode in its header; checkpoint so that it is one self-contained file.
    Connection copy(partial, false);
    copy.exec("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;");
  } catch (...) {
    std::filesystem::remove(partial);
    throw;
  }
  std::filesystem::rename(partial, out);
}

std::vector<std::pair<std::string, std::int64_t>> Database::table_counts() {
  std::vector<std::pair<std::string, std::int64_t>> out;
  for (std::string_view t : kCountedTables) {
    out.emplace_back(std::string(t),
                     connection_.query_int64("SELECT count(*) FROM " + std::string(t)).value_or(0));
  }
  return out;
}

}  // namespace pb::store
