#pragma once
/// The `--db FILE` option shared by every command that touches a database.
#include <string>

#include "store/database.hpp"

namespace CLI {
class App;
}

namespace pb::cli {

/// Environment variable naming the default database file.
inline constexpr const char* kDatabaseEnv = "PHASEBOOK_DB";
/// The database file used when neither --db nor $PHASEBOOK_DB is given (in the current directory).
inline constexpr const char* kDefaultDatabase = "phasebook.db";

/// Adds `--db FILE` to a command, storing the value in `path` (left empty when not given).
void add_db_option(CLI::App& cmd, std::string& path);

/// The database path: the option's value, else $PHASEBOOK_DB, else "phasebook.db".
std::string resolve_db_path(const std::string& option_value);

/// Opens (creating on first use) and migrates the database the option names.
store::Database open_database(const std::string& option_value);

}  // namespace pb::cli
