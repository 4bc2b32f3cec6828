// Search conditions -> one SELECT with bound parameters. User text never enters the SQL string:
// only fixed fragments chosen from whitelists do (sort columns, clause templates).
#include "query/search.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>
#include <utility>
#include <variant>

#include "chem/element.hpp"
#include "chem/formula.hpp"
#include "store/property_kinds.hpp"
#include "store/repositories.hpp"
#include "util/error.hpp"
#include "util/units.hpp"

namespace pb::query {

namespace {

using Value = std::variant<std::int64_t, double, std::string>;

// WHERE clauses joined by AND, each with '?' placeholders and the values they bind, in order.
class Where {
 public:
  void add(std::string clause, std::vector<Value> values = {}) {
    clauses_.push_back(std::move(clause));
    for (auto& v : values) values_.push_back(std::move(v));
  }
  void add_range(std::string_view column, const Range& r) {
    if (r.min) add(std::string(column) + " >= ?", {*r.min});
    if (r.max) add(std::string(column) + " <= ?", {*r.max});
  }
  const std::vector<Value>& values() const { return values_; }
  std::size_t size() const { return clauses_.size(); }
  std::string sql() const {
    std::string out;
    for (std::size_t i = 0; i < clauses_.size(); ++i) {
      out += i == 0 ? " WHERE " : " AND ";
      out += clauses_[i];
    }
    return out;
  }
  // Binds every value from index 1; returns the next free index.
  int bind(store::Statement& st) const {
    int index = 1;
    for (const Value& v : values_) std::visit([&](const auto& x) { st.bind(index++, x); }, v);
    return index;
  }

