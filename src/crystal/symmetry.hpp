#pragma once
/// Symmetry through spglib (a thin layer, as ARCHITECTURE.md §6 asks): space group, Hall
/// symbol, Wyckoff letters, Pearson symbol; and space-group operations from a symbol.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crystal/structure.hpp"
#include "crystal/symop.hpp"

namespace pb::crystal {

/// A cell as spglib sees it: lattice vectors (rows, Å), fractional positions, integer types.
struct TypedCell {
  std::array<Vec3, 3> vectors{};
  std::vector<Vec3> positions;
  std::vector<int> types;
};

/// One type per distinct occupant set, so disordered sites keep their own symmetry.
TypedCell typed_cell(const Structure& s);

/// Tolerances of the analysis (spglib's symprec in Å; angle tolerance in degrees, -1 = spglib's
/// own choice). pymatgen's SpacegroupAnalyzer uses symprec 0.01 by default; spglib 1e-5.
struct SymmetryOptions {
  double symprec = 1e-3;
  double angle_tolerance = -1;
};

/// What spglib finds.
struct SymmetryInfo {
  int number = 0;              ///< International Tables number, 1..230
  int hall_number = 0;         ///< spglib's 1..530 setting index
  std::string international;   ///< e.g. "Fm-3m"
  std::string hall;            ///< e.g. "-F 4 2 3"
  std::string crystal_system;  ///< triclinic ... cubic
  std::string pearson;         ///< e.g. "cF8" (atoms in the conventional cell)
  std::string point_group;
  int operations = 0;
  std::vector<char> wyckoffs;                ///< per input position
  std::vector<std::string> site_symmetries;  ///< per input position, e.g. "m-3m"
  std::vector<int> equivalent_atoms;         ///< per input position: first atom of its orbit

  /// Wyckoff sequence as in Pearson's and Villars' tables: one letter per orbit, from the
  /// last letter of the alphabet to the first, with a count for repeats ("e2dca", NaCl "ba").
  std::string wyckoff_sequence() const;
};

/// Analyses a cell; nullopt (with spglib's message in `error`) when spglib finds nothing.
std::optional<SymmetryInfo> analyse_symmetry(const TypedCell& cell,
                                             const SymmetryOptions& options = {},
                                             std::string* error = nullptr);

/// The crystal system of a space-group number.
std::string_view crystal_system(int number);

/// spglib's setting index for a Hall symbol ("-P 2ybc"), or nullopt.
std::optional<int> hall_number_from_hall(std::string_view symbol);
/// spglib's setting index for a Hermann–Mauguin symbol ("P 21/c", "F m -3 m", "R -3 :H"), or
/// nullopt. Never matched against Hall symbols: "P 42" (P4_2) is not the Hall "P 4 2" (P422).
std::optional<int> hall_number_from_hm(std::string_view symbol);

/// The International Tables number of a setting (hall_number 1..530).
int number_of(int hall_number);
/// The full Hermann–Mauguin symbol of a setting, e.g. "P 1 2 1" (spglib's spelling, "_" removed).
std::string setting_name(int hall_number);
/// The short Hermann–Mauguin symbol of a setting with its choice, as CIFs write it:
/// "F m -3 m", "R -3 c :H", "P 1 21/c 1" (spglib's spelling, "_" removed).
std::string hm_symbol(int hall_number);

/// The operations of a setting (hall_number 1..530).
std::vector<SymOp> operations_of(int hall_number);

}  // namespace pb::crystal
