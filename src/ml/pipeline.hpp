#pragma once
/// The model pipeline (missing-value imputation -> standardisation -> regressor) and the saved
/// model: pipeline + descriptor set + provenance, in a directory (model.json plus the
/// regressor's own file).
#include <filesystem>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string>
#include <vector>

#include "ml/dataset.hpp"
#include "ml/featurizer.hpp"
#include "ml/missing.hpp"
#include "ml/model.hpp"

namespace pb::ml {

/// What to fit: a model kind, its parameters and the missing-value policy.
struct PipelineConfig {
  std::string kind = "gbt";
  std::map<std::string, std::string> params;  ///< NAME=VALUE overrides of the defaults
  MissingPolicy missing;
  std::uint64_t seed = 0;
};

class Pipeline {
 public:
  Pipeline() = default;
  explicit Pipeline(const PipelineConfig& config);
  Pipeline(Pipeline&&) noexcept;
  Pipeline& operator=(Pipeline&&) noexcept;
  ~Pipeline();

  void fit(const Matrix& x, std::span<const double> y, const std::vector<std::string>& names);
  /// NaN for a row with a missing value in a `drop` column.
  void predict(const Matrix& x, std::span<double> out, std::span<double> std_out = {}) const;
  /// Imputed and standardised copy of `x` (what the regressor sees).
  Matrix transform(const Matrix& x, std::vector<bool>* usable = nullptr) const;
  bool has_std() const;
  const Regressor& regressor() const { return *regressor_; }
  const std::string& kind() const { return kind_; }
  const Params& params() const { return params_; }
  const MissingPolicy& missing() const { return policy_; }
  const Imputer& imputer() const { return imputer_; }
  const Scaler& scaler() const { return scaler_; }
  void set_threads(int n) { regressor_->set_threads(n); }

  void save(nlohmann::json& j, const std::filesystem::path& dir) const;
  void load(const nlohmann::json& j, const std::filesystem::path& dir);

 private:
  std::string kind_;
  Params params_;
  MissingPolicy policy_;
  std::uint64_t seed_ = 0;
  Imputer imputer_;
  Scaler scaler_;
  std::unique_ptr<Regressor> regressor_;
};

/// A fitted model with everything needed to predict on a new CSV.
struct SavedModel {
  Featurizer featurizer;
  Pipeline pipeline;
  std::string data_sha256;  ///< of the training CSV
  /// Where the training rows came from: the CSV path, or the database, property, unit,
  /// datasets and filters of a table read with --db (empty in models saved before).
  std::string data_source;
  /// Some training rows come from a dataset that is not public: `phasebook serve --models`
  /// shows the model to members only (model.json `training.members_only`).
  bool members_only = false;
  std::size_t n_train = 0;
  std::string metrics_json;  ///< cross-validation figures when `fit --cv` ran, else "{}"
};

/// Fits on a whole dataset.
SavedModel fit_model(const Featurizer& featurizer, const Dataset& data,
                     const PipelineConfig& config);
/// Writes DIR/model.json (+ booster.json, svm.model or gp_train.bin); creates DIR.
void save_model(const SavedModel& model, const std::filesystem::path& dir);
/// Throws NotFound or InvalidArgument (another descriptor version, a broken file).
SavedModel load_model(const std::filesystem::path& dir);

/// Predictions for every row of a table in the target's original scale; `std` too (for a log10
/// target by first-order propagation, ln(10)·10^y·σ_y), `model_std` in the model's target space
/// (log10 units for a log10 target); `error` says why a row has none.
struct Prediction {
  std::vector<double> value, std, model_std;
  std::vector<std::string> error;
};
Prediction predict_table(const SavedModel& model, const Table& table);

}  // namespace pb::ml