 private:
  std::vector<std::string> clauses_;
  std::vector<Value> values_;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

// "li", "LI", " Li " -> "Li"; anything else that names no element is refused.
std::string element_symbol(std::string_view raw) {
  std::string s = lower(trim(raw));
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  if (s.empty() || chem::find_element(std::string_view(s)) == nullptr)
    throw InvalidArgument("unknown element '" + std::string(raw) + "'");
  return s;
}

std::vector<std::string> element_set(const std::vector<std::string>& raw) {
  std::set<std::string> unique;
  for (const auto& e : raw) unique.insert(element_symbol(e));
  return {unique.begin(), unique.end()};
}

// Every element of the mask is present.
void add_mask_all(Where& w, const store::ElementMask& m) {
  w.add("(s.elements_mask_low & ?) = ? AND (s.elements_mask_high & ?) = ?",
        {m.low, m.low, m.high, m.high});
}

chem::ParsedFormula parse_condition_formula(std::string_view what, const std::string& text) {
  try {
    return chem::parse_formula(text);
  } catch (const ParseError& e) {
    throw InvalidArgument(std::string(what) + " '" + text + "': " + e.describe());
  }
}

std::string reduced_formula(const std::string& text) {
  return parse_condition_formula("formula", text).composition.formula_reduced_optimade();
}

// A LIKE pattern matching `text` anywhere, with the pattern characters escaped by '\'.
std::string like_substring(std::string_view text) {
  std::string out = "%";
  for (char ch : text) {
    if (ch == '%' || ch == '_' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "%";
}

std::string kind_name(std::string_view kind) {
  const store::PropertyKind* k = store::find_property_kind(kind);
  if (k == nullptr) throw InvalidArgument("unknown property kind '" + std::string(kind) + "'");
  return k->name;
}

// Characters of UTF-8 text (bytes that do not continue a sequence).
std::size_t codepoints(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char ch) {
    return (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
  }));
}

// One FTS5 phrase holding `text` literally: a double-quoted string with its quotes doubled.
std::string fts_phrase(std::string_view text) {
  std::string out = "\"";
  for (char ch : text) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + '"';
}

// The entry's reference meets every condition: one subquery over the reference table, so the
// search probes references once instead of joining every entry to its reference.
void add_reference(Where& w, std::string_view reference_column, const ReferenceCondition& c) {
  if (c.empty()) return;
  Where r;
  if (!c.author.empty()) {
    const std::string_view author = trim(c.author);
    // Substrings of three characters or more are looked up in the trigram index of the authors
    // (schema 8): a superset of the LIKE matches, which the LIKE then narrows to the same rows.
    if (codepoints(author) >= 3)
      r.add(
          "r.id IN (SELECT rowid FROM reference_author_trigram WHERE reference_author_trigram "
          "MATCH ?)",
          {fts_phrase(author)});
    r.add("r.authors LIKE ? ESCAPE '\\'", {like_substring(author)});
  }
  if (!c.journal.empty()) r.add("r.journal LIKE ? ESCAPE '\\'", {like_substring(trim(c.journal))});
  if (!c.doi.empty()) {
    std::string doi = store::normalise_doi(c.doi);
    if (doi.empty()) throw InvalidArgument("'" + c.doi + "' is not a DOI");
    r.add("r.doi = ?", {doi});
  }
  r.add_range("r.year", c.year);
  w.add(std::string(reference_column) + " IN (SELECT r.id FROM reference r" + r.sql() + ")",
        r.values());
}

// A sort field name and the fixed SQL expression it stands for.
struct SortColumn {
  std::string_view field;
  std::string_view column;
};

constexpr SortColumn kStructureSort[] = {
    {"id", "s.id"},
    {"formula", "s.chemical_formula_reduced"},
    {"anonymous", "s.chemical_formula_anonymous"},
    {"nelements", "s.nelements"},
    {"space_group", "s.space_group_number"},
    {"crystal_system", "s.crystal_system"},
    {"pearson", "s.pearson_symbol"},
    {"a", "s.a"},
    {"b", "s.b"},
    {"c", "s.c"},
    {"alpha", "s.alpha"},
    {"beta", "s.beta"},
    {"gamma", "s.gamma"},
    {"volume", "s.volume"},
    {"density", "s.density"},
    {"year", "r.year"},
    {"source_file", "s.source_file"},
    {"substance", "s.substance_id"},
};

constexpr SortColumn kPropertySort[] = {
    {"id", "p.id"},
    {"kind", "p.kind"},
    {"value", "p.value_si"},
    {"temperature", "p.temperature_K"},
    {"formula", "p.formula_reduced"},
    {"year", "r.year"},
    {"substance", "p.substance_id"},
};

template <std::size_t N>
std::vector<std::string> field_names(const SortColumn (&columns)[N]) {
  std::vector<std::string> out;
  for (const auto& c : columns) out.emplace_back(c.field);
  return out;
}

// " ORDER BY <column> <dir>, <id> <dir>": the id makes pages stable under ties.
template <std::size_t N>
std::string order_by(const SortColumn (&columns)[N], std::string_view id_column, const Sort& sort) {
  for (const auto& c : columns) {
    if (c.field != sort.field) continue;
    const char* dir = sort.descending ? " DESC" : " ASC";
    return " ORDER BY " + std::string(c.column) + dir + ", " + std::string(id_column) + dir;
  }
  throw InvalidArgument("unknown sort field '" + sort.field + "'");
}

void check_paging(const Paging& p) {
  if (p.limit && *p.limit < 0) throw InvalidArgument("limit must not be negative");
  if (p.offset < 0) throw InvalidArgument("offset must not be negative");
}

// The parts of a search's SQL: `select` lists the row's columns, `from` the tables, `id` the
// key column, `order` the ORDER BY; `count_select` (SELECT ... FROM) counts the matches, by
// default the rows of `from`.
struct Sql {
  std::string select, from, id, order, count_select;
};

// Runs the page query and, only when the page cannot tell it, the count query. A page first
// picks its ids (often from an index alone), then reads the whole rows of those ids only.
template <class Row, class ReadRow>
Results<Row> run(store::Database& db, const Sql& sql, const Where& where, const Paging& paging,
                 ReadRow read_row) {
  Results<Row> out;
  const std::string page =
      paging.limit ? sql.select + sql.from + " WHERE " + sql.id + " IN (SELECT " + sql.id +
                         sql.from + where.sql() + sql.order + " LIMIT ? OFFSET ?)" + sql.order
                   : sql.select + sql.from + where.sql() + sql.order + " LIMIT ? OFFSET ?";
  store::Statement st = db.connection().prepare(page);
  int next = where.bind(st);
  st.bind(next, paging.limit.value_or(-1));
  st.bind(next + 1, paging.offset);
  while (st.step()) out.rows.push_back(read_row(st));
  const auto n = static_cast<std::int64_t>(out.rows.size());
  if ((!paging.limit || n < *paging.limit) && (n > 0 || paging.offset == 0)) {
    out.total = paging.offset + n;
    return out;
  }
  store::Statement count = db.connection().prepare(
      (sql.count_select.empty() ? "SELECT count(*)" + sql.from : sql.count_select) + where.sql());
  where.bind(count);
  count.step();
  out.total = count.column_int64(0);
  return out;
}

// Reads the columns of a row left to right, in SELECT order.
class Columns {
 public:
  explicit Columns(const store::Statement& st) : st_(st) {}
  std::int64_t int64() { return st_.column_int64(next_++); }
  std::string text() { return st_.column_text(next_++); }
  std::optional<std::string> optional_text() { return st_.column_optional_text(next_++); }
  std::optional<std::int64_t> optional_int64() { return st_.column_optional_int64(next_++); }
  std::optional<double> optional_double() { return st_.column_optional_double(next_++); }

