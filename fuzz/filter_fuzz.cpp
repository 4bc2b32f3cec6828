// libFuzzer target for the OPTIMADE filter language. Besides crashes and sanitizer reports it
// checks invariants: a parsed filter survives a round trip through its canonical text, and the
// SQL it translates to is accepted by SQLite (prepared against the real schema, empty tables),
// so that no filter can make the server answer 500.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "optimade/filter.hpp"
#include "store/database.hpp"
#include "store/sqlite.hpp"

namespace {

// A database file with the current schema, per process (WAL mode needs a file, not :memory:).
const std::filesystem::path& database_path() {
  static const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                            ("pb_filter_fuzz_" + std::to_string(getpid()) + ".db");
  return path;
}

void remove_database() {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"})
    std::filesystem::remove(database_path().string() + suffix, ec);
}

pb::store::Database& database() {
  static pb::store::Database db = [] {
    remove_database();
    std::atexit(remove_database);
    auto opened = pb::store::Database::open(database_path());
    pb::optimade::register_sql_functions(opened.connection());
    return opened;
  }();
  return db;
}

void check_sql(const pb::optimade::Filter& filter, pb::optimade::EntryType type) {
  pb::optimade::SqlWhere where;
  try {
    where = pb::optimade::to_sql(filter, type, {{"public", "members"}});
  } catch (const pb::optimade::FilterError&) {
    return;
  } catch (const pb::optimade::NotImplementedError&) {
    return;
  }
  auto st = database().connection().prepare("SELECT count(*) FROM " +
                                            std::string(pb::optimade::from_clause(type)) +
                                            " WHERE " + where.sql);
  if (pb::optimade::bind_params(st, where.params) != static_cast<int>(where.params.size()) + 1)
    std::abort();
  st.step();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const pb::optimade::Filter filter = pb::optimade::parse_filter(text);
    const std::string canonical = filter.to_string();
    if (pb::optimade::parse_filter(canonical).to_string() != canonical) std::abort();
    for (auto type : {pb::optimade::EntryType::structures, pb::optimade::EntryType::references,
                      pb::optimade::EntryType::substances})
      check_sql(filter, type);
  } catch (const pb::optimade::FilterError&) {
  }
  return 0;
}
