#pragma once
/// What only boosted trees offer: gain importance and SHAP contributions (TreeSHAP, XGBoost's
/// pred_contribs).
#include <vector>

#include "ml/matrix.hpp"
#include "ml/model.hpp"

namespace pb::ml {

/// Total gain of the splits on each of `n_features` features (0 for unused ones); throws
/// InvalidArgument when `model` is not an XGBoost model.
std::vector<double> xgb_gain(const Regressor& model, std::size_t n_features);

/// SHAP values: rows x (features + 1), the last column the bias; each row sums to the
/// prediction.
Matrix xgb_contributions(const Regressor& model, const Matrix& x);

/// Predictions through XGBoost's own predictor; `predict` walks flattened copies of the trees
/// (the same numbers, faster), this is what they are compared with.
void xgb_predict_native(const Regressor& model, const Matrix& x, std::span<double> out);

}  // namespace pb::ml
