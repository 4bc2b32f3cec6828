#pragma once
/// Miedema's semi-empirical model of the formation enthalpy of binary metallic solutions, from
/// the parameter table data/ml/miedema.csv (A. R. Miedema et al., Physica B+C 100, 1 (1980)).
#include <optional>
#include <span>
#include <utility>

namespace pb::ml {

/// Parameters of one element; nullptr from miedema_params when the table lacks it.
struct MiedemaParams {
  double molar_volume;  ///< cm³/mol
  double n_ws;          ///< electron density at the Wigner-Seitz cell boundary, d.u.
  double phi;           ///< φ*, V
  double a;             ///< volume-contraction constant
  double r_over_p;      ///< R/P of the hybridisation term
  bool transition;      ///< d- or f-block (P = 14.1 between two of them, 10.7 for none)
};

const MiedemaParams* miedema_params(int z);

/// Chemical formation enthalpy of the solid solution A(x) B(1-x), kJ per mole of atoms, with
/// surface fractions and Miedema's volume contraction; nullopt when a parameter is missing.
std::optional<double> miedema_enthalpy(int za, int zb, double xa);

/// Pair descriptor of two materials: the mean of the equiatomic enthalpies of all element
/// pairs (i from A, j from B) weighted by atomic fractions, over the pairs the table covers.
struct MiedemaPair {
  double enthalpy;  ///< kJ/mol; NaN when no pair is covered
  double coverage;  ///< weight (0..1) of the covered pairs
};
MiedemaPair miedema_pair(std::span<const std::pair<int, double>> a,
                         std::span<const std::pair<int, double>> b);

}  // namespace pb::ml
