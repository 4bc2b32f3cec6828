#include "store/sqlite_repositories.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "chem/element.hpp"
#include "util/error.hpp"
#include "util/sha256.hpp"

namespace pb::store {

using nlohmann::json;

std::string_view to_string(EntityKind kind) {
  switch (kind) {
    case EntityKind::kStructure:
      return "structure";
    case EntityKind::kProperty:
      return "property";
    case EntityKind::kPhase:
      return "phase";
  }
  return "structure";
}

namespace {

EntityKind entity_kind_from(std::string_view s) {
  if (s == "property") return EntityKind::kProperty;
  if (s == "phase") return EntityKind::kPhase;
  return EntityKind::kStructure;
}

// The table and column that carry an entity's substance_id.
std::string_view entity_table(EntityKind kind) {
  switch (kind) {
    case EntityKind::kStructure:
      return "structure";
    case EntityKind::kProperty:
      return "property";
    case EntityKind::kPhase:
      return "phase_diagram_phase";
  }
  return "structure";
}

std::optional<std::string> non_empty(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Prepared statements keyed by their SQL text, prepared on first use.
class StatementCache {
 public:
  explicit StatementCache(Connection& c) : c_(c) {}
  Statement& operator()(std::string_view sql) {
    auto it = cache_.find(sql);
    if (it == cache_.end()) it = cache_.emplace(std::string(sql), c_.prepare(sql)).first;
    it->second.reset();
    return it->second;
  }
  Connection& connection() { return c_; }

 private:
  Connection& c_;
  std::map<std::string, Statement, std::less<>> cache_;
};

std::optional<std::int64_t> single_id(Statement& s) {
  std::optional<std::int64_t> id;
  if (s.step()) id = s.column_int64(0);
  s.reset();
  return id;
}

std::int64_t count_rows(StatementCache& sql, std::string_view query) {
  Statement& s = sql(query);
  s.step();
  std::int64_t n = s.column_int64(0);
  s.reset();
  return n;
}

// Reads every row of a statement with `read`, then resets it.
template <class T, class F>
std::vector<T> collect(Statement& s, F read) {
  std::vector<T> out;
  while (s.step()) out.push_back(read(s));
  s.reset();
  return out;
}

// The shared read paths of every repository: one row by key, a page, rows by substance.
template <class R, class Key>
std::optional<R> fetch_one(StatementCache& sql, const std::string& query, const Key& key,
                           R (*read)(Statement&)) {
  Statement& s = sql(query);
  s.bind(1, key);
  std::optional<R> r;
  if (s.step()) r = read(s);
  s.reset();
  return r;
}

template <class R>
std::vector<R> fetch_page(StatementCache& sql, const std::string& select, const Page& page,
                          R (*read)(Statement&)) {
  Statement& s = sql(select + "ORDER BY id LIMIT ? OFFSET ?");
  s.bind(1, page.limit).bind(2, page.offset);
  return collect<R>(s, read);
}

template <class R>
std::vector<R> fetch_by_substance(StatementCache& sql, const std::string& select,
                                  std::string_view substance_id, R (*read)(Statement&)) {
  Statement& s = sql(select + "WHERE substance_id = ? ORDER BY id");
  s.bind(1, substance_id);
  return collect<R>(s, read);
}

// get(), list() and count() of an entry table with an integer id, shared by the repositories.
template <class Interface, class R>
class EntryTable : public Interface {
 public:
  EntryTable(Connection& c, std::string select, std::string_view table, R (*read)(Statement&))
      : sql_(c),
        select_(std::move(select)),
        count_("SELECT count(*) FROM " + std::string(table)),
        read_(read) {}

  std::optional<R> get(std::int64_t id) override {
    return fetch_one(sql_, select_ + "WHERE id = ?", id, read_);
  }
  std::vector<R> list(const Page& page) override { return fetch_page(sql_, select_, page, read_); }
  std::int64_t count() override { return count_rows(sql_, count_); }

 protected:
  std::vector<R> by_substance(std::string_view substance_id) {
    return fetch_by_substance(sql_, select_, substance_id, read_);
  }

  StatementCache sql_;

 private:
  std::string select_;
  std::string count_;
  R (*read_)(Statement&);
};

// Inserts with ON CONFLICT DO NOTHING on a unique content hash; on a conflict looks the id up.
InsertResult insert_or_get(StatementCache& sql, Statement& insert, std::string_view lookup,
                           std::string_view hash) {
  insert.run();
  if (sql.connection().changes() > 0) return {sql.connection().last_insert_rowid(), true};
  Statement& find = sql(lookup);
  find.bind(1, hash);
  auto id = single_id(find);
  if (!id) throw SqliteError(0, "insert was ignored but no row has hash " + std::string(hash));
  return {*id, false};
}

std::vector<std::string> json_strings(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& v : json::parse(text)) out.push_back(v.get<std::string>());
  return out;
}

// --- references ---

const std::string kSelectReference =
    "SELECT id, doi, kind, authors, title, journal, year, volume, issue, pages, source, dataset"
    " FROM reference ";

ReferenceRecord read_reference(Statement& s) {
  ReferenceRecord r;
  r.id = s.column_int64(0);
  r.doi = s.column_text(1);
  r.kind = s.column_text(2);
  r.authors = json_strings(s.column_text(3));
  r.title = s.column_text(4);
  r.journal = s.column_text(5);
  if (auto y = s.column_optional_int64(6)) r.year = static_cast<int>(*y);
  r.volume = s.column_text(7);
  r.issue = s.column_text(8);
  r.pages = s.column_text(9);
  r.source = s.column_text(10);
  r.dataset = s.column_text(11);
  return r;
}

// "Family, Given" or "Given Family".
std::pair<std::string, std::string> split_author(std::string_view name) {
  auto trim = [](std::string_view v) {
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
    return std::string(v);
  };
  if (auto comma = name.find(','); comma != std::string_view::npos) {
    return {trim(name.substr(0, comma)), trim(name.substr(comma + 1))};
  }
  std::string t = trim(name);
  if (auto space = t.rfind(' '); space != std::string::npos) {
    return {t.substr(space + 1), trim(std::string_view(t).substr(0, space))};
  }
  return {t, ""};
}

class SqliteReferences final : public EntryTable<ReferenceRepository, ReferenceRecord> {
 public:
  explicit SqliteReferences(Connection& c)
      : EntryTable(c, kSelectReference, "reference", read_reference) {}

