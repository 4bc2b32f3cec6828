// `phasebook db info`: schema version, journal mode and row counts of a database.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/db_option.hpp"

namespace pb::cli {

Runner add_db_command(CLI::App& app) {
  auto db = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("db", "Database maintenance");
  cmd->require_subcommand(1);
  CLI::App* info = cmd->add_subcommand("info", "Schema version and row counts");
  add_db_option(*info, *db);
  info->add_flag("--json", *json, "Print a JSON object");
  return [db, json]() {
    store::Database database = open_database(*db);
    auto counts = database.table_counts();
    const auto size = std::filesystem::file_size(database.path());
    if (*json) {
      nlohmann::ordered_json out = {{"path", database.path().string()},
                                    {"schema_version", database.schema_version()},
                                    {"journal_mode", database.journal_mode()},
                                    {"size_bytes", size}};
      for (const auto& [table, n] : counts) out["counts"][table] = n;
      fmt::print("{}\n", out.dump());
      return kExitOk;
    }
    fmt::print("{}: schema version {}, journal mode {}, {} bytes\n", database.path().string(),
               database.schema_version(), database.journal_mode(), size);
    for (const auto& [table, n] : counts) fmt::print("  {:<24}{:>10}\n", table, n);
    return kExitOk;
  };
}

}  // namespace pb::cli
