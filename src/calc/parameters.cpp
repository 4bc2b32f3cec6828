// The parameter table. Energies are given once in the unit named by the parameter and converted
// by each code writer (Ry for pw.x, Ha for ABINIT, eV for VASP).
#include "calc/parameters.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "util/error.hpp"

namespace pb::calc {

namespace {

using T = ParameterSpec::Type;

const std::vector<ParameterSpec> kSpecs = {
    {"cell", T::kText, "primitive", "all",
     "cell written to the input: primitive (spglib standard) | conventional | as-is"},
    {"kppra", T::kInt, "1000", "all",
     "k-points per reciprocal atom for scf/relax meshes (pymatgen Kpoints.automatic_density)", 1,
     1e7},
    {"kmesh", T::kText, "", "all", "explicit Monkhorst-Pack mesh 'NxNxN' (overrides kppra)"},
    {"kshift", T::kInt, "0", "all",
     "1 = Monkhorst-Pack mesh shifted by half a step (pw.x '1 1 1'), 0 = Gamma-centred", 0, 1},
    {"dos_kppra", T::kInt, "4000", "all", "k-points per reciprocal atom of the DOS (nscf) mesh", 1,
     1e7},
    {"kpath_density", T::kReal, "20", "all", "points per 1/Angstrom along the band-structure path",
     1, 1000},
    {"functional", T::kText, "lda", "qe,abinit",
     "pseudopotential family chosen by functional: lda or pbe (VASP uses the POTCARs given)"},
    {"ecutwfc", T::kReal, "0", "qe",
     "wave-function cutoff (Ry); 0 = the largest suggested by the UPF headers, else 40", 0, 1000},
    {"ecutrho", T::kReal, "0", "qe",
     "charge-density cutoff (Ry); 0 = from the UPF headers, else 4x ecutwfc (8x with US/PAW)", 0,
     10000},
    {"ecut", T::kReal, "0", "abinit", "plane-wave cutoff (Ha); 0 = 25 Ha (PseudoDojo 'normal')", 0,
     500},
    {"encut", T::kReal, "0", "vasp",
     "plane-wave cutoff (eV); 0 = 1.3 x the largest POTCAR ENMAX, "
     "else 520",
     0, 5000},
    {"occupations", T::kText, "auto", "all",
     "fixed | smearing | auto (smearing when every element is a metal or spin is on)"},
    {"smearing_ev", T::kReal, "0.2", "all", "Marzari-Vanderbilt smearing width (eV)", 1e-4, 5},
    {"spin", T::kText, "auto", "all",
     "on | off | auto (on when the structure holds Cr, Mn, Fe, Co, Ni, Gd, ...)"},
    {"magmom", T::kReal, "3", "all", "starting magnetic moment per magnetic atom (Bohr magnetons)",
     0, 10},
    {"etol_ev", T::kReal, "1e-6", "all", "SCF energy convergence per cell (eV)", 1e-14, 1},
    {"mixing_beta", T::kReal, "0.7", "all",
     "density mixing factor (pw.x mixing_beta, VASP AMIX, "
     "ABINIT diemix)",
     0.01, 1},
    {"electron_maxstep", T::kInt, "100", "all",
     "most SCF iterations (pw.x electron_maxstep, VASP "
     "NELM, ABINIT nstep)",
     1, 10000},
    {"nbnd", T::kInt, "0", "all", "bands for dos/bands; 0 = max(1.2 x occupied, occupied + 8)", 0,
     100000},
    {"force_ev_a", T::kReal, "0.02", "all", "relaxation force threshold (eV/Angstrom)", 1e-6, 10},
    {"walltime_s", T::kInt, "3600", "all",
     "time limit of one attempt (seconds); pw.x stops itself 5% (>= 60 s) earlier, or at half "
     "under 120 s (max_seconds)",
     1, 1e7},
    {"restart", T::kInt, "0", "qe",
     "1 = continue from the state pw.x saved when it reached max_seconds in the previous "
     "attempt (restart_mode 'restart'; set by the walltime handler)",
     0, 1},
    {"pseudo_dir", T::kText, "", "all",
     "pseudopotential directory (default: code's Debian library; VASP: the POTCAR directory)"},
    {"command", T::kText, "", "all",
     "program to run (default pw.x, vasp_std, abinit); may hold an MPI launcher prefix"},
};

const ParameterSpec* find_spec(std::string_view name) {
  for (const auto& s : kSpecs) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

nlohmann::json parse_value(const ParameterSpec& s, std::string_view text) {
  if (s.type == T::kText) return std::string(text);
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) {
    throw InvalidArgument(fmt::format("parameter {}: '{}' is not a number", s.name, text));
  }
  if (s.type == T::kInt && v != std::floor(v)) {
    throw InvalidArgument(fmt::format("parameter {}: '{}' is not an integer", s.name, text));
  }
  if (v < s.min || v > s.max) {
    throw InvalidArgument(
        fmt::format("parameter {}: {} is outside [{}, {}]", s.name, text, s.min, s.max));
  }
  if (s.type == T::kInt) return static_cast<long long>(v);
  return v;
}

}  // namespace

const std::vector<ParameterSpec>& parameter_specs() { return kSpecs; }

Parameters default_parameters() {
  Parameters p = nlohmann::json::object();
  for (const auto& s : kSpecs) p[std::string(s.name)] = parse_value(s, s.default_text);
  return p;
}

void set_parameter(Parameters& p, std::string_view assignment) {
  std::size_t eq = assignment.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    throw InvalidArgument(fmt::format("'{}' is not NAME=VALUE", assignment));
  }
  std::string_view name = assignment.substr(0, eq), value = assignment.substr(eq + 1);
  if (name.starts_with("pseudo.")) {  // per-element file override, e.g. pseudo.Si=Si.bhs
    p[std::string(name)] = std::string(value);
    return;
  }
  const ParameterSpec* s = find_spec(name);
  if (s == nullptr) {
    throw InvalidArgument(
        fmt::format("unknown parameter '{}' (see `phasebook calc params`)", name));
  }
  p[std::string(name)] = parse_value(*s, value);
}

double param_real(const Parameters& p, std::string_view name) {
  auto it = p.find(name);
  if (it == p.end() || !it->is_number()) {
    const ParameterSpec* s = find_spec(name);
    if (s == nullptr) throw InvalidArgument(fmt::format("unknown parameter '{}'", name));
    return parse_value(*s, s->default_text).get<double>();
  }
  return it->get<double>();
}

int param_int(const Parameters& p, std::string_view name) {
  return static_cast<int>(std::llround(param_real(p, name)));
}

std::string param_text(const Parameters& p, std::string_view name) {
  auto it = p.find(name);
  if (it == p.end()) {
    const ParameterSpec* s = find_spec(name);
    return s ? std::string(s->default_text) : std::string();
  }
  return it->is_string() ? it->get<std::string>() : it->dump();
}

}  // namespace pb::calc