  InsertResult insert(const ReferenceRecord& r) override {
    const std::string doi = normalise_doi(r.doi);
    const std::string key = citation_key(r);
    if (!doi.empty()) {
      if (auto id = single_id(sql_("SELECT id FROM reference WHERE doi = ?").bind(1, doi))) {
        complete(*id, r, key);
        return {*id, false};
      }
      if (!key.empty()) {
        // The same paper stored earlier without its DOI: complete it rather than duplicate.
        auto& find = sql_("SELECT id FROM reference WHERE citation_key = ? AND doi IS NULL");
        if (auto id = single_id(find.bind(1, key))) {
          sql_("UPDATE reference SET doi = ? WHERE id = ?").bind(1, doi).bind(2, *id).run();
          complete(*id, r, key);
          return {*id, false};
        }
      }
    } else if (!key.empty()) {
      if (auto id =
              single_id(sql_("SELECT id FROM reference WHERE citation_key = ?").bind(1, key))) {
        return {*id, false};
      }
    }
    Statement& ins = sql_(
        "INSERT INTO reference(doi, citation_key, kind, authors, title, journal, year, volume,"
        " issue, pages, source, dataset) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
    ins.bind(1, non_empty(doi))
        .bind(2, non_empty(key))
        .bind(3, non_empty(r.kind))
        .bind(4, json(r.authors).dump(-1, ' ', false, json::error_handler_t::replace))
        .bind(5, non_empty(r.title))
        .bind(6, non_empty(r.journal))
        .bind(7, r.year)
        .bind(8, non_empty(r.volume))
        .bind(9, non_empty(r.issue))
        .bind(10, non_empty(r.pages))
        .bind(11, non_empty(r.source))
        .bind(12, r.dataset)
        .run();
    std::int64_t id = sql_.connection().last_insert_rowid();
    add_authors(id, r.authors);
    return {id, true};
  }

  std::optional<ReferenceRecord> find_by_doi(std::string_view doi) override {
    std::string d = normalise_doi(doi);
    if (d.empty()) return std::nullopt;
    return fetch_one(sql_, kSelectReference + "WHERE doi = ?", d, read_reference);
  }

 private:
  void add_authors(std::int64_t id, const std::vector<std::string>& authors) {
    Statement& author = sql_(
        "INSERT INTO reference_author(reference_id, position, family, given) VALUES (?,?,?,?)");
    for (std::size_t i = 0; i < authors.size(); ++i) {
      auto [family, given] = split_author(authors[i]);
      author.bind(1, id)
          .bind(2, static_cast<std::int64_t>(i))
          .bind(3, family)
          .bind(4, non_empty(given))
          .run();
    }
  }

  // A reference first seen as a bare DOI (from a properties table) gains the bibliographic
  // fields when a .bib or .ris file brings them; fields already stored are kept.
  void complete(std::int64_t id, const ReferenceRecord& r, const std::string& key) {
    sql_(
        "UPDATE reference SET citation_key = coalesce(citation_key, ?),"
        " kind = coalesce(kind, ?), title = coalesce(title, ?), journal = coalesce(journal, ?),"
        " year = coalesce(year, ?), volume = coalesce(volume, ?), issue = coalesce(issue, ?),"
        " pages = coalesce(pages, ?) WHERE id = ?")
        .bind(1, non_empty(key))
        .bind(2, non_empty(r.kind))
        .bind(3, non_empty(r.title))
        .bind(4, non_empty(r.journal))
        .bind(5, r.year)
        .bind(6, non_empty(r.volume))
        .bind(7, non_empty(r.issue))
        .bind(8, non_empty(r.pages))
        .bind(9, id)
        .run();
    if (r.authors.empty()) return;
    sql_("UPDATE reference SET authors = ? WHERE id = ? AND authors = '[]'")
        .bind(1, json(r.authors).dump(-1, ' ', false, json::error_handler_t::replace))
        .bind(2, id)
        .run();
    if (sql_.connection().changes() > 0) add_authors(id, r.authors);
  }
};

// --- structures ---

// The columns of read_structure with `sites` in place of the sites column (index 21).
std::string select_structure(std::string_view sites) {
  return "SELECT id, substance_id, reference_id, source_file, source_block, content_hash, a, b, "
         "c, alpha, beta, gamma, ax, ay, az, bx, by, bz, cx, cy, cz, " +
         std::string(sites) +
         ", chemical_formula_reduced, chemical_formula_anonymous, chemical_formula_descriptive,"
         " chemical_formula_published, elements, space_group_number, hall_symbol,"
         " space_group_symbol, pearson_symbol, wyckoff_sequence, crystal_system, volume, density,"
         " temperature_K, pressure_kPa, warnings, dataset, nsites FROM structure ";
}

const std::string kSelectStructure =
    select_structure("ss.sites") +
    "LEFT JOIN structure_sites ss ON ss.structure_id = structure.id ";
// NULL sites: read_structure leaves them empty (the 8 GB of an AtomWork-scale database are
// mostly sites; a substance page with 800 structures does not parse them).
const std::string kSelectStructureWithoutSites = select_structure("NULL");

// Fractional coordinates are kept to 1e-9 (far below any CIF's precision): the shortest
// decimal form of 0.333333333 is 11 characters where 0.3333333333333333 takes 18.
double stored_fraction(double x) { return std::round(x * 1e9) / 1e9; }

json sites_json(const std::vector<SiteRecord>& sites) {
  json out = json::array();
  for (const auto& site : sites) {
    json species = json::array();
    for (const auto& sp : site.species) {
      json o = {{"element", sp.element}, {"occupancy", sp.occupancy}};
      if (sp.oxidation) o["oxidation"] = *sp.oxidation;
      o["label"] = sp.label;
      species.push_back(std::move(o));
    }
    out.push_back({{"frac",
                    {stored_fraction(site.frac[0]), stored_fraction(site.frac[1]),
                     stored_fraction(site.frac[2])}},
                   {"species", species}});
  }
  return out;
}

// A site with more than one element or less than full occupancy (OPTIMADE "disorder").
bool disordered(const std::vector<SiteRecord>& sites) {
  for (const auto& site : sites) {
    double total = 0;
    std::set<std::string_view> elements;
    for (const auto& sp : site.species) {
      total += sp.occupancy;
      elements.insert(sp.element);
    }
    if (elements.size() > 1 || total < 1 - 1e-6) return true;
  }
  return false;
}

std::vector<SiteRecord> sites_from_json(const std::string& text) {
  std::vector<SiteRecord> out;
  for (const auto& j : json::parse(text)) {
    SiteRecord site;
    for (int k = 0; k < 3; ++k) site.frac[k] = j.at("frac").at(k).get<double>();
    for (const auto& sp : j.at("species")) {
      SpeciesRecord r;
      r.element = sp.at("element").get<std::string>();
      if (auto ox = sp.find("oxidation"); ox != sp.end() && !ox->is_null()) {
        r.oxidation = ox->get<double>();
      }
      r.occupancy = sp.at("occupancy").get<double>();
      r.label = sp.value("label", "");
      site.species.push_back(std::move(r));
    }
    out.push_back(std::move(site));
  }
  return out;
}

// ",Li,Nb,O," <-> {"Li", "Nb", "O"}
std::string elements_text(const std::vector<std::string>& sorted) {
  std::string s = ",";
  for (const auto& e : sorted) s += e + ",";
  return s;
}

std::vector<std::string> elements_from_text(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    std::size_t comma = s.find(',');
    if (comma != 0) out.emplace_back(s.substr(0, comma));
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

StructureRecord read_structure(Statement& s) {
  StructureRecord r;
  r.id = s.column_int64(0);
  r.substance_id = s.column_optional_text(1);
  r.reference_id = s.column_optional_int64(2);
  r.source_file = s.column_text(3);
  r.source_block = s.column_text(4);
  r.content_hash = s.column_text(5);
  double* cell[] = {&r.a, &r.b, &r.c, &r.alpha, &r.beta, &r.gamma};
  for (int k = 0; k < 6; ++k) *cell[k] = s.column_double(6 + k);
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) r.vectors[i][j] = s.column_double(12 + 3 * i + j);
  }
  if (auto sites = s.column_optional_text(21)) r.sites = sites_from_json(*sites);
  r.chemical_formula_reduced = s.column_text(22);
  r.chemical_formula_anonymous = s.column_text(23);
  r.chemical_formula_descriptive = s.column_text(24);
  r.chemical_formula_published = s.column_text(25);
  r.elements = elements_from_text(s.column_text(26));
  if (auto n = s.column_optional_int64(27)) r.space_group_number = static_cast<int>(*n);
  r.hall_symbol = s.column_text(28);
  r.space_group_symbol = s.column_text(29);
  r.pearson_symbol = s.column_text(30);
  r.wyckoff_sequence = s.column_text(31);
  r.crystal_system = s.column_text(32);
  r.volume = s.column_optional_double(33);
  r.density = s.column_optional_double(34);
  r.temperature_K = s.column_optional_double(35);
  r.pressure_kPa = s.column_optional_double(36);
  r.warnings = json_strings(s.column_text(37));
  r.dataset = s.column_text(38);
  r.nsites = s.column_int64(39);
  return r;
}

class SqliteStructures final : public EntryTable<StructureRepository, StructureRecord> {
 public:
  explicit SqliteStructures(Connection& c)
      : EntryTable(c, kSelectStructure, "structure", read_structure) {}

