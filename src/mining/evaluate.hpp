#pragma once
/// Precision and recall of material mentions and value+unit spans against annotated corpora:
/// SOFC-Exp (Friedrich et al., ACL 2020; CC-BY-4.0 annotations) and the Materials Science
/// Procedural Text Corpus (Mysore et al., LAW 2019; MIT). Both are read in place.
#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "mining/tagger.hpp"

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

/// One disagreement with the gold annotation, kept when `EvaluationOptions::errors` is set.
struct EvaluationError {
  std::string type;      ///< "material" or "value"
  bool false_positive;   ///< predicted without an overlapping gold span (else a missed gold span)
  std::string document;  ///< file stem
  std::string text;      ///< the span
  std::string context;   ///< the sentence (SOFC-Exp) or up to 60 characters around the span
};

/// What to evaluate. `split`: "all" or a comma-separated list of the corpus's own splits
/// ("train", "dev", "test"; SOFC-Exp from the `set` column of SOFC-Exp-Metadata.csv, the synthesis
/// corpus from ner-SPLIT-fnames.txt). Rules are tuned on "train,dev"; "test" is held out.
struct EvaluationOptions {
  std::string split = "all";
  std::size_t max_documents = 0;  ///< 0 = all
  bool errors = false;            ///< fill EvaluationReport::errors
  /// When set, material mentions are the tagger's spans (trained on another split) instead of
  /// the rule mentions of the corpus's scored kinds.
  const MentionTagger* tagger = nullptr;
  /// More than 1: cross-validate a tagger over the documents of the split instead (document i
  /// in name order is in fold i mod folds, scored by a tagger trained on the other folds).
  std::size_t folds = 0;
  TaggerParams tagger_params;
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
  /// Material predictions by mention kind ("formula", "alias", "name", "ambient", ...):
  /// predicted and predicted_matched (overlap) only, to see which rules cost precision.
  std::map<std::string, Score> material_by_kind;
  Score value_overlap;
  Score value_exact;
  std::vector<EvaluationError> errors;  ///< overlap errors, when asked for
};

/// SOFC-Exp: the experiment sentences (label 1) of the documents of `dir` (the sofc-exp-corpus
/// folder) in the split; MATERIAL and VALUE spans of annotations/frames.
EvaluationReport evaluate_sofc_exp(const std::filesystem::path& dir,
                                   const EvaluationOptions& options = {});

/// Materials Science Procedural Text Corpus: `dir` is annotated_materials_syntheses; Material
/// entities, and Number entities followed by a *-Unit entity as values.
EvaluationReport evaluate_syntheses(const std::filesystem::path& dir,
                                    const EvaluationOptions& options = {});

/// The annotated texts of a corpus split, for training a MentionTagger: `corpus` is "sofc-exp"
/// (experiment sentences) or "syntheses" (paragraphs); `corpora` holds both corpus folders.
std::vector<TaggerExample> tagger_examples(const std::filesystem::path& corpora,
                                           std::string_view corpus, const std::string& split);

}  // namespace pb::mining
