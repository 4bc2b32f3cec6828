#pragma once
/// Screening: score many candidates (a CSV, or all pairs of two formula lists) with several
/// saved models, streamed in chunks on all cores, and keep those that at least k models rank in
/// their top fraction (or beyond a threshold). Memory: one float per candidate and model.
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "ml/pipeline.hpp"

namespace pb::ml {

struct ScreenOptions {
  std::string candidates;           ///< CSV with the columns the models were trained on, or
  std::string list_a, list_b;       ///< formula lists (one per line): every pair of A x B
  double top_fraction = 0.1;        ///< per model: keep the best fraction of candidates
  std::optional<double> threshold;  ///< instead: keep predictions beyond this value
  bool lower_is_better = false;     ///< rank ascending (e.g. thermal boundary resistance)
  int min_agree = 0;                ///< models that must keep a candidate; 0 = all of them
  int threads = 0;                  ///< 0 = all cores
  std::size_t chunk = 4096;         ///< rows per work item
  bool write_all = false;           ///< write every candidate, not only the kept ones
  /// Pairs of two lists: kernel models evaluated by parts (per material, then per pair), the
  /// descriptors of a pair computed once for models that share them. Off: every model on every
  /// row the ordinary way (the same numbers to rounding; for tests and comparisons).
  bool by_parts = true;
};

/// A model and the column name it gets in the output.
struct ScreenModel {
  std::string name;
  SavedModel* model;
};

struct ScreenSummary {
  std::size_t candidates = 0, failed = 0, kept = 0;
  std::vector<double> cutoffs;            ///< per model, in the target's original scale
  std::vector<std::size_t> agree_counts;  ///< [k] = candidates kept by exactly k models
  double predict_seconds = 0, total_seconds = 0;
  std::vector<std::string> absent;  ///< condition columns filled by the missing-value policy
};

/// Runs the screen and writes the CSV (input columns, one column per model, <name>_std for
/// models with a predictive std, then n_agree and kept_by, the models that keep the candidate
/// joined by '+') to `out`.
ScreenSummary screen(const std::vector<ScreenModel>& models, const ScreenOptions& options,
                     std::ostream& out);

}  // namespace pb::ml