  InsertResult insert(const StructureRecord& r) override {
    if (r.content_hash.empty()) throw InvalidArgument("a structure needs a content hash");
    std::vector<std::string> elements = r.elements;
    std::sort(elements.begin(), elements.end());
    elements.erase(std::unique(elements.begin(), elements.end()), elements.end());
    Statement& ins = sql_(
        "INSERT INTO structure(substance_id, reference_id, source_file, source_block,"
        " content_hash, a, b, c, alpha, beta, gamma, ax, ay, az, bx, by, bz, cx, cy, cz,"
        " disordered, elements_mask_low, elements_mask_high, nsites, chemical_formula_reduced, "
        "chemical_formula_anonymous,"
        " chemical_formula_descriptive, chemical_formula_published, elements, nelements,"
        " space_group_number, hall_symbol, space_group_symbol, pearson_symbol, wyckoff_sequence,"
        " crystal_system, volume, density, temperature_K, pressure_kPa, warnings, dataset)"
        " VALUES "
        "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
        " ON CONFLICT(content_hash) DO NOTHING");
    int i = 1;
    ins.bind(i++, r.substance_id);
    ins.bind(i++, r.reference_id);
    ins.bind(i++, r.source_file);
    ins.bind(i++, non_empty(r.source_block));
    ins.bind(i++, r.content_hash);
    for (double v : {r.a, r.b, r.c, r.alpha, r.beta, r.gamma}) ins.bind(i++, v);
    for (const auto& row : r.vectors) {
      for (double v : row) ins.bind(i++, v);
    }
    ins.bind(i++, static_cast<std::int64_t>(disordered(r.sites)));
    const ElementMask mask = element_mask(elements);
    ins.bind(i++, mask.low);
    ins.bind(i++, mask.high);
    ins.bind(i++, static_cast<std::int64_t>(r.sites.size()));
    ins.bind(i++, non_empty(r.chemical_formula_reduced));
    ins.bind(i++, non_empty(r.chemical_formula_anonymous));
    ins.bind(i++, non_empty(r.chemical_formula_descriptive));
    ins.bind(i++, non_empty(r.chemical_formula_published));
    ins.bind(i++, elements_text(elements));
    ins.bind(i++, static_cast<std::int64_t>(elements.size()));
    ins.bind(i++, r.space_group_number);
    ins.bind(i++, non_empty(r.hall_symbol));
    ins.bind(i++, non_empty(r.space_group_symbol));
    ins.bind(i++, non_empty(r.pearson_symbol));
    ins.bind(i++, non_empty(r.wyckoff_sequence));
    ins.bind(i++, non_empty(r.crystal_system));
    ins.bind(i++, r.volume);
    ins.bind(i++, r.density);
    ins.bind(i++, r.temperature_K);
    ins.bind(i++, r.pressure_kPa);
    ins.bind(i++, json(r.warnings).dump(-1, ' ', false, json::error_handler_t::replace));
    ins.bind(i++, r.dataset);
    InsertResult res =
        insert_or_get(sql_, ins, "SELECT id FROM structure WHERE content_hash = ?", r.content_hash);
    if (res.inserted) {
      sql_("INSERT INTO structure_sites(structure_id, sites) VALUES (?, ?)")
          .bind(1, res.id)
          .bind(2, sites_json(r.sites).dump(-1, ' ', false, json::error_handler_t::replace))
          .run();
      Statement& el = sql_("INSERT INTO structure_element(element, structure_id) VALUES (?, ?)");
      for (const auto& e : elements) el.bind(1, e).bind(2, res.id).run();
    }
    return res;
  }

