#pragma once
/// Declared missing-value policy: per feature (or feature prefix) impute the training mean or
/// median, a zero, or drop the row. Stored with the model with the values it learnt.
#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ml/matrix.hpp"

namespace pb::ml {

enum class MissingAction { kMean, kMedian, kZero, kDrop };

std::string_view to_string(MissingAction a);
/// "mean", "median", "zero" or "drop"; throws InvalidArgument otherwise.
MissingAction parse_missing_action(std::string_view text);

/// One rule: `pattern` is a feature name, or a prefix ending in '*' ("cond.*", "a.*").
struct MissingRule {
  std::string pattern;
  MissingAction action = MissingAction::kMedian;
};

/// The rules in order (the first that matches wins) and the action for everything else.
struct MissingPolicy {
  std::vector<MissingRule> rules;
  MissingAction fallback = MissingAction::kMedian;

  MissingAction action_for(std::string_view feature) const;
  /// Parses "PATTERN=ACTION" and appends it.
  void add(std::string_view rule);
};

void to_json(nlohmann::json& j, const MissingPolicy& p);
void from_json(const nlohmann::json& j, MissingPolicy& p);

/// The policy applied to named columns: fill values learnt on the training rows.
class Imputer {
 public:
  Imputer() = default;
  /// Learns a fill value per column (NaN-skipping mean or median; 0 for an all-missing column).
  void fit(const Matrix& x, const std::vector<std::string>& names, const MissingPolicy& policy);
  /// Replaces NaN in place; returns false for a row whose missing column is declared `drop`.
  bool apply(std::span<double> row) const;
  const std::vector<double>& fill() const { return fill_; }
  const std::vector<bool>& drop() const { return drop_; }

  void to_json(nlohmann::json& j) const;
  void from_json(const nlohmann::json& j);

 private:
  std::vector<double> fill_;
  std::vector<bool> drop_;
};

/// Zero mean, unit variance per column (a constant column keeps scale 1).
class Scaler {
 public:
  void fit(const Matrix& x);
  void apply(std::span<double> row) const;
  void to_json(nlohmann::json& j) const;
  void from_json(const nlohmann::json& j);
  const std::vector<double>& mean() const { return mean_; }
  const std::vector<double>& scale() const { return scale_; }

 private:
  std::vector<double> mean_, scale_;
};

}  // namespace pb::ml
