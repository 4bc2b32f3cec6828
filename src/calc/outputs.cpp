// Parser table and job-directory parsing.
#include "calc/outputs.hpp"

#include <fmt/format.h>

#include <fstream>

#include "util/error.hpp"

namespace pb::calc {

namespace fs = std::filesystem;

namespace {

std::optional<std::string> slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Fields of `extra` fill what `base` lacks (used to merge XML with stdout, and the steps).
void fill(CalcResult& base, const CalcResult& extra) {
  if (!base.energy_ev) base.energy_ev = extra.energy_ev;
  if (!base.fermi_ev) base.fermi_ev = extra.fermi_ev;
  if (!base.magnetization) base.magnetization = extra.magnetization;
  if (!base.nelec) base.nelec = extra.nelec;
  if (base.natoms == 0) base.natoms = extra.natoms;
  if (base.forces_ev_a.empty()) base.forces_ev_a = extra.forces_ev_a;
  if (!base.stress_gpa) base.stress_gpa = extra.stress_gpa;
  if (!base.bands) base.bands = extra.bands;
  if (!base.dos) base.dos = extra.dos;
  if (base.scf_steps == 0) base.scf_steps = extra.scf_steps;
  base.fixed_occupations = base.fixed_occupations || extra.fixed_occupations;
  base.errors.insert(base.errors.end(), extra.errors.begin(), extra.errors.end());
}

}  // namespace

CalcResult parse_output(std::string_view kind, std::string_view text, const std::string& source) {
  if (kind == "qe-xml") return parse_qe_xml(text, source);
  if (kind == "qe-stdout") return parse_qe_stdout(text, source);
  if (kind == "vasprun") return parse_vasprun(text, source);
  if (kind == "outcar") return parse_outcar(text, source);
  if (kind == "abinit") return parse_abinit_output(text, source);
  if (kind == "abinit-dos") {
    CalcResult r;
    r.code = "abinit";
    r.source = source;
    r.dos = parse_abinit_dos(text, source);
    return r;
  }
  throw InvalidArgument(fmt::format(
      "unknown output kind '{}' (qe-xml, qe-stdout, vasprun, outcar, abinit, abinit-dos)", kind));
}

std::string guess_output_kind(const fs::path& path) {
  std::string name = path.filename().string();
  if (name.find("vasprun") != std::string::npos) return "vasprun";
  if (name.ends_with(".xml")) return "qe-xml";
  if (name.find("OUTCAR") != std::string::npos) return "outcar";
  if (name.ends_with(".abo")) return "abinit";
  if (name.ends_with("_DOS")) return "abinit-dos";
  return "qe-stdout";
}

CalcResult parse_job_directory(std::string_view code, const fs::path& dir) {
  CalcResult r;
  r.code = std::string(code);
  r.source = dir.string();
  auto steps_of = [&](std::initializer_list<const char*> names) {
    std::vector<std::string> found;
    for (const char* n : names) {
      if (fs::exists(dir / n)) found.emplace_back(n);
    }
    return found;
  };
  if (code == "qe") {
    // Step outputs in run order: the first holds the scf energy, the last the eigenvalues.
    auto outs = steps_of({"scf.out", "relax.out", "dos.out", "bands.out"});
    bool all_done = !outs.empty();
    CalcResult first;
    for (std::size_t i = 0; i < outs.size(); ++i) {
      auto text = slurp(dir / outs[i]);
      CalcResult s = parse_qe_stdout(*text, (dir / outs[i]).string());
      all_done = all_done && s.completed;
      r.scf_not_converged = r.scf_not_converged || s.scf_not_converged;
      r.walltime_exceeded = r.walltime_exceeded || s.walltime_exceeded;
      if (i == 0) {
        first = s;
        r.converged = s.converged;
      }
    }
    r.completed = all_done;
    if (auto xml = slurp(dir / "out" / "pb.xml")) {
      try {
        CalcResult x = parse_qe_xml(*xml, (dir / "out" / "pb.xml").string());
        // A bands/nscf XML has no meaningful total energy of its own: keep the scf one.
        if (outs.size() > 1) x.energy_ev.reset();
        if (outs.size() > 1) {
          x.forces_ev_a.clear();
          x.stress_gpa.reset();
          x.fermi_ev.reset();
        }
        fill(r, x);
      } catch (const ParseError& e) {
        r.errors.push_back(e.what());
      }
    }
    fill(r, first);
    if (!first.energy_ev) r.energy_ev.reset();
    if (first.energy_ev) r.energy_ev = first.energy_ev;
  } else if (code == "vasp") {
    for (const char* n : {"vasprun.xml", "vasprun.scf.xml"}) {
      if (auto t = slurp(dir / n)) {
        try {
          fill(r, parse_vasprun(*t, (dir / n).string()));
          r.completed = true;
        } catch (const ParseError& e) {
          r.errors.push_back(e.what());
        }
      }
    }
    if (auto t = slurp(dir / "OUTCAR")) {
      CalcResult o = parse_outcar(*t, (dir / "OUTCAR").string());
      r.completed = o.completed;
      r.converged = o.converged;
      r.scf_not_converged = o.scf_not_converged;
      fill(r, o);
    }
  } else if (code == "abinit") {
    if (auto t = slurp(dir / "run.abo")) {
      // The main output lists one k-point's eigenvalues (prtvol 0); the _EIG file of the last
      // dataset has them all, and the parser keeps the last table it reads.
      for (const char* eig : {"runo_DS2_EIG", "runo_EIG"}) {
        if (auto e = slurp(dir / eig)) {
          *t += "\n" + *e;
          break;
        }
      }
      r = parse_abinit_output(*t, (dir / "run.abo").string());
      // The DOS the code integrated itself (dos task: prtdos 1 on the second dataset).
      for (const char* name : {"runo_DS2_DOS", "runo_DOS"}) {
        if (auto d = slurp(dir / name)) {
          try {
            r.dos = parse_abinit_dos(*d, (dir / name).string());
          } catch (const ParseError& e) {
            r.errors.push_back(e.what());
          }
          break;
        }
      }
    }
  } else {
    throw InvalidArgument(fmt::format("unknown code '{}'", code));
  }
  return r;
}

}  // namespace pb::calc
