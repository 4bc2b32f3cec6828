// VASP outputs. vasprun.xml: the <calculation> blocks (energies in eV, forces eV/Å, stress kB),
// <eigenvalues> sets per spin and k-point (eigenvalue, occupation), <dos> efermi and the total
// DOS VASP computed, rec_basis in 1/Å without 2π. OUTCAR:
// the fixed phrases "free  energy   TOTEN", "E-fermi", "TOTAL-FORCE", "in kB", "magnetization".
#include <fmt/format.h>

#include <cmath>
#include <numbers>
#include <pugixml.hpp>

#include "calc/outputs.hpp"
#include "calc/text_scan.hpp"
#include "util/error.hpp"

namespace pb::calc {

namespace {

pugi::xml_node named(const pugi::xml_node& parent, const char* tag, std::string_view name) {
  for (pugi::xml_node n : parent.children(tag)) {
    if (name == n.attribute("name").value()) return n;
  }
  return {};
}

std::vector<std::vector<double>> varray(const pugi::xml_node& v) {
  std::vector<std::vector<double>> rows;
  for (pugi::xml_node row : v.children("v")) rows.push_back(scan_numbers(row.child_value()));
  return rows;
}

// Stress as VASP prints it is -σ in kB (its "pressure" is the trace / 3).
std::optional<std::array<double, 9>> stress_from_rows(
    const std::vector<std::vector<double>>& rows) {
  if (rows.size() != 3) return std::nullopt;
  std::array<double, 9> st{};
  for (std::size_t i = 0; i < 3; ++i) {
    if (rows[i].size() != 3) return std::nullopt;
    for (std::size_t j = 0; j < 3; ++j) st[i * 3 + j] = -rows[i][j] / 10;
  }
  return st;
}

}  // namespace

CalcResult parse_vasprun(std::string_view text, const std::string& source) {
  pugi::xml_document doc;
  pugi::xml_parse_result ok = doc.load_buffer(text.data(), text.size());
  CalcResult r;
  r.code = "vasp";
  r.source = source;
  if (!ok) {
    throw ParseError({source, 0, 0},
                     fmt::format("not well-formed XML at byte {}: {} (a run cut short leaves "
                                 "vasprun.xml unclosed)",
                                 ok.offset, ok.description()));
  }
  pugi::xml_node root = doc.child("modeling");
  if (!root) throw ParseError({source, 0, 0}, "no <modeling> element", "is this a vasprun.xml?");
  r.completed = true;
  r.natoms = std::atoi(root.child("atominfo").child_value("atoms"));
  pugi::xml_node params = root.child("parameters");
  int nelm = 60;
  int ismear = 1;
  for (pugi::xml_node sep : params.children("separator")) {
    for (pugi::xml_node sub : sep.children("separator")) {
      if (auto n = named(sub, "i", "NELM")) nelm = std::atoi(n.child_value());
    }
    if (auto n = named(sep, "i", "NELECT")) {
      auto v = scan_numbers(n.child_value());
      if (!v.empty()) r.nelec = v[0];
    }
    if (auto n = named(sep, "i", "ISMEAR")) ismear = std::atoi(n.child_value());
  }
  pugi::xml_node last;
  for (pugi::xml_node c : root.children("calculation")) last = c;
  if (last) {
    int steps = 0;
    for ([[maybe_unused]] pugi::xml_node s : last.children("scstep")) ++steps;
    r.scf_steps = steps;
    r.scf_not_converged = steps >= nelm;
    r.converged = steps > 0 && steps < nelm;
    if (auto e = named(last.child("energy"), "i", "e_fr_energy")) {
      auto v = scan_numbers(e.child_value());
      if (!v.empty()) r.energy_ev = v[0];
    }
    for (const auto& f : varray(named(last, "varray", "forces"))) {
      if (f.size() == 3) r.forces_ev_a.push_back({f[0], f[1], f[2]});
    }
    r.stress_gpa = stress_from_rows(varray(named(last, "varray", "stress")));
    if (auto ef = named(last.child("dos"), "i", "efermi")) {
      auto v = scan_numbers(ef.child_value());
      if (!v.empty()) r.fermi_ev = v[0];
    }
    // The total DOS as VASP wrote it: rows "energy total integrated" per spin channel.
    if (pugi::xml_node tot = last.child("dos").child("total").child("array").child("set")) {
      Dos d;
      bool consistent = true;
      for (pugi::xml_node spin : tot.children("set")) {
        std::vector<double> energies, values;
        for (pugi::xml_node row : spin.children("r")) {
          auto v = scan_numbers(row.child_value());
          if (v.size() < 2) continue;
          energies.push_back(v[0]);
          values.push_back(v[1]);
        }
        if (d.total.empty()) d.energies_ev = std::move(energies);
        consistent = consistent && values.size() == d.energies_ev.size();
        d.total.push_back(std::move(values));
      }
      if (consistent && !d.energies_ev.empty()) r.dos = std::move(d);
    }
    pugi::xml_node eig = last.child("eigenvalues").child("array").child("set");
    if (eig) {
      BandData b;
      // Occupations per spin, k-point and band (0..1 per channel when spin-polarised).
      std::vector<std::vector<std::vector<double>>> occupations;
      for (pugi::xml_node spin : eig.children("set")) {
        std::vector<std::vector<double>> ks, occ;
        for (pugi::xml_node k : spin.children("set")) {
          std::vector<double> e, o;
          for (pugi::xml_node row : k.children("r")) {
            auto v = scan_numbers(row.child_value());
            if (v.empty()) continue;
            e.push_back(v[0]);
            o.push_back(v.size() > 1 ? v[1] : 0);
          }
          ks.push_back(std::move(e));
          occ.push_back(std::move(o));
        }
        b.eigenvalues.push_back(std::move(ks));
        occupations.push_back(std::move(occ));
      }
      pugi::xml_node final_structure;
      for (pugi::xml_node x : root.children("structure")) final_structure = x;
      auto rec = varray(named(final_structure.child("crystal"), "varray", "rec_basis"));
      pugi::xml_node kp = root.child("kpoints");
      auto list = varray(named(kp, "varray", "kpointlist"));
      auto weights = varray(named(kp, "varray", "weights"));
      for (std::size_t i = 0; i < list.size(); ++i) {
        Vec3 c{};
        if (rec.size() == 3 && list[i].size() == 3) {
          for (std::size_t a = 0; a < 3; ++a) {
            for (std::size_t j = 0; j < 3 && rec[a].size() == 3; ++j) {
              c[j] += list[i][a] * rec[a][j] * 2 * std::numbers::pi;
            }
          }
        }
        b.kpoints.push_back(c);
        b.weights.push_back(i < weights.size() && !weights[i].empty() ? weights[i][0] : 1.0);
      }
      bool consistent = !b.eigenvalues.empty();
      for (const auto& s : b.eigenvalues) consistent = consistent && s.size() == b.kpoints.size();
      // Spin-polarised: the moment per cell is the weighted sum of up minus down occupations
      // (what OUTCAR prints as "magnetization"; vasprun.xml holds no total of its own).
      if (consistent && occupations.size() == 2) {
        double wsum = 0, moment = 0;
        for (double w : b.weights) wsum += w;
        for (std::size_t k = 0; k < b.kpoints.size() && wsum > 0; ++k) {
          const auto& up = occupations[0][k];
          const auto& down = occupations[1][k];
          double net = 0;
          for (std::size_t n = 0; n < std::min(up.size(), down.size()); ++n) net += up[n] - down[n];
          moment += b.weights[k] / wsum * net;
        }
        if (wsum > 0) r.magnetization = moment;
      }
      if (consistent) r.bands = std::move(b);
    }
  }
  r.fixed_occupations = ismear == -5 && false;  // tetrahedra: the Fermi level decides
  return r;
}

CalcResult parse_outcar(std::string_view text, const std::string& source) {
  CalcResult r;
  r.code = "vasp";
  r.source = source;
  LineScanner lines(text);
  std::string_view line;
  int nelm = 60, iterations_in_step = 0;
  while (lines.next(line)) {
    if (contains(line, "NIONS =")) {
      if (auto v = number_after(line, "NIONS =")) r.natoms = static_cast<int>(*v);
    } else if (contains(line, "NELM   =")) {
      if (auto v = number_after(line, "NELM   =")) nelm = static_cast<int>(*v);
    } else if (contains(line, "NELECT =")) {
      if (auto v = number_after(line, "NELECT =")) r.nelec = *v;
    } else if (contains(line, "Iteration") && contains(line, "(")) {
      // "----- Iteration      1(   1)  -----": ionic step, electronic step.
      auto v = scan_numbers(line.substr(line.find("Iteration") + 9));
      if (v.size() >= 2) iterations_in_step = static_cast<int>(v[1]);
      r.scf_steps = iterations_in_step;
    } else if (contains(line, "free  energy   TOTEN")) {
      if (auto v = number_after(line, "=")) r.energy_ev = *v;
    } else if (contains(line, "E-fermi :")) {
      if (auto v = number_after(line, "E-fermi :")) r.fermi_ev = *v;
    } else if (contains(line, "number of electron") && contains(line, "magnetization")) {
      if (auto v = number_after(line, "magnetization")) r.magnetization = *v;
    } else if (contains(line, "TOTAL-FORCE (eV/Angst)")) {
      r.forces_ev_a.clear();
      std::string_view f;
      lines.next(f);  // dashes
      while (lines.next(f) && !contains(f, "----")) {
        auto v = scan_numbers(f);
        if (v.size() >= 6) r.forces_ev_a.push_back({v[3], v[4], v[5]});
      }
    } else if (contains(line, "in kB")) {
      // XX YY ZZ XY YZ ZX, printed as -σ.
      auto v = scan_numbers(line.substr(line.find("kB") + 2));
      if (v.size() >= 6) {
        r.stress_gpa =
            std::array<double, 9>{-v[0] / 10, -v[3] / 10, -v[5] / 10, -v[3] / 10, -v[1] / 10,
                                  -v[4] / 10, -v[5] / 10, -v[4] / 10, -v[2] / 10};
      }
    } else if (contains(line, "General timing and accounting informations")) {
      r.completed = true;
    } else if (contains(line, "aborting loop because EDIFF is reached")) {
      r.converged = true;
    }
  }
  if (r.scf_steps >= nelm && !r.converged) r.scf_not_converged = true;
  return r;
}

}  // namespace pb::calc
