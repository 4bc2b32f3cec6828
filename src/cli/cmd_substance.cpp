// `phasebook substance merge|split|audit`: editorial changes to substances, each one audited.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <cstdlib>

#include "cli/commands.hpp"
#include "cli/db_option.hpp"
#include "store/sqlite_repositories.hpp"
#include "util/error.hpp"

namespace pb::cli {

namespace {

/// The editor named by --user, else $USER, else "cli".
std::string editor(const std::string& option) {
  if (!option.empty()) return option;
  const char* user = std::getenv("USER");
  return user && *user ? user : "cli";
}

struct SubstanceOptions {
  std::string db, user, from, into;
  std::vector<std::int64_t> structures, properties, phases;
  std::int64_t limit = 50;
};

}  // namespace

Runner add_substance_command(CLI::App& app) {
  auto o = std::make_shared<SubstanceOptions>();
  CLI::App* cmd = app.add_subcommand("substance", "Merge and split substances; the audit log");
  cmd->require_subcommand(1);

  CLI::App* merge = cmd->add_subcommand(
      "merge", "Move every member of FROM into INTO; FROM's id keeps resolving to INTO");
  add_db_option(*merge, o->db);
  merge->add_option("from", o->from, "The substance that goes")->required();
  merge->add_option("into", o->into, "The substance that stays")->required();
  merge->add_option("--user", o->user, "Who made the change (default: $USER)");

  CLI::App* split = cmd->add_subcommand(
      "split", "Move the given members of a substance into a new substance; prints its id");
  add_db_option(*split, o->db);
  split->add_option("substance_id", o->from, "The substance to split")->required();
  split->add_option("--structure", o->structures, "Structure ids to move")->delimiter(',');
  split->add_option("--property", o->properties, "Property ids to move")->delimiter(',');
  split->add_option("--phase", o->phases, "Phase-diagram phase ids to move")->delimiter(',');
  split->add_option("--user", o->user, "Who made the change (default: $USER)");

  CLI::App* audit = cmd->add_subcommand("audit", "Editorial changes, newest first");
  add_db_option(*audit, o->db);
  audit->add_option("--limit", o->limit, "How many entries")->check(CLI::PositiveNumber);

  return [o, merge, split, audit]() {
    store::Database database = open_database(o->db);
    store::Repositories repos = store::make_repositories(database);
    if (merge->parsed()) {
      std::int64_t id = repos.substances->merge(o->from, o->into, editor(o->user));
      fmt::print("merged {} into {} (audit entry {})\n", o->from, o->into, id);
    } else if (split->parsed()) {
      std::vector<std::pair<store::EntityKind, std::int64_t>> entries;
      for (auto id : o->structures) entries.emplace_back(store::EntityKind::kStructure, id);
      for (auto id : o->properties) entries.emplace_back(store::EntityKind::kProperty, id);
      for (auto id : o->phases) entries.emplace_back(store::EntityKind::kPhase, id);
      if (entries.empty()) {
        throw InvalidArgument("name the members to move with --structure, --property or --phase");
      }
      fmt::print("{}\n", repos.substances->split(o->from, entries, editor(o->user)));
    } else if (audit->parsed()) {
      for (const store::AuditRecord& a : repos.substances->audit_log({o->limit, 0}))
        fmt::print("{:>6}  {}  {:<16}  {:<6}  {}\n", a.id, a.time, a.user, a.action,
                   a.details_json);
    }
    return kExitOk;
  };
}

}  // namespace pb::cli
