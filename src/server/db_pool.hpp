#pragma once
/// Database connections for the HTTP server: a pool of read-only connections per access level
/// (guests see public datasets only, members everything) and one writer for editor endpoints.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/database.hpp"
#include "store/sqlite_repositories.hpp"

namespace pb::server {

/// Who may see restricted datasets.
enum class Access { kGuest, kMember };

/// One pooled connection with its repositories.
struct PooledDb {
  explicit PooledDb(store::Database database) : db(std::move(database)) {}
  store::Database db;
  store::Repositories repos;
  /// Queries on this connection are interrupted after this instant (the request's time limit).
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  /// Prepared statements by SQL text: a request's SQL differs from the last one's only in the
  /// values it binds, so most requests skip SQLite's parser and planner.
  std::unordered_map<std::string, std::unique_ptr<store::Statement>> statements;
  /// Results of whole-database queries (counts of a table, the property kinds present), valid
  /// while PRAGMA data_version still answers `data_version`.
  std::unordered_map<std::string, std::int64_t> counts;
  std::unordered_map<std::string, std::vector<std::string>> texts;
  /// Objects built from the whole database (the element sets of the structures), valid as long.
  std::unordered_map<std::string, std::shared_ptr<const void>> objects;
  std::int64_t data_version = -1;
};

/// Read connections are opened on demand, kept after use and handed out one per request, so
/// each worker thread works on its own connection (WAL lets them read while a writer writes).
class DbPool {
 public:
  /// Opens (and migrates) the file once through the writer connection.
  explicit DbPool(std::filesystem::path path);
  DbPool(const DbPool&) = delete;
  DbPool& operator=(const DbPool&) = delete;
  ~DbPool();

  /// A connection borrowed for one request; returned to the pool on destruction.
  class Lease {
   public:
    Lease(DbPool& pool, Access access, std::unique_ptr<PooledDb> db)
        : pool_(&pool), access_(access), db_(std::move(db)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    store::Database& db() { return db_->db; }
    store::Repositories& repos() { return db_->repos; }
    /// A prepared statement for `sql`, reset and without bindings; it stays with the connection
    /// (and is reset again when the lease ends), so do not keep it beyond the request.
    store::Statement& statement(const std::string& sql);
    /// The first column of the first row of `sql` (no parameters, an integer), computed once
    /// per change of the database.
    std::int64_t cached_int(const std::string& sql);
    /// Runs `work` with at most `budget` of database time (and never past the request's
    /// deadline); false when SQLite was interrupted at the budget. An interruption at the
    /// request's own deadline is thrown as usual.
    bool within(std::chrono::milliseconds budget, const std::function<void()>& work);
    /// The first column of every row of `sql` as text, computed once per change of the database.
    const std::vector<std::string>& cached_texts(const std::string& sql);

   private:
    // Drops the cached results when the database changed since they were computed.
    void check_version();
    DbPool* pool_;
    Access access_;
    std::unique_ptr<PooledDb> db_;
  };

  /// A read-only connection that shows what `access` may see; queries running past `deadline`
  /// fail with SQLITE_INTERRUPT.
  Lease read(Access access, std::chrono::steady_clock::time_point deadline);

  /// The object `make(connection)` builds from the whole database (the element sets of the
  /// structures), shared by every request of an access level: built once on a connection kept
  /// for it, and again when PRAGMA data_version on that connection says the database changed.
  template <class T, class Make>
  std::shared_ptr<const T> shared_object(Access access, const std::string& key, Make make) {
    auto& shared = shared_[static_cast<int>(access)];
    std::lock_guard lock(shared.mutex);
    if (!shared.db) shared.db = open(access);
    refresh(*shared.db);
    auto& slot = shared.db->objects[key];
    if (!slot) slot = std::make_shared<const T>(make(shared.db->db.connection()));
    return std::static_pointer_cast<const T>(slot);
  }

  /// The single writer connection (all of it visible), locked for the caller.
  struct Writer {
    std::unique_lock<std::mutex> lock;
    PooledDb* db;
  };
  Writer write();

 private:
  std::unique_ptr<PooledDb> open(Access access);
  // Drops the cached results of `db` when the database changed since they were computed.
  static void refresh(PooledDb& db);
  void give_back(Access access, std::unique_ptr<PooledDb> db);

  std::filesystem::path path_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<PooledDb>> idle_[2];
  struct Shared {
    std::mutex mutex;
    std::unique_ptr<PooledDb> db;
  };
  Shared shared_[2];
  std::mutex writer_mutex_;
  std::unique_ptr<PooledDb> writer_;
};

/// True when the SQLite error is the interruption of a query that ran past its deadline.
bool is_timeout(const std::exception& e);

}  // namespace pb::server
