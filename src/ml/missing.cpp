#include "ml/missing.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "util/error.hpp"

namespace pb::ml {

std::string_view to_string(MissingAction a) {
  switch (a) {
    case MissingAction::kMean:
      return "mean";
    case MissingAction::kMedian:
      return "median";
    case MissingAction::kZero:
      return "zero";
    case MissingAction::kDrop:
      return "drop";
  }
  return "median";
}

MissingAction parse_missing_action(std::string_view text) {
  for (auto a :
       {MissingAction::kMean, MissingAction::kMedian, MissingAction::kZero, MissingAction::kDrop}) {
    if (text == to_string(a)) return a;
  }
  throw InvalidArgument("unknown missing-value action '" + std::string(text) +
                        "' (known: mean, median, zero, drop)");
}

MissingAction MissingPolicy::action_for(std::string_view feature) const {
  for (const MissingRule& r : rules) {
    if (!r.pattern.empty() && r.pattern.back() == '*') {
      if (feature.starts_with(std::string_view(r.pattern).substr(0, r.pattern.size() - 1))) {
        return r.action;
      }
    } else if (feature == r.pattern) {
      return r.action;
    }
  }
  return fallback;
}

void MissingPolicy::add(std::string_view rule) {
  auto eq = rule.rfind('=');
  if (eq == std::string_view::npos || eq == 0) {
    throw InvalidArgument("missing-value rule '" + std::string(rule) +
                          "' is not PATTERN=ACTION (e.g. cond.temperature=drop, a.*=mean)");
  }
  rules.push_back({std::string(rule.substr(0, eq)), parse_missing_action(rule.substr(eq + 1))});
}

void to_json(nlohmann::json& j, const MissingPolicy& p) {
  j = nlohmann::json::object();
  j["fallback"] = std::string(to_string(p.fallback));
  j["rules"] = nlohmann::json::array();
  for (const auto& r : p.rules) {
    j["rules"].push_back({{"pattern", r.pattern}, {"action", std::string(to_string(r.action))}});
  }
}

void from_json(const nlohmann::json& j, MissingPolicy& p) {
  p.fallback = parse_missing_action(j.at("fallback").get<std::string>());
  p.rules.clear();
  for (const auto& r : j.at("rules")) {
    p.rules.push_back({r.at("pattern").get<std::string>(),
                       parse_missing_action(r.at("action").get<std::string>())});
  }
}

void Imputer::fit(const Matrix& x, const std::vector<std::string>& names,
                  const MissingPolicy& policy) {
  fill_.assign(x.cols, 0.0);
  drop_.assign(x.cols, false);
  std::vector<double> column;
  for (std::size_t c = 0; c < x.cols; ++c) {
    MissingAction a = policy.action_for(names[c]);
    drop_[c] = a == MissingAction::kDrop;
    column.clear();
    for (std::size_t r = 0; r < x.rows; ++r) {
      if (!std::isnan(x(r, c))) column.push_back(x(r, c));
    }
    if (column.empty() || a == MissingAction::kZero) continue;
    if (a == MissingAction::kMedian) {
      auto mid = column.begin() + static_cast<std::ptrdiff_t>(column.size() / 2);
      std::nth_element(column.begin(), mid, column.end());
      double hi = *mid;
      if (column.size() % 2 == 0) {
        double lo = *std::max_element(column.begin(), mid);
        fill_[c] = 0.5 * (lo + hi);
      } else {
        fill_[c] = hi;
      }
    } else {  // mean; also the value a `drop` column would take, never used
      double s = 0;
      for (double v : column) s += v;
      fill_[c] = s / static_cast<double>(column.size());
    }
  }
}

bool Imputer::apply(std::span<double> row) const {
  bool keep = true;
  for (std::size_t c = 0; c < row.size(); ++c) {
    if (std::isnan(row[c])) {
      if (drop_[c]) keep = false;
      row[c] = fill_[c];
    }
  }
  return keep;
}

void Imputer::to_json(nlohmann::json& j) const { j = {{"fill", fill_}, {"drop", drop_}}; }

void Imputer::from_json(const nlohmann::json& j) {
  fill_ = j.at("fill").get<std::vector<double>>();
  drop_ = j.at("drop").get<std::vector<bool>>();
}

void Scaler::fit(const Matrix& x) {
  mean_.assign(x.cols, 0.0);
  scale_.assign(x.cols, 1.0);
  if (x.rows == 0) return;
  for (std::size_t r = 0; r < x.rows; ++r) {
    for (std::size_t c = 0; c < x.cols; ++c) mean_[c] += x(r, c);
  }
  for (double& m : mean_) m /= static_cast<double>(x.rows);
  std::vector<double> var(x.cols, 0.0);
  for (std::size_t r = 0; r < x.rows; ++r) {
    for (std::size_t c = 0; c < x.cols; ++c) var[c] += (x(r, c) - mean_[c]) * (x(r, c) - mean_[c]);
  }
  for (std::size_t c = 0; c < x.cols; ++c) {
    double sd = std::sqrt(var[c] / static_cast<double>(x.rows));
    // A constant column (relative spread below 1e-12) is left unscaled, as scikit-learn does.
    scale_[c] = sd > 1e-12 * std::max(1.0, std::fabs(mean_[c])) ? sd : 1.0;
  }
}

void Scaler::apply(std::span<double> row) const {
  for (std::size_t c = 0; c < row.size(); ++c) row[c] = (row[c] - mean_[c]) / scale_[c];
}

void Scaler::to_json(nlohmann::json& j) const { j = {{"mean", mean_}, {"scale", scale_}}; }

void Scaler::from_json(const nlohmann::json& j) {
  mean_ = j.at("mean").get<std::vector<double>>();
  scale_ = j.at("scale").get<std::vector<double>>();
}

}  // namespace pb::ml
