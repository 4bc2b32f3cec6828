#pragma once
/// Interatomic distances and coordination numbers under periodic boundary conditions.
///
/// Cutoff rule (the one of pymatgen's MinimumDistanceNN): the neighbours of a site are the sites
/// within (1 + tolerance) * d_min, where d_min is that site's shortest distance to any other
/// site (or its own periodic image); the coordination number is their count. Sites are counted
/// once whatever their occupancy, so a disordered site counts as one neighbour. Two partially
/// occupied sites closer than `exclusion` times the sum of their covalent radii are alternative
/// positions of one atom (split sites), not neighbours, and are skipped.
#include <vector>

#include "crystal/structure.hpp"

namespace pb::crystal {

/// Sites are first looked for within this distance (Å), further only when needed.
inline constexpr double kFirstSearchRadius = 4.0;

/// The parameters of the cutoff rule, declared once with their defaults.
struct NeighbourOptions {
  /// Relative width of the first shell: pymatgen's MinimumDistanceNN uses 0.1.
  double tolerance = 0.1;
  /// Sites are never looked for beyond this distance (Å).
  double max_distance = 6.0;
  /// Split-site rule: fraction of the summed covalent radii below which two partially
  /// occupied sites exclude each other (0.5: Li split sites at 0.2 Å go, O-H at 0.96 Å stays).
  double exclusion = 0.5;
};

/// One neighbour of a site: which site, how far (Å), and the lattice translation of the image.
struct Neighbour {
  std::size_t site = 0;
  double distance = 0;
  std::array<int, 3> image{};
};

/// Every site within `radius` Å of site `i` (itself excluded, its images included), nearest first.
std::vector<Neighbour> neighbours_within(const Structure& s, std::size_t i, double radius);

/// The first coordination shell of each site under the cutoff rule above.
struct Coordination {
  double nearest = 0;  ///< d_min (Å); 0 when nothing lies within max_distance
  std::vector<Neighbour> shell;
};
std::vector<Coordination> coordination(const Structure& s, const NeighbourOptions& options = {});

}  // namespace pb::crystal
