#pragma once
/// Cross-validation: shuffled k-fold and grouped k-fold (rows sharing a group key, e.g. the same
/// material or interface, always land in the same fold), repeated with derived seeds; R², RMSE
/// and MAE per fold with mean and standard deviation; a grid search over hyper-parameters.
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "ml/dataset.hpp"
#include "ml/pipeline.hpp"

namespace pb::ml {

struct CvOptions {
  int folds = 5;
  int repeats = 1;
  std::uint64_t seed = 0;
  bool grouped = false;
};

/// Fold (0..k-1) of each row. Grouped: groups are shuffled, then each goes, largest first, to
/// the fold with the fewest rows so far. Throws InvalidArgument when there are fewer rows (or
/// groups) than folds.
std::vector<int> make_folds(std::size_t n, const std::vector<std::string>* groups, int folds,
                            std::uint64_t seed);

/// R², RMSE, MAE of predictions.
struct Scores {
  double r2 = 0, rmse = 0, mae = 0;
};
Scores score(std::span<const double> truth, std::span<const double> predicted);

struct FoldResult {
  int repeat = 0, fold = 0;
  std::size_t n_train = 0, n_test = 0;
  Scores scores;
  double fit_seconds = 0, predict_seconds = 0;
};

/// Mean and sample standard deviation.
struct Spread {
  double mean = 0, sd = 0;
};
Spread spread(std::span<const double> values);

struct CvResult {
  std::vector<FoldResult> folds;
  Spread r2, rmse, mae, fit_seconds, predict_seconds;
  std::vector<double> oof;      ///< out-of-fold predictions of the first repeat
  std::vector<double> oof_std;  ///< and their std (GP), NaN otherwise
  std::vector<int> fold_of;     ///< fold of each row in the first repeat
};

/// Fits the pipeline on k-1 folds and scores the held-out one, `repeats` times.
CvResult cross_validate(const Dataset& data, const PipelineConfig& config, const CvOptions& cv);

/// "C=1,10,100" -> the values of one parameter.
std::pair<std::string, std::vector<std::string>> parse_grid_axis(std::string_view text);

struct GridPoint {
  std::map<std::string, std::string> params;
  CvResult result;
};
/// Every combination of the axes, scored by CV; sorted best mean R² first.
std::vector<GridPoint> grid_search(
    const Dataset& data, const PipelineConfig& base,
    const std::vector<std::pair<std::string, std::vector<std::string>>>& axes, const CvOptions& cv);

}  // namespace pb::ml
