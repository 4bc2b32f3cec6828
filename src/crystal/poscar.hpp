#pragma once
/// VASP POSCAR/CONTCAR files: VASP 4 (no species line) and 5, Direct or Cartesian, scale factor
/// or volume (negative scale), selective dynamics, "# Na1" comments after coordinates.
#include <string>
#include <vector>

#include "crystal/structure.hpp"
#include "crystal/symmetry.hpp"

namespace pb::crystal {

/// What a POSCAR says, species names included only when it gives them.
struct Poscar {
  std::string comment;
  std::array<Vec3, 3> vectors{};   ///< scaled, Å
  std::vector<std::string> names;  ///< per type; empty for VASP 4 without usable comments
  std::vector<int> counts;         ///< atoms per type
  std::vector<Vec3> positions;     ///< fractional
  bool selective_dynamics = false;

  /// The cell for symmetry analysis (types 1, 2, ... in the order of the counts).
  TypedCell typed_cell() const;
  /// The structure; throws pb::InvalidArgument when the species are not known.
  Structure structure() const;
};

/// Parses POSCAR text; throws pb::ParseError with file:line.
Poscar read_poscar(const std::string& text, const std::string& source = {});

/// VASP 5 POSCAR text (species line, Direct coordinates), atoms grouped by element in order of
/// first appearance. Throws pb::InvalidArgument for partially occupied sites, which VASP cannot
/// represent.
std::string write_poscar(const Structure& s);

}  // namespace pb::crystal