  std::optional<std::int64_t> find_by_hash(std::string_view hash) override {
    return single_id(sql_("SELECT id FROM structure WHERE content_hash = ?").bind(1, hash));
  }

  std::vector<StructureRecord> list_by_substance(std::string_view substance_id) override {
    return by_substance(substance_id);
  }

  std::vector<StructureRecord> list_by_substance_without_sites(
      std::string_view substance_id) override {
    return fetch_by_substance(sql_, kSelectStructureWithoutSites, substance_id, read_structure);
  }
};

// --- properties ---

const std::string kSelectProperty =
    "SELECT id, kind, substance_id, formula, formula_reduced, value_si, uncertainty_si, min_si,"
    " max_si, value_as_given, unit_as_given, reference_id, temperature_K, pressure_kPa, method,"
    " conditions, source_file, source_row, content_hash, dataset FROM property ";

PropertyRecord read_property(Statement& s) {
  PropertyRecord r;
  r.id = s.column_int64(0);
  r.kind = s.column_text(1);
  r.substance_id = s.column_optional_text(2);
  r.formula = s.column_text(3);
  r.formula_reduced = s.column_text(4);
  r.value_si = s.column_optional_double(5);
  r.uncertainty_si = s.column_optional_double(6);
  r.min_si = s.column_optional_double(7);
  r.max_si = s.column_optional_double(8);
  r.value_as_given = s.column_text(9);
  r.unit_as_given = s.column_text(10);
  r.reference_id = s.column_optional_int64(11);
  r.temperature_K = s.column_optional_double(12);
  r.pressure_kPa = s.column_optional_double(13);
  r.method = s.column_text(14);
  r.conditions_json = s.column_text(15);
  r.source_file = s.column_text(16);
  r.source_row = s.column_optional_int64(17);
  r.content_hash = s.column_text(18);
  r.dataset = s.column_text(19);
  return r;
}

class SqliteProperties final : public EntryTable<PropertyRepository, PropertyRecord> {
 public:
  explicit SqliteProperties(Connection& c)
      : EntryTable(c, kSelectProperty, "property", read_property) {}

