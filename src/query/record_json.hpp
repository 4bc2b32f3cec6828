#pragma once
/// JSON forms of stored entries, shared by `show`, `search --json` and `export --format jsonl`.
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string_view>

#include "query/search.hpp"
#include "store/repositories.hpp"

namespace pb::query {

/// One search row: id, substance id, source, formulas, symmetry and cell.
nlohmann::ordered_json structure_row_json(const StructureRow& r);

/// Every column of a stored structure; the sites only when `with_sites`.
nlohmann::ordered_json structure_record_json(const store::StructureRecord& s, bool with_sites);

/// A property value with its unit as given, the SI value in the kind's unit and its conditions.
nlohmann::ordered_json property_record_json(const store::PropertyRecord& p);

/// A reference with its authors as a list.
nlohmann::ordered_json reference_record_json(const store::ReferenceRecord& r);

/// A phase diagram with its phases (and their substances) and boundary polylines.
nlohmann::ordered_json phase_diagram_record_json(const store::PhaseDiagramRecord& d);

/// Everything linked to one substance: its identity fields, every member with the rule and
/// numbers that admitted it, the structures (sites only when `with_sites`), properties, phase
/// diagrams and the references they cite. An id that was merged away resolves to the substance
/// it joined ("requested_id" then differs from "id"); nullopt when the id names nothing.
std::optional<nlohmann::ordered_json> substance_json(store::Database& db, std::string_view id,
                                                     bool with_sites = false);

/// Text that holds JSON (a conditions or numbers column) as a JSON value; as a string when it
/// does not parse.
nlohmann::ordered_json embedded_json(const std::string& text);

}  // namespace pb::query