 private:
  const store::Statement& st_;
  int next_ = 0;
};

StructureRow read_structure(const store::Statement& st) {
  Columns c(st);
  StructureRow r;
  r.id = c.int64();
  r.substance_id = c.optional_text();
  r.reference_id = c.optional_int64();
  for (std::string* field :
       {&r.source_file, &r.source_block, &r.formula_reduced, &r.formula_anonymous, &r.elements})
    *field = c.text();
  // Stored as ",Li,Nb,O," for LIKE; rows show "Li,Nb,O".
  if (r.elements.size() >= 2) r.elements = r.elements.substr(1, r.elements.size() - 2);
  r.nelements = static_cast<int>(c.int64());
  if (auto sg = c.optional_int64()) r.space_group_number = static_cast<int>(*sg);
  for (std::string* field : {&r.space_group_symbol, &r.crystal_system, &r.pearson_symbol})
    *field = c.text();
  for (double* field : {&r.a, &r.b, &r.c, &r.alpha, &r.beta, &r.gamma})
    *field = c.optional_double().value_or(0.0);
  r.volume = c.optional_double();
  return r;
}

PropertyRow read_property(const store::Statement& st) {
  Columns c(st);
  PropertyRow r;
  r.id = c.int64();
  r.kind = c.text();
  r.unit = c.text();
  r.substance_id = c.optional_text();
  r.formula = c.text();
  for (auto* field : {&r.value_si, &r.min_si, &r.max_si, &r.uncertainty_si})
    *field = c.optional_double();
  r.value_as_given = c.text();
  r.unit_as_given = c.text();
  r.temperature_K = c.optional_double();
  r.pressure_kPa = c.optional_double();
  r.method = c.text();
  r.conditions_json = c.text();
  r.reference_id = c.optional_int64();
  r.source_file = c.text();
  return r;
}

constexpr std::string_view kCrystalSystems[] = {
    "triclinic", "monoclinic", "orthorhombic", "tetragonal", "trigonal", "hexagonal", "cubic"};

}  // namespace

Range parse_range(std::string_view text) {
  const std::string_view original = text;
  text = trim(text);
  auto fail = [&](std::string_view why) -> Range {
    throw InvalidArgument("malformed range '" + std::string(original) + "': " + std::string(why) +
                          " (write MIN-MAX, MIN..MAX, VALUE, >=MIN or <=MAX)");
  };
  auto number = [&](std::string_view s) -> double {
    s = trim(s);
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    double v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size()) fail("not a number");
    return v;
  };
  if (text.empty()) return fail("empty");
  for (std::string_view op : {">=", "<=", ">", "<"}) {
    if (!text.starts_with(op)) continue;
    double v = number(text.substr(op.size()));
    return op[0] == '>' ? Range{v, std::nullopt} : Range{std::nullopt, v};
  }
  if (auto dots = text.find(".."); dots != std::string_view::npos)
    return {number(text.substr(0, dots)), number(text.substr(dots + 2))};
  // The separating '-' is one that is neither a leading sign nor an exponent's sign.
  for (std::size_t i = 1; i < text.size(); ++i) {
    if (text[i] != '-' || text[i - 1] == 'e' || text[i - 1] == 'E') continue;
    Range r{number(text.substr(0, i)), number(text.substr(i + 1))};
    if (*r.min > *r.max) fail("the minimum is above the maximum");
    return r;
  }
  double v = number(text);
  return {v, v};
}

Sort parse_sort(std::string_view text, const std::vector<std::string>& allowed) {
  Sort s;
  std::string_view field = trim(text);
  if (auto colon = field.find(':'); colon != std::string_view::npos) {
    std::string dir = lower(field.substr(colon + 1));
    if (dir != "asc" && dir != "desc")
      throw InvalidArgument("sort direction must be 'asc' or 'desc', not '" + dir + "'");
    s.descending = dir == "desc";
    field = field.substr(0, colon);
  }
  s.field = lower(field);
  if (std::find(allowed.begin(), allowed.end(), s.field) == allowed.end()) {
    std::string names;
    for (const auto& a : allowed) names += (names.empty() ? "" : ", ") + a;
    throw InvalidArgument("unknown sort field '" + std::string(field) + "' (one of: " + names +
                          ")");
  }
  return s;
}

const std::vector<std::string>& structure_sort_fields() {
  static const std::vector<std::string> kFields = field_names(kStructureSort);
  return kFields;
}

const std::vector<std::string>& property_sort_fields() {
  static const std::vector<std::string> kFields = field_names(kPropertySort);
  return kFields;
}

Range range_to_si(const Range& range, std::string_view kind, std::string_view unit) {
  const store::PropertyKind* k = store::find_property_kind(kind);
  if (k == nullptr) throw InvalidArgument("unknown property kind '" + std::string(kind) + "'");
  const units::Unit from = units::parse_unit(unit);
  Range out;
  if (range.min) out.min = units::convert(*range.min, from, k->unit);
  if (range.max) out.max = units::convert(*range.max, from, k->unit);
  return out;
}

std::string fts_literal_query(std::string_view text) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    std::size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    std::string_view word = text.substr(start, i - start);
    // Words without a letter or digit hold no token for unicode61 and would be empty phrases.
    bool has_token = std::any_of(word.begin(), word.end(), [](char ch) {
      return std::isalnum(static_cast<unsigned char>(ch)) || static_cast<unsigned char>(ch) >= 0x80;
    });
    if (!has_token) continue;
    // A double-quoted FTS5 string is a phrase: operators, '*' and parentheses inside are text.
    if (!out.empty()) out += ' ';
    out += fts_phrase(word);
  }
  return out;
}