  InsertResult insert(const PropertyRecord& r) override {
    const std::string hash = r.content_hash.empty() ? content_hash(r) : r.content_hash;
    Statement& ins = sql_(
        "INSERT INTO property(kind, substance_id, formula, formula_reduced, value_si,"
        " uncertainty_si, min_si, max_si, value_as_given, unit_as_given, reference_id,"
        " temperature_K, pressure_kPa, method, conditions, source_file, source_row, content_hash,"
        " dataset) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
        " ON CONFLICT(content_hash) DO NOTHING");
    ins.bind(1, r.kind)
        .bind(2, r.substance_id)
        .bind(3, non_empty(r.formula))
        .bind(4, non_empty(r.formula_reduced))
        .bind(5, r.value_si)
        .bind(6, r.uncertainty_si)
        .bind(7, r.min_si)
        .bind(8, r.max_si)
        .bind(9, r.value_as_given)
        .bind(10, non_empty(r.unit_as_given))
        .bind(11, r.reference_id)
        .bind(12, r.temperature_K)
        .bind(13, r.pressure_kPa)
        .bind(14, non_empty(r.method))
        .bind(15, r.conditions_json)
        .bind(16, non_empty(r.source_file))
        .bind(17, r.source_row)
        .bind(18, hash)
        .bind(19, r.dataset);
    return insert_or_get(sql_, ins, "SELECT id FROM property WHERE content_hash = ?", hash);
  }

  std::vector<PropertyRecord> list_by_substance(std::string_view substance_id) override {
    return by_substance(substance_id);
  }
};

// --- phase diagrams ---

const std::string kSelectDiagram =
    "SELECT id, system, kind, title, axes, temperature_min_K, temperature_max_K, pressure_kPa,"
    " reference_id, source_file, content_hash, dataset FROM phase_diagram ";

PhaseDiagramRecord read_diagram(Statement& s) {
  PhaseDiagramRecord r;
  r.id = s.column_int64(0);
  r.system = s.column_text(1);
  r.kind = s.column_text(2);
  r.title = s.column_text(3);
  r.axes_json = s.column_text(4);
  r.temperature_min_K = s.column_optional_double(5);
  r.temperature_max_K = s.column_optional_double(6);
  r.pressure_kPa = s.column_optional_double(7);
  r.reference_id = s.column_optional_int64(8);
  r.source_file = s.column_text(9);
  r.content_hash = s.column_text(10);
  r.dataset = s.column_text(11);
  return r;
}

class SqlitePhaseDiagrams final : public PhaseDiagramRepository {
 public:
  explicit SqlitePhaseDiagrams(Connection& c) : sql_(c) {}

  InsertResult insert(const PhaseDiagramRecord& r) override {
    if (r.content_hash.empty()) throw InvalidArgument("a phase diagram needs a content hash");
    Statement& ins = sql_(
        "INSERT INTO phase_diagram(system, kind, title, axes, temperature_min_K,"
        " temperature_max_K, pressure_kPa, reference_id, source_file, content_hash, dataset)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(content_hash) DO NOTHING");
    ins.bind(1, r.system)
        .bind(2, r.kind)
        .bind(3, non_empty(r.title))
        .bind(4, r.axes_json)
        .bind(5, r.temperature_min_K)
        .bind(6, r.temperature_max_K)
        .bind(7, r.pressure_kPa)
        .bind(8, r.reference_id)
        .bind(9, non_empty(r.source_file))
        .bind(10, r.content_hash)
        .bind(11, r.dataset);
    InsertResult res = insert_or_get(
        sql_, ins, "SELECT id FROM phase_diagram WHERE content_hash = ?", r.content_hash);
    if (!res.inserted) return res;
    Statement& phase = sql_(
        "INSERT INTO phase_diagram_phase(diagram_id, name, formula, substance_id) VALUES "
        "(?,?,?,?)");
    for (const auto& p : r.phases) {
      phase.bind(1, res.id)
          .bind(2, p.name)
          .bind(3, non_empty(p.formula))
          .bind(4, p.substance_id)
          .run();
    }
    Statement& boundary =
        sql_("INSERT INTO phase_diagram_boundary(diagram_id, label, points) VALUES (?,?,?)");
    for (const auto& b : r.boundaries) {
      json points = json::array();
      for (const auto& [x, y] : b.points) points.push_back({x, y});
      boundary.bind(1, res.id)
          .bind(2, non_empty(b.label))
          .bind(3, points.dump(-1, ' ', false, json::error_handler_t::replace))
          .run();
    }
    return res;
  }

  std::optional<PhaseDiagramRecord> get(std::int64_t id) override {
    auto r = fetch_one(sql_, kSelectDiagram + "WHERE id = ?", id, read_diagram);
    if (r) fill_children(*r);
    return r;
  }

