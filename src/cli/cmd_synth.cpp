// `phasebook synth`: an AtomWork-scale database from real prototype structures, for benchmarks.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <chrono>

#include "cli/commands.hpp"
#include "cli/db_option.hpp"
#include "store/ingest_cif.hpp"
#include "store/synth.hpp"

namespace pb::cli {

Runner add_synth_command(CLI::App& app) {
  struct Args {
    std::string db;
    std::vector<std::string> prototypes;
    store::SynthOptions options;
  };
  auto a = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "synth",
      "Generate an AtomWork-scale database for benchmarks: variants of real prototype "
      "structures by element substitution, with substances, references, properties and phase "
      "diagrams (deterministic for a seed)");
  add_db_option(*cmd, a->db);
  cmd->add_option("prototypes", a->prototypes, "Prototype structure files or directories")
      ->required()
      ->check(CLI::ExistingPath);
  cmd->add_option("--structures", a->options.structures)->capture_default_str();
  cmd->add_option("--properties", a->options.properties)->capture_default_str();
  cmd->add_option("--phase-diagrams", a->options.phase_diagrams)->capture_default_str();
  cmd->add_option("--references", a->options.references)->capture_default_str();
  cmd->add_option("--seed", a->options.seed)->capture_default_str();
  return [a] {
    store::Database db = open_database(a->db);
    std::vector<std::filesystem::path> inputs(a->prototypes.begin(), a->prototypes.end());
    auto start = std::chrono::steady_clock::now();
    store::SynthReport r = store::synthesise(db, store::structure_files(inputs), a->options);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    fmt::print(
        "{} prototypes -> {} structures, {} substances, {} properties, {} phase diagrams, {} "
        "references in {:.1f} s\n",
        r.prototypes, r.structures, r.substances, r.properties, r.phase_diagrams, r.references, s);
    return kExitOk;
  };
}

}  // namespace pb::cli
