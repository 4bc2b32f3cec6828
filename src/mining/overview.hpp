#pragma once
/// Corpus overview and paper selection: material frequencies (CSV and an SVG word cloud whose
/// font sizes are proportional to frequency) and a greedy set cover of (material, property)
/// pairs that picks few papers covering the most.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/database.hpp"

namespace pb::mining {

/// How often a material is mentioned in the corpus.
struct MaterialFrequency {
  std::string reduced;  ///< reduced formula (the grouping key)
  std::string example;  ///< the most common way it is written
  std::int64_t documents = 0;
  std::int64_t mentions = 0;
  std::int64_t records = 0;  ///< mined records for it (rejected ones excluded)
};

/// Frequencies over stored mentions (compounds, aliases and abbreviations; single elements
/// left out), most frequent first; `document_class` restricts to documents of that class.
std::vector<MaterialFrequency> material_frequencies(store::Database& db,
                                                    std::string_view document_class = {});

/// CSV with a header: reduced,example,documents,mentions,records.
std::string frequencies_csv(const std::vector<MaterialFrequency>& items);

/// Word-cloud layout parameters.
struct WordCloudOptions {
  int width = 900;
  int height = 600;
  double max_font_px = 72;  ///< the most frequent word; others scale linearly with frequency
  double min_font_px = 6;   ///< words that would be smaller are left out (not resized)
  std::size_t max_words = 150;
};

/// An SVG word cloud: font size = max_font_px × mentions / max mentions, words placed on a
/// spiral without overlap (deterministic).
std::string word_cloud_svg(const std::vector<MaterialFrequency>& items,
                           const WordCloudOptions& options = {});

/// One chosen document of a set cover.
struct CoverStep {
  std::int64_t document_id = 0;
  std::string source;
  std::size_t gain = 0;     ///< new (material, property) pairs it covers
  std::size_t covered = 0;  ///< pairs covered so far
};

/// The result of a greedy set cover.
struct Cover {
  std::size_t pairs = 0;  ///< distinct (material, property) pairs in the records
  std::vector<CoverStep> steps;
};

/// Greedy set cover (Chvátal 1979): repeatedly the document that covers most uncovered
/// (material, property) pairs from non-rejected records; stops at `max_documents` or when every
/// pair is covered. Ties go to the lower document id.
Cover select_documents(store::Database& db, std::size_t max_documents = 0,
                       double min_confidence = 0);

}  // namespace pb::mining
