// Field tables (work in progress).
#include "optimade/filter.hpp"

namespace pb::optimade {

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
  for (EntryType t : {EntryType::structures, EntryType::references, EntryType::substances})
    if (entry_type_name(t) == name) return t;
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

std::string_view id_sql(EntryType type) {
  switch (type) {
    case EntryType::structures:
      return "CAST(s.id AS TEXT)";
    case EntryType::references:
      return "CAST(r.id AS TEXT)";
    case EntryType::substances:
      return "sub.id";
  }
  return "";
}

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

std::optional<std::string> sort_column(EntryType, std::string_view) { return std::nullopt; }

const std::vector<FieldInfo>& fields(EntryType) {
  static const std::vector<FieldInfo> kNone;
  return kNone;
}

}  // namespace pb::optimade
