// Field names follow the schema columns (docs/database.md) so scripts can use one vocabulary.
#include "cli/record_json.hpp"

#include <nlohmann/json.hpp>

#include "store/property_kinds.hpp"

namespace pb::cli {

namespace {

using nlohmann::ordered_json;

template <class T>
ordered_json or_null(const std::optional<T>& v) {
  return v ? ordered_json(*v) : ordered_json(nullptr);
}

ordered_json lattice_json(double a, double b, double c, double alpha, double beta, double gamma) {
  return {{"a", a}, {"b", b}, {"c", c}, {"alpha", alpha}, {"beta", beta}, {"gamma", gamma}};
}

}  // namespace

ordered_json embedded_json(const std::string& text) {
  ordered_json j = ordered_json::parse(text, nullptr, /*allow_exceptions=*/false);
  return j.is_discarded() ? ordered_json(text) : j;
}

ordered_json structure_row_json(const query::StructureRow& r) {
  ordered_json j;
  j["id"] = r.id;
  j["substance_id"] = or_null(r.substance_id);
  j["reference_id"] = or_null(r.reference_id);
  j["source_file"] = r.source_file;
  j["source_block"] = r.source_block;
  j["chemical_formula_reduced"] = r.formula_reduced;
  j["chemical_formula_anonymous"] = r.formula_anonymous;
  auto elements = ordered_json::array();
  for (std::size_t start = 0; start < r.elements.size();) {
    std::size_t comma = r.elements.find(',', start);
    if (comma == std::string::npos) comma = r.elements.size();
    elements.push_back(r.elements.substr(start, comma - start));
    start = comma + 1;
  }
  j["elements"] = elements;
  j["nelements"] = r.nelements;
  j["space_group_number"] = or_null(r.space_group_number);
  j["space_group_symbol"] = r.space_group_symbol;
  j["crystal_system"] = r.crystal_system;
  j["pearson_symbol"] = r.pearson_symbol;
  j["lattice"] = lattice_json(r.a, r.b, r.c, r.alpha, r.beta, r.gamma);
  j["volume"] = or_null(r.volume);
  return j;
}

ordered_json structure_record_json(const store::StructureRecord& s, bool with_sites) {
  ordered_json j;
  j["id"] = s.id;
  j["substance_id"] = or_null(s.substance_id);
  j["reference_id"] = or_null(s.reference_id);
  j["source_file"] = s.source_file;
  j["source_block"] = s.source_block;
  j["content_hash"] = s.content_hash;
  j["chemical_formula_reduced"] = s.chemical_formula_reduced;
  j["chemical_formula_anonymous"] = s.chemical_formula_anonymous;
  j["chemical_formula_descriptive"] = s.chemical_formula_descriptive;
  j["chemical_formula_published"] = s.chemical_formula_published;
  j["elements"] = s.elements;
  j["nelements"] = s.elements.size();
  j["space_group_number"] = or_null(s.space_group_number);
  j["space_group_symbol"] = s.space_group_symbol;
  j["hall_symbol"] = s.hall_symbol;
  j["pearson_symbol"] = s.pearson_symbol;
  j["wyckoff_sequence"] = s.wyckoff_sequence;
  j["crystal_system"] = s.crystal_system;
  j["lattice"] = lattice_json(s.a, s.b, s.c, s.alpha, s.beta, s.gamma);
  auto vectors = ordered_json::array();
  for (const auto& row : s.vectors) vectors.push_back({row[0], row[1], row[2]});
  j["lattice_vectors"] = vectors;
  j["volume"] = or_null(s.volume);
  j["density"] = or_null(s.density);
  j["temperature_K"] = or_null(s.temperature_K);
  j["pressure_kPa"] = or_null(s.pressure_kPa);
  j["nsites"] = s.sites.size();
  j["warnings"] = s.warnings;
  j["dataset"] = s.dataset;
  if (!with_sites) return j;
  auto sites = ordered_json::array();
  for (const auto& site : s.sites) {
    auto species = ordered_json::array();
    for (const auto& sp : site.species)
      species.push_back({{"element", sp.element},
                         {"oxidation", or_null(sp.oxidation)},
                         {"occupancy", sp.occupancy},
                         {"label", sp.label}});
    sites.push_back({{"frac", {site.frac[0], site.frac[1], site.frac[2]}}, {"species", species}});
  }
  j["sites"] = sites;
  return j;
}

ordered_json property_record_json(const store::PropertyRecord& p) {
  const store::PropertyKind* kind = store::find_property_kind(p.kind);
  ordered_json j;
  j["id"] = p.id;
  j["kind"] = p.kind;
  j["substance_id"] = or_null(p.substance_id);
  j["formula"] = p.formula;
  j["value_si"] = or_null(p.value_si);
  j["min_si"] = or_null(p.min_si);
  j["max_si"] = or_null(p.max_si);
  j["uncertainty_si"] = or_null(p.uncertainty_si);
  j["unit_si"] = kind ? kind->unit.text : "";
  j["value_as_given"] = p.value_as_given;
  j["unit_as_given"] = p.unit_as_given;
  j["temperature_K"] = or_null(p.temperature_K);
  j["pressure_kPa"] = or_null(p.pressure_kPa);
  j["method"] = p.method;
  j["conditions"] = embedded_json(p.conditions_json);
  j["reference_id"] = or_null(p.reference_id);
  j["source_file"] = p.source_file;
  j["source_row"] = or_null(p.source_row);
  return j;
}

ordered_json reference_record_json(const store::ReferenceRecord& r) {
  return {{"id", r.id},           {"authors", r.authors},    {"title", r.title},
          {"journal", r.journal}, {"year", or_null(r.year)}, {"volume", r.volume},
          {"issue", r.issue},     {"pages", r.pages},        {"doi", r.doi},
          {"kind", r.kind}};
}

}  // namespace pb::cli
