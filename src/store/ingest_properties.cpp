// `phasebook ingest properties`: a CSV table of property values, read in two passes. The first
// builds and checks every record (so a bad row is reported with its line before anything is
// written); the second writes them in batched transactions, idempotent by content hash.
#include <charconv>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <unordered_map>

#include "chem/formula.hpp"
#include "store/ingest.hpp"
#include "store/property_kinds.hpp"
#include "store/sqlite_repositories.hpp"
#include "util/csv.hpp"
#include "util/units.hpp"

namespace pb::store {

namespace {

// Room temperature where a table writes "RT" instead of a number (IUPAC: 298.15 K).
constexpr double kRoomTemperatureK = 298.15;

enum class Field {
  kFormula,
  kSubstance,
  kProperty,
  kValue,
  kUncertainty,
  kMin,
  kMax,
  kUnit,
  kTemperature,
  kTemperatureUnit,
  kPressure,
  kPressureUnit,
  kMethod,
  kDoi,
  kIgnore,
  kCondition,
  kKindValue,  // a column of values of one property kind ("Ea (eV)")
};

struct FieldName {
  Field field;
  std::string_view name;
  std::initializer_list<std::string_view> synonyms;  // folded header names read by default
};

const FieldName kFields[] = {
    {Field::kFormula,
     "formula",
     {"formula", "composition", "compound", "material", "chemicalformula", "reducedcomposition"}},
    {Field::kSubstance, "substance_id", {"substanceid", "substance"}},
    {Field::kProperty, "property", {"property", "propertykind", "kind", "quantity"}},
    {Field::kValue, "value", {"value"}},
    {Field::kUncertainty,
     "uncertainty",
     {"uncertainty", "error", "stderr", "std", "stdev", "stddev"}},
    {Field::kMin, "min", {"min", "minimum", "valuemin"}},
    {Field::kMax, "max", {"max", "maximum", "valuemax"}},
    {Field::kUnit, "unit", {"unit", "units", "valueunit"}},
    {Field::kTemperature, "temperature", {"temperature", "t", "temp"}},
    {Field::kTemperatureUnit, "temperature_unit", {"temperatureunit", "tunit"}},
    {Field::kPressure, "pressure", {"pressure", "p"}},
    {Field::kPressureUnit, "pressure_unit", {"pressureunit", "punit"}},
    {Field::kMethod, "method", {"method", "technique", "measurement"}},
    {Field::kDoi, "doi", {"doi", "referencedoi"}},
    {Field::kIgnore, "-", {}},
    {Field::kCondition, "condition", {}},
};

std::string fold(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == ' ' || c == '_' || c == '-' || c == '.') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return std::string(s);
}

// How one CSV column is read.
struct Column {
  std::string header;
  Field field = Field::kCondition;
  const PropertyKind* kind = nullptr;  // for kKindValue
  std::optional<units::Unit> unit;     // from "(unit)" in the header
};

// "T (K)" -> {"T", "K"}; "Ionic conductivity (S cm-1)" -> {..., "S cm-1"}.
std::pair<std::string, std::optional<units::Unit>> split_header_unit(const std::string& header) {
  std::string h = trim(header);
  if (h.size() > 2 && (h.back() == ')' || h.back() == ']')) {
    char open = h.back() == ')' ? '(' : '[';
    std::size_t at = h.rfind(open);
    if (at != std::string::npos && at > 0) {
      try {
        units::Unit u = units::parse_unit(h.substr(at + 1, h.size() - at - 2));
        return {trim(h.substr(0, at)), u};
      } catch (const InvalidArgument&) {
      }
    }
  }
  return {h, std::nullopt};
}

std::optional<Field> field_by_name(std::string_view name) {
  for (const auto& f : kFields) {
    if (f.name == name || fold(f.name) == fold(name)) return f.field;
  }
  if (name == "ignore") return Field::kIgnore;
  return std::nullopt;
}

Column plan_column(const std::string& header, const PropertyCsvOptions& options,
                   const SourceLocation& where) {
  Column col;
  col.header = header;
  auto [name, unit] = split_header_unit(header);
  col.unit = unit;
  for (const auto& [from, to] : options.map) {
    if (from != header && from != name) continue;
    if (auto f = field_by_name(to)) {
      col.field = *f;
    } else if (const PropertyKind* k = find_property_kind(to)) {
      col.field = Field::kKindValue;
      col.kind = k;
    } else {
      throw ParseError(
          where,
          "--map " + from + "=" + to + ": '" + to + "' is neither a field nor a property kind",
          "fields: formula, substance_id, property, value, uncertainty, min, max, "
          "unit, temperature, temperature_unit, pressure, pressure_unit, method, "
          "doi, condition, - (ignore)");
    }
    return col;
  }
  const std::string key = fold(name);
  for (const auto& f : kFields) {
    for (std::string_view s : f.synonyms) {
      if (s == key) {
        col.field = f.field;
        return col;
      }
    }
  }
  if (const PropertyKind* k = find_property_kind(name)) {
    col.field = Field::kKindValue;
    col.kind = k;
  }
  return col;
}

// A number as tables write it: "1.2e-3", "1.2E-03", "1.2×10−3", "1.2x10^-3", "−0.5".
std::optional<double> parse_number(std::string_view text) {
  std::string s;
  for (std::size_t i = 0; i < text.size();) {
    if (text.compare(i, 3, "\xE2\x88\x92") == 0) {  // U+2212 minus
      s += '-';
      i += 3;
    } else if (text.compare(i, 2, "\xC3\x97") == 0) {  // U+00D7 times
      s += 'x';
      i += 2;
    } else if (text[i] != ' ') {
      s += text[i++];
    } else {
      ++i;
    }
  }
  if (!s.empty() && s.front() == '+') s.erase(0, 1);
  for (std::string_view times : {"x10^", "x10", "*10^", "*10"}) {
    std::size_t at = s.find(times);
    if (at != std::string::npos && at > 0) {
      s = s.substr(0, at) + "e" + s.substr(at + times.size());
      break;
    }
  }
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty() || !std::isfinite(v)) {
    return std::nullopt;
  }
  return v;
}