  std::vector<PhaseDiagramRecord> list(const Page& page) override {
    auto out = fetch_page(sql_, kSelectDiagram, page, read_diagram);
    for (auto& d : out) fill_children(d);
    return out;
  }

  std::int64_t count() override { return count_rows(sql_, "SELECT count(*) FROM phase_diagram"); }

 private:
  void fill_children(PhaseDiagramRecord& d) {
    Statement& p = sql_(
        "SELECT name, formula, substance_id FROM phase_diagram_phase WHERE diagram_id = ? ORDER BY "
        "id");
    p.bind(1, d.id);
    d.phases = collect<PhaseRecord>(p, [](Statement& s) {
      return PhaseRecord{s.column_text(0), s.column_text(1), s.column_optional_text(2)};
    });
    Statement& b =
        sql_("SELECT label, points FROM phase_diagram_boundary WHERE diagram_id = ? ORDER BY id");
    b.bind(1, d.id);
    d.boundaries = collect<BoundaryRecord>(b, [](Statement& s) {
      BoundaryRecord r{s.column_text(0), {}};
      for (const auto& pt : json::parse(s.column_text(1))) {
        r.points.emplace_back(pt.at(0).get<double>(), pt.at(1).get<double>());
      }
      return r;
    });
  }

  StatementCache sql_;
};

// --- substances ---

const std::string kSelectSubstance =
    "SELECT id, host_formula, space_group_number, pearson_symbol, wyckoff_sequence,"
    " structure_type, dataset FROM substance ";

SubstanceRecord read_substance(Statement& s) {
  SubstanceRecord r;
  r.id = s.column_text(0);
  r.host_formula = s.column_text(1);
  if (auto n = s.column_optional_int64(2)) r.space_group_number = static_cast<int>(*n);
  r.pearson_symbol = s.column_text(3);
  r.wyckoff_sequence = s.column_text(4);
  r.structure_type = s.column_text(5);
  r.dataset = s.column_text(6);
  return r;
}

MemberRecord read_member(Statement& s) {
  return MemberRecord{s.column_text(0), entity_kind_from(s.column_text(1)), s.column_int64(2),
                      s.column_text(3), s.column_text(4)};
}

std::string read_target(Statement& st) { return st.column_text(0); }

class SqliteSubstances final : public SubstanceRepository {
 public:
  explicit SqliteSubstances(Connection& c) : sql_(c) {}

  InsertResult insert(const SubstanceRecord& r) override {
    if (r.id.empty()) throw InvalidArgument("a substance needs an id");
    Statement& ins = sql_(
        "INSERT INTO substance(id, host_formula, space_group_number, pearson_symbol,"
        " wyckoff_sequence, structure_type, dataset) VALUES (?,?,?,?,?,?,?)"
        " ON CONFLICT(id) DO NOTHING");
    ins.bind(1, r.id)
        .bind(2, r.host_formula)
        .bind(3, r.space_group_number)
        .bind(4, non_empty(r.pearson_symbol))
        .bind(5, non_empty(r.wyckoff_sequence))
        .bind(6, non_empty(r.structure_type))
        .bind(7, r.dataset)
        .run();
    // The substance id is the primary key, so there is no row id to look up.
    return {0, sql_.connection().changes() > 0};
  }

  std::optional<SubstanceRecord> get(std::string_view id) override {
    return fetch_one(sql_, kSelectSubstance + "WHERE id = ?", id, read_substance);
  }

  std::vector<SubstanceRecord> list(const Page& page) override {
    return fetch_page(sql_, kSelectSubstance, page, read_substance);
  }

  std::int64_t count() override { return count_rows(sql_, "SELECT count(*) FROM substance"); }

  void set_member(const MemberRecord& m) override {
    Savepoint sp(sql_.connection(), "set_member");
    sql_(
        "INSERT INTO substance_member(substance_id, entity_kind, entity_id, rule, numbers)"
        " VALUES (?,?,?,?,?) ON CONFLICT(entity_kind, entity_id) DO UPDATE SET"
        " substance_id = excluded.substance_id, rule = excluded.rule,"
        " numbers = excluded.numbers, created_at = excluded.created_at")
        .bind(1, m.substance_id)
        .bind(2, to_string(m.entity_kind))
        .bind(3, m.entity_id)
        .bind(4, m.rule)
        .bind(5, m.numbers_json)
        .run();
    set_entity_substance(m.entity_kind, m.entity_id, m.substance_id);
    sp.release();
  }

  bool remove_member(EntityKind kind, std::int64_t entity_id) override {
    Savepoint sp(sql_.connection(), "remove_member");
    sql_("DELETE FROM substance_member WHERE entity_kind = ? AND entity_id = ?")
        .bind(1, to_string(kind))
        .bind(2, entity_id)
        .run();
    bool removed = sql_.connection().changes() > 0;
    set_entity_substance(kind, entity_id, std::nullopt);
    sp.release();
    return removed;
  }

  std::optional<MemberRecord> membership(EntityKind kind, std::int64_t entity_id) override {
    Statement& s = sql_(
        "SELECT substance_id, entity_kind, entity_id, rule, numbers FROM substance_member"
        " WHERE entity_kind = ? AND entity_id = ?");
    s.bind(1, to_string(kind)).bind(2, entity_id);
    std::optional<MemberRecord> m;
    if (s.step()) m = read_member(s);
    s.reset();
    return m;
  }

