// pw.x outputs. XML: the qes-1.0 schema (Hartree atomic units; k-points Cartesian in 2π/alat).
// Standard output: the fixed phrases of PW/src/print_ks_energies.f90 and electrons.f90 of
// QE 6.x ("!    total energy", "the Fermi energy is", "convergence NOT achieved").
#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <numbers>
#include <pugixml.hpp>
#include <sstream>

#include "calc/outputs.hpp"
#include "calc/text_scan.hpp"
#include "calc/units.hpp"
#include "util/error.hpp"

namespace pb::calc {

namespace {

std::vector<double> numbers_of(const char* text) { return scan_numbers(std::string_view(text)); }

double child_number(const pugi::xml_node& n, const char* name, double fallback = NAN) {
  pugi::xml_node c = n.child(name);
  if (!c) return fallback;
  auto v = numbers_of(c.child_value());
  return v.empty() ? fallback : v[0];
}

}  // namespace

CalcResult parse_qe_xml(std::string_view text, const std::string& source) {
  pugi::xml_document doc;
  pugi::xml_parse_result ok = doc.load_buffer(text.data(), text.size());
  if (!ok) {
    throw ParseError({source, 0, 0}, fmt::format("not well-formed XML at byte {}: {}", ok.offset,
                                                 ok.description()));
  }
  pugi::xml_node root = doc.first_child();
  pugi::xml_node out = root.child("output");
  if (!out) throw ParseError({source, 0, 0}, "no <output> element", "is this a pw.x data file?");
  CalcResult r;
  r.code = "qe";
  r.source = source;
  r.completed = static_cast<bool>(root.child("closed"));
  pugi::xml_node scf = out.child("convergence_info").child("scf_conv");
  r.converged = std::string_view(scf.child_value("convergence_achieved")) == "true";
  r.scf_steps = static_cast<int>(child_number(scf, "n_scf_steps", 0));
  pugi::xml_node opt = out.child("convergence_info").child("opt_conv");
  if (opt)
    r.converged =
        r.converged && std::string_view(opt.child_value("convergence_achieved")) == "true";
  if (scf && !r.converged && !opt) r.scf_not_converged = true;
  pugi::xml_node structure = out.child("atomic_structure");
  r.natoms = structure.attribute("nat").as_int();
  double alat_bohr = structure.attribute("alat").as_double();
  double etot = child_number(out.child("total_energy"), "etot");
  if (std::isfinite(etot)) r.energy_ev = etot * kHartreeEv;
  pugi::xml_node bs = out.child("band_structure");
  bool lsda = std::string_view(bs.child_value("lsda")) == "true";
  double ef = child_number(bs, "fermi_energy");
  if (!std::isfinite(ef)) ef = child_number(bs, "highestOccupiedLevel");
  if (std::isfinite(ef)) r.fermi_ev = ef * kHartreeEv;
  double nelec = child_number(bs, "nelec");
  if (std::isfinite(nelec)) r.nelec = nelec;
  r.fixed_occupations = std::string_view(bs.child_value("occupations_kind")) == "fixed";
  if (lsda) {
    double m = child_number(out.child("magnetization"), "total");
    if (std::isfinite(m)) r.magnetization = m;
  }
  // Eigenvalues: nbnd per spin, both channels in one list when lsda.
  BandData bands;
  double two_pi_over_alat = alat_bohr > 0 ? 2 * std::numbers::pi / (alat_bohr * kBohrAngstrom) : 0;
  bands.eigenvalues.resize(lsda ? 2 : 1);
  for (pugi::xml_node ks : bs.children("ks_energies")) {
    pugi::xml_node kp = ks.child("k_point");
    auto k = numbers_of(kp.child_value());
    if (k.size() != 3) continue;
    bands.kpoints.push_back(
        {k[0] * two_pi_over_alat, k[1] * two_pi_over_alat, k[2] * two_pi_over_alat});
    bands.weights.push_back(kp.attribute("weight").as_double());
    auto e = numbers_of(ks.child_value("eigenvalues"));
    for (double& x : e) x *= kHartreeEv;
    if (lsda) {
      std::size_t half = e.size() / 2;
      bands.eigenvalues[0].emplace_back(e.begin(), e.begin() + static_cast<std::ptrdiff_t>(half));
      bands.eigenvalues[1].emplace_back(e.begin() + static_cast<std::ptrdiff_t>(half), e.end());
    } else {
      bands.eigenvalues[0].push_back(std::move(e));
    }
  }
  if (!bands.kpoints.empty()) r.bands = std::move(bands);
  auto f = numbers_of(out.child_value("forces"));
  for (std::size_t i = 0; i + 2 < f.size(); i += 3) {
    r.forces_ev_a.push_back({f[i] * kHaBohrEvA, f[i + 1] * kHaBohrEvA, f[i + 2] * kHaBohrEvA});
  }
  auto s = numbers_of(out.child_value("stress"));
  if (s.size() == 9) {
    std::array<double, 9> st{};
    // The XML holds what pw.x prints: the negative of the stress (its trace / 3 is the
    // pressure), so the sign flips to make tension positive.
    for (int i = 0; i < 9; ++i)
      st[static_cast<std::size_t>(i)] = -s[static_cast<std::size_t>(i)] * kHaBohr3Gpa;
    r.stress_gpa = st;
  }
  return r;
}

CalcResult parse_qe_stdout(std::string_view text, const std::string& source) {
  CalcResult r;
  r.code = "qe";
  r.source = source;
  LineScanner lines(text);
  std::string_view line;
  bool scf_done = false;
  std::optional<double> homo, lumo;
  while (lines.next(line)) {
    if (line.starts_with("!")) {
      // "!    total energy              =     -15.84754590 Ry"
      if (auto v = number_after(line, "=")) r.energy_ev = *v * kRydbergEv;
    } else if (contains(line, "number of atoms/cell")) {
      if (auto v = number_after(line, "=")) r.natoms = static_cast<int>(*v);
    } else if (contains(line, "number of electrons")) {
      if (auto v = number_after(line, "=")) r.nelec = *v;
    } else if (contains(line, "the Fermi energy is")) {
      if (auto v = number_after(line, "is")) r.fermi_ev = *v;
    } else if (contains(line, "highest occupied, lowest unoccupied level (ev):")) {
      auto v = scan_numbers(line.substr(line.find(':') + 1));
      if (v.size() >= 2) {
        homo = v[0];
        lumo = v[1];
      }
    } else if (contains(line, "highest occupied level (ev):")) {
      if (auto v = number_after(line, ":")) homo = *v;
    } else if (contains(line, "total magnetization")) {
      if (auto v = number_after(line, "=")) r.magnetization = *v;
    } else if (contains(line, "convergence has been achieved in")) {
      scf_done = true;
      if (auto v = number_after(line, " in")) r.scf_steps = static_cast<int>(*v);
    } else if (contains(line, "convergence NOT achieved")) {
      r.scf_not_converged = true;
      if (auto v = number_after(line, "after")) r.scf_steps = static_cast<int>(*v);
    } else if (contains(line, "Maximum CPU time exceeded")) {
      r.walltime_exceeded = true;
    } else if (contains(line, "JOB DONE.")) {
      r.completed = true;
    } else if (contains(line, "Forces acting on atoms")) {
      r.forces_ev_a.clear();
      std::string_view f;
      while (lines.next(f)) {
        if (!contains(f, "force =")) {
          if (!r.forces_ev_a.empty()) break;
          continue;
        }
        auto v = scan_numbers(f.substr(f.find('=') + 1));
        if (v.size() >= 3)
          r.forces_ev_a.push_back({v[0] * kRyBohrEvA, v[1] * kRyBohrEvA, v[2] * kRyBohrEvA});
      }
    } else if (contains(line, "total   stress")) {
      std::array<double, 9> st{};
      bool good = true;
      for (int row = 0; row < 3 && good; ++row) {
        std::string_view s;
        good = lines.next(s);
        auto v = scan_numbers(s);
        if (v.size() < 6) good = false;
        // Columns 4-6 are kbar; pw.x prints the negative of the stress (P = trace/3).
        for (int c = 0; c < 3 && good; ++c)
          st[static_cast<std::size_t>(row * 3 + c)] = -v[static_cast<std::size_t>(3 + c)] / 10;
      }
      if (good) r.stress_gpa = st;
    } else if (line.starts_with(" %%%%%%%%%%%%")) {
      std::string_view msg;
      if (lines.next(msg) && lines.next(msg)) r.errors.emplace_back(trim(msg));
    }
  }
  if (!r.fermi_ev && homo) {
    r.fixed_occupations = true;
    r.fermi_ev = lumo ? *homo : *homo;
  }
  r.converged = scf_done && !r.scf_not_converged;
  return r;
}

}  // namespace pb::calc
