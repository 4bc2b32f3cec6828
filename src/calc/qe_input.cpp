// Quantum ESPRESSO (pw.x) inputs. Keywords as in the pw.x input description (INPUT_PW):
// cutoffs in Ry, conv_thr in Ry per cell, forc_conv_thr in Ry/Bohr.
#include <fmt/format.h>

#include <algorithm>

#include "calc/inputs.hpp"
#include "calc/template.hpp"
#include "calc/units.hpp"

namespace pb::calc {

namespace {

/// Used when no pseudopotential header suggests a wave-function cutoff (Ry).
constexpr double kDefaultEcutwfcRy = 40;

InputSet prepare_qe(const crystal::Structure& s, Task task, const Parameters& p,
                    const TemplateSource& templates) {
  nlohmann::json c = common_context("qe", s, task, p);
  double ecutwfc = param_real(p, "ecutwfc"), ecutrho = param_real(p, "ecutrho");
  double suggested_wfc = 0, suggested_rho = 0;
  bool soft = false;
  for (const auto& sp : c["species"]) {
    soft = soft || sp["pseudo_kind"] != "NC";
    suggested_wfc = std::max(suggested_wfc, sp["wfc_cutoff_ry"].get<double>());
    suggested_rho = std::max(suggested_rho, sp["rho_cutoff_ry"].get<double>());
  }
  std::string wfc_source = "parameter";
  if (ecutwfc <= 0) {
    ecutwfc = suggested_wfc > 0 ? suggested_wfc : kDefaultEcutwfcRy;
    wfc_source = suggested_wfc > 0 ? "pseudopotential headers" : "default";
  }
  if (ecutrho <= 0) ecutrho = std::max(suggested_rho, (soft ? 8 : 4) * ecutwfc);
  ecutrho = std::max(ecutrho, 4 * ecutwfc);
  c["ecutwfc"] = fmt::format("{:.1f}", ecutwfc);
  c["ecutrho"] = fmt::format("{:.1f}", ecutrho);
  c["conv_thr"] = fmt::format("{:.3e}", param_real(p, "etol_ev") / kRydbergEv);
  c["degauss"] = fmt::format("{:.5f}", param_real(p, "smearing_ev") / kRydbergEv);
  c["forc_conv_thr"] = fmt::format("{:.3e}", param_real(p, "force_ev_a") / kRyBohrEvA);
  std::string command = param_text(p, "command");
  if (command.empty()) command = "pw.x";

  InputSet out;
  out.code = "qe";
  out.task = task;
  auto add = [&](const std::string& step) {
    auto [text, name] = templates.get("qe", step + ".in");
    out.files.emplace_back(step + ".in", render_template(text, c, name));
    out.steps.push_back(fmt::format("{} -in {}.in > {}.out", command, step, step));
  };
  switch (task) {
    case Task::kScf:
      add("scf");
      break;
    case Task::kRelax:
      add("relax");
      break;
    case Task::kDos:
      add("scf");
      add("dos");
      break;
    case Task::kBands:
      add("scf");
      add("bands");
      break;
  }
  out.info = {{"code", "qe"},
              {"task", to_string(task)},
              {"formula", c["formula"]},
              {"natoms", c["natoms"]},
              {"ecutwfc_ry", ecutwfc},
              {"ecutwfc_source", wfc_source},
              {"ecutrho_ry", ecutrho},
              {"kmesh", c["kmesh"]},
              {"spin", c["spin"]},
              {"smearing", c["smearing"]},
              {"nelec", c["nelec"]},
              {"pseudo_dir", c["pseudo_dir"]}};
  nlohmann::json pseudos = nlohmann::json::object();
  for (const auto& sp : c["species"]) pseudos[sp["symbol"].get<std::string>()] = sp["pseudo"];
  out.info["pseudos"] = pseudos;
  add_kpath_info(c, out.info);
  return out;
}

}  // namespace

CodeWriter qe_writer() {
  return {"qe", "Quantum ESPRESSO pw.x (UPF pseudopotentials)", prepare_qe};
}

}  // namespace pb::calc
