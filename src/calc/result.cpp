#include "calc/result.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace pb::calc {

Gap band_gap(const BandData& bands, double fermi_ev, double tolerance_ev) {
  Gap g;
  double vbm = -std::numeric_limits<double>::infinity();
  double cbm = std::numeric_limits<double>::infinity();
  std::size_t nk = bands.kpoints.size();
  for (const auto& spin : bands.eigenvalues) {
    std::size_t nb = spin.empty() ? 0 : spin[0].size();
    for (std::size_t b = 0; b < nb; ++b) {
      bool below = false, above = false;
      for (std::size_t k = 0; k < spin.size() && k < std::max<std::size_t>(nk, spin.size()); ++k) {
        if (b >= spin[k].size()) continue;
        double e = spin[k][b];
        if (e <= fermi_ev + tolerance_ev) {
          below = true;
          if (e > vbm) {
            vbm = e;
            g.vbm_k = k;
          }
        } else {
          above = true;
          if (e < cbm) {
            cbm = e;
            g.cbm_k = k;
          }
        }
      }
      // A band on both sides counts as crossing only when it reaches well past the level.
      if (below && above) {
        double lo = std::numeric_limits<double>::infinity(), hi = -lo;
        for (const auto& kb : spin) {
          if (b < kb.size()) {
            lo = std::min(lo, kb[b]);
            hi = std::max(hi, kb[b]);
          }
        }
        if (lo < fermi_ev - tolerance_ev && hi > fermi_ev + tolerance_ev) g.metal = true;
      }
    }
  }
  if (g.metal || !std::isfinite(vbm) || !std::isfinite(cbm)) {
    g.metal = true;
    g.gap_ev = 0;
    return g;
  }
  g.vbm_ev = vbm;
  g.cbm_ev = cbm;
  g.gap_ev = cbm - vbm;
  g.direct = g.vbm_k == g.cbm_k;
  return g;
}

Gap band_gap_by_filling(const BandData& bands, double nelec) {
  Gap g;
  auto filled = static_cast<std::size_t>(std::llround(nelec / 2));
  if (bands.eigenvalues.size() != 1 || filled == 0) {
    g.metal = true;
    return g;
  }
  const auto& spin = bands.eigenvalues[0];
  g.vbm_ev = -std::numeric_limits<double>::infinity();
  g.cbm_ev = std::numeric_limits<double>::infinity();
  for (std::size_t k = 0; k < spin.size(); ++k) {
    if (spin[k].size() < filled) {
      g.metal = true;
      return g;
    }
    if (spin[k][filled - 1] > g.vbm_ev) {
      g.vbm_ev = spin[k][filled - 1];
      g.vbm_k = k;
    }
    if (spin[k].size() > filled && spin[k][filled] < g.cbm_ev) {
      g.cbm_ev = spin[k][filled];
      g.cbm_k = k;
    }
  }
  if (!std::isfinite(g.cbm_ev) || g.cbm_ev <= g.vbm_ev) {
    g.metal = true;
    g.gap_ev = 0;
    return g;
  }
  g.gap_ev = g.cbm_ev - g.vbm_ev;
  g.direct = g.vbm_k == g.cbm_k;
  return g;
}

std::optional<Gap> result_gap(const CalcResult& r) {
  if (!r.bands) return std::nullopt;
  if (r.fixed_occupations && r.nelec && r.bands->eigenvalues.size() == 1) {
    // Without an empty band (pw.x scf computes only the filled ones) there is no gap to give.
    auto filled = static_cast<std::size_t>(std::llround(*r.nelec / 2));
    for (const auto& k : r.bands->eigenvalues[0]) {
      if (k.size() <= filled) return std::nullopt;
    }
    Gap g = band_gap_by_filling(*r.bands, *r.nelec);
    if (!g.metal || !r.fermi_ev) return g;
  }
  if (!r.fermi_ev) return std::nullopt;
  return band_gap(*r.bands, *r.fermi_ev);
}

Dos density_of_states(const BandData& bands, double sigma_ev, std::size_t points) {
  Dos d;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& spin : bands.eigenvalues) {
    for (const auto& k : spin) {
      for (double e : k) {
        lo = std::min(lo, e);
        hi = std::max(hi, e);
      }
    }
  }
  if (!std::isfinite(lo) || points < 2) return d;
  lo -= 5 * sigma_ev;
  hi += 5 * sigma_ev;
  double step = (hi - lo) / static_cast<double>(points - 1);
  for (std::size_t i = 0; i < points; ++i)
    d.energies_ev.push_back(lo + step * static_cast<double>(i));
  double wsum = 0;
  for (double w : bands.weights) wsum += w;
  // Each spin channel holds one electron per state; without spin a state holds two.
  double degeneracy = bands.eigenvalues.size() == 1 ? 2 : 1;
  double norm = 1 / (sigma_ev * std::sqrt(2 * std::numbers::pi));
  for (const auto& spin : bands.eigenvalues) {
    std::vector<double> dos(points, 0);
    for (std::size_t k = 0; k < spin.size(); ++k) {
      double w = k < bands.weights.size() && wsum > 0 ? bands.weights[k] / wsum
                                                      : 1.0 / static_cast<double>(spin.size());
      for (double e : spin[k]) {
        // Only the points within 6 sigma contribute noticeably.
        auto first = static_cast<std::ptrdiff_t>(std::floor((e - 6 * sigma_ev - lo) / step));
        auto last = static_cast<std::ptrdiff_t>(std::ceil((e + 6 * sigma_ev - lo) / step));
        for (auto i = std::max<std::ptrdiff_t>(0, first);
             i <= std::min<std::ptrdiff_t>(static_cast<std::ptrdiff_t>(points) - 1, last); ++i) {
          double x = (d.energies_ev[static_cast<std::size_t>(i)] - e) / sigma_ev;
          dos[static_cast<std::size_t>(i)] += degeneracy * w * norm * std::exp(-0.5 * x * x);
        }
      }
    }
    d.total.push_back(std::move(dos));
  }
  return d;
}