// A value cell: a number, "<x"/">x" bounds, "x(u)" with uncertainty in the last digits,
// "x ± u" or "x+-u", or a range "a - b" / "a–b" / "a to b".
struct Measured {
  std::optional<double> value, uncertainty, min, max;
};

std::optional<Measured> parse_measured(const std::string& cell) {
  std::string s = trim(cell);
  Measured m;
  auto rest = [&](std::size_t n) { return std::string_view(s).substr(n); };
  if (s.rfind("<=", 0) == 0 || s.rfind("\xE2\x89\xA4", 0) == 0) {  // <=, ≤
    m.max = parse_number(rest(s[0] == '<' ? 2 : 3));
    return m.max ? std::optional(m) : std::nullopt;
  }
  if (s.rfind(">=", 0) == 0 || s.rfind("\xE2\x89\xA5", 0) == 0) {  // >=, ≥
    m.min = parse_number(rest(s[0] == '>' ? 2 : 3));
    return m.min ? std::optional(m) : std::nullopt;
  }
  if (!s.empty() && s[0] == '<') {
    m.max = parse_number(rest(1));
    return m.max ? std::optional(m) : std::nullopt;
  }
  if (!s.empty() && s[0] == '>') {
    m.min = parse_number(rest(1));
    return m.min ? std::optional(m) : std::nullopt;
  }
  if (auto v = parse_number(s)) {
    m.value = v;
    return m;
  }
  for (std::string_view pm : {"\xC2\xB1", "+/-", "+-"}) {  // ±
    if (std::size_t at = s.find(pm); at != std::string::npos) {
      m.value = parse_number(std::string_view(s).substr(0, at));
      m.uncertainty = parse_number(std::string_view(s).substr(at + pm.size()));
      return m.value && m.uncertainty ? std::optional(m) : std::nullopt;
    }
  }
  if (s.size() > 3 && s.back() == ')') {  // 1.234(5)
    std::size_t open = s.find('(');
    auto v = open == std::string::npos ? std::nullopt
                                       : parse_number(std::string_view(s).substr(0, open));
    std::string digits = s.substr(open + 1, s.size() - open - 2);
    if (v && !digits.empty() && digits.find_first_not_of("0123456789") == std::string::npos) {
      std::string mantissa = s.substr(0, open);
      std::size_t exp = mantissa.find_first_of("eE");
      std::string_view m_part = std::string_view(mantissa).substr(0, exp);
      std::size_t dot = m_part.find('.');
      int decimals = dot == std::string_view::npos ? 0 : static_cast<int>(m_part.size() - dot - 1);
      int exponent = exp == std::string::npos ? 0 : std::stoi(mantissa.substr(exp + 1));
      m.value = v;
      m.uncertainty = std::stod(digits) * std::pow(10.0, exponent - decimals);
      return m;
    }
  }
  for (std::string_view sep : {"\xE2\x80\x93", " - ", " to ", "~"}) {  // en dash
    if (std::size_t at = s.find(sep); at != std::string::npos && at > 0) {
      m.min = parse_number(std::string_view(s).substr(0, at));
      m.max = parse_number(std::string_view(s).substr(at + sep.size()));
      if (m.min && m.max && *m.min <= *m.max) return m;
      return std::nullopt;
    }
  }
  return std::nullopt;
}

