#pragma once
/// Subcommands of the `phasebook` program: each file adds one to the app and returns the
/// function that runs it; main.cpp lists them in one registration table.
#include <functional>

namespace CLI {
class App;
}

namespace pb::cli {

/// Exit codes (ARCHITECTURE.md §4).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

/// Runs a configured subcommand and returns its exit code.
using Runner = std::function<int()>;

Runner add_formula_command(CLI::App& app);
Runner add_element_command(CLI::App& app);
Runner add_descriptors_command(CLI::App& app);
Runner add_cif_command(CLI::App& app);
Runner add_symmetry_command(CLI::App& app);
Runner add_convert_command(CLI::App& app);
Runner add_compare_command(CLI::App& app);
Runner add_group_command(CLI::App& app);
Runner add_synth_command(CLI::App& app);
Runner add_ingest_command(CLI::App& app);
Runner add_show_command(CLI::App& app);
Runner add_export_command(CLI::App& app);
Runner add_substance_command(CLI::App& app);
Runner add_backup_command(CLI::App& app);
Runner add_db_command(CLI::App& app);
Runner add_search_command(CLI::App& app);
Runner add_mine_command(CLI::App& app);
Runner add_calc_command(CLI::App& app);
Runner add_plot_command(CLI::App& app);
Runner add_learn_command(CLI::App& app);
Runner add_serve_command(CLI::App& app);
Runner add_user_command(CLI::App& app);

}  // namespace pb::cli