Results<StructureRow> search_structures(store::Database& db, const StructureQuery& q) {
  check_paging(q.paging);
  Where w;
  // Element sets are bit masks on the structure (store::element_mask), tested in one index.
  if (!q.elements_all.empty()) add_mask_all(w, store::element_mask(element_set(q.elements_all)));
  if (!q.elements_any.empty()) {
    store::ElementMask m = store::element_mask(element_set(q.elements_any));
    w.add("((s.elements_mask_low & ?) != 0 OR (s.elements_mask_high & ?) != 0)", {m.low, m.high});
  }
  if (!q.elements_only.empty()) {
    store::ElementMask m = store::element_mask(element_set(q.elements_only));
    w.add("s.elements_mask_low = ? AND s.elements_mask_high = ?", {m.low, m.high});
  }
  if (!q.elements_none.empty()) {
    store::ElementMask m = store::element_mask(element_set(q.elements_none));
    w.add("(s.elements_mask_low & ?) = 0 AND (s.elements_mask_high & ?) = 0", {m.low, m.high});
  }
  w.add_range("s.nelements", q.nelements);
  if (!q.formula_contains.empty()) {
    auto parsed = parse_condition_formula("formula", q.formula_contains);
    std::set<std::string> symbols;
    for (const auto& entry : parsed.composition.entries())
      symbols.emplace(chem::find_element(entry.species.z)->symbol);
    add_mask_all(w, store::element_mask({symbols.begin(), symbols.end()}));
  }
  // Conditions so far read only the element masks and the number of elements.
  const std::size_t element_clauses = w.size();
  if (!q.formula.empty()) w.add("s.chemical_formula_reduced = ?", {reduced_formula(q.formula)});
  if (!q.formula_anonymous.empty())
    w.add("s.chemical_formula_anonymous = ?", {std::string(trim(q.formula_anonymous))});
  if (q.space_group_number) {
    if (*q.space_group_number < 1 || *q.space_group_number > 230)
      throw InvalidArgument("space group number must be 1-230, not " +
                            std::to_string(*q.space_group_number));
    w.add("s.space_group_number = ?", {static_cast<std::int64_t>(*q.space_group_number)});
  }
  if (!q.crystal_system.empty()) {
    std::string cs = lower(trim(q.crystal_system));
    if (std::find(std::begin(kCrystalSystems), std::end(kCrystalSystems), cs) ==
        std::end(kCrystalSystems))
      throw InvalidArgument("unknown crystal system '" + q.crystal_system + "'");
    w.add("s.crystal_system = ?", {cs});
  }
  if (!q.pearson_symbol.empty())
    w.add("s.pearson_symbol = ?", {std::string(trim(q.pearson_symbol))});
  if (!q.structure_type.empty())
    w.add("s.substance_id IN (SELECT id FROM substance WHERE structure_type = ? COLLATE NOCASE)",
          {std::string(trim(q.structure_type))});
  // Lattice ranges read one covering index (schema 8): (a, b, c, angles) when a is bounded,
  // else (c, a, b). A unary '+' keeps SQLite from choosing the other index by a column it cannot
  // tell the selectivity of; the index still tests that column.
  const bool by_a = !q.a.empty();
  w.add_range("s.a", q.a);
  w.add_range(by_a ? "+s.b" : "s.b", q.b);
  w.add_range(by_a ? "+s.c" : "s.c", q.c);
  w.add_range("s.alpha", q.alpha);
  w.add_range("s.beta", q.beta);
  w.add_range("s.gamma", q.gamma);
  if (q.property) {
    Where p;
    p.add("p.kind = ?", {kind_name(q.property->kind)});
    p.add_range("p.value_si", q.property->value_si);
    p.add_range("p.temperature_K", q.property->temperature_K);
    // The inner clause's values follow those added so far, the order of its '?' in the SQL.
    std::string sub = "s.substance_id IN (SELECT p.substance_id FROM property p" + p.sql() + ")";
    w.add(std::move(sub), p.values());
  }
  add_reference(w, "s.reference_id", q.reference);
  if (std::string match = fts_literal_query(q.text); !match.empty())
    w.add(
        "(s.id IN (SELECT rowid FROM structure_fts WHERE structure_fts MATCH ?) OR "
        "s.reference_id IN (SELECT rowid FROM reference_fts WHERE reference_fts MATCH ?))",
        {match, match});
  else if (!trim(q.text).empty())
    w.add("0");  // only punctuation: no word can match
  if (!q.substance_id.empty()) w.add("s.substance_id = ?", {std::string(trim(q.substance_id))});

  static const std::string kSelect =
      "SELECT s.id, s.substance_id, s.reference_id, s.source_file, coalesce(s.source_block, ''), "
      "coalesce(s.chemical_formula_reduced, ''), coalesce(s.chemical_formula_anonymous, ''), "
      "s.elements, s.nelements, s.space_group_number, coalesce(s.space_group_symbol, ''), "
      "coalesce(s.crystal_system, ''), coalesce(s.pearson_symbol, ''), s.a, s.b, s.c, s.alpha, "
      "s.beta, s.gamma, s.volume";
  // Joins only when a condition or the sort needs them: the count of a broad search then reads
  // the structure table (or only its indexes) alone.
  std::string from = " FROM structure s";
  if (q.sort.field == "year") from += " LEFT JOIN reference r ON r.id = s.reference_id";
  // A search on elements alone is counted over the element sets (schema 8), whose columns carry
  // the names the conditions use.
  Sql sql{kSelect, from, "s.id", order_by(kStructureSort, "s.id", q.sort), ""};
  if (w.size() == element_clauses)
    sql.count_select = "SELECT coalesce(sum(s.structures), 0) FROM structure_element_set s";
  return run<StructureRow>(db, sql, w, q.paging, read_structure);
}

