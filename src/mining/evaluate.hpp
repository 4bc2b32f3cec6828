#pragma once
/// Precision and recall of material mentions and value+unit spans against annotated corpora:
/// SOFC-Exp (Friedrich et al., ACL 2020; CC-BY-4.0 annotations) and the Materials Science
/// Procedural Text Corpus (Mysore et al., LAW 2019; MIT). Both are read in place.
#include <cstddef>
#include <filesystem>
#include <string>

namespace pb::mining {

/// Counts for precision (matched predictions / predictions) and recall (matched gold / gold).
struct Score {
  std::size_t predicted = 0;
  std::size_t predicted_matched = 0;
  std::size_t gold = 0;
  std::size_t gold_matched = 0;

  double precision() const;
  double recall() const;
  double f1() const;
  Score& operator+=(const Score& o);
};

/// Figures for one corpus. "overlap" counts a prediction as correct when it overlaps a gold span
/// of the same type; "exact" needs the same boundaries.
struct EvaluationReport {
  std::string corpus;
  std::size_t documents = 0;
  std::size_t sentences = 0;
  Score material_overlap;
  Score material_exact;
  /// Recall over gold material spans whose text is a formula or a known abbreviation (the
  /// mentions this extractor is meant to find; names like "water" are left out).
  Score material_formula_gold;
  Score value_overlap;
  Score value_exact;
};

/// SOFC-Exp: the experiment sentences (label 1) of every document in `dir` (the
/// sofc-exp-corpus folder); MATERIAL and VALUE spans of annotations/frames.
EvaluationReport evaluate_sofc_exp(const std::filesystem::path& dir, std::size_t max_documents = 0);

/// Materials Science Procedural Text Corpus: `dir` is annotated_materials_syntheses; Material
/// entities, and Number entities followed by a *-Unit entity as values. `split` is "train",
/// "dev", "test" (the files of ner-SPLIT-fnames.txt) or "all".
EvaluationReport evaluate_syntheses(const std::filesystem::path& dir,
                                    const std::string& split = "all");

}  // namespace pb::mining
