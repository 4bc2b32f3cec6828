// `phasebook plot dos|bands RUN -o FILE.svg|FILE.png`: the DOS or band structure of a finished
// job (its id in the database) or of a job directory, drawn as SVG (PNG through librsvg).
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "calc/outputs.hpp"
#include "calc/svg_plot.hpp"
#include "calc/workflow.hpp"
#include "cli/commands.hpp"
#include "cli/db_option.hpp"
#include "plot/chart.hpp"
#include "util/error.hpp"

namespace pb::cli {

namespace {

namespace fs = std::filesystem;

struct PlotArgs {
  std::string kind, run, out, db, code = "qe";
  double sigma = 0.1, emin = -12, emax = 8;
};

int run_plot(const PlotArgs& a) {
  calc::CalcResult r;
  nlohmann::json inputs;
  std::string title;
  if (fs::is_directory(a.run)) {
    r = calc::parse_job_directory(a.code, a.run);
    std::ifstream info(fs::path(a.run) / "info.json");
    if (info) inputs = nlohmann::json::parse(info, nullptr, false);
    title = a.run;
  } else {
    char* end = nullptr;
    long long id = std::strtoll(a.run.c_str(), &end, 10);
    if (end == a.run.c_str() || *end != '\0') {
      throw InvalidArgument(fmt::format("'{}' is neither a job id nor a job directory", a.run));
    }
    store::Database db = open_database(a.db);
    auto results = calc::list_results(db, {{}, {id}, {}});
    if (results.empty()) throw NotFound(fmt::format("job {} has no result (not done?)", id));
    r = results[0].result;
    inputs = results[0].inputs;
    title = fmt::format("{} ({} {}, job {})", results[0].job.formula, results[0].job.code,
                        results[0].job.task, id);
  }
  // VASP writes its own DOS; every other DOS is broadened from the eigenvalues.
  bool own_dos = a.kind == "dos" && r.dos.has_value();
  if (!r.bands && !own_dos) {
    throw NotFound(fmt::format("{}: the output holds no eigenvalues", a.run));
  }
  // Energies are drawn from the valence-band maximum of an insulator, else the Fermi level.
  auto gap = calc::result_gap(r);
  double zero = gap && !gap->metal ? gap->vbm_ev : r.fermi_ev.value_or(0);
  std::string svg;
  if (a.kind == "dos") {
    svg = calc::dos_svg(own_dos ? *r.dos : calc::density_of_states(*r.bands, a.sigma), zero,
                        title + " DOS", a.emin, a.emax);
  } else if (a.kind == "bands") {
    std::vector<calc::PathLabel> labels;
    if (inputs.contains("kpath_labels")) {
      for (const auto& l : inputs["kpath_labels"])
        labels.push_back({l["index"].get<std::size_t>(), l["label"].get<std::string>()});
    }
    svg = calc::bands_svg(*r.bands, zero, labels, title + " bands", a.emin, a.emax);
  } else {
    throw InvalidArgument(fmt::format("plot kind '{}' is not dos or bands", a.kind));
  }
  try {
    plot::write_image(svg, a.out);  // SVG text, or PNG when the name ends in .png
  } catch (const std::runtime_error& e) {
    throw InvalidArgument(e.what());
  }
  fmt::print(stderr, "{}: {} plot written\n", a.out, a.kind);
  return kExitOk;
}

}  // namespace

Runner add_plot_command(CLI::App& app) {
  auto a = std::make_shared<PlotArgs>();
  CLI::App* cmd =
      app.add_subcommand("plot", "Plot the DOS or band structure of a calculation to SVG or PNG");
  cmd->add_option("kind", a->kind, "dos | bands")->required();
  cmd->add_option("run", a->run, "Job id (database) or job directory")->required();
  cmd->add_option("-o,--out", a->out, "SVG file, or PNG when the name ends in .png")->required();
  add_db_option(*cmd, a->db);
  cmd->add_option("--code", a->code, "Code of a job directory")->capture_default_str();
  cmd->add_option("--sigma", a->sigma, "DOS Gaussian broadening (eV)")->capture_default_str();
  cmd->add_option("--emin", a->emin, "Lowest E - E_F shown (eV)")->capture_default_str();
  cmd->add_option("--emax", a->emax, "Highest E - E_F shown (eV)")->capture_default_str();
  return [a]() { return run_plot(*a); };
}

}  // namespace pb::cli