// One record ready to write, with the DOI that links its reference.
struct Pending {
  PropertyRecord record;
  std::string doi;
};

class RowReader {
 public:
  RowReader(std::vector<Column> columns, const PropertyCsvOptions& options, std::string file)
      : columns_(std::move(columns)), file_(std::move(file)) {
    for (const auto& [field, value] : options.set) {
      auto f = field_by_name(field);
      if (!f || *f == Field::kIgnore || *f == Field::kCondition || *f == Field::kValue) {
        throw ParseError({file_, 0, 0}, "--set " + field + "=" + value + ": unknown field",
                         "set one of: formula, substance_id, property, unit, temperature, "
                         "temperature_unit, pressure, pressure_unit, method, doi");
      }
      set_[*f] = value;
    }
    if (auto it = set_.find(Field::kProperty);
        it != set_.end() && !find_property_kind(it->second)) {
      throw ParseError({file_, 0, 0}, "--set property=" + it->second + ": unknown property kind",
                       "see data/property_kinds.csv");
    }
    for (const auto& c : columns_) has_[c.field] = true;
    if (!has_[Field::kFormula] && !has_[Field::kSubstance] && !set_.count(Field::kFormula) &&
        !set_.count(Field::kSubstance)) {
      throw ParseError({file_, 1, 0}, "no formula or substance_id column",
                       "name a column 'formula' or use --map COLUMN=formula");
    }
    if (!has_[Field::kValue] && !has_[Field::kKindValue]) {
      throw ParseError({file_, 1, 0}, "no value column",
                       "name a column 'value' (with 'property' and 'unit'), give a property "
                       "column such as 'Ionic conductivity (S/cm)', or use --map COLUMN=KIND");
    }
  }

