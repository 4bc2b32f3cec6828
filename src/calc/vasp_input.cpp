// VASP inputs: INCAR from a template per task, POSCAR and KPOINTS from templates, POTCAR as
// the concatenation of the chosen POTCARs (or POTCAR.spec naming them when no POTCAR directory
// is given, so inputs can be prepared without a VASP licence).
#include <fmt/format.h>

#include <fstream>

#include "calc/inputs.hpp"
#include "calc/pseudo.hpp"
#include "calc/template.hpp"

namespace pb::calc {

namespace {

/// Used when no POTCAR gives ENMAX (eV), as the Materials Project sets do.
constexpr double kDefaultEncutEv = 520;
/// ENCUT = this x the largest ENMAX (the VASP manual's advice for stress and relaxations).
constexpr double kEnmaxFactor = 1.3;

InputSet prepare_vasp(const crystal::Structure& s, Task task, const Parameters& p,
                      const TemplateSource& templates) {
  nlohmann::json c = common_context("vasp", s, task, p);
  double encut = param_real(p, "encut");
  double enmax = 0;
  std::string potcar, spec;
  bool have_potcars = !pseudo_directory("vasp", p).empty();
  for (const auto& sp : c["species"]) {
    std::string path = sp["pseudo_path"];
    spec += fmt::format("{} {}\n", sp["symbol"].get<std::string>(), have_potcars ? path : "?");
    if (!have_potcars) continue;
    Pseudo ps = read_potcar_header(path);
    enmax = std::max(enmax, ps.enmax_ev.value_or(0));
    std::ifstream in(path, std::ios::binary);
    potcar.append(std::istreambuf_iterator<char>(in), {});
  }
  if (encut <= 0) encut = enmax > 0 ? kEnmaxFactor * enmax : kDefaultEncutEv;
  c["encut"] = fmt::format("{:.0f}", encut);
  c["ediff"] = fmt::format("{:.1e}", param_real(p, "etol_ev"));
  c["sigma"] = fmt::format("{:.4f}", param_real(p, "smearing_ev"));
  c["ediffg"] = fmt::format("{:.4f}", -param_real(p, "force_ev_a"));
  c["nbnd_known"] = c["nelec"].get<double>() > 0;
  std::string command = param_text(p, "command");
  if (command.empty()) command = "vasp_std";

  InputSet out;
  out.code = "vasp";
  out.task = task;
  auto render = [&](const std::string& file) {
    auto [text, name] = templates.get("vasp", file);
    return render_template(text, c, name);
  };
  out.files.emplace_back("POSCAR", render("POSCAR"));
  if (have_potcars) {
    out.files.emplace_back("POTCAR", potcar);
  } else {
    out.files.emplace_back("POTCAR.spec", spec);
  }
  std::string main = task == Task::kRelax ? "relax" : "scf";
  out.files.emplace_back("INCAR", render(main + ".INCAR"));
  out.files.emplace_back("KPOINTS", render("KPOINTS"));
  out.steps.push_back(fmt::format("{} > {}.out", command, main));
  if (task == Task::kDos || task == Task::kBands) {
    std::string step(to_string(task));
    out.files.emplace_back("INCAR." + step, render(step + ".INCAR"));
    out.files.emplace_back("KPOINTS." + step, render("KPOINTS." + step));
    out.steps.push_back(fmt::format(
        "cp vasprun.xml vasprun.scf.xml && cp OUTCAR OUTCAR.scf && cp INCAR.{0} INCAR && "
        "cp KPOINTS.{0} KPOINTS && {1} > {0}.out",
        step, command));
  }
  out.info = {{"code", "vasp"},        {"task", to_string(task)},  {"formula", c["formula"]},
              {"natoms", c["natoms"]}, {"encut_ev", encut},        {"kmesh", c["kmesh"]},
              {"spin", c["spin"]},     {"smearing", c["smearing"]}};
  add_kpath_info(c, out.info);
  return out;
}

}  // namespace

CodeWriter vasp_writer() {
  return {"vasp", "VASP (POTCAR directory given by the user)", prepare_vasp};
}

}  // namespace pb::calc
