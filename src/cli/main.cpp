// The `phasebook` program: git-style subcommands; exceptions become exit codes here only.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <map>

#include "cli/commands.hpp"
#include "util/error.hpp"

namespace {

// One line per subcommand: adding a command touches its own file and this table.
const std::pair<const char*, pb::cli::Runner (*)(CLI::App&)> kCommands[] = {
    {"formula", pb::cli::add_formula_command},
    {"element", pb::cli::add_element_command},
    {"descriptors", pb::cli::add_descriptors_command},
    {"cif", pb::cli::add_cif_command},
    {"symmetry", pb::cli::add_symmetry_command},
    {"convert", pb::cli::add_convert_command},
    {"compare", pb::cli::add_compare_command},
    {"group", pb::cli::add_group_command},
    {"synth", pb::cli::add_synth_command},
    {"ingest", pb::cli::add_ingest_command},
    {"show", pb::cli::add_show_command},
    {"export", pb::cli::add_export_command},
    {"substance", pb::cli::add_substance_command},
    {"backup", pb::cli::add_backup_command},
    {"db", pb::cli::add_db_command},
    {"search", pb::cli::add_search_command},
    {"mine", pb::cli::add_mine_command},
    {"calc", pb::cli::add_calc_command},
    {"plot", pb::cli::add_plot_command},
    {"learn", pb::cli::add_learn_command},
    {"serve", pb::cli::add_serve_command},
    {"user", pb::cli::add_user_command},
};

}  // namespace

int main(int argc, char** argv) try {
  CLI::App app{"Phasebook: inorganic-materials data platform"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "phasebook 0.1.0");
  std::map<CLI::App*, pb::cli::Runner> runners;
  for (const auto& [name, add] : kCommands) {
    pb::cli::Runner run = add(app);
    runners.emplace(app.get_subcommand(name), std::move(run));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return pb::cli::kExitUsage;
  }
  try {
    for (CLI::App* sub : app.get_subcommands()) return runners.at(sub)();
  } catch (const pb::ParseError& e) {
    fmt::print(stderr, "{}\n", e.what());
    return pb::cli::kExitFailed;
  } catch (const pb::InvalidArgument& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return pb::cli::kExitUsage;
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return pb::cli::kExitFailed;
  }
  return pb::cli::kExitUsage;
} catch (const std::exception& e) {  // setting up the commands failed: a bug, not bad input
  std::fputs(e.what(), stderr);
  return pb::cli::kExitFailed;
}
