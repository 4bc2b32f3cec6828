#pragma once
/// Phase diagrams in the JSON shape of docs/database.md ("Phase-diagram JSON").
#include <string_view>
#include <vector>

#include "store/repositories.hpp"

namespace pb::store {

/// A diagram read from JSON, with the reference it cites.
struct PhaseDiagramInput {
  PhaseDiagramRecord diagram;  ///< content_hash set; reference_id not yet
  std::optional<ReferenceRecord> reference;
};

/// Parses `{"phase_diagrams": [...]}` or a single diagram object; throws ParseError with the
/// line and column of a JSON syntax error, or the JSON path of a missing or wrong field.
std::vector<PhaseDiagramInput> parse_phase_diagrams_json(std::string_view text,
                                                         std::string_view file = {});

}  // namespace pb::store
