#pragma once
/// Whether two structures are the same crystal, as pymatgen's StructureMatcher decides it:
/// both reduced to primitive Niggli cells, volumes scaled to each other, every lattice of B
/// whose vectors match A's within the length and angle tolerances tried, and for each, the
/// translation that puts every site of A within the site tolerance of a site of B of the same
/// kind. When they differ the result says which test failed and by how much.
#include <string>
#include <vector>

#include "crystal/structure.hpp"
#include "crystal/symmetry.hpp"

namespace pb::crystal {

/// What makes two sites the same kind.
enum class Comparator {
  kSpecies,    ///< element, oxidation state and occupancy
  kElement,    ///< element and occupancy; oxidation states ignored
  kFramework,  ///< any site matches any site: only the arrangement counts
};

/// Tolerances, declared once with pymatgen's StructureMatcher defaults.
struct MatchOptions {
  double ltol = 0.2;           ///< fractional tolerance on lattice vector lengths
  double stol = 0.3;           ///< site tolerance in units of (V / nsites)^(1/3)
  double angle_tol = 5;        ///< degrees
  bool primitive_cell = true;  ///< reduce both to primitive cells first
  bool scale = true;           ///< scale B to the volume of A
  Comparator comparator = Comparator::kSpecies;
  /// Elements removed from both before comparing ("Li": the host framework of a Li conductor).
  std::vector<std::string> ignored_species;
  SymmetryOptions symmetry;  ///< for the primitive cells
};

/// The verdict and, when the structures differ, why.
struct MatchResult {
  bool match = false;
  std::string reason;       ///< empty when they match
  double rms = 0;           ///< RMS site displacement of the best mapping, in units of stol's
  double max_distance = 0;  ///< largest site displacement of the best mapping, same units
};

/// Compares two structures.
MatchResult compare_structures(const Structure& a, const Structure& b,
                               const MatchOptions& options = {});

/// Groups structures into classes of matching structures (each compared with the first member
/// of the classes that share its composition); indices into `structures`, in input order.
std::vector<std::vector<std::size_t>> group_structures(const std::vector<Structure>& structures,
                                                       const MatchOptions& options = {});

/// The parsed name of a comparator ("species", "element", "framework"); throws
/// pb::InvalidArgument otherwise.
Comparator comparator_from_name(const std::string& name);

}  // namespace pb::crystal
