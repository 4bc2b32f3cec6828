// `phasebook backup OUT.db`: a consistent copy through SQLite's online backup, safe while other
// processes read and write the database.
#include <fmt/core.h>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "cli/db_option.hpp"

namespace pb::cli {

Runner add_backup_command(CLI::App& app) {
  auto db = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("backup", "Copy the database to a new file (online backup)");
  add_db_option(*cmd, *db);
  cmd->add_option("out", *out, "The copy to write (must not exist)")->required();
  return [db, out]() {
    store::Database database = open_database(*db);
    database.backup(*out);
    fmt::print("{} -> {}\n", database.path().string(), *out);
    return kExitOk;
  };
}

}  // namespace pb::cli