  std::vector<MemberRecord> members(std::string_view substance_id) override {
    Statement& s = sql_(
        "SELECT substance_id, entity_kind, entity_id, rule, numbers FROM substance_member"
        " WHERE substance_id = ? ORDER BY entity_kind, entity_id");
    s.bind(1, substance_id);
    return collect<MemberRecord>(s, read_member);
  }

  std::vector<std::string> with_identity(const SubstanceRecord& r) override {
    Statement& s = sql_(
        "SELECT id FROM substance WHERE host_formula = ?1 AND space_group_number IS ?2"
        " AND pearson_symbol IS ?3 ORDER BY id");
    s.bind(1, r.host_formula).bind(2, r.space_group_number).bind(3, non_empty(r.pearson_symbol));
    return collect<std::string>(s, [](Statement& q) { return q.column_text(0); });
  }

  std::optional<std::int64_t> first_structure(std::string_view id) override {
    Statement& s = sql_(
        "SELECT min(entity_id) FROM substance_member WHERE substance_id = ?"
        " AND entity_kind = 'structure'");
    s.bind(1, id);
    std::optional<std::int64_t> out;
    if (s.step()) out = s.column_optional_int64(0);
    s.reset();
    return out;
  }

  std::optional<std::string> resolve(std::string_view id) override {
    if (get(id)) return std::string(id);
    // Merges keep redirects pointing at a live substance, so one hop is enough.
    return fetch_one(sql_, "SELECT target FROM substance_redirect WHERE id = ?", id, read_target);
  }

  std::int64_t merge(std::string_view from, std::string_view into, std::string_view user) override {
    if (from == into)
      throw InvalidArgument("cannot merge substance " + std::string(from) + " into itself");
    for (std::string_view id : {from, into}) {
      if (!get(id)) throw NotFound("no substance " + std::string(id));
    }
    Savepoint sp(sql_.connection(), "merge");
    std::int64_t moved = 0;
    for (const MemberRecord& m : members(from)) {
      MemberRecord n = m;
      n.substance_id = std::string(into);
      n.rule = "merged:" + m.rule;
      set_member(n);
      ++moved;
    }
    std::int64_t audit_id =
        audit({0, "", std::string(user), "merge",
               json{{"from", from}, {"into", into}, {"members", moved}}.dump()});
    // Earlier redirects to `from` now point at `into`, before `from` goes (ON DELETE CASCADE).
    sql_("UPDATE substance_redirect SET target = ? WHERE target = ?")
        .bind(1, into)
        .bind(2, from)
        .run();
    sql_("DELETE FROM substance WHERE id = ?").bind(1, from).run();
    sql_(
        "INSERT INTO substance_redirect(id, target, audit_id) VALUES (?,?,?)"
        " ON CONFLICT(id) DO UPDATE SET target = excluded.target, audit_id = excluded.audit_id")
        .bind(1, from)
        .bind(2, into)
        .bind(3, audit_id)
        .run();
    sp.release();
    return audit_id;
  }

