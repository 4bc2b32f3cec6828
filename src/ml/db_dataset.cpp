#include "ml/db_dataset.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "chem/element.hpp"
#include "chem/formula.hpp"
#include "crystal/cif_writer.hpp"
#include "store/database.hpp"
#include "store/property_kinds.hpp"
#include "store/sqlite_repositories.hpp"
#include "store/structure_record.hpp"
#include "util/error.hpp"
#include "util/sha256.hpp"
#include "util/units.hpp"

namespace pb::ml {

namespace {

// 15 significant digits, so that unit conversions print as written (8.1e-07, not
// 8.100000000000001e-07); a table from the database holds these strings, like its CSV.
std::string number(std::optional<double> v) {
  if (!v || !std::isfinite(*v)) return {};
  char buffer[32];
  auto [end, ec] =
      std::to_chars(buffer, buffer + sizeof buffer, *v, std::chars_format::general, 15);
  return std::string(buffer, end);
}

struct DatasetInfo {
  std::string name;
  std::string visibility;  // "public" or "members" (a name missing from the dataset table)
  std::size_t values = 0;
};

// The datasets `counts` lists (name, number of entries) and the names the selectors pick.
std::set<std::string> select_datasets(store::Connection& c, store::Statement& counts,
                                      const std::vector<std::string>& selectors,
                                      std::vector<DatasetInfo>& found) {
  std::map<std::string, std::string> visibility;
  store::Statement v = c.prepare("SELECT name, visibility FROM dataset");
  while (v.step()) visibility[v.column_text(0)] = v.column_text(1);
  while (counts.step()) {
    std::string name = counts.column_text(0);
    auto it = visibility.find(name);
    found.push_back({name, it == visibility.end() ? "members" : it->second,
                     static_cast<std::size_t>(counts.column_int64(1))});
  }
  std::set<std::string> known;
  for (const auto& [name, vis] : visibility) known.insert(name);
  for (const auto& d : found) known.insert(d.name);
  std::vector<std::string> sel = selectors.empty() ? std::vector<std::string>{"public"} : selectors;
  std::set<std::string> out;
  for (const auto& x : sel) {
    if (x == "public" || x == "members") {
      for (const auto& d : found)
        if (d.visibility == x) out.insert(d.name);
      continue;
    }
    if (!known.contains(x)) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      throw InvalidArgument("no dataset '" + x + "' in the database (datasets: " + list +
                            "; or public, members)");
    }
    out.insert(x);
  }
  return out;
}

std::string in_list(const std::set<std::string>& names) {
  std::string sql = "(";
  for (std::size_t i = 0; i < names.size(); ++i) sql += i ? ",?" : "?";
  return sql + ")";
}

// Keeps formulas holding every element of `elements` (all, when empty); a formula that does not
// parse is not kept.
std::function<bool(const std::string&)> element_filter(const std::vector<std::string>& elements) {
  std::vector<int> wanted;
  for (const auto& e : elements) {
    const chem::Element* el = chem::find_element(e);
    if (el == nullptr) throw InvalidArgument("--elements: '" + e + "' is not an element");
    wanted.push_back(el->z);
  }
  return [wanted](const std::string& formula) {
    if (wanted.empty()) return true;
    try {
      chem::Composition c = chem::parse_formula(formula).composition;
      std::set<int> has;
      for (const auto& e : c.entries()) has.insert(e.species.z);
      return std::all_of(wanted.begin(), wanted.end(), [&](int z) { return has.contains(z); });
    } catch (const std::exception&) {
      return false;
    }
  };
}

// Puts a stored structure into the table's files as CIF; returns its path.
std::string put_structure(Table& t, const store::StructureRecord& r, const std::string& dir) {
  crystal::Structure st = store::to_structure(r);
  st.name = "phasebook_" + std::to_string(r.id);
  std::string path = dir + "/" + std::to_string(r.id) + ".cif";
  t.files[path] = crystal::write_cif(st);
  return path;
}

}  // namespace

std::vector<std::string> database_columns(const std::string& kind) {
  return {"property_id", "substance_id",  "group",        "formula", kind,
          "unit",        "temperature_K", "pressure_kPa", "method",  "reference",
          "dataset",     "structure_id",  "structure"};
}

