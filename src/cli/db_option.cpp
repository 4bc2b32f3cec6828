#include "cli/db_option.hpp"

#include <CLI/CLI.hpp>
#include <cstdlib>

namespace pb::cli {

void add_db_option(CLI::App& cmd, std::string& path) {
  cmd.add_option("--db", path,
                 std::string("Database file, created on first use (default: $") + kDatabaseEnv +
                     ", else " + kDefaultDatabase + ")");
}

std::string resolve_db_path(const std::string& option_value) {
  if (!option_value.empty()) return option_value;
  if (const char* env = std::getenv(kDatabaseEnv); env != nullptr && *env != '\0') return env;
  return kDefaultDatabase;
}

store::Database open_database(const std::string& option_value) {
  return store::Database::open(resolve_db_path(option_value));
}

}  // namespace pb::cli
