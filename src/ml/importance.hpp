#pragma once
/// Descriptor importance: permutation importance for any model (drop of held-out R² when a
/// feature, or a whole descriptor group, is shuffled), gain and mean |SHAP| for boosted trees,
/// and ablation by descriptor group.
#include <string>
#include <vector>

#include "ml/cv.hpp"

namespace pb::ml {

struct Importance {
  std::vector<std::string> names;  ///< features, or groups when by_group
  std::vector<double> mean, sd;    ///< decrease of R² (over folds x repeats)
  double baseline_r2 = 0;          ///< mean held-out R² without shuffling
};

/// For each CV fold, fits on the training part, then shuffles each feature (or group) of the
/// held-out part `repeats` times. Seeded; `threads` workers over features.
Importance permutation_importance(const Dataset& data, const PipelineConfig& config,
                                  const CvOptions& cv, int repeats, bool by_group, int threads = 0);

struct AblationRow {
  std::string label;  ///< "all", "without <group>", "only <group>"
  std::size_t features = 0;
  Spread r2, rmse;
};
/// CV with every descriptor group left out in turn, and with each group alone.
std::vector<AblationRow> ablation(const Dataset& data, const PipelineConfig& config,
                                  const CvOptions& cv);

/// Boosted trees fitted on all rows: total gain and mean |SHAP| per feature.
struct TreeImportance {
  std::vector<double> gain, mean_abs_shap;
  double bias = 0;
};
TreeImportance tree_importance(const Dataset& data, const PipelineConfig& config);

}  // namespace pb::ml