Results<PropertyRow> search_properties(store::Database& db, const PropertyQuery& q) {
  check_paging(q.paging);
  Where w;
  if (!q.kind.empty()) w.add("p.kind = ?", {kind_name(q.kind)});
  w.add_range("p.value_si", q.value_si);
  w.add_range("p.temperature_K", q.temperature_K);
  if (!q.formula.empty()) w.add("p.formula_reduced = ?", {reduced_formula(q.formula)});
  if (!q.substance_id.empty()) w.add("p.substance_id = ?", {std::string(trim(q.substance_id))});
  add_reference(w, "p.reference_id", q.reference);
  static const std::string kSelect =
      "SELECT p.id, p.kind, k.unit, p.substance_id, coalesce(p.formula_reduced, ''), p.value_si, "
      "p.min_si, p.max_si, p.uncertainty_si, p.value_as_given, coalesce(p.unit_as_given, ''), "
      "p.temperature_K, p.pressure_kPa, coalesce(p.method, ''), p.conditions, p.reference_id, "
      "coalesce(p.source_file, '')";
  static const std::string kFrom =
      " FROM property p JOIN property_kind k ON k.name = p.kind"
      " LEFT JOIN reference r ON r.id = p.reference_id";
  return run<PropertyRow>(db, {kSelect, kFrom, "p.id", order_by(kPropertySort, "p.id", q.sort), ""},
                          w, q.paging, read_property);
}

std::vector<std::int64_t> phase_diagrams_of_substance(store::Database& db,
                                                      std::string_view substance_id) {
  store::Statement st = db.connection().prepare(
      "SELECT DISTINCT diagram_id FROM phase_diagram_phase WHERE substance_id = ? "
      "ORDER BY diagram_id");
  st.bind(1, substance_id);
  std::vector<std::int64_t> ids;
  while (st.step()) ids.push_back(st.column_int64(0));
  return ids;
}

}  // namespace pb::query
