#pragma once
/// OPTIMADE structure entries (v1.2, §"Entry list: structures") in and out: lattice_vectors,
/// cartesian_site_positions, species_at_sites and species (with concentrations and "vacancy"
/// for disordered sites), plus the composition fields derived from them.
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "crystal/structure.hpp"

namespace pb::crystal {

/// The `attributes` object of a structure entry.
nlohmann::json optimade_attributes(const Structure& s);

/// A structure from an `attributes` object; throws pb::ParseError naming the field (`where`
/// is the file or URL, for the message).
Structure structure_from_optimade(const nlohmann::json& attributes, const std::string& where = {});

/// Every structure in an OPTIMADE JSON text: a response (`data` object or array), one entry
/// (`attributes`), or a bare attributes object. Syntax errors give file:line:col.
std::vector<Structure> read_optimade_json(const std::string& text, const std::string& source = {});

/// One entry {"id", "type": "structures", "attributes"} as indented JSON text.
std::string write_optimade_json(const Structure& s, const std::string& id = {});

}  // namespace pb::crystal
