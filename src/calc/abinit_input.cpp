// ABINIT inputs (one .abi file; dos and bands as a second dataset reading the first one's
// density). Keywords as in the ABINIT 9 variable reference: ecut and toldfe in Ha.
#include <fmt/format.h>

#include "calc/inputs.hpp"
#include "calc/template.hpp"
#include "calc/units.hpp"

namespace pb::calc {

namespace {

/// Used when the parameter is 0 (Ha): about the PseudoDojo "normal" hint of common elements.
constexpr double kDefaultEcutHa = 25;

InputSet prepare_abinit(const crystal::Structure& s, Task task, const Parameters& p,
                        const TemplateSource& templates) {
  nlohmann::json c = common_context("abinit", s, task, p);
  double ecut = param_real(p, "ecut");
  if (ecut <= 0) ecut = kDefaultEcutHa;
  c["ecut"] = fmt::format("{:.1f}", ecut);
  c["toldfe"] = fmt::format("{:.3e}", param_real(p, "etol_ev") / kHartreeEv);
  c["tsmear"] = fmt::format("{:.5f}", param_real(p, "smearing_ev") / kHartreeEv);
  c["tolmxf"] = fmt::format("{:.3e}", param_real(p, "force_ev_a") / kHaBohrEvA);
  std::string list;
  for (const auto& sp : c["species"]) {
    if (!list.empty()) list += ", ";
    list += sp["pseudo"].get<std::string>();
  }
  c["pseudo_list"] = list;
  std::string command = param_text(p, "command");
  if (command.empty()) command = "abinit";

  InputSet out;
  out.code = "abinit";
  out.task = task;
  std::string step(to_string(task));
  auto [text, name] = templates.get("abinit", step + ".abi");
  out.files.emplace_back("run.abi", render_template(text, c, name));
  out.steps.push_back(fmt::format("{} run.abi > run.log 2>&1", command));
  out.info = {{"code", "abinit"},
              {"task", step},
              {"formula", c["formula"]},
              {"natoms", c["natoms"]},
              {"ecut_ha", ecut},
              {"kmesh", c["kmesh"]},
              {"spin", c["spin"]},
              {"smearing", c["smearing"]},
              {"pseudo_dir", c["pseudo_dir"]}};
  add_kpath_info(c, out.info);
  return out;
}

}  // namespace

CodeWriter abinit_writer() {
  return {"abinit", "ABINIT (PseudoDojo psp8 from Debian's abinit-data)", prepare_abinit};
}

}  // namespace pb::calc
