#pragma once
/// Other cells of the same crystal, through spglib: the conventional standard cell, the
/// primitive cell, and Niggli reduction. Disordered sites keep their occupants: every distinct
/// set of occupants is one atom type for spglib, so disorder lowers the symmetry it sees.
#include "crystal/structure.hpp"
#include "crystal/symmetry.hpp"

namespace pb::crystal {

/// The conventional standard cell of International Tables (spglib's standardisation, positions
/// idealised to the symmetry found at `options.symprec`). Throws pb::InvalidArgument when spglib
/// finds no symmetry (overlapping atoms, degenerate lattice).
Structure conventional_cell(const Structure& s, const SymmetryOptions& options = {});

/// The primitive cell in spglib's standard orientation, positions idealised.
Structure primitive_cell(const Structure& s, const SymmetryOptions& options = {});

/// The same atoms in the Niggli-reduced cell of the lattice (no symmetry idealisation);
/// positions wrapped into [0, 1).
Structure niggli_cell(const Structure& s, double symprec = 1e-5);

}  // namespace pb::crystal
