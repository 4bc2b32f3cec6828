#pragma once
/// How each OPTIMADE property maps onto Phasebook's tables (internal to pb_optimade). SQL
/// templates may hold "{}" (an item condition, for lists) and "{ds:ALIAS}" (where the caller's
/// dataset restriction on a linked table goes: " AND ALIAS.dataset IN (?, ...)" or nothing).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "optimade/filter.hpp"

namespace pb::optimade {

/// A list property that filters can look into.
struct ListDef {
  FieldType item_type = FieldType::string;
  /// True when an entry has an item satisfying "{}" in `item`, e.g.
  /// "s.id IN (SELECT structure_id FROM structure_element WHERE {})"; empty when HAS is not
  /// implemented for this list.
  std::string has;
  std::string item;    ///< the item inside `has`, e.g. "element"
  std::string length;  ///< number of items; empty when LENGTH is not implemented
};

struct FieldDef {
  FieldInfo info;
  std::string filter;      ///< scalar SQL template compared by filters; empty: not filterable
  std::string number_sql;  ///< used instead when compared with a number (year is a string)
  std::string int_key;     ///< integer key for `id = "<digits>"`, e.g. "s.id"
  std::string known;       ///< IS KNOWN template; empty: derived from `filter` (or true for lists)
  std::optional<ListDef> list;
  bool listed = true;  ///< shown by fields(); nested names such as authors.lastname are not
};

/// Lists whose items correspond one to one, for the correlated form `a:b HAS x:y` (spec "Filtering
/// on list properties", values in correlated positions), read together from one source.
struct ZipDef {
  std::vector<std::string> fields;  ///< e.g. {"elements", "elements_ratios"}
  std::string has;                  ///< as ListDef::has, "{}" a condition on the items
  std::vector<std::string> items;   ///< each field's item expression inside `has`
};

/// The correlated lists of the entry type (a list correlated with itself needs none).
const std::vector<ZipDef>& zip_defs(EntryType type);

/// Every property of the entry type, including nested ones that are not listed.
const std::vector<FieldDef>& field_defs(EntryType type);

/// The property with this (dotted) name, or nullptr.
const FieldDef* find_field(EntryType type, std::string_view name);

/// An RFC 3339 date-time ("2024-05-01T12:00:00Z", "...+02:00", fractions; 't', 'z' and a space
/// for 'T' accepted; a bare date is midnight UTC) as UTC "YYYY-MM-DD HH:MM:SS.fff", the form
/// julianday() reads; nullopt when it is not one.
std::optional<std::string> utc_timestamp(std::string_view text);

}  // namespace pb::optimade