  // Builds the records of one row, or records why it cannot be read.
  void read(const std::vector<std::string>& cells, std::size_t line, std::vector<Pending>& out,
            std::vector<RowError>& errors, std::vector<RowError>& warnings) {
    const std::size_t errors_before = errors.size();
    auto error = [&](const std::string& column, std::string message) {
      errors.push_back({{file_, line, 0}, column, std::move(message)});
    };
    auto cell = [&](Field f, std::string* header = nullptr) -> std::string {
      for (std::size_t i = 0; i < columns_.size() && i < cells.size(); ++i) {
        if (columns_[i].field == f && !trim(cells[i]).empty()) {
          if (header) *header = columns_[i].header;
          return trim(cells[i]);
        }
      }
      auto it = set_.find(f);
      if (header) *header = "--set " + std::string(kFields[static_cast<int>(f)].name);
      return it == set_.end() ? std::string{} : it->second;
    };
    auto header_unit = [&](Field f) -> const units::Unit* {
      for (const auto& c : columns_) {
        if (c.field == f && c.unit) return &*c.unit;
      }
      return nullptr;
    };

    PropertyRecord base;
    base.source_file = file_;
    base.source_row = static_cast<std::int64_t>(line);
    std::string substance = cell(Field::kSubstance);
    if (!substance.empty()) base.substance_id = substance;
    std::string formula_header;
    base.formula = cell(Field::kFormula, &formula_header);
    if (!base.formula.empty()) {
      auto [it, added] = formulas_.try_emplace(base.formula);
      if (added) {
        try {
          it->second.first = chem::parse_formula(base.formula).composition.reduced_formula();
        } catch (const ParseError& e) {
          it->second.second = "formula '" + base.formula + "': " + e.message();
        } catch (const InvalidArgument& e) {
          it->second.second = "formula '" + base.formula + "': " + e.what();
        }
      }
      if (!it->second.second.empty()) {
        error(formula_header, it->second.second);
      } else {
        base.formula_reduced = it->second.first;
      }
    } else if (substance.empty()) {
      error("formula", "no formula and no substance_id");
    }

    // Temperature and pressure, converted to K and kPa.
    auto condition = [&](Field value_field, Field unit_field, std::string_view canonical,
                         std::optional<double>& target) {
      std::string header;
      std::string text = cell(value_field, &header);
      if (text.empty()) return;
      if (value_field == Field::kTemperature &&
          (fold(text) == "rt" || fold(text) == "roomtemperature")) {
        target = kRoomTemperatureK;
        return;
      }
      auto v = parse_number(text);
      if (!v) return error(header, "'" + text + "' is not a number");
      std::string unit_header;
      std::string unit_text = cell(unit_field, &unit_header);
      const units::Unit* from = header_unit(value_field);
      std::optional<units::Unit> parsed;
      if (!unit_text.empty()) {
        try {
          parsed = units::parse_unit(unit_text);
          from = &*parsed;
        } catch (const InvalidArgument& e) {
          return error(unit_header, e.what());
        }
      }
      if (from == nullptr) {
        return error(header, "no unit for " + header + " (add a '" +
                                 std::string(kFields[static_cast<int>(unit_field)].name) +
                                 "' column, a unit in the header like 'T (K)', or --set " +
                                 std::string(kFields[static_cast<int>(unit_field)].name) + "=...)");
      }
      try {
        target = units::convert(*v, *from, units::parse_unit(canonical));
      } catch (const InvalidArgument& e) {
        error(unit_header.empty() ? header : unit_header, e.what());
      }
    };
    condition(Field::kTemperature, Field::kTemperatureUnit, "K", base.temperature_K);
    condition(Field::kPressure, Field::kPressureUnit, "kPa", base.pressure_kPa);
    base.method = cell(Field::kMethod);
    std::string doi_header;
    std::string doi_text = cell(Field::kDoi, &doi_header);
    std::string doi = normalise_doi(doi_text);
    nlohmann::ordered_json conditions = nlohmann::ordered_json::object();
    if (!doi_text.empty() && doi.empty()) {
      // A citation written out instead of a DOI ("Journal De Physique 26 339-341. 1965" in the
      // Liverpool set): kept as text, since it cannot be linked safely.
      conditions["reference"] = doi_text;
      warnings.push_back({{file_, line, 0},
                          doi_header,
                          "'" + doi_text + "' is not a DOI; kept as the condition 'reference'"});
    }
    for (std::size_t i = 0; i < columns_.size() && i < cells.size(); ++i) {
      if (columns_[i].field == Field::kCondition && !trim(cells[i]).empty()) {
        conditions[columns_[i].header] = trim(cells[i]);
      }
    }
    base.conditions_json = conditions.dump();

    // The values: the long form (property, value, unit columns) and any kind columns.
    struct Spec {
      const PropertyKind* kind;
      std::string header;
      std::string text;
      const units::Unit* header_unit;
      bool long_form;  // from the value/property/unit columns
    };
    std::vector<Spec> specs;
    std::string value_header;
    std::string value_text = has_[Field::kValue] ? cell(Field::kValue, &value_header) : "";
    if (has_[Field::kValue]) {
      std::string kind_header;
      std::string kind_text = cell(Field::kProperty, &kind_header);
      const PropertyKind* kind = find_property_kind(kind_text);
      if (kind_text.empty()) {
        error("property", "no property kind (add a 'property' column or --set property=...)");
      } else if (kind == nullptr) {
        error(kind_header, "unknown property '" + kind_text + "' (see data/property_kinds.csv)");
      } else if (value_text.empty() && cell(Field::kMin).empty() && cell(Field::kMax).empty()) {
        error(value_header.empty() ? "value" : value_header, "empty value");
      } else {
        specs.push_back({kind, value_header, value_text, header_unit(Field::kValue), true});
      }
    }
    for (std::size_t i = 0; i < columns_.size() && i < cells.size(); ++i) {
      if (columns_[i].field == Field::kKindValue && !trim(cells[i]).empty()) {
        specs.push_back({columns_[i].kind, columns_[i].header, trim(cells[i]),
                         columns_[i].unit ? &*columns_[i].unit : nullptr, false});
      }
    }
    if (specs.empty() && errors.size() == errors_before)
      error("value", "no property value in this row");

    for (const Spec& spec : specs) {
      PropertyRecord r = base;
      r.kind = spec.kind->name;
      r.value_as_given = spec.text;
      std::string unit_header;
      std::string unit_text =
          spec.header_unit ? spec.header_unit->text : cell(Field::kUnit, &unit_header);
      if (spec.header_unit) unit_header = spec.header;
      units::Unit from = spec.kind->unit;
      if (!unit_text.empty()) {
        try {
          from = units::parse_unit(unit_text);
        } catch (const InvalidArgument& e) {
          error(unit_header, e.what());
          continue;
        }
        if (!units::convertible(from, spec.kind->unit)) {
          error(unit_header, "unit '" + unit_text + "' (" + from.dimension.to_string() +
                                 ") does not fit " + spec.kind->name + " (" + spec.kind->unit.text +
                                 ")");
          continue;
        }
      } else if (!spec.kind->unit.dimension.dimensionless()) {
        error(spec.header.empty() ? "unit" : spec.header,
              "no unit for " + spec.kind->name +
                  " (add a 'unit' column, a unit in the header "
                  "like 'Ionic conductivity (S/cm)', or --set unit=...)");
        continue;
      }
      r.unit_as_given = unit_text;
      Measured m;
      if (!spec.text.empty()) {
        auto parsed = parse_measured(spec.text);
        if (!parsed) {
          error(spec.header, "'" + spec.text + "' is not a number, bound or range");
          continue;
        }
        m = *parsed;
      }
      // Separate uncertainty/min/max columns complete the long form.
      if (spec.long_form) {
        for (auto [f, target] : {std::pair{Field::kUncertainty, &m.uncertainty},
                                 std::pair{Field::kMin, &m.min}, std::pair{Field::kMax, &m.max}}) {
          std::string h;
          std::string t = has_[f] ? cell(f, &h) : "";
          if (t.empty() || target->has_value()) continue;
          if (auto v = parse_number(t)) {
            *target = v;
          } else {
            error(h, "'" + t + "' is not a number");
          }
        }
      }
      auto to_si = [&](const std::optional<double>& v) -> std::optional<double> {
        if (!v) return std::nullopt;
        return units::convert(*v, from, spec.kind->unit);
      };
      r.value_si = to_si(m.value);
      r.min_si = to_si(m.min);
      r.max_si = to_si(m.max);
      if (m.uncertainty)
        r.uncertainty_si = units::convert_difference(*m.uncertainty, from, spec.kind->unit);
      if (r.value_as_given.empty()) {
        r.value_as_given =
            (m.min ? std::to_string(*m.min) : "") + ".." + (m.max ? std::to_string(*m.max) : "");
      }
      r.content_hash = content_hash(r, doi);
      out.push_back({std::move(r), doi});
    }
    if (errors.size() != errors_before) {
      // A row is written whole or not at all.
      while (!out.empty() && out.back().record.source_row == static_cast<std::int64_t>(line))
        out.pop_back();
    }
  }

