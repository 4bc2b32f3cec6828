#pragma once
/// The CIF semantic layer: from a data block to a Structure. The cell (with uncertainties),
/// symmetry operations (_space_group_symop_operation_xyz or _symmetry_equiv_pos_as_xyz, or the
/// DDLm dotted names), atom sites with type symbols, oxidation states and occupancies, and the
/// expansion of the asymmetric unit to the full cell.
#include <optional>
#include <string>
#include <vector>

#include "crystal/cif_syntax.hpp"
#include "crystal/measured.hpp"
#include "crystal/structure.hpp"
#include "crystal/symop.hpp"

namespace pb::crystal {

/// Tolerances of the expansion, declared once with their defaults (STYLE.md habit 3).
struct StructureOptions {
  /// Images of one atom closer than this (Å) are one atom: atoms on special positions.
  double duplicate_tolerance = 0.01;
  /// Atoms with different labels closer than this (Å) share a site: substitutional disorder.
  double site_tolerance = 0.01;
  /// A site whose occupancies add up to more than 1 + this gets a warning.
  double occupancy_excess = 0.01;
  /// Images of one atom closer than this (Å) yet beyond duplicate_tolerance get a warning.
  double close_image_warning = 0.5;
  /// Fractional coordinates this close to a multiple of 1/12 snap to it (0.3333 -> 1/3), as
  /// pymatgen's CifParser frac_tolerance does.
  double frac_tolerance = 1e-4;
};

/// The publication a block cites (_journal_*, _publ_*), and its database codes.
struct Citation {
  std::vector<std::string> authors;  ///< _publ_author_name, in order
  std::string title;                 ///< _publ_section_title, whitespace collapsed
  std::string journal;               ///< _journal_name_full (else _journal_name_abbrev)
  int year = 0;
  std::string volume;
  std::string issue;
  std::string first_page;
  std::string last_page;
  std::string doi;  ///< _journal_paper_doi
  /// (database, code) from _database_code_<db> and _cod_database_code, e.g. ("ICSD", "155950").
  std::vector<std::pair<std::string, std::string>> database_codes;

  bool empty() const { return authors.empty() && journal.empty() && doi.empty() && year == 0; }
};

/// Conditions of the measurement, where the block states them.
struct Conditions {
  std::optional<Measured> temperature_K;  ///< _diffrn_ambient_temperature, else
                                          ///< _cell_measurement_temperature
  std::optional<Measured> pressure_kPa;   ///< _diffrn_ambient_pressure, else
                                          ///< _cell_measurement_pressure
};

/// One row of the atom-site loop as written: the asymmetric-unit atom before expansion, with
/// the standard uncertainties of its coordinates and occupancy (0 when none was written).
struct AtomSite {
  std::string label;
  chem::Species species;
  Measured frac[3];
  Measured occupancy{1, 0};
  std::size_t line = 0;  ///< of the row's first coordinate in the file
};

/// What a block yields: the structure and the declared values it was built from.
struct CifStructure {
  Structure structure;
  std::vector<SymOp> symops;
  Measured cell[6];                  ///< a, b, c, alpha, beta, gamma as written
  std::vector<AtomSite> atom_sites;  ///< the atom-site loop as written (asymmetric unit)
  std::string formula_sum;           ///< _chemical_formula_sum as written
  std::string space_group_hm;
  std::string space_group_hall;
  int space_group_number = 0;
  Citation citation;
  Conditions conditions;
  std::vector<cif::Diagnostic> warnings;
};

/// Builds the structure of one block; throws pb::ParseError (file:line: message) when it
/// cannot: no cell, no coordinates, unreadable symmetry operations or numbers.
CifStructure read_structure(const cif::Block& block, const std::string& file,
                            const StructureOptions& options = {});

/// The citation of a block. Also for blocks without a structure, like the data_global block of
/// SHELX-style files that holds the publication of all the others.
Citation read_citation(const cif::Block& block);

}  // namespace pb::crystal
