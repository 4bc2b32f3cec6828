// The OPTIMADE properties of each entry type and the SQL they map onto (docs/optimade-filter.md
// has the same table for readers). Standard properties that Phasebook does not store are listed
// with SQL NULL so that filters treat them as unknown instead of answering 400.
#include <algorithm>
#include <map>

#include "optimade/schema_map.hpp"
#include "store/property_kinds.hpp"

namespace pb::optimade {

namespace {

using T = FieldType;

FieldDef scalar(std::string name, T type, std::string sql, std::string description,
                std::string unit = {}, bool sortable = true) {
  FieldDef f;
  f.info = {std::move(name), type, std::move(description), std::move(unit), sortable, true, sql};
  f.filter = std::move(sql);
  return f;
}

// A standard property Phasebook does not store: always null.
FieldDef absent(std::string name, T type, std::string description) {
  FieldDef f;
  f.info = {std::move(name),
            type,
            std::move(description) + " Not stored by Phasebook (null).",
            "",
            false,
            false,
            "NULL"};
  f.filter = "NULL";
  f.known = "0";
  if (type == T::list) f.list = ListDef{T::string, "", "", ""};
  return f;
}

FieldDef list(std::string name, T item_type, std::string sql, ListDef def, std::string description,
              std::string unit = {}) {
  FieldDef f;
  def.item_type = item_type;
  f.info = {std::move(name), T::list,          std::move(description), std::move(unit),
            false,           !def.has.empty(), std::move(sql)};
  f.list = std::move(def);
  return f;
}

FieldDef unlisted(FieldDef f) {
  f.listed = false;
  return f;
}

// The fields every entry type has (spec "Properties Used by Multiple Entry Types").
void add_common(std::vector<FieldDef>& out, std::string_view id, std::string_view int_key,
                std::string_view type_name, std::string_view immutable, std::string_view created) {
  FieldDef f = scalar("id", T::string, std::string(id), "The entry's id.");
  f.int_key = std::string(int_key);
  out.push_back(std::move(f));
  out.push_back(
      scalar("type", T::string, "'" + std::string(type_name) + "'", "The entry type.", {}, false));
  if (immutable.empty()) {
    out.push_back(absent("immutable_id", T::string, "The entry's immutable id."));
  } else {
    out.push_back(scalar("immutable_id", T::string, std::string(immutable),
                         "The entry's immutable id: the SHA-256 of the source text."));
  }
  out.push_back(scalar("last_modified", T::timestamp, std::string(created),
                       "When the entry was stored (UTC)."));
}

// _phasebook_property_<kind>: the values (in the kind's canonical unit) of the properties of
// that kind linked to the entry's substance.
void add_property_lists(std::vector<FieldDef>& out, std::string_view substance_key) {
  const std::string key(substance_key);
  for (const auto& kind : store::property_kinds()) {
    // Kind names come from the compiled-in vocabulary, never from a request; they are checked
    // to be plain snake_case before being written into SQL text.
    const bool plain = std::all_of(kind.name.begin(), kind.name.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
    if (!plain) continue;
    const std::string of_entry = "x.substance_id = " + key + " AND x.kind = '" + kind.name +
                                 "' AND x.value_si IS NOT NULL{ds:x}";
    ListDef def;
    def.has = key + " IN (SELECT x.substance_id FROM property AS x WHERE x.kind = '" + kind.name +
              "'{ds:x} AND {})";
    def.item = "x.value_si";
    def.length = "CASE WHEN " + key +
                 " IS NULL THEN NULL ELSE (SELECT count(*) FROM property AS x WHERE " + of_entry +
                 ") END";
    FieldDef f = list("_phasebook_property_" + kind.name, T::floating,
                      "CASE WHEN " + key +
                          " IS NULL THEN NULL ELSE (SELECT json_group_array(x.value_si) FROM "
                          "property AS x WHERE " +
                          of_entry + ") END",
                      def,
                      "Values of '" + kind.name + "' (" + kind.description +
                          ") linked to the entry's substance, in " + kind.unit.text + ".",
                      kind.unit.text);
    f.known = "(" + key + " IS NOT NULL)";
    out.push_back(std::move(f));
  }
}

// HAS over a list derived from the stored sites by pb_optimade_list (derived.cpp): one JSON
// array per structure, its items as j.value.
std::string derived_has(std::string_view name) {
  return "EXISTS (SELECT 1 FROM json_each(pb_optimade_list('" + std::string(name) +
         "', (SELECT ss.sites FROM structure_sites AS ss WHERE ss.structure_id = s.id))) AS j "
         "WHERE {})";
}

// A site is disordered when it holds more than one element or is not fully occupied, as
// crystal::optimade_attributes decides for structure_features.
// The flag is stored at ingest (schema 5) so that this needs no site data.
constexpr std::string_view kDisorder = "(s.disordered = 1)";

std::vector<FieldDef> structure_fields() {
  std::vector<FieldDef> out;
  add_common(out, "CAST(s.id AS TEXT)", "s.id", "structures", "s.content_hash", "s.created_at");
  out.push_back(list("elements", T::string,
                     "(SELECT json_group_array(element) FROM (SELECT element FROM "
                     "structure_element WHERE structure_id = s.id ORDER BY element))",
                     {T::string, "s.id IN (SELECT structure_id FROM structure_element WHERE {})",
                      "element", "s.nelements"},
                     "Chemical symbols of the elements, sorted."));
  out.push_back(scalar("nelements", T::integer, "s.nelements", "Number of distinct elements."));
  out.push_back(list("elements_ratios", T::floating, "",
                     {T::floating, derived_has("elements_ratios"), "j.value", "s.nelements"},
                     "Proportions of the elements, in the order of elements (sum 1)."));
  out.push_back(scalar("chemical_formula_descriptive", T::string, "s.chemical_formula_descriptive",
                       "The formula of the cell content."));
  out.push_back(scalar("chemical_formula_reduced", T::string, "s.chemical_formula_reduced",
                       "Reduced formula, elements in alphabetical order."));
  out.push_back(absent("chemical_formula_hill", T::string, "Hill formula."));
  out.push_back(scalar("chemical_formula_anonymous", T::string, "s.chemical_formula_anonymous",
                       "Anonymous formula (A, B, C ... by decreasing amount)."));
  out.push_back(
      list("dimension_types", T::integer, "json_array(1, 1, 1)",
           {T::integer, "EXISTS (SELECT 1 FROM json_each('[1,1,1]') WHERE {})", "value", "3"},
           "Periodicity along each lattice vector (crystals: [1, 1, 1])."));
  out.push_back(
      scalar("nperiodic_dimensions", T::integer, "3", "Number of periodic dimensions.", {}, false));
  FieldDef vectors =
      list("lattice_vectors", T::list,
           "CASE WHEN s.ax IS NULL THEN NULL ELSE json_array(json_array(s.ax, s.ay, s.az), "
           "json_array(s.bx, s.by, s.bz), json_array(s.cx, s.cy, s.cz)) END",
           {T::list, "", "", "CASE WHEN s.ax IS NULL THEN NULL ELSE 3 END"},
           "Lattice vectors in Cartesian coordinates.", "Å");
  vectors.known = "(s.ax IS NOT NULL)";
  out.push_back(std::move(vectors));
  out.push_back(list("cartesian_site_positions", T::list, "", {T::list, "", "", "s.nsites"},
                     "Cartesian positions of the sites.", "Å"));
  out.push_back(scalar("nsites", T::integer, "s.nsites", "Number of sites."));
  out.push_back(list("species_at_sites", T::string, "",
                     {T::string, derived_has("species_at_sites"), "j.value", "s.nsites"},
                     "Name of the species at each site (a name of species)."));
  out.push_back(list("species", T::dictionary, "", {T::dictionary, "", "", ""},
                     "Species: chemical symbols, concentrations, masses."));
  out.push_back(absent("assemblies", T::list, "Groups of alternative sites."));
  out.push_back(list(
      "structure_features", T::string,
      "CASE WHEN " + std::string(kDisorder) + " THEN json_array('disorder') ELSE json_array() END",
      {T::string,
       "EXISTS (SELECT 1 FROM (SELECT 'disorder' AS feature WHERE " + std::string(kDisorder) +
           ") WHERE {})",
       "feature", "(CASE WHEN " + std::string(kDisorder) + " THEN 1 ELSE 0 END)"},
      "Special features used: \"disorder\" for mixed or partly occupied sites."));
  const char* kLinkedSubstance =
      "(SELECT x.%s FROM substance AS x WHERE x.id = s.substance_id{ds:x})";
  auto linked = [&](const char* column) {
    std::string t = kLinkedSubstance;
    t.replace(t.find("%s"), 2, column);
    return t;
  };
  out.push_back(scalar("_phasebook_substance_id", T::string, "s.substance_id",
                       "The substance (distinct phase) the structure belongs to."));
  out.push_back(scalar("_phasebook_host_formula", T::string, linked("host_formula"),
                       "Host formula of the structure's substance.", {}, false));
  out.push_back(scalar("_phasebook_structure_type", T::string, linked("structure_type"),
                       "Structure type of the structure's substance.", {}, false));
  out.push_back(scalar("_phasebook_space_group_number", T::integer, "s.space_group_number",
                       "International Tables space-group number (1-230)."));
  out.push_back(scalar("_phasebook_space_group_symbol", T::string, "s.space_group_symbol",
                       "Hermann-Mauguin space-group symbol."));
  out.push_back(
      scalar("_phasebook_hall_symbol", T::string, "s.hall_symbol", "Hall space-group symbol."));
  out.push_back(scalar("_phasebook_pearson_symbol", T::string, "s.pearson_symbol",
                       "Pearson symbol, e.g. cF8."));
  out.push_back(scalar("_phasebook_crystal_system", T::string, "s.crystal_system",
                       "Crystal system, lower case (cubic, hexagonal, ...)."));
  out.push_back(scalar("_phasebook_wyckoff_sequence", T::string, "s.wyckoff_sequence",
                       "Wyckoff letters of the occupied positions."));
  for (const char* axis : {"a", "b", "c"})
    out.push_back(scalar(std::string("_phasebook_cell_") + axis, T::floating,
                         std::string("s.") + axis, std::string("Cell length ") + axis + ".", "Å"));
  for (const char* angle : {"alpha", "beta", "gamma"})
    out.push_back(scalar(std::string("_phasebook_cell_") + angle, T::floating,
                         std::string("s.") + angle, std::string("Cell angle ") + angle + ".",
                         "degree"));
  out.push_back(scalar("_phasebook_cell_volume", T::floating, "s.volume", "Cell volume.", "Å^3"));
  out.push_back(scalar("_phasebook_density", T::floating, "s.density", "Crystallographic density.",
                       "g/cm^3"));
  out.push_back(scalar("_phasebook_temperature", T::floating, "s.temperature_K",
                       "Temperature of the measurement.", "K"));
  out.push_back(scalar("_phasebook_pressure", T::floating, "s.pressure_kPa",
                       "Pressure of the measurement.", "kPa"));
  out.push_back(scalar("_phasebook_chemical_formula_published", T::string,
                       "s.chemical_formula_published",
                       "The formula as published (CIF "
                       "_chemical_formula_sum)."));
  out.push_back(scalar("_phasebook_source_file", T::string, "s.source_file",
                       "The file the structure was read from."));
  out.push_back(scalar("_phasebook_source_block", T::string, "s.source_block",
                       "The CIF data block the structure was read from."));
  out.push_back(scalar("_phasebook_reference_doi", T::string,
                       "(SELECT x.doi FROM reference AS x WHERE x.id = s.reference_id{ds:x})",
                       "DOI of the structure's reference.", {}, false));
  out.push_back(scalar("_phasebook_reference_year", T::integer,
                       "(SELECT x.year FROM reference AS x WHERE x.id = s.reference_id{ds:x})",
                       "Publication year of the structure's reference.", {}, false));
  add_property_lists(out, "s.substance_id");
  return out;
}

std::vector<FieldDef> reference_fields() {
  std::vector<FieldDef> out;
  add_common(out, "CAST(r.id AS TEXT)", "r.id", "references", "", "r.created_at");
  // A person's full name as OPTIMADE wants it: "Given Family", or the family name alone.
  const std::string name =
      "CASE WHEN coalesce(a.given, '') = '' THEN a.family ELSE a.given || ' ' || a.family END";
  const std::string has = "r.id IN (SELECT a.reference_id FROM reference_author AS a WHERE {})";
  const std::string count = "(SELECT count(*) FROM reference_author WHERE reference_id = r.id)";
  out.push_back(list("authors", T::string,
                     "(SELECT json_group_array(json_object('name', " + name +
                         ", 'firstname', a.given, 'lastname', a.family)) FROM (SELECT * FROM "
                         "reference_author WHERE reference_id = r.id ORDER BY position) AS a)",
                     {T::string, has, name, count},
                     "Authors ({name, firstname, lastname}); `authors HAS \"x\"` compares the "
                     "full names, authors.lastname and authors.firstname the parts."));
  out.push_back(unlisted(list("authors.name", T::string, "", {T::string, has, name, count},
                              "Full names of the authors.")));
  out.push_back(unlisted(list("authors.lastname", T::string, "",
                              {T::string, has, "a.family", count}, "Family names.")));
  out.push_back(unlisted(list("authors.firstname", T::string, "",
                              {T::string, has, "a.given", count}, "Given names.")));
  out.push_back(absent("editors", T::list, "Editors."));
  out.push_back(scalar("doi", T::string, "r.doi", "DOI, normalised to lower case."));
  out.push_back(scalar("url", T::string,
                       "CASE WHEN r.doi IS NULL THEN NULL ELSE 'https://doi.org/' || r.doi END",
                       "Link to the DOI.", {}, false));
  out.push_back(scalar("title", T::string, "r.title", "Title."));
  out.push_back(scalar("journal", T::string, "r.journal", "Journal."));
  FieldDef year = scalar("year", T::string, "CAST(r.year AS TEXT)",
                         "Year of publication (a string, as OPTIMADE defines it; comparing "
                         "with a number compares numerically).");
  year.number_sql = "r.year";
  out.push_back(std::move(year));
  out.push_back(scalar("volume", T::string, "r.volume", "Volume."));
  out.push_back(scalar("number", T::string, "r.issue", "Issue number."));
  out.push_back(scalar("pages", T::string, "r.pages", "Pages."));
  out.push_back(scalar("bib_type", T::string, "r.kind", "BibTeX entry type (article, ...)."));
  for (const char* name_absent :
       {"address", "annote", "booktitle", "chapter", "crossref", "edition", "howpublished",
        "institution", "key", "month", "note", "organization", "publisher", "school", "series"})
    out.push_back(absent(name_absent, T::string, "BibTeX field."));
  out.push_back(scalar("_phasebook_citation_key", T::string, "r.citation_key",
                       "Deduplication key: family|year|first title words."));
  out.push_back(scalar("_phasebook_nstructures", T::integer,
                       "(SELECT count(*) FROM structure AS x WHERE x.reference_id = r.id{ds:x})",
                       "Number of structures citing the reference.", {}, false));
  out.push_back(scalar("_phasebook_nproperties", T::integer,
                       "(SELECT count(*) FROM property AS x WHERE x.reference_id = r.id{ds:x})",
                       "Number of property values citing the reference.", {}, false));
  return out;
}

std::vector<FieldDef> substance_fields() {
  std::vector<FieldDef> out;
  add_common(out, "sub.id", "", "_phasebook_substances", "", "sub.created_at");
  out.push_back(scalar("_phasebook_host_formula", T::string, "sub.host_formula",
                       "Host formula: dopants folded into host sites, small integers."));
  out.push_back(scalar("_phasebook_space_group_number", T::integer, "sub.space_group_number",
                       "Space-group number of the substance."));
  out.push_back(scalar("_phasebook_pearson_symbol", T::string, "sub.pearson_symbol",
                       "Pearson symbol of the substance."));
  out.push_back(scalar("_phasebook_wyckoff_sequence", T::string, "sub.wyckoff_sequence",
                       "Wyckoff sequence of the substance."));
  out.push_back(scalar("_phasebook_structure_type", T::string, "sub.structure_type",
                       "Structure type (prototype) name."));
  out.push_back(scalar("_phasebook_nstructures", T::integer,
                       "(SELECT count(*) FROM structure AS x WHERE x.substance_id = sub.id{ds:x})",
                       "Number of member structures.", {}, false));
  out.push_back(scalar("_phasebook_nproperties", T::integer,
                       "(SELECT count(*) FROM property AS x WHERE x.substance_id = sub.id{ds:x})",
                       "Number of linked property values.", {}, false));
  out.push_back(scalar("_phasebook_nphases", T::integer,
                       "(SELECT count(*) FROM phase_diagram_phase AS x JOIN phase_diagram AS d "
                       "ON d.id = x.diagram_id WHERE x.substance_id = sub.id{ds:d})",
                       "Number of phase-diagram phases linked to the substance.", {}, false));
  const std::string members =
      "FROM structure AS x JOIN structure_element AS e ON e.structure_id = x.id WHERE "
      "x.substance_id = sub.id{ds:x}";
  out.push_back(list("_phasebook_elements", T::string,
                     "(SELECT json_group_array(element) FROM (SELECT DISTINCT e.element AS "
                     "element " +
                         members + " ORDER BY e.element))",
                     {T::string,
                      "sub.id IN (SELECT x.substance_id FROM structure AS x JOIN "
                      "structure_element AS e ON e.structure_id = x.id WHERE 1{ds:x} AND {})",
                      "e.element", "(SELECT count(DISTINCT e.element) " + members + ")"},
                     "Elements of the member structures, sorted."));
  out.push_back(list("_phasebook_structure_ids", T::string,
                     "(SELECT json_group_array(CAST(x.id AS TEXT)) FROM structure AS x WHERE "
                     "x.substance_id = sub.id{ds:x})",
                     {T::string,
                      "sub.id IN (SELECT x.substance_id FROM structure AS x WHERE 1{ds:x} AND "
                      "{})",
                      "CAST(x.id AS TEXT)",
                      "(SELECT count(*) FROM structure AS x WHERE x.substance_id = sub.id{ds:x})"},
                     "Ids of the member structures."));
  add_property_lists(out, "sub.id");
  return out;
}

const std::vector<FieldDef>& defs(EntryType type) {
  static const std::vector<FieldDef> kStructures = structure_fields();
  static const std::vector<FieldDef> kReferences = reference_fields();
  static const std::vector<FieldDef> kSubstances = substance_fields();
  switch (type) {
    case EntryType::structures:
      return kStructures;
    case EntryType::references:
      return kReferences;
    case EntryType::substances:
      return kSubstances;
  }
  return kStructures;
}

// FieldInfo::sql without the dataset placeholders.
std::string strip_datasets(std::string sql) {
  for (std::size_t at = sql.find("{ds:"); at != std::string::npos; at = sql.find("{ds:", at))
    sql.erase(at, sql.find('}', at) + 1 - at);
  return sql;
}

std::vector<FieldInfo> infos(EntryType type) {
  std::vector<FieldInfo> out;
  for (const FieldDef& f : defs(type)) {
    if (!f.listed) continue;
    FieldInfo info = f.info;
    info.sql = strip_datasets(info.sql);
    out.push_back(std::move(info));
  }
  return out;
}

}  // namespace

const std::vector<FieldDef>& field_defs(EntryType type) { return defs(type); }

const std::vector<ZipDef>& zip_defs(EntryType type) {
  // elements:elements_ratios pairs each element with its proportion (the spec's example
  // `elements:elements_ratios HAS ALL "Al":>0.3333, "Al":<0.3334`).
  static const std::vector<ZipDef> kStructures = {
      {{"elements", "elements_ratios"},
       derived_has("elements:elements_ratios"),
       {"json_extract(j.value, '$[0]')", "json_extract(j.value, '$[1]')"}}};
  static const std::vector<ZipDef> kNone;
  return type == EntryType::structures ? kStructures : kNone;
}

const FieldDef* find_field(EntryType type, std::string_view name) {
  static const auto kIndex = [] {
    std::map<std::pair<int, std::string>, const FieldDef*, std::less<>> index;
    for (EntryType t : {EntryType::structures, EntryType::references, EntryType::substances}) {
      for (const FieldDef& f : defs(t)) index[{static_cast<int>(t), f.info.name}] = &f;
    }
    return index;
  }();
  auto it = kIndex.find(std::pair<int, std::string>(static_cast<int>(type), std::string(name)));
  return it == kIndex.end() ? nullptr : it->second;
}

std::string_view entry_type_name(EntryType type) {
  switch (type) {
    case EntryType::structures:
      return "structures";
    case EntryType::references:
      return "references";
    case EntryType::substances:
      return "_phasebook_substances";
  }
  return "";
}

std::optional<EntryType> entry_type_from_name(std::string_view name) {
  for (EntryType t : {EntryType::structures, EntryType::references, EntryType::substances}) {
    if (entry_type_name(t) == name) return t;
  }
  return std::nullopt;
}

std::string_view from_clause(EntryType type) {
  switch (type) {
    case EntryType::structures:
      return "structure AS s";
    case EntryType::references:
      return "reference AS r";
    case EntryType::substances:
      return "substance AS sub";
  }
  return "";
}

std::string_view id_sql(EntryType type) { return defs(type).front().filter; }

std::string_view field_type_name(FieldType type) {
  switch (type) {
    case FieldType::string:
      return "string";
    case FieldType::integer:
      return "integer";
    case FieldType::floating:
      return "float";
    case FieldType::boolean:
      return "boolean";
    case FieldType::timestamp:
      return "timestamp";
    case FieldType::list:
      return "list";
    case FieldType::dictionary:
      return "dictionary";
  }
  return "";
}

std::optional<std::string> sort_column(EntryType type, std::string_view field) {
  const FieldDef* f = find_field(type, field);
  if (f == nullptr || !f->info.sortable || f->list) return std::nullopt;
  // Ids sort by their number, not as text ("10" after "9").
  if (!f->int_key.empty()) return f->int_key;
  return strip_datasets(f->filter);
}

const std::vector<FieldInfo>& fields(EntryType type) {
  static const std::vector<FieldInfo> kStructures = infos(EntryType::structures);
  static const std::vector<FieldInfo> kReferences = infos(EntryType::references);
  static const std::vector<FieldInfo> kSubstances = infos(EntryType::substances);
  switch (type) {
    case EntryType::structures:
      return kStructures;
    case EntryType::references:
      return kReferences;
    case EntryType::substances:
      return kSubstances;
  }
  return kStructures;
}

}  // namespace pb::optimade
