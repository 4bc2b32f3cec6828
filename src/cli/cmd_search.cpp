// `phasebook search`: structures matching every given condition, as a table or JSON Lines.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/db_option.hpp"
#include "cli/search_options.hpp"
#include "query/record_json.hpp"

namespace pb::cli {

Runner add_search_command(CLI::App& app) {
  auto db = std::make_shared<std::string>();
  auto options = std::make_shared<SearchOptions>();
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "search", "Structures matching every condition given (none: every structure)");
  add_db_option(*cmd, *db);
  add_search_options(*cmd, *options);
  cmd->add_flag("--json", *json, "One JSON object per line")->group("Output");
  return [db, options, json]() {
    query::StructureQuery q = options->to_query();  // bad values fail before the file opens
    store::Database database = open_database(*db);
    auto results = query::search_structures(database, q);
    if (*json) {
      for (const auto& r : results.rows) fmt::print("{}\n", query::structure_row_json(r).dump());
    } else {
      fmt::print("{:>7}  {:<18}  {:<14}  {:>3}  {:<12}  {:<7}  {:>8}  {:>8}  {:>8}  {}\n", "id",
                 "substance", "formula", "sg", "system", "pearson", "a", "b", "c", "source");
      for (const auto& r : results.rows) {
        fmt::print(
            "{:>7}  {:<18}  {:<14}  {:>3}  {:<12}  {:<7}  {:>8.4f}  {:>8.4f}  {:>8.4f}  {}\n", r.id,
            r.substance_id.value_or("-"), r.formula_reduced,
            r.space_group_number ? std::to_string(*r.space_group_number) : "-", r.crystal_system,
            r.pearson_symbol, r.a, r.b, r.c,
            r.source_block.empty() ? r.source_file : r.source_file + ":" + r.source_block);
      }
    }
    // The count goes to stderr so that JSON Lines on stdout stay one entry per line.
    fmt::print(stderr, "{} of {} structures (offset {})\n", results.rows.size(), results.total,
               q.paging.offset);
    return kExitOk;
  };
}

}  // namespace pb::cli
