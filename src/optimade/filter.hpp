#pragma once
/// The OPTIMADE filter language (spec v1.2/v1.3, "API Filtering Format Specification"): a
/// hand-written lexer and recursive-descent parser, and the translation of a filter into an SQL
/// condition with bound parameters over Phasebook's SQLite schema. docs/optimade-filter.md lists
/// the grammar, the fields, the null semantics and what answers 501.
///
/// Entry ids: a structure's OPTIMADE id is the decimal text of `structure.id`, a reference's the
/// decimal text of `reference.id`, a substance's its `substance.id`.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "util/error.hpp"

namespace pb::store {
class Connection;
class Statement;
}  // namespace pb::store

namespace pb::optimade {

/// A filter that is not valid grammar, names an unknown unprefixed or `_phasebook_` property, or
/// holds a value that cannot be read (a bad timestamp): HTTP 400. what() is
/// "error at column N: message".
class FilterError : public ParseError {
 public:
  FilterError(std::size_t column, std::string message);
  /// 1-based, in code points; 0 when the problem is not at one place.
  std::size_t column() const { return where().column; }
};

/// Valid grammar that Phasebook does not implement (an OPTIONAL construct, values of different
/// types, a string constant compared with a string constant): HTTP 501.
class NotImplementedError : public ParseError {
 public:
  NotImplementedError(std::size_t column, std::string message);
  std::size_t column() const { return where().column; }
};

/// The entry types a filter can be translated for.
enum class EntryType { structures, references, substances };

/// "structures", "references", "_phasebook_substances".
std::string_view entry_type_name(EntryType type);
/// The entry type of an endpoint name; nullopt for any other name.
std::optional<EntryType> entry_type_from_name(std::string_view name);

struct Node;  // the syntax tree, optimade/ast.hpp

/// A parsed filter: the syntax tree and the text it came from.
class Filter {
 public:
  Filter(std::shared_ptr<const Node> root, std::string text);
  const Node& root() const { return *root_; }
  const std::string& text() const { return text_; }
  /// Fully parenthesised canonical form, e.g. "((NOT (a > b)) OR (c = 100))".
  std::string to_string() const;

 private:
  std::shared_ptr<const Node> root_;
  std::string text_;
};

/// Deepest nesting of parentheses and NOT that a filter may have (hostile input must not
/// exhaust the stack).
inline constexpr std::size_t kMaxFilterDepth = 64;
/// Deepest nesting of AND, OR and NOT in the filter's tree (parentheses that group nothing do
/// not count): SQLite's parser stack (100 entries in Debian's 3.40) overflows from about 22
/// levels of the SQL that to_sql() writes, measured for every kind of comparison.
inline constexpr std::size_t kMaxBooleanDepth = 16;

/// Parses a filter; throws FilterError with the column of the problem.
Filter parse_filter(std::string_view text);

/// One bound value; nullptr binds SQL NULL.
using SqlParam = std::variant<std::nullptr_t, std::int64_t, double, std::string>;

/// A parenthesised SQL boolean expression over the entry table (aliased as from_clause() says),
/// safe to AND with other conditions, with '?' placeholders, the values to bind in order, and
/// warnings for the response's meta (unknown provider prefixes treated as null).
struct SqlWhere {
  std::string sql;
  std::vector<SqlParam> params;
  std::vector<std::string> warnings;
};

/// How a filter is translated.
struct SqlOptions {
  /// Datasets the caller may see; empty = no restriction. Applied to the other tables a filter
  /// looks into (linked properties, substances, references, member counts), so that a filter
  /// cannot reveal restricted records; the caller still restricts the entry table itself.
  std::vector<std::string> datasets;
};

/// Translates a filter for one entry type. Throws FilterError (400) for unknown unprefixed or
/// `_phasebook_` properties and unreadable values, NotImplementedError (501) for constructs that
/// are valid but unsupported.
SqlWhere to_sql(const Filter& filter, EntryType type, const SqlOptions& options = {});

/// Registers the SQL function that to_sql() output for structures calls, pb_optimade_list(name,
/// sites): species_at_sites and elements_ratios of stored sites as JSON, computed by
/// crystal::optimade_attributes as responses show them. Every connection that prepares filter
/// SQL needs it.
void register_sql_functions(store::Connection& connection);

/// Binds the parameters to consecutive placeholders from `first`; returns the next free index.
int bind_params(store::Statement& statement, const std::vector<SqlParam>& params, int first = 1);

/// The table and alias the SQL refers to: "structure AS s", "reference AS r", "substance AS sub".
std::string_view from_clause(EntryType type);
/// The SQL expression of the OPTIMADE id (text), e.g. "CAST(s.id AS TEXT)".
std::string_view id_sql(EntryType type);

/// The SQL expression to ORDER BY for ?sort=<field>; nullopt when the field is not sortable
/// (unknown, or a list).
std::optional<std::string> sort_column(EntryType type, std::string_view field);

/// OPTIMADE data types, as /info/<entry> names them.
enum class FieldType { string, integer, floating, boolean, timestamp, list, dictionary };
/// "string", "integer", "float", "boolean", "timestamp", "list", "dictionary".
std::string_view field_type_name(FieldType type);

/// One property of an entry type, for /info/<entry> and for building responses.
struct FieldInfo {
  std::string name;
  FieldType type = FieldType::string;
  std::string description;
  std::string unit;  ///< empty when dimensionless or not a quantity
  bool sortable = false;
  bool queryable = false;  ///< false: always null here (a standard field Phasebook does not store)
  /// SQL expression over from_clause() giving the value: a scalar, or JSON text for lists and
  /// dictionaries; "NULL" when never stored; empty when the value is derived in C++ from the
  /// record (e.g. cartesian_site_positions via crystal::optimade_attributes). Filters compare
  /// against the same values. Linked-table subqueries here are not restricted by dataset.
  std::string sql;
};

/// Every property of the entry type: the OPTIMADE standard ones (stored or not) and the
/// `_phasebook_` ones, in a stable order.
const std::vector<FieldInfo>& fields(EntryType type);

/// FieldInfo::sql for one property with the dataset restriction of `options` applied to linked
/// tables (its params bind in order); nullopt for an unknown name or a value derived in C++.
std::optional<SqlWhere> field_sql(EntryType type, std::string_view field,
                                  const SqlOptions& options = {});

}  // namespace pb::optimade
