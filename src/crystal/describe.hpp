#pragma once
/// Derived values of a structure in one place: composition fields, volume, density, formula
/// units Z, symmetry (spglib), Wyckoff sequence, coordination, and the structure-type
/// fingerprint that substance identity compares.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "crystal/neighbours.hpp"
#include "crystal/structure.hpp"
#include "crystal/symmetry.hpp"

namespace pb::crystal {

/// What `describe` works out; symmetry is empty when spglib finds none (error kept).
struct Description {
  std::string formula_reduced;        ///< human order, "LiNbO3"
  std::string formula_optimade;       ///< OPTIMADE chemical_formula_reduced, "LiNbO3" alphabetical
  std::string formula_anonymous;      ///< OPTIMADE, "A3BC"
  std::string formula_cell;           ///< the whole cell, decimals where occupancies are partial
  std::vector<std::string> elements;  ///< alphabetical, as OPTIMADE `elements`
  std::size_t nsites = 0;
  bool disordered = false;
  double volume = 0;           ///< Å³
  double volume_per_atom = 0;  ///< Å³ per atom (occupancy-weighted count)
  double density = 0;          ///< g/cm³
  double z = 0;                ///< formula units of the reduced formula in the cell
  std::optional<SymmetryInfo> symmetry;
  std::string symmetry_error;
  std::string wyckoff_sequence;
  /// "<space group>|<Pearson>|<Wyckoff sequence>|<anonymous formula>", e.g. "225|cF8|ba|AB".
  std::string structure_type;
  double min_distance = 0;  ///< shortest interatomic distance (Å), 0 for one atom in a big cell
  /// Mean coordination number of each element's sites, e.g. {"Na": 6, "Cl": 6}.
  std::map<std::string, double> coordination;
};

/// Works out every derived value. `formula_units_of`, when given (the published
/// _chemical_formula_sum), defines Z by its reduced formula instead of the cell's.
Description describe(const Structure& s, const SymmetryOptions& symmetry = {},
                     const NeighbourOptions& neighbours = {},
                     const chem::Composition* formula_units_of = nullptr);

/// The structure-type fingerprint alone (cheaper: no neighbours).
std::string structure_type(const SymmetryInfo& symmetry, const chem::Composition& cell);

}  // namespace pb::crystal
