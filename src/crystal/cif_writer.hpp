#pragma once
/// CIF output: the whole cell in P 1 (every site, occupancies and oxidation states kept), or
/// symmetrised: the asymmetric unit of the conventional standard cell with its operations.
/// Reading the output back gives the same structure within the printed precision (1e-6).
#include <string>

#include "crystal/structure.hpp"
#include "crystal/symmetry.hpp"

namespace pb::crystal {

/// How to write.
struct CifWriteOptions {
  /// Write the asymmetric unit and operations of the symmetry spglib finds at `symprec`.
  bool symmetrize = false;
  SymmetryOptions symmetry;
};

/// The structure as one CIF data block named after `s.name` (or "structure").
std::string write_cif(const Structure& s, const CifWriteOptions& options = {});

}  // namespace pb::crystal
