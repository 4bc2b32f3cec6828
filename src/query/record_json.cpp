// Field names follow the schema columns (docs/database.md) so scripts can use one vocabulary.
#include "query/record_json.hpp"

#include <nlohmann/json.hpp>
#include <set>

#include "store/property_kinds.hpp"
#include "store/sqlite_repositories.hpp"

namespace pb::query {

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
  if (j.is_discarded()) return ordered_json(text);
  return j;  // moved (a conditional expression would copy it)
}

ordered_json structure_row_json(const StructureRow& r) {
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
  j["nsites"] = s.sites.empty() ? s.nsites : static_cast<std::int64_t>(s.sites.size());
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

ordered_json phase_diagram_record_json(const store::PhaseDiagramRecord& d) {
  ordered_json j;
  j["id"] = d.id;
  j["system"] = d.system;
  j["kind"] = d.kind;
  j["title"] = d.title;
  j["axes"] = embedded_json(d.axes_json);
  j["temperature_min_K"] = or_null(d.temperature_min_K);
  j["temperature_max_K"] = or_null(d.temperature_max_K);
  j["pressure_kPa"] = or_null(d.pressure_kPa);
  j["reference_id"] = or_null(d.reference_id);
  j["source_file"] = d.source_file;
  auto phases = ordered_json::array();
  for (const auto& p : d.phases)
    phases.push_back(
        {{"name", p.name}, {"formula", p.formula}, {"substance_id", or_null(p.substance_id)}});
  j["phases"] = phases;
  auto boundaries = ordered_json::array();
  for (const auto& b : d.boundaries) {
    auto points = ordered_json::array();
    for (const auto& [x, y] : b.points) points.push_back({x, y});
    boundaries.push_back({{"label", b.label}, {"points", points}});
  }
  j["boundaries"] = boundaries;
  return j;
}

std::optional<ordered_json> substance_json(store::Database& db, std::string_view id,
                                           bool with_sites) {
  store::Repositories repos = store::make_repositories(db);
  std::optional<std::string> resolved = repos.substances->resolve(id);
  if (!resolved) return std::nullopt;
  std::optional<store::SubstanceRecord> s = repos.substances->get(*resolved);
  if (!s) return std::nullopt;

  ordered_json j;
  j["id"] = s->id;
  j["requested_id"] = std::string(id);
  j["host_formula"] = s->host_formula;
  j["space_group_number"] = or_null(s->space_group_number);
  j["pearson_symbol"] = s->pearson_symbol;
  j["wyckoff_sequence"] = s->wyckoff_sequence;
  j["structure_type"] = s->structure_type;
  j["dataset"] = s->dataset;

  auto members = ordered_json::array();
  for (const store::MemberRecord& m : repos.substances->members(s->id)) {
    // Built in place: an initializer list would copy the parsed numbers.
    ordered_json member;
    member["entity_kind"] = store::to_string(m.entity_kind);
    member["entity_id"] = m.entity_id;
    member["rule"] = m.rule;
    member["numbers"] = embedded_json(m.numbers_json);
    members.push_back(std::move(member));
  }
  j["members"] = members;

  std::set<std::int64_t> reference_ids;
  auto structures = ordered_json::array();
  for (const store::StructureRecord& r :
       with_sites ? repos.structures->list_by_substance(s->id)
                  : repos.structures->list_by_substance_without_sites(s->id)) {
    structures.push_back(structure_record_json(r, with_sites));
    if (r.reference_id) reference_ids.insert(*r.reference_id);
  }
  j["structures"] = structures;
  auto properties = ordered_json::array();
  for (const store::PropertyRecord& p : repos.properties->list_by_substance(s->id)) {
    properties.push_back(property_record_json(p));
    if (p.reference_id) reference_ids.insert(*p.reference_id);
  }
  j["properties"] = properties;
  auto diagrams = ordered_json::array();
  for (std::int64_t d : phase_diagrams_of_substance(db, s->id)) {
    if (auto diagram = repos.phase_diagrams->get(d)) {
      diagrams.push_back(phase_diagram_record_json(*diagram));
      if (diagram->reference_id) reference_ids.insert(*diagram->reference_id);
    }
  }
  j["phase_diagrams"] = diagrams;
  auto references = ordered_json::array();
  for (std::int64_t r : reference_ids) {
    if (auto ref = repos.references->get(r)) references.push_back(reference_record_json(*ref));
  }
  j["references"] = references;
  return j;
}

}  // namespace pb::query