nlohmann::json to_json(const CalcResult& r) {
  nlohmann::json j;
  j["code"] = r.code;
  j["source"] = r.source;
  j["completed"] = r.completed;
  j["converged"] = r.converged;
  j["scf_not_converged"] = r.scf_not_converged;
  j["walltime_exceeded"] = r.walltime_exceeded;
  j["scf_steps"] = r.scf_steps;
  j["natoms"] = r.natoms;
  j["energy_ev"] = r.energy_ev ? nlohmann::json(*r.energy_ev) : nlohmann::json();
  auto epa = r.energy_per_atom_ev();
  j["energy_per_atom_ev"] = epa ? nlohmann::json(*epa) : nlohmann::json();
  j["fermi_ev"] = r.fermi_ev ? nlohmann::json(*r.fermi_ev) : nlohmann::json();
  j["magnetization"] = r.magnetization ? nlohmann::json(*r.magnetization) : nlohmann::json();
  j["forces_ev_a"] = r.forces_ev_a;
  j["stress_gpa"] = r.stress_gpa ? nlohmann::json(*r.stress_gpa) : nlohmann::json();
  j["nelec"] = r.nelec ? nlohmann::json(*r.nelec) : nlohmann::json();
  j["fixed_occupations"] = r.fixed_occupations;
  j["errors"] = r.errors;
  if (r.dos) j["dos"] = {{"energies_ev", r.dos->energies_ev}, {"total", r.dos->total}};
  if (r.bands) {
    j["bands"] = {{"kpoints", r.bands->kpoints},
                  {"weights", r.bands->weights},
                  {"eigenvalues", r.bands->eigenvalues}};
    if (auto gap = result_gap(r)) {
      const Gap& g = *gap;
      j["gap"] = {{"gap_ev", g.gap_ev}, {"metal", g.metal},   {"direct", g.direct},
                  {"vbm_ev", g.vbm_ev}, {"cbm_ev", g.cbm_ev}, {"vbm_k", g.vbm_k},
                  {"cbm_k", g.cbm_k}};
    }
  }
  return j;
}

CalcResult result_from_json(const nlohmann::json& j) {
  CalcResult r;
  r.code = j.value("code", "");
  r.source = j.value("source", "");
  r.completed = j.value("completed", false);
  r.converged = j.value("converged", false);
  r.scf_not_converged = j.value("scf_not_converged", false);
  r.walltime_exceeded = j.value("walltime_exceeded", false);
  r.scf_steps = j.value("scf_steps", 0);
  r.natoms = j.value("natoms", 0);
  auto opt = [&](const char* k) -> std::optional<double> {
    if (j.contains(k) && j[k].is_number()) return j[k].get<double>();
    return std::nullopt;
  };
  r.energy_ev = opt("energy_ev");
  r.fermi_ev = opt("fermi_ev");
  r.magnetization = opt("magnetization");
  if (j.contains("forces_ev_a")) r.forces_ev_a = j["forces_ev_a"].get<std::vector<Vec3>>();
  if (j.contains("stress_gpa") && j["stress_gpa"].is_array()) {
    r.stress_gpa = j["stress_gpa"].get<std::array<double, 9>>();
  }
  r.nelec = opt("nelec");
  r.fixed_occupations = j.value("fixed_occupations", false);
  if (j.contains("errors")) r.errors = j["errors"].get<std::vector<std::string>>();
  if (j.contains("dos") && j["dos"].is_object()) {
    Dos d;
    d.energies_ev = j["dos"]["energies_ev"].get<std::vector<double>>();
    d.total = j["dos"]["total"].get<std::vector<std::vector<double>>>();
    r.dos = std::move(d);
  }
  if (j.contains("bands")) {
    BandData b;
    b.kpoints = j["bands"]["kpoints"].get<std::vector<Vec3>>();
    b.weights = j["bands"]["weights"].get<std::vector<double>>();
    b.eigenvalues = j["bands"]["eigenvalues"].get<std::vector<std::vector<std::vector<double>>>>();
    r.bands = std::move(b);
  }
  return r;
}

}  // namespace pb::calc