Table database_table(store::Database& db, const DbQuery& query, DbSummary* summary) {
  const store::PropertyKind* kind = store::find_property_kind(query.property);
  if (kind == nullptr) {
    std::string names;
    for (const auto& k : store::property_kinds()) names += (names.empty() ? "" : ", ") + k.name;
    throw InvalidArgument("unknown property '" + query.property + "' (kinds: " + names + ")");
  }
  units::Unit unit = query.unit.empty() ? kind->unit : units::parse_unit(query.unit);
  if (!units::convertible(kind->unit, unit)) {
    throw InvalidArgument("unit '" + query.unit + "' does not fit " + kind->name + " (stored in " +
                          kind->unit.text + ")");
  }
  DbSummary sum;
  sum.kind = kind->name;
  sum.unit = query.unit.empty() ? kind->unit.text : query.unit;

  store::Connection& c = db.connection();
  std::vector<DatasetInfo> found;
  store::Statement counts = c.prepare(
      "SELECT dataset, count(*) FROM property WHERE kind = ? GROUP BY dataset ORDER BY dataset");
  counts.bind(1, kind->name);
  std::set<std::string> datasets = select_datasets(c, counts, query.datasets, found);
  for (const auto& d : found) {
    if (!datasets.contains(d.name)) sum.left_out.emplace_back(d.name, d.values);
  }

  store::Statement s = c.prepare(
      "SELECT p.id, p.substance_id, p.formula, p.formula_reduced, p.value_si, p.temperature_K,"
      " p.pressure_kPa, p.method, p.conditions, r.doi, p.dataset, sub.host_formula"
      " FROM property p LEFT JOIN reference r ON r.id = p.reference_id"
      " LEFT JOIN substance sub ON sub.id = p.substance_id"
      " WHERE p.kind = ? AND p.dataset IN " +
      in_list(datasets) + " ORDER BY p.id");
  s.bind(1, kind->name);
  int k = 2;
  for (const auto& d : datasets) s.bind(k++, d);
  auto has_elements = element_filter(query.elements);
  // The temperature and element filters.
  auto keep = [&](std::optional<double> t, const std::string& formula) {
    if (query.min_temperature_K && !(t && *t >= *query.min_temperature_K)) return false;
    if (query.max_temperature_K && !(t && *t <= *query.max_temperature_K)) return false;
    return has_elements(formula);
  };

  // The structure standing for a substance: its first structure member in a selected dataset
  // (a restricted structure never reaches a table of public values).
  store::Statement first = c.prepare(
      "SELECT min(m.entity_id) FROM substance_member m JOIN structure st ON st.id = m.entity_id"
      " WHERE m.substance_id = ? AND m.entity_kind = 'structure' AND st.dataset IN " +
      in_list(datasets));
  store::Repositories repos = store::make_repositories(db);
  std::map<std::string, std::optional<std::int64_t>> structure_of;

  Table t;
  t.path = db.path().string() + " (" + kind->name + ")";
  t.header = database_columns(kind->name);
  std::vector<std::string> condition_keys;
  std::map<std::string, std::size_t> condition_column;
  std::vector<std::map<std::size_t, std::string>> conditions;
  std::set<std::string> substances, row_datasets;
  std::size_t line = 1;
  while (s.step()) {
    std::optional<double> value_si = s.column_optional_double(4);
    if (!value_si) {
      ++sum.bounds_only;
      continue;
    }
    std::int64_t id = s.column_int64(0);
    std::string substance = s.column_optional_text(1).value_or("");
    std::string formula = s.column_optional_text(2).value_or("");
    std::string reduced = s.column_optional_text(3).value_or("");
    if (formula.empty()) formula = reduced;
    if (formula.empty()) formula = s.column_optional_text(11).value_or("");
    if (!keep(s.column_optional_double(5), formula)) {
      ++sum.filtered;
      continue;
    }
    std::string dataset = s.column_text(10);
    row_datasets.insert(dataset);
    std::string structure_id, structure_path;
    if (!substance.empty()) {
      ++sum.with_substance;
      substances.insert(substance);
      if (query.structures) {
        auto it = structure_of.find(substance);
        if (it == structure_of.end()) {
          first.bind(1, substance);
          int j = 2;
          for (const auto& d : datasets) first.bind(j++, d);
          std::optional<std::int64_t> sid;
          if (first.step()) sid = first.column_optional_int64(0);
          first.reset();
          it = structure_of.emplace(substance, sid).first;
          if (sid) {
            std::optional<store::StructureRecord> r = repos.structures->get(*sid);
            if (r) {
              put_structure(t, *r, query.structure_dir);
            } else {
              it->second.reset();
            }
          }
        }
        if (it->second) {
          structure_id = std::to_string(*it->second);
          structure_path = query.structure_dir + "/" + structure_id + ".cif";
          ++sum.with_structure;
        }
      }
    }
    std::vector<std::string> row = {std::to_string(id),
                                    substance,
                                    substance.empty() ? reduced : substance,
                                    formula,
                                    number(units::convert(*value_si, kind->unit, unit)),
                                    sum.unit,
                                    number(s.column_optional_double(5)),
                                    number(s.column_optional_double(6)),
                                    s.column_optional_text(7).value_or(""),
                                    s.column_optional_text(9).value_or(""),
                                    dataset,
                                    structure_id,
                                    structure_path};
    std::map<std::size_t, std::string> extra;
    std::string json = s.column_optional_text(8).value_or("{}");
    nlohmann::json cond = nlohmann::json::parse(json, nullptr, false);
    if (cond.is_object()) {
      for (const auto& [key, v] : cond.items()) {
        auto it = condition_column.find(key);
        if (it == condition_column.end()) {
          std::string name = key;
          if (std::find(t.header.begin(), t.header.end(), name) != t.header.end()) {
            name = "conditions." + key;
          }
          condition_keys.push_back(name);
          it = condition_column.emplace(key, condition_keys.size() - 1).first;
        }
        extra[it->second] = v.is_string() ? v.get<std::string>() : (v.is_null() ? "" : v.dump());
      }
    }
    t.rows.push_back(std::move(row));
    conditions.push_back(std::move(extra));
    t.lines.push_back(++line);
  }
  for (const auto& name : condition_keys) t.header.push_back(name);
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    for (std::size_t c2 = 0; c2 < condition_keys.size(); ++c2) {
      auto it = conditions[i].find(c2);
      t.rows[i].push_back(it == conditions[i].end() ? std::string() : it->second);
    }
  }
  sum.rows = t.rows.size();
  sum.substances = substances.size();
  sum.structures = t.files.size();
  sum.datasets.assign(row_datasets.begin(), row_datasets.end());
  if (t.rows.empty()) {
    std::string why = "no " + kind->name + " value in " + db.path().string();
    if (sum.filtered > 0) why += " (" + std::to_string(sum.filtered) + " left out by the filters)";
    if (sum.bounds_only > 0)
      why += " (" + std::to_string(sum.bounds_only) + " given only as bounds)";
    if (!sum.left_out.empty()) {
      why += "; datasets not selected:";
      for (const auto& [name, n] : sum.left_out)
        why += " " + name + " (" + std::to_string(n) + " values)";
    }
    throw InvalidArgument(why);
  }
  t.sha256 = Sha256().update(table_csv(t)).hex();
  if (summary != nullptr) *summary = std::move(sum);
  return t;
}

