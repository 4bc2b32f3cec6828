#pragma once
/// Acoustic properties of a material and the two classic models of phonon transport across an
/// interface: the acoustic mismatch model (AMM) and the diffuse mismatch model (DMM), in their
/// Debye, one-averaged-branch, high-temperature form (Swartz & Pohl, Rev. Mod. Phys. 61, 605
/// (1989)). docs/ml.md gives the formulas and their limits.
#include <span>
#include <utility>

namespace pb::ml {

/// Lindemann's relation θ_D = C sqrt(T_m / (M V^(2/3))) with M in g/mol and V in cm³/mol;
/// C = 137 reproduces Cu (330 K against 343 K measured).
inline constexpr double kLindemannConstant = 137.0;

/// What is known of one material; NaN where not given. complete_acoustic fills the rest.
struct Acoustic {
  double mass_u;          ///< mean atomic mass, g/mol per atom
  double density;         ///< g/cm³
  double melting_point;   ///< K (atomic-fraction mean of the elements unless given)
  double debye;           ///< Debye temperature, K
  double velocity;        ///< Debye-averaged sound velocity, m/s
  double number_density;  ///< atoms per nm³
};

/// Fills every NaN field: mass and melting point from the elements, density from the DFT volume
/// per atom of the elements (Vegard-like), Debye temperature from Lindemann's relation or from
/// the velocity, velocity from the Debye temperature, v = (k_B θ_D / ħ) (6π² n)^(-1/3).
Acoustic complete_acoustic(std::span<const std::pair<int, double>> fractions, Acoustic known);

/// Transmission coefficients and conductances of an interface.
struct Mismatch {
  double amm_transmission;  ///< 4 Z_a Z_b / (Z_a + Z_b)², Z = ρ v (normal incidence)
  double dmm_transmission;  ///< from the softer side s to the other o: v_s² / (v_s² + v_o²)
  double amm_conductance;   ///< MW m⁻² K⁻¹, high-temperature limit
  double dmm_conductance;   ///< MW m⁻² K⁻¹, high-temperature limit
};

/// h = ¼ · 3 n_s k_B · v_s · τ from the side s with the lower Debye temperature (all of its modes
/// find partners on the other side), τ the AMM or DMM transmission from s.
Mismatch mismatch(const Acoustic& a, const Acoustic& b);

}  // namespace pb::ml