 private:
  std::vector<Column> columns_;
  std::string file_;
  std::map<Field, std::string> set_;
  std::map<Field, bool> has_;
  std::unordered_map<std::string, std::pair<std::string, std::string>> formulas_;  // reduced, error
};

}  // namespace

std::string RowError::describe(std::string_view severity) const {
  std::string text = column.empty() ? message : "column '" + column + "': " + message;
  return format_diagnostic(where, severity, text);
}

IngestReport ingest_properties_csv(Database& db, const std::filesystem::path& file,
                                   const PropertyCsvOptions& options) {
  const std::string name = file.string();
  const std::string text = read_file_text(file);
  std::string_view rest = text;
  if (rest.substr(0, 3) == "\xEF\xBB\xBF") rest.remove_prefix(3);  // Excel's byte-order mark

  IngestReport report;
  std::vector<Pending> pending;
  std::optional<RowReader> reader;
  std::size_t header_fields = 0;
  std::size_t line = 0;
  while (!rest.empty()) {
    std::size_t nl = rest.find('\n');
    std::string_view raw = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
    ++line;
    if (trim(raw).empty()) continue;
    std::vector<std::string> cells;
    try {
      cells = csv::split(raw);
    } catch (const ParseError& e) {
      if (!reader) throw ParseError({name, line, e.where().column}, e.message(), e.hint());
      ++report.rows;
      report.errors.push_back({{name, line, e.where().column}, "", e.message()});
      continue;
    }
    if (!reader) {
      std::vector<Column> columns;
      for (const auto& h : cells) columns.push_back(plan_column(h, options, {name, line, 0}));
      for (const auto& m : options.map) {
        if (std::none_of(columns.begin(), columns.end(), [&](const Column& c) {
              return c.header == m.first || split_header_unit(c.header).first == m.first;
            })) {
          throw ParseError({name, line, 0},
                           "--map " + m.first + "=" + m.second + ": no column '" + m.first + "'");
        }
      }
      header_fields = cells.size();
      reader.emplace(std::move(columns), options, name);
      continue;
    }
    ++report.rows;
    if (cells.size() > header_fields &&
        std::any_of(cells.begin() + static_cast<std::ptrdiff_t>(header_fields), cells.end(),
                    [](const std::string& c) { return !trim(c).empty(); })) {
      report.errors.push_back({{name, line, 0},
                               "",
                               std::to_string(cells.size()) + " fields but the header has " +
                                   std::to_string(header_fields)});
      continue;
    }
    reader->read(cells, line, pending, report.errors, report.warnings);
  }
  if (!reader) throw ParseError({name, 0, 0}, "empty file: no header row");
  report.records = pending.size();
  if (!report.errors.empty()) {
    std::set<std::size_t> bad;
    for (const auto& e : report.errors) bad.insert(e.where.line);
    report.skipped = bad.size();
    if (!options.skip_bad) return report;
  }

  Repositories repos = make_repositories(db);
  std::map<std::string, std::int64_t> reference_ids;
  const std::size_t batch = std::max<std::size_t>(options.batch_rows, 1);
  for (std::size_t start = 0; start < pending.size(); start += batch) {
    Transaction tx(db.connection());
    std::size_t end = std::min(pending.size(), start + batch);
    std::size_t inserted = 0, references = 0;
    for (std::size_t i = start; i < end; ++i) {
      Pending& p = pending[i];
      if (!p.doi.empty()) {
        auto it = reference_ids.find(p.doi);
        if (it == reference_ids.end()) {
          ReferenceRecord ref;
          ref.doi = p.doi;
          ref.source = name + ":" + std::to_string(*p.record.source_row);
          InsertResult r = repos.references->insert(ref);
          references += r.inserted;
          it = reference_ids.emplace(p.doi, r.id).first;
        }
        p.record.reference_id = it->second;
      }
      inserted += repos.properties->insert(p.record).inserted;
    }
    tx.commit();
    // Count only after the commit, so a failed batch reports nothing it did not keep.
    report.inserted += inserted;
    report.references_added += references;
    report.existing += (end - start) - inserted;
    if (options.progress) options.progress(end, pending.size());
  }
  report.written = true;
  return report;
}

}  // namespace pb::store
