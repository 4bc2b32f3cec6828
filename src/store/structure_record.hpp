#pragma once
/// A stored structure back as a crystal::Structure, for CIF/POSCAR/OPTIMADE output of database
/// entries (`phasebook export`, the HTTP API).
#include "crystal/structure.hpp"
#include "store/repositories.hpp"

namespace pb::store {

/// The lattice from the stored vectors and every site with its species, occupancies (as
/// decimals) and labels; the name is the source block, else the source file.
crystal::Structure to_structure(const StructureRecord& r);

}  // namespace pb::store
