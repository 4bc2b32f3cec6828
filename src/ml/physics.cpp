#include "ml/physics.hpp"

#include <cmath>
#include <numbers>

#include "chem/element.hpp"

namespace pb::ml {

namespace {

constexpr double kBoltzmann = 1.380649e-23;  // J/K
constexpr double kHbar = 1.054571817e-34;    // J s
constexpr double kAvogadro = 6.02214076e23;  // 1/mol
constexpr double kAngstrom3PerCm3 = 1e24;    // Å³ in a cm³

double fraction_mean(std::span<const std::pair<int, double>> fractions, chem::ElementProperty p) {
  double s = 0;
  for (auto [z, f] : fractions) s += f * chem::find_element(z)->get(p);
  return s;
}

}  // namespace

Acoustic complete_acoustic(std::span<const std::pair<int, double>> fractions, Acoustic k) {
  using chem::ElementProperty;
  if (std::isnan(k.mass_u)) k.mass_u = fraction_mean(fractions, ElementProperty::kAtomicMass);
  if (std::isnan(k.melting_point)) {
    k.melting_point = fraction_mean(fractions, ElementProperty::kMeltingPoint);
  }
  if (std::isnan(k.density)) {
    double volume = fraction_mean(fractions, ElementProperty::kGsVolumePerAtom);  // Å³/atom
    k.density = k.mass_u / kAvogadro / (volume / kAngstrom3PerCm3);
  }
  // atoms per nm³ = ρ N_A / M, with ρ in g/nm³
  k.number_density = k.density * 1e-21 * kAvogadro / k.mass_u;
  double n_m3 = k.number_density * 1e27;
  double debye_to_velocity =
      kBoltzmann / kHbar * std::pow(6 * std::numbers::pi * std::numbers::pi * n_m3, -1.0 / 3.0);
  if (std::isnan(k.debye) && !std::isnan(k.velocity)) k.debye = k.velocity / debye_to_velocity;
  if (std::isnan(k.debye)) {
    double molar_volume = k.mass_u / k.density;  // cm³ per mole of atoms
    k.debye = kLindemannConstant *
              std::sqrt(k.melting_point / (k.mass_u * std::pow(molar_volume, 2.0 / 3.0)));
  }
  if (std::isnan(k.velocity)) k.velocity = k.debye * debye_to_velocity;
  return k;
}

Mismatch mismatch(const Acoustic& a, const Acoustic& b) {
  const Acoustic& s = a.debye <= b.debye ? a : b;  // the emitting side
  const Acoustic& o = &s == &a ? b : a;
  double za = s.density * s.velocity, zb = o.density * o.velocity;
  Mismatch m{};
  m.amm_transmission = 4 * za * zb / ((za + zb) * (za + zb));
  // Debye DMM with one averaged branch: α(s→o) = v_o⁻² / (v_s⁻² + v_o⁻²) = v_s² / (v_s² + v_o²).
  m.dmm_transmission =
      s.velocity * s.velocity / (s.velocity * s.velocity + o.velocity * o.velocity);
  double flux = 0.25 * 3 * s.number_density * 1e27 * kBoltzmann * s.velocity;  // W m⁻² K⁻¹
  m.amm_conductance = flux * m.amm_transmission * 1e-6;
  m.dmm_conductance = flux * m.dmm_transmission * 1e-6;
  return m;
}

}  // namespace pb::ml