  std::string split(std::string_view from,
                    const std::vector<std::pair<EntityKind, std::int64_t>>& entries,
                    std::string_view user) override {
    std::optional<SubstanceRecord> source = get(from);
    if (!source) throw NotFound("no substance " + std::string(from));
    if (entries.empty()) throw InvalidArgument("a split needs at least one entry to move");
    std::vector<MemberRecord> current = members(from);
    std::vector<std::string> keys;
    std::vector<MemberRecord> moving;
    for (const auto& entry : entries) {
      // Named copies: clang 14 cannot capture structured bindings in a lambda.
      const EntityKind kind = entry.first;
      const std::int64_t id = entry.second;
      auto it = std::find_if(current.begin(), current.end(), [&](const MemberRecord& m) {
        return m.entity_kind == kind && m.entity_id == id;
      });
      if (it == current.end()) {
        throw InvalidArgument(std::string(to_string(kind)) + " " + std::to_string(id) +
                              " is not a member of " + std::string(from));
      }
      keys.push_back(std::string(to_string(kind)) + ":" + std::to_string(id));
      moving.push_back(*it);
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    if (keys.size() >= current.size()) {
      throw InvalidArgument("a split must leave at least one member in " + std::string(from));
    }
    std::string key = "split|" + std::string(from);
    for (const std::string& k : keys) key += "|" + k;
    SubstanceRecord fresh = *source;
    fresh.id = "pbs-" + sha256_hex(key).substr(0, 12);
    Savepoint sp(sql_.connection(), "split");
    if (!insert(fresh).inserted) {
      throw InvalidArgument("substance " + fresh.id + " (this split) exists already");
    }
    for (MemberRecord m : moving) {
      m.substance_id = fresh.id;
      m.rule = "split from " + std::string(from) + ":" + m.rule;
      set_member(m);
    }
    audit({0, "", std::string(user), "split",
           json{{"from", from}, {"into", fresh.id}, {"entries", keys}}.dump()});
    sp.release();
    return fresh.id;
  }

  std::int64_t audit(const AuditRecord& e) override {
    sql_("INSERT INTO audit_log(user, action, details) VALUES (?,?,?)")
        .bind(1, e.user)
        .bind(2, e.action)
        .bind(3, e.details_json)
        .run();
    return sql_.connection().last_insert_rowid();
  }

  std::vector<AuditRecord> audit_log(const Page& page) override {
    Statement& s = sql_(
        "SELECT id, time, user, action, details FROM audit_log ORDER BY id DESC LIMIT ? OFFSET ?");
    s.bind(1, page.limit).bind(2, page.offset);
    return collect<AuditRecord>(s, [](Statement& st) {
      return AuditRecord{st.column_int64(0), st.column_text(1), st.column_text(2),
                         st.column_text(3), st.column_text(4)};
    });
  }

 private:
  void set_entity_substance(EntityKind kind, std::int64_t id,
                            const std::optional<std::string>& substance) {
    Statement& s =
        sql_("UPDATE " + std::string(entity_table(kind)) + " SET substance_id = ? WHERE id = ?");
    s.bind(1, substance).bind(2, id).run();
    if (substance && sql_.connection().changes() == 0) {
      throw NotFound("no " + std::string(to_string(kind)) + " with id " + std::to_string(id));
    }
  }

  StatementCache sql_;
};

}  // namespace

// --- free functions ---

ElementMask element_mask(const std::vector<std::string>& symbols) {
  ElementMask m;
  for (const auto& e : symbols) {
    const chem::Element* el = chem::find_element(e);
    if (el == nullptr) throw InvalidArgument("'" + e + "' is not an element symbol");
    if (el->z <= 62) {
      m.low |= std::int64_t{1} << (el->z - 1);
    } else {
      m.high |= std::int64_t{1} << (el->z - 63);
    }
  }
  return m;
}

std::string normalise_doi(std::string_view text) {
  std::string s = lower_ascii(text);
  // Strip resolver prefixes and "doi:" labels; a DOI starts with "10." (ISO 26324).
  std::size_t start = s.find("10.");
  if (start == std::string::npos) return {};
  s = s.substr(start);
  while (!s.empty() && (s.back() == ' ' || s.back() == '.' || s.back() == '\r')) s.pop_back();
  if (s.find('/') == std::string::npos) return {};
  return s;
}

std::string citation_key(const ReferenceRecord& r) {
  auto letters = [](std::string_view v) {
    std::string out;
    for (char c : v) {
      if (std::isalnum(static_cast<unsigned char>(c))) {
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
    }
    return out;
  };
  std::string family = r.authors.empty() ? "" : letters(split_author(r.authors.front()).first);
  // The first significant title words: enough to tell papers apart, short enough to survive
  // different endings ("... : a review"). Anything but ASCII letters and digits separates words,
  // so "Pb-Sn" and "Pb–Sn" agree.
  static constexpr std::string_view kStop[] = {"a",   "an",   "the", "of", "and",  "in", "on",
                                               "for", "with", "to",  "by", "from", "at", "its"};
  constexpr std::size_t kTitleWords = 6;
  std::string words;
  std::size_t n = 0;
  std::string_view title = r.title;
  std::size_t i = 0;
  while (i < title.size() && n < kTitleWords) {
    while (i < title.size() && !std::isalnum(static_cast<unsigned char>(title[i]))) ++i;
    std::size_t j = i;
    while (j < title.size() && std::isalnum(static_cast<unsigned char>(title[j]))) ++j;
    std::string w = letters(title.substr(i, j - i));
    i = j;
    if (w.empty() || std::find(std::begin(kStop), std::end(kStop), w) != std::end(kStop)) continue;
    words += (words.empty() ? "" : " ") + w;
    ++n;
  }
  if (family.empty() && words.empty()) return {};
  return family + "|" + (r.year ? std::to_string(*r.year) : "") + "|" + words;
}

std::string content_hash(const PropertyRecord& p, std::string_view reference_key) {
  // Fields separated by a byte that text cannot hold unescaped, so "a|b"+"c" != "a"+"b|c".
  Sha256 h;
  auto field = [&](std::string_view v) { h.update(v).update(std::string_view("\x1f", 1)); };
  auto number = [&](const std::optional<double>& v) {
    field(v ? json(*v).dump(-1, ' ', false, json::error_handler_t::replace) : std::string("null"));
  };
  field(p.kind);
  field(p.substance_id.value_or(""));
  field(p.formula);
  field(p.value_as_given);
  field(p.unit_as_given);
  number(p.value_si);
  number(p.uncertainty_si);
  number(p.min_si);
  number(p.max_si);
  number(p.temperature_K);
  number(p.pressure_kPa);
  field(p.method);
  field(p.conditions_json);
  if (!reference_key.empty()) {
    field(reference_key);
  } else {
    field(p.reference_id ? "#" + std::to_string(*p.reference_id) : "");
  }
  field(p.dataset);
  return h.hex();
}

Repositories make_repositories(Database& db) {
  Connection& c = db.connection();
  return Repositories{std::make_unique<SqliteReferences>(c), std::make_unique<SqliteStructures>(c),
                      std::make_unique<SqliteProperties>(c),
                      std::make_unique<SqlitePhaseDiagrams>(c),
                      std::make_unique<SqliteSubstances>(c)};
}

}  // namespace pb::store
