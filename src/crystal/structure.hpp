#pragma once
/// A crystal structure: a lattice and sites, each holding one or more species with their
/// occupancies (a disordered site holds several, as OPTIMADE `species` does).
#include <string>
#include <string_view>
#include <vector>

#include "chem/composition.hpp"
#include "crystal/lattice.hpp"

namespace pb::crystal {

/// One species on a site and its occupancy (exact where the file wrote a decimal).
struct Occupant {
  chem::Species species;
  chem::Number occupancy{1};
  std::string label;  ///< the _atom_site_label it came from
};

/// A position in the cell and what occupies it.
struct Site {
  Vec3 frac{};
  std::vector<Occupant> occupants;

  bool disordered() const;
  double total_occupancy() const;
};

/// Lattice plus sites of the full unit cell.
struct Structure {
  std::string name;
  Lattice lattice;
  std::vector<Site> sites;

  /// Species summed over the unit cell, weighted by occupancy.
  chem::Composition cell_composition() const;
  /// g/cm³ from the cell composition and volume.
  double density() const;
};

/// The element (and oxidation state) of an _atom_site_type_symbol or label: "Mn2+", "O2-",
/// "Li1", "FE"; throws pb::InvalidArgument when it names no element.
chem::Species parse_type_symbol(std::string_view text);

}  // namespace pb::crystal
