// ABINIT main output (.abo, ABINIT 9): the YAML-like "--- !ResultsGS" documents (etotal,
// fermie in Ha, lattice vectors in Bohr), "cartesian forces (eV/Angstrom) at end:", the stress
// tensor in GPa, "Total magnetization (exact up - dn):", the SCF steps ("ETOT n" lines), the
// last "Eigenvalues (hartree)" table and "Calculation completed."; and the DOS file (prtdos 1).
#include <fmt/format.h>

#include <cmath>
#include <numbers>

#include "calc/outputs.hpp"
#include "calc/text_scan.hpp"
#include "calc/units.hpp"
#include "util/error.hpp"

namespace pb::calc {

CalcResult parse_abinit_output(std::string_view text, const std::string& source) {
  CalcResult r;
  r.code = "abinit";
  r.source = source;
  LineScanner lines(text);
  std::string_view line;
  std::array<Vec3, 3> lattice{};  // Bohr
  bool have_lattice = false;
  BandData bands;
  std::vector<Vec3> reduced;
  bool gs_converged = false;
  int steps = 0;  // "ETOT" lines of the current SCF cycle
  while (lines.next(line)) {
    if (line.starts_with(" ETOT ")) {
      r.scf_steps = ++steps;
      continue;
    }
    if (line.starts_with("--- !BeginCycle")) steps = 0;
    if (contains(line, "natom") && !contains(line, "natom=") && r.natoms == 0) {
      auto v = scan_numbers(line);
      if (v.size() == 1 && trim(line).starts_with("natom")) r.natoms = static_cast<int>(v[0]);
    } else if (line.starts_with("lattice_vectors:")) {
      have_lattice = true;
      for (auto& row : lattice) {
        std::string_view l;
        auto v = lines.next(l) ? scan_numbers(l) : std::vector<double>{};
        if (v.size() != 3) {
          have_lattice = false;
          break;
        }
        row = {v[0], v[1], v[2]};
      }
    } else if (line.starts_with("etotal    :")) {
      if (auto v = number_after(line, ":")) r.energy_ev = *v * kHartreeEv;
    } else if (line.starts_with("fermie    :")) {
      if (auto v = number_after(line, ":")) r.fermi_ev = *v * kHartreeEv;
    } else if (contains(line, "Total magnetization (exact up - dn):")) {
      // Printed after every spin-polarised ground state: the last one is the final state.
      if (auto v = number_after(line, "dn):")) r.magnetization = *v;
    } else if (contains(line, "is converged")) {
      gs_converged = true;
    } else if (contains(line, "was not enough SCF cycles to converge")) {
      r.scf_not_converged = true;
    } else if (contains(line, "cartesian forces (eV/Angstrom) at end:")) {
      r.forces_ev_a.clear();
      std::string_view f;
      while (lines.next(f) && !contains(f, "frms")) {
        auto v = scan_numbers(f);
        if (v.size() >= 4) r.forces_ev_a.push_back({v[1], v[2], v[3]});
      }
    } else if (contains(line, "Cartesian components of stress tensor (GPa)")) {
      std::array<double, 9> st{};
      bool good = true;
      for (int row = 0; row < 3 && good; ++row) {
        std::string_view s;
        good = lines.next(s);
        // "- sigma(1 1)=  1.33E+00  sigma(3 2)=  0.00E+00": diagonal then off-diagonal.
        auto v = scan_numbers(s.substr(std::min(s.size(), s.find(")=") + 2)));
        std::size_t second = s.find(")=", s.find(")=") + 2);
        auto w = second == std::string_view::npos ? std::vector<double>{}
                                                  : scan_numbers(s.substr(second + 2));
        if (v.empty() || w.empty()) {
          good = false;
          break;
        }
        static constexpr int kOff[3][2] = {{2, 1}, {2, 0}, {1, 0}};  // (3 2), (3 1), (2 1)
        st[static_cast<std::size_t>(row * 4)] = v[0];
        auto [a, b] = std::pair{kOff[row][0], kOff[row][1]};
        st[static_cast<std::size_t>(a * 3 + b)] = st[static_cast<std::size_t>(b * 3 + a)] = w[0];
      }
      if (good) r.stress_gpa = st;
    } else if (contains(line, "Eigenvalues (hartree) for nkpt=")) {
      bool spin_down = contains(line, "SPIN DOWN");
      if (!spin_down) {
        bands = BandData{};
        reduced.clear();
      }
      bands.eigenvalues.emplace_back();
      auto& channel = bands.eigenvalues.back();
      std::string_view k;
      std::size_t nband = 0;
      std::vector<double>* current = nullptr;
      // Rows: "kpt#   1, nband=  5, wtk=  0.01563, kpt=  0.0000  0.0000  0.0000 (reduced coord)"
      // then the eigenvalues over as many lines as needed.
      while (lines.next(k)) {
        if (contains(k, "kpt#")) {
          auto nb = number_after(k, "nband=");
          auto wt = number_after(k, "wtk=");
          auto kv = scan_numbers(k.substr(std::min(k.size(), k.find("kpt=") + 4)));
          nband = nb ? static_cast<std::size_t>(std::max(0.0, std::min(*nb, 1e5))) : 0;
          channel.emplace_back();
          current = &channel.back();
          if (!spin_down && kv.size() >= 3) {
            reduced.push_back({kv[0], kv[1], kv[2]});
            bands.weights.push_back(wt.value_or(1));
          }
        } else if (current != nullptr && current->size() < nband) {
          auto v = scan_numbers(k);
          if (v.empty()) break;
          for (double e : v) current->push_back(e * kHartreeEv);
        } else {
          break;
        }
        if (contains(k, "prteigrs")) break;
      }
    } else if (contains(line, "Calculation completed.")) {
      r.completed = true;
    } else if (contains(line, "ERROR") && r.errors.size() < 10) {
      r.errors.emplace_back(trim(line));
    }
  }
  r.converged = gs_converged && !r.scf_not_converged;
  if (!reduced.empty() && have_lattice) {
    // Reciprocal vectors of the Bohr lattice, converted to 1/Å.
    const auto& a = lattice;
    auto cross = [](const Vec3& x, const Vec3& y) {
      return Vec3{x[1] * y[2] - x[2] * y[1], x[2] * y[0] - x[0] * y[2], x[0] * y[1] - x[1] * y[0]};
    };
    Vec3 bc = cross(a[1], a[2]);
    double vol = a[0][0] * bc[0] + a[0][1] * bc[1] + a[0][2] * bc[2];
    if (std::abs(vol) > 1e-12) {
      std::array<Vec3, 3> rec{cross(a[1], a[2]), cross(a[2], a[0]), cross(a[0], a[1])};
      for (const auto& f : reduced) {
        Vec3 c{};
        for (std::size_t i = 0; i < 3; ++i) {
          for (std::size_t j = 0; j < 3; ++j) {
            c[j] += f[i] * rec[i][j] * 2 * std::numbers::pi / vol / kBohrAngstrom;
          }
        }
        bands.kpoints.push_back(c);
      }
      bool consistent = true;
      for (const auto& s : bands.eigenvalues)
        consistent = consistent && s.size() == bands.kpoints.size();
      if (consistent) r.bands = std::move(bands);
    }
  }
  return r;
}

Dos parse_abinit_dos(std::string_view text, const std::string& source) {
  // "#                Spin-up DOS" (or no header without spin) then rows "energy(Ha) dos(/Ha)
  // integrated dos(tsmear/2) dos(tsmear*2)"; "Spin-dn DOS" starts the second channel.
  Dos d;
  LineScanner lines(text);
  std::string_view line;
  bool header = false;
  std::size_t channel = 0;
  std::vector<double>* current = nullptr;
  auto fail = [&](std::string message, std::string hint = {}) {
    throw ParseError({source, lines.line_number(), 0}, std::move(message), std::move(hint));
  };
  while (lines.next(line)) {
    std::string_view t = trim(line);
    if (t.empty()) continue;
    if (t.starts_with("#")) {
      if (contains(t, "ABINIT package : DOS file")) header = true;
      if (contains(t, "Spin-dn DOS")) {
        if (d.total.empty()) fail("spin-down DOS before any spin-up one");
        channel = 1;
        current = nullptr;
      }
      continue;
    }
    if (!header) fail("no '# ABINIT package : DOS file' header", "is this an ABINIT _DOS file?");
    auto v = scan_numbers(t);
    if (v.size() < 2 || !std::isfinite(v[0]) || !std::isfinite(v[1])) {
      fail("expected 'energy dos ...' numbers");
    }
    if (current == nullptr) {
      if (d.total.size() != channel) fail("DOS channel out of order");
      current = &d.total.emplace_back();
    }
    std::size_t i = current->size();
    double e = v[0] * kHartreeEv;
    if (channel == 0) {
      d.energies_ev.push_back(e);
    } else if (i >= d.energies_ev.size() || std::abs(d.energies_ev[i] - e) > 1e-3) {
      fail("spin-down energies differ from the spin-up ones");
    }
    current->push_back(v[1] / kHartreeEv);
  }
  if (d.total.empty() || d.energies_ev.size() < 2) fail("no DOS values");
  if (d.total.size() == 2 && d.total[1].size() != d.total[0].size()) {
    fail(fmt::format("the spin-down DOS has {} points, the spin-up one {}", d.total[1].size(),
                     d.total[0].size()));
  }
  return d;
}

}  // namespace pb::calc
