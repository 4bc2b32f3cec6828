#pragma once
/// JSON forms of stored entries, shared by `show`, `search --json` and `export --format jsonl`.
#include <nlohmann/json_fwd.hpp>

#include "query/search.hpp"
#include "store/repositories.hpp"

namespace pb::cli {

/// One search row: id, substance id, source, formulas, symmetry and cell.
nlohmann::ordered_json structure_row_json(const query::StructureRow& r);

/// Every column of a stored structure; the sites only when `with_sites`.
nlohmann::ordered_json structure_record_json(const store::StructureRecord& s, bool with_sites);

/// A property value with its unit as given, the SI value in the kind's unit and its conditions.
nlohmann::ordered_json property_record_json(const store::PropertyRecord& p);

/// A reference with its authors as a list.
nlohmann::ordered_json reference_record_json(const store::ReferenceRecord& r);

/// Text that holds JSON (a conditions or numbers column) as a JSON value; as a string when it
/// does not parse.
nlohmann::ordered_json embedded_json(const std::string& text);

}  // namespace pb::cli