std::vector<std::string> substance_columns() {
  return {"substance_id", "group", "formula", "dataset", "structure_id", "structure"};
}

Table substance_table(store::Database& db, const DbQuery& query, DbSummary* summary) {
  store::Connection& c = db.connection();
  DbSummary sum;
  std::vector<DatasetInfo> found;
  store::Statement counts = c.prepare(
      "SELECT dataset, count(*) FROM structure WHERE substance_id IS NOT NULL GROUP BY dataset"
      " ORDER BY dataset");
  std::set<std::string> datasets = select_datasets(c, counts, query.datasets, found);
  for (const auto& d : found) {
    if (!datasets.contains(d.name)) sum.left_out.emplace_back(d.name, d.values);
  }
  const store::PropertyKind* unmeasured = nullptr;
  if (!query.unmeasured.empty()) {
    unmeasured = store::find_property_kind(query.unmeasured);
    if (unmeasured == nullptr)
      throw InvalidArgument("unknown property '" + query.unmeasured + "' (--unmeasured)");
  }
  // Substances with a value of `unmeasured` in a selected dataset are left out.
  std::string without =
      unmeasured == nullptr
          ? std::string()
          : " AND m.substance_id NOT IN (SELECT substance_id FROM property WHERE kind = ?"
            " AND substance_id IS NOT NULL AND dataset IN " +
                in_list(datasets) + ")";
  store::Statement s = c.prepare(
      "SELECT m.substance_id, min(m.entity_id) FROM substance_member m"
      " JOIN structure st ON st.id = m.entity_id WHERE m.entity_kind = 'structure'"
      " AND st.dataset IN " +
      in_list(datasets) + without + " GROUP BY m.substance_id ORDER BY m.substance_id");
  int k = 1;
  for (const auto& d : datasets) s.bind(k++, d);
  if (unmeasured != nullptr) {
    s.bind(k++, unmeasured->name);
    for (const auto& d : datasets) s.bind(k++, d);
  }
  auto has_elements = element_filter(query.elements);
  store::Repositories repos = store::make_repositories(db);
  Table t;
  t.path = db.path().string() + " (substances)";
  t.header = substance_columns();
  std::set<std::string> row_datasets;
  std::size_t line = 1;
  while (s.step()) {
    std::string substance = s.column_text(0);
    std::optional<store::StructureRecord> r = repos.structures->get(s.column_int64(1));
    if (!r) continue;
    // The cell's composition with decimal amounts (partial occupancies as stored).
    std::string formula = r->chemical_formula_descriptive;
    if (!has_elements(formula)) {
      ++sum.filtered;
      continue;
    }
    row_datasets.insert(r->dataset);
    t.rows.push_back({substance, substance, formula, r->dataset, std::to_string(r->id),
                      put_structure(t, *r, query.structure_dir)});
    t.lines.push_back(++line);
  }
  sum.rows = sum.substances = sum.with_substance = sum.with_structure = t.rows.size();
  sum.structures = t.files.size();
  sum.datasets.assign(row_datasets.begin(), row_datasets.end());
  if (t.rows.empty()) {
    throw InvalidArgument("no substance with a structure in " + db.path().string() +
                          (sum.filtered
                               ? " (" + std::to_string(sum.filtered) + " left out by the filters)"
                               : std::string()));
  }
  t.sha256 = Sha256().update(table_csv(t)).hex();
  if (summary != nullptr) *summary = std::move(sum);
  return t;
}

}  // namespace pb::ml
