#pragma once
/// Database connections for the HTTP server: a pool of read-only connections per access level
/// (guests see public datasets only, members everything) and one writer for editor endpoints.
#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "store/database.hpp"
#include "store/sqlite_repositories.hpp"

namespace pb::server {

/// Who may see restricted datasets.
enum class Access { kGuest, kMember };

/// One pooled connection with its repositories.
struct PooledDb {
  store::Database db;
  store::Repositories repos;
  /// Queries on this connection are interrupted after this instant (the request's time limit).
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
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

   private:
    DbPool* pool_;
    Access access_;
    std::unique_ptr<PooledDb> db_;
  };

  /// A read-only connection that shows what `access` may see; queries running past `deadline`
  /// fail with SQLITE_INTERRUPT.
  Lease read(Access access, std::chrono::steady_clock::time_point deadline);

  /// The single writer connection (all of it visible), locked for the caller.
  struct Writer {
    std::unique_lock<std::mutex> lock;
    PooledDb* db;
  };
  Writer write();

 private:
  std::unique_ptr<PooledDb> open(Access access);
  void give_back(Access access, std::unique_ptr<PooledDb> db);

  std::filesystem::path path_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<PooledDb>> idle_[2];
  std::mutex writer_mutex_;
  std::unique_ptr<PooledDb> writer_;
};

/// True when the SQLite error is the interruption of a query that ran past its deadline.
bool is_timeout(const std::exception& e);

}  // namespace pb::server
