#pragma once
/// The machine-learning figures as SVG (plot::Canvas; plot::write_image gives PNG): parity plots
/// of cross-validated predictions coloured by fold, importance bar charts, ablation comparison and
/// the overlap of the models' selections in a screen.
#include <string>
#include <vector>

namespace pb::ml {

/// One point per row: measured against predicted, coloured by its CV fold (0-based).
struct ParityData {
  std::vector<double> measured, predicted;
  std::vector<int> fold;
};
/// Equal axes, the y = x line, R² and MAE in the legend; one <circle class="point"> per finite
/// pair.
std::string parity_svg(const ParityData& d, const std::string& title, const std::string& label);

/// A horizontal bar per item (largest first as given), with ± whiskers when `sd` is not empty.
struct Bars {
  std::vector<std::string> labels;
  std::vector<double> value, sd;
};
std::string bars_svg(const Bars& b, const std::string& title, const std::string& axis);

/// Screening overlap: candidates kept by each combination of models ("gbt+svr"), as bars.
std::string overlap_svg(const Bars& by_subset, const std::string& title);

}  // namespace pb::ml
