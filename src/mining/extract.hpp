#pragma once
/// Property records from documents: each quantity whose unit and wording name a battery or
/// electrolyte property becomes a record with its material, conditions, spans and confidence.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mining/document.hpp"
#include "mining/mentions.hpp"
#include "mining/quantities.hpp"

namespace pb::mining {

/// Version of the extraction rules, stored with every record (bump when output changes).
inline constexpr std::string_view kExtractorVersion = "pb-mining-rules/5";

/// One extracted property value.
struct MinedRecord {
  std::string property;  ///< e.g. "ionic_conductivity", "specific_capacity", "voltage_window"
  std::string material;  ///< the mention as written ("LLZO"); empty when none was found
  std::string material_formula;  ///< the formula it resolves to
  std::string material_reduced;
  std::string material_source;        ///< sentence | previous_sentence | document
  std::size_t block = 0;              ///< index into Document::blocks
  Span sentence;                      ///< in the block text
  Span span;                          ///< value and unit, in the block text
  std::optional<Span> material_span;  ///< in the block text, when in the same block
  std::string value_as_given;
  std::string unit_as_given;
  std::string unit_si;  ///< the unit of the *_si fields ("S/m", "eV", "C/kg", "V", "1", ...)
  std::optional<double> value_si;
  std::optional<double> uncertainty_si;
  std::optional<double> min_si;
  std::optional<double> max_si;
  std::string qualifier;
  std::optional<double> temperature_K;
  /// Further conditions as key/value text: temperature_range, cycle, mode (charge/discharge),
  /// c_rate, current_density, atmosphere, cell, component (total).
  std::vector<std::pair<std::string, std::string>> conditions;
  double confidence = 0.0;
  std::string extractor_version = std::string(kExtractorVersion);
};

/// Mentions, abbreviations and records of one document.
struct Extraction {
  AbbreviationTable abbreviations;
  /// Mentions per block (offsets into that block's text).
  std::vector<std::vector<Mention>> mentions;
  std::vector<MinedRecord> records;
};

class MentionTagger;

/// Runs the whole text pipeline over a document. With a tagger, the mentions of each block are
/// those apply_tagger keeps (the records still take their material from the rule mentions).
Extraction extract(const Document& doc, const MentionTagger* tagger = nullptr);

/// Records of one sentence-bearing text (for tests and `mine extract --text`): the text is one
/// block of a paragraph.
Extraction extract_text(std::string_view text);

/// The canonical unit text for a mined property ("S/m" for conductivities, ...).
std::string_view canonical_unit(std::string_view property);

}  // namespace pb::mining
