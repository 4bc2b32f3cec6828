#pragma once
/// k-point meshes and band-structure paths.
#include <array>
#include <string>
#include <vector>

#include "crystal/structure.hpp"

namespace pb::calc {

/// A Monkhorst-Pack mesh.
struct KMesh {
  std::array<int, 3> n{1, 1, 1};
  bool gamma_centred = false;
};

/// The mesh of pymatgen's `Kpoints.automatic_density`: divisions inversely proportional to the
/// cell lengths with about `kppra` k-points per reciprocal atom; Γ-centred for hexagonal cells.
KMesh automatic_mesh(const crystal::Structure& s, int kppra);

/// Parses "4x4x4" (or "4 4 4"); throws pb::InvalidArgument otherwise.
KMesh parse_mesh(const std::string& text);

/// A labelled point in fractional coordinates of the reciprocal vectors of the cell it was
/// made for.
struct KLabel {
  std::string label;  ///< "G" for Γ, "X", ...
  crystal::Vec3 frac{};
};

/// A band-structure path through high-symmetry points for the standard primitive cell.
struct KPath {
  std::string lattice;  ///< Bravais lattice of the path ("cF", "hP", ...), or "generic"
  std::vector<std::vector<KLabel>> segments;  ///< continuous pieces, e.g. Γ-X-W | L-K
  crystal::Structure cell;                    ///< standard primitive cell the path is for

  /// Explicit points: about `density` per 1/Å along every segment, endpoints included.
  struct Point {
    crystal::Vec3 frac{};
    double distance = 0;  ///< along the path (1/Å), jumps between segments add nothing
    std::string label;    ///< at high-symmetry points
  };
  std::vector<Point> points(double density) const;
};

/// The path for a structure (spglib's standard primitive cell at symprec 1e-3): Setyawan and
/// Curtarolo (Comput. Mater. Sci. 49, 299 (2010)) for cP, cF, cI, tP, oP and hP; for other
/// lattices the generic path Γ-X-M... along the reciprocal axes (docs/calc.md).
KPath kpath(const crystal::Structure& s);

/// Reciprocal vectors (rows, 2π/Å included) of a lattice.
std::array<crystal::Vec3, 3> reciprocal_vectors(const crystal::Lattice& l);

}  // namespace pb::calc
