#include "server/db_pool.hpp"

#include <sqlite3.h>

#include <set>
#include <string>

#ifdef PB_HAVE_OPTIMADE_FILTER
#include "optimade/filter.hpp"
#endif

namespace pb::server {

namespace {

// A row is visible to guests when its dataset is declared public (schema 3). Rows of a dataset
// that is not declared at all stay hidden.
constexpr const char* kPublic =
    "dataset IN (SELECT name FROM main.dataset WHERE visibility = 'public')";

// Temporary views shadow the tables of the same name on a guest connection: SQLite resolves an
// unqualified name in the temp schema first, so every query of pb_query, the repositories and the
// OPTIMADE translation sees only public rows (counts included) without knowing about access
// control. The views are simple selections, which SQLite flattens, so the tables' indexes apply.
std::string guest_views(store::Connection& c) {
  const std::string pub = kPublic;
  std::set<std::string> tables;
  auto st = c.prepare("SELECT name FROM main.sqlite_master WHERE type = 'table'");
  while (st.step()) tables.insert(st.column_text(0));
  std::string sql;
  std::set<std::string> done;
  auto view = [&](const std::string& name, const std::string& where) {
    if (!tables.count(name) || !done.insert(name).second) return;
    sql +=
        "CREATE TEMP VIEW " + name + " AS SELECT * FROM main." + name + " WHERE " + where + ";\n";
  };
  // Tables that belong to a row of another table follow that row: a lookup of the owning row
  // by its key (an IN over the owners would list every public row of the owner table first,
  // 365k structures for each `elements HAS` at AtomWork scale).
  auto owner_public = [&](const std::string& key, const std::string& owner) {
    return "EXISTS (SELECT 1 FROM main." + owner + " o WHERE o.id = " + key + " AND o." + pub + ")";
  };
  view("reference_author", owner_public("reference_author.reference_id", "reference"));
  view("structure_element", owner_public("structure_element.structure_id", "structure"));
  view("structure_sites", owner_public("structure_sites.structure_id", "structure"));
  view("phase_diagram_phase", owner_public("phase_diagram_phase.diagram_id", "phase_diagram"));
  view("phase_diagram_boundary",
       owner_public("phase_diagram_boundary.diagram_id", "phase_diagram"));
  view("substance_member",
       owner_public("substance_member.substance_id", "substance") +
           " AND CASE entity_kind WHEN 'structure' THEN " +
           owner_public("substance_member.entity_id", "structure") + " WHEN 'property' THEN " +
           owner_public("substance_member.entity_id", "property") +
           " ELSE EXISTS (SELECT 1 FROM main.phase_diagram_phase p JOIN main.phase_diagram d ON "
           "d.id = p.diagram_id WHERE p.id = substance_member.entity_id AND d." +
           pub + ") END");
  view("substance_redirect", owner_public("substance_redirect.target", "substance"));
  // Nothing of the editorial and account tables is a guest's business.
  for (const char* t : {"audit_log", "app_user", "auth_token"}) view(t, "0");
  // Every other table with a dataset column (the entry tables, and any added later) filters
  // on its own column.
  auto with_dataset = c.prepare(
      "SELECT m.name FROM main.sqlite_master m, pragma_table_info(m.name) p"
      " WHERE m.type = 'table' AND p.name = 'dataset' AND m.name != 'dataset'");
  while (with_dataset.step()) view(with_dataset.column_text(0), pub);
  return sql;
}

int progress(void* data) {
  auto* db = static_cast<PooledDb*>(data);
  return std::chrono::steady_clock::now() > db->deadline ? 1 : 0;
}

}  // namespace

DbPool::DbPool(std::filesystem::path path) : path_(std::move(path)) {
  auto db = std::make_unique<PooledDb>(store::Database::open(path_, {.create = false}));
  db->repos = store::make_repositories(db->db);
  writer_ = std::move(db);
}

DbPool::~DbPool() = default;

std::unique_ptr<PooledDb> DbPool::open(Access access) {
  auto db = std::make_unique<PooledDb>(store::Database::open(path_, {.create = false}));
  store::Connection& c = db->db.connection();
  if (access == Access::kGuest) c.exec(guest_views(c));
  // Reads only: a bug in a GET handler cannot change the database.
  c.exec("PRAGMA query_only = 1");
  // 64 MiB of page cache per read connection (SQLite's default is 2 MB): the indexes searches
  // read and the pages of recent rows stay in the process instead of being copied from the OS
  // page cache on every request (docs/database.md, "Performance").
  c.exec("PRAGMA cache_size = -65536");
  sqlite3_progress_handler(c.handle(), 1000, progress, db.get());
#ifdef PB_HAVE_OPTIMADE_FILTER
  optimade::register_sql_functions(c);  // filters on lists derived from sites
#endif
  db->repos = store::make_repositories(db->db);
  return db;
}

DbPool::Lease DbPool::read(Access access, std::chrono::steady_clock::time_point deadline) {
  std::unique_ptr<PooledDb> db;
  {
    std::lock_guard lock(mutex_);
    auto& idle = idle_[static_cast<int>(access)];
    if (!idle.empty()) {
      db = std::move(idle.back());
      idle.pop_back();
    }
  }
  if (!db) db = open(access);
  db->deadline = deadline;
  return Lease(*this, access, std::move(db));
}

void DbPool::give_back(Access access, std::unique_ptr<PooledDb> db) {
  // A connection whose query was interrupted may hold half-stepped statements: close it.
  if (std::chrono::steady_clock::now() > db->deadline) return;
  // A statement left mid-way would keep its read transaction (and an old snapshot) open.
  for (auto& [sql, st] : db->statements) st->reset();
  // Filters are open-ended: bound the cache by starting over (between requests, so that no
  // statement in use goes away).
  if (db->statements.size() > 256) db->statements.clear();
  db->deadline = std::chrono::steady_clock::time_point::max();
  std::lock_guard lock(mutex_);
  idle_[static_cast<int>(access)].push_back(std::move(db));
}

store::Statement& DbPool::Lease::statement(const std::string& sql) {
  auto& cache = db_->statements;
  auto it = cache.find(sql);
  if (it == cache.end()) {
    auto st = std::make_unique<store::Statement>(db_->db.connection().prepare(sql));
    it = cache.emplace(sql, std::move(st)).first;
  } else {
    it->second->reset();
  }
  return *it->second;
}

void DbPool::refresh(PooledDb& db) {
  // data_version changes when another connection (the writer, another process) commits.
  auto it = db.statements.find("PRAGMA data_version");
  if (it == db.statements.end()) {
    auto st = std::make_unique<store::Statement>(db.db.connection().prepare("PRAGMA data_version"));
    it = db.statements.emplace("PRAGMA data_version", std::move(st)).first;
  }
  store::Statement& version = *it->second;
  version.step();
  const std::int64_t now = version.column_int64(0);
  version.reset();
  if (now != db.data_version) {
    db.counts.clear();
    db.texts.clear();
    db.objects.clear();
    db.data_version = now;
  }
}

void DbPool::Lease::check_version() { refresh(*db_); }

const std::vector<std::string>& DbPool::Lease::cached_texts(const std::string& sql) {
  check_version();
  auto it = db_->texts.find(sql);
  if (it != db_->texts.end()) return it->second;
  std::vector<std::string> rows;
  store::Statement& st = statement(sql);
  while (st.step()) rows.push_back(st.column_text(0));
  st.reset();
  return db_->texts.emplace(sql, std::move(rows)).first->second;
}

std::int64_t DbPool::Lease::cached_int(const std::string& sql) {
  check_version();
  auto it = db_->counts.find(sql);
  if (it != db_->counts.end()) return it->second;
  store::Statement& st = statement(sql);
  const std::int64_t value = st.step() ? st.column_int64(0) : 0;
  st.reset();
  db_->counts.emplace(sql, value);
  return value;
}

bool DbPool::Lease::within(std::chrono::milliseconds budget, const std::function<void()>& work) {
  const auto request_deadline = db_->deadline;
  const auto now = std::chrono::steady_clock::now();
  const bool shorter = request_deadline - now > budget;
  if (shorter) db_->deadline = now + budget;
  try {
    work();
  } catch (const std::exception& e) {
    db_->deadline = request_deadline;
    if (shorter && is_timeout(e) && std::chrono::steady_clock::now() < request_deadline)
      return false;
    throw;
  }
  db_->deadline = request_deadline;
  return true;
}

DbPool::Lease::~Lease() {
  if (db_) pool_->give_back(access_, std::move(db_));
}

DbPool::Writer DbPool::write() { return {std::unique_lock(writer_mutex_), writer_.get()}; }

bool is_timeout(const std::exception& e) {
  const auto* s = dynamic_cast<const store::SqliteError*>(&e);
  return s != nullptr && (s->code() & 0xFF) == SQLITE_INTERRUPT;
}

}  // namespace pb::server
