#include "ml/importance.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <set>

#include "ml/model_xgb.hpp"
#include "ml/parallel.hpp"
#include "util/error.hpp"

namespace pb::ml {

Importance permutation_importance(const Dataset& data, const PipelineConfig& config,
                                  const CvOptions& cv, int repeats, bool by_group, int threads) {
  Importance out;
  std::vector<std::vector<std::size_t>> units;  // columns shuffled together
  if (by_group) {
    for (std::size_t c = 0; c < data.names.size(); ++c) {
      auto it = std::find(out.names.begin(), out.names.end(), data.groups[c]);
      if (it == out.names.end()) {
        out.names.push_back(data.groups[c]);
        units.emplace_back();
        it = out.names.end() - 1;
      }
      units[static_cast<std::size_t>(it - out.names.begin())].push_back(c);
    }
  } else {
    out.names = data.names;
    for (std::size_t c = 0; c < data.names.size(); ++c) units.push_back({c});
  }
  std::vector<std::vector<double>> drops(units.size());
  std::vector<double> baselines;
  std::size_t n = data.x.rows;
  for (int r = 0; r < cv.repeats; ++r) {
    std::vector<int> fold = make_folds(n, cv.grouped ? &data.row_groups : nullptr, cv.folds,
                                       cv.seed + static_cast<std::uint64_t>(r) * 7919);
    for (int f = 0; f < cv.folds; ++f) {
      std::vector<std::size_t> train, test;
      for (std::size_t i = 0; i < n; ++i) (fold[i] == f ? test : train).push_back(i);
      PipelineConfig c = config;
      c.seed = config.seed + static_cast<std::uint64_t>(r * 1000 + f);
      Pipeline p(c);
      p.fit(data.x.select_rows(train), select(data.y, train), data.names);
      Matrix xtest = data.x.select_rows(test);
      std::vector<double> ytest = select(data.y, test), pred(test.size());
      p.predict(xtest, pred);
      double base = score(ytest, pred).r2;
      baselines.push_back(base);
      std::vector<std::vector<double>> local(units.size());
      parallel_for(units.size(), threads, [&](std::size_t u, unsigned) {
        Matrix shuffled = xtest;
        std::vector<double> pr(test.size());
        std::mt19937_64 rng(config.seed * 1000003 + u * 7 + static_cast<std::size_t>(f));
        for (int k = 0; k < repeats; ++k) {
          // One permutation of the rows, shared by every column of the unit (keeps a group's
          // internal relations, breaks its relation to the target).
          std::vector<std::size_t> perm(test.size());
          std::iota(perm.begin(), perm.end(), 0);
          for (std::size_t i = perm.size(); i > 1; --i) std::swap(perm[i - 1], perm[rng() % i]);
          for (std::size_t col : units[u]) {
            for (std::size_t i = 0; i < test.size(); ++i) shuffled(i, col) = xtest(perm[i], col);
          }
          p.predict(shuffled, pr);
          local[u].push_back(base - score(ytest, pr).r2);
        }
      });
      for (std::size_t u = 0; u < units.size(); ++u) {
        drops[u].insert(drops[u].end(), local[u].begin(), local[u].end());
      }
    }
  }
  out.baseline_r2 = spread(baselines).mean;
  for (const auto& d : drops) {
    Spread s = spread(d);
    out.mean.push_back(s.mean);
    out.sd.push_back(s.sd);
  }
  return out;
}

std::vector<AblationRow> ablation(const Dataset& data, const PipelineConfig& config,
                                  const CvOptions& cv) {
  std::vector<std::string> groups;
  for (const auto& g : data.groups) {
    if (std::find(groups.begin(), groups.end(), g) == groups.end()) groups.push_back(g);
  }
  std::vector<AblationRow> rows;
  auto run = [&](const std::string& label, const std::vector<std::size_t>& cols) {
    if (cols.empty()) return;
    CvResult r = cross_validate(select_features(data, cols), config, cv);
    rows.push_back({label, cols.size(), r.r2, r.rmse});
  };
  std::vector<std::size_t> all(data.names.size());
  std::iota(all.begin(), all.end(), 0);
  run("all", all);
  if (groups.size() < 2) return rows;
  for (const auto& g : groups) {
    std::vector<std::size_t> without, only;
    for (std::size_t c = 0; c < data.names.size(); ++c) {
      (data.groups[c] == g ? only : without).push_back(c);
    }
    run("without " + g, without);
    run("only " + g, only);
  }
  return rows;
}

TreeImportance tree_importance(const Dataset& data, const PipelineConfig& config) {
  Pipeline p(config);
  p.fit(data.x, data.y, data.names);
  TreeImportance t;
  t.gain = xgb_gain(p.regressor(), data.names.size());
  Matrix contributions = xgb_contributions(p.regressor(), p.transform(data.x));
  t.mean_abs_shap.assign(data.names.size(), 0.0);
  for (std::size_t r = 0; r < contributions.rows; ++r) {
    for (std::size_t c = 0; c < data.names.size(); ++c) {
      t.mean_abs_shap[c] += std::fabs(contributions(r, c));
    }
    t.bias += contributions(r, data.names.size());
  }
  for (double& v : t.mean_abs_shap) v /= static_cast<double>(contributions.rows);
  t.bias /= static_cast<double>(contributions.rows);
  return t;
}

}  // namespace pb::ml
