#pragma once
/// The search model shared by the CLI and the HTTP API: conditions on structures and properties,
/// translated to SQL with bound parameters only (docs/database.md, "Search").
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/database.hpp"

namespace pb::query {

/// A closed interval; an absent bound is open.
struct Range {
  std::optional<double> min;
  std::optional<double> max;

  bool empty() const { return !min && !max; }
};

/// Parses "5-6", "5..6", "5" (exactly 5), ">=5" / ">5" (at least), "<=6" / "<6" (at most);
/// exponents are allowed ("1e-4-1e-3"). Throws InvalidArgument naming the text when malformed.
Range parse_range(std::string_view text);

/// Sort key and direction.
struct Sort {
  std::string field = "id";
  bool descending = false;
};

/// Parses "field" or "field:desc" / "field:asc"; throws InvalidArgument for a field outside
/// `allowed`.
Sort parse_sort(std::string_view text, const std::vector<std::string>& allowed);

/// Fields a structure search may sort on.
const std::vector<std::string>& structure_sort_fields();
/// Fields a property search may sort on.
const std::vector<std::string>& property_sort_fields();

/// Conditions on the literature reference of an entry.
struct ReferenceCondition {
  std::string author;   ///< substring of any author name, case-insensitive
  std::string journal;  ///< substring, case-insensitive
  std::string doi;      ///< exact after normalise_doi
  Range year;

  bool empty() const { return author.empty() && journal.empty() && doi.empty() && year.empty(); }
};

/// The structure's substance has a property of this kind within the ranges.
struct PropertyCondition {
  std::string kind;  ///< a property kind name or alias
  Range value_si;    ///< in the kind's canonical unit
  Range temperature_K;
};

/// Converts a value range given in `unit` to the canonical unit of `kind`; throws InvalidArgument
/// for an unknown kind or unit, or a unit of another dimension.
Range range_to_si(const Range& range, std::string_view kind, std::string_view unit);

/// Which rows to return after sorting; total counts ignore it.
struct Paging {
  std::optional<std::int64_t> limit;  ///< nullopt: every row
  std::int64_t offset = 0;
};

/// Every condition a structure search understands; an empty query matches every structure.
struct StructureQuery {
  std::vector<std::string> elements_all;   ///< has every one of these elements
  std::vector<std::string> elements_any;   ///< has at least one of these
  std::vector<std::string> elements_only;  ///< has exactly this set
  std::vector<std::string> elements_none;  ///< has none of these
  Range nelements;
  std::string formula;            ///< reduced formula, normalised through the formula parser
  std::string formula_anonymous;  ///< OPTIMADE anonymous formula, e.g. "ABC3"
  std::string formula_contains;   ///< the structure has every element of this formula
  std::optional<int> space_group_number;
  std::string crystal_system;
  std::string pearson_symbol;
  std::string structure_type;  ///< of the structure's substance, case-insensitive
  Range a, b, c, alpha, beta, gamma;
  std::optional<PropertyCondition> property;
  ReferenceCondition reference;
  std::string text;  ///< free text over formulas, sources and reference title/authors/journal
  std::string substance_id;
  Sort sort;
  Paging paging;
};

/// One structure as a search returns it.
struct StructureRow {
  std::int64_t id = 0;
  std::optional<std::string> substance_id;
  std::optional<std::int64_t> reference_id;
  std::string source_file;
  std::string source_block;
  std::string formula_reduced;
  std::string formula_anonymous;
  std::string elements;  ///< "Li,Nb,O"
  int nelements = 0;
  std::optional<int> space_group_number;
  std::string space_group_symbol;
  std::string crystal_system;
  std::string pearson_symbol;
  double a = 0, b = 0, c = 0, alpha = 0, beta = 0, gamma = 0;
  std::optional<double> volume;
};

/// A page of results and the number of rows matching in all.
template <class Row>
struct Results {
  std::int64_t total = 0;
  std::vector<Row> rows;
};

/// Runs a structure search; throws InvalidArgument for a bad condition (unknown element, sort
/// field, formula that does not parse, ...).
Results<StructureRow> search_structures(store::Database& db, const StructureQuery& q);

/// Conditions on property values.
struct PropertyQuery {
  std::string kind;  ///< name or alias; empty: any kind
  Range value_si;
  Range temperature_K;
  std::string formula;  ///< reduced formula of the entry, normalised
  std::string substance_id;
  ReferenceCondition reference;
  Sort sort;
  Paging paging;
};

/// One property value as a search returns it.
struct PropertyRow {
  std::int64_t id = 0;
  std::string kind;
  std::string unit;  ///< canonical unit of value_si
  std::optional<std::string> substance_id;
  std::string formula;
  std::optional<double> value_si, min_si, max_si, uncertainty_si;
  std::string value_as_given;
  std::string unit_as_given;
  std::optional<double> temperature_K;
  std::optional<double> pressure_kPa;
  std::string method;
  std::string conditions_json;
  std::optional<std::int64_t> reference_id;
  std::string source_file;
};

/// Runs a property search; throws InvalidArgument for a bad condition.
Results<PropertyRow> search_properties(store::Database& db, const PropertyQuery& q);

/// Ids of the phase diagrams with a phase linked to the substance, ascending.
std::vector<std::int64_t> phase_diagrams_of_substance(store::Database& db,
                                                      std::string_view substance_id);

/// The FTS5 query that matches every whitespace-separated word of `text` literally (operators,
/// quotes and '*' lose their meaning); empty when the text has no words.
std::string fts_literal_query(std::string_view text);

}  // namespace pb::query
