#pragma once
/// Extended XYZ (the ASE / QUIP convention): per frame an atom count, a comment line of
/// key=value pairs with `Lattice="ax ay az bx by bz cx cy cz"` and
/// `Properties=species:S:1:pos:R:3[:...]`, then one row per atom with Cartesian positions (Å).
#include <string>
#include <vector>

#include "crystal/structure.hpp"

namespace pb::crystal {

/// Every frame of an extended XYZ text; throws pb::ParseError (file:line:col) on the first bad
/// frame. Frames without a Lattice are refused: Phasebook keeps periodic structures only.
std::vector<Structure> read_xyz(const std::string& text, const std::string& source = {});

/// One frame. Throws pb::InvalidArgument for partially occupied sites.
std::string write_xyz(const Structure& s);

}  // namespace pb::crystal
