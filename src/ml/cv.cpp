#include "ml/cv.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <unordered_map>

#include "util/error.hpp"

namespace pb::ml {

namespace {

// Seeds of repeat r: splitmix64 of (seed, r), so repeats differ and runs are reproducible.
std::uint64_t derive(std::uint64_t seed, std::uint64_t r) {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (r + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// std::shuffle's output depends on the standard library; this Fisher-Yates does not.
template <typename T>
void shuffle(std::vector<T>& v, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (std::size_t i = v.size(); i > 1; --i) {
    std::size_t j = static_cast<std::size_t>(rng() % i);
    std::swap(v[i - 1], v[j]);
  }
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

std::vector<int> make_folds(std::size_t n, const std::vector<std::string>* groups, int folds,
                            std::uint64_t seed) {
  if (folds < 2) throw InvalidArgument("cross-validation needs at least 2 folds");
  std::vector<int> fold(n, 0);
  if (groups == nullptr) {
    if (n < static_cast<std::size_t>(folds)) throw InvalidArgument("fewer rows than folds");
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    shuffle(order, seed);
    for (std::size_t i = 0; i < n; ++i) fold[order[i]] = static_cast<int>(i % folds);
    return fold;
  }
  std::unordered_map<std::string, std::size_t> index;
  std::vector<std::vector<std::size_t>> members;
  for (std::size_t i = 0; i < n; ++i) {
    auto [it, added] = index.emplace((*groups)[i], members.size());
    if (added) members.emplace_back();
    members[it->second].push_back(i);
  }
  if (members.size() < static_cast<std::size_t>(folds)) {
    throw InvalidArgument("fewer groups (" + std::to_string(members.size()) + ") than folds");
  }
  std::vector<std::size_t> order(members.size());
  std::iota(order.begin(), order.end(), 0);
  shuffle(order, seed);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return members[a].size() > members[b].size();
  });
  std::vector<std::size_t> load(folds, 0);
  for (std::size_t g : order) {
    int f = static_cast<int>(std::min_element(load.begin(), load.end()) - load.begin());
    for (std::size_t i : members[g]) fold[i] = f;
    load[f] += members[g].size();
  }
  return fold;
}

Scores score(std::span<const double> truth, std::span<const double> predicted) {
  Scores s;
  double mean = 0;
  std::size_t n = 0;
  for (std::size_t i = 0; i < truth.size(); ++i) {
    if (std::isnan(predicted[i])) continue;
    mean += truth[i];
    ++n;
  }
  if (n == 0) return {std::numeric_limits<double>::quiet_NaN(), 0, 0};
  mean /= static_cast<double>(n);
  double ss_res = 0, ss_tot = 0, abs = 0;
  for (std::size_t i = 0; i < truth.size(); ++i) {
    if (std::isnan(predicted[i])) continue;
    double e = truth[i] - predicted[i];
    ss_res += e * e;
    abs += std::fabs(e);
    ss_tot += (truth[i] - mean) * (truth[i] - mean);
  }
  s.r2 = ss_tot > 0 ? 1 - ss_res / ss_tot : 0;
  s.rmse = std::sqrt(ss_res / static_cast<double>(n));
  s.mae = abs / static_cast<double>(n);
  return s;
}

Spread spread(std::span<const double> v) {
  Spread s;
  if (v.empty()) return s;
  for (double x : v) s.mean += x;
  s.mean /= static_cast<double>(v.size());
  if (v.size() > 1) {
    double q = 0;
    for (double x : v) q += (x - s.mean) * (x - s.mean);
    s.sd = std::sqrt(q / static_cast<double>(v.size() - 1));
  }
  return s;
}

CvResult cross_validate(const Dataset& data, const PipelineConfig& config, const CvOptions& cv) {
  CvResult result;
  std::size_t n = data.x.rows;
  result.oof.assign(n, std::numeric_limits<double>::quiet_NaN());
  result.oof_std.assign(n, std::numeric_limits<double>::quiet_NaN());
  for (int r = 0; r < cv.repeats; ++r) {
    std::vector<int> fold =
        make_folds(n, cv.grouped ? &data.row_groups : nullptr, cv.folds, derive(cv.seed, r));
    if (r == 0) result.fold_of = fold;
    for (int f = 0; f < cv.folds; ++f) {
      std::vector<std::size_t> train, test;
      for (std::size_t i = 0; i < n; ++i) (fold[i] == f ? test : train).push_back(i);
      PipelineConfig c = config;
      c.seed = derive(config.seed, static_cast<std::uint64_t>(r * 1000 + f));
      Pipeline p(c);
      auto t0 = std::chrono::steady_clock::now();
      Matrix xtrain = data.x.select_rows(train);
      std::vector<double> ytrain = select(data.y, train);
      p.fit(xtrain, ytrain, data.names);
      FoldResult fr;
      fr.fit_seconds = seconds_since(t0);
      Matrix xtest = data.x.select_rows(test);
      std::vector<double> pred(test.size()), sd(test.size());
      t0 = std::chrono::steady_clock::now();
      p.predict(xtest, pred, sd);
      fr.predict_seconds = seconds_since(t0);
      std::vector<double> ytest = select(data.y, test);
      fr.repeat = r;
      fr.fold = f;
      fr.n_train = train.size();
      fr.n_test = test.size();
      fr.scores = score(ytest, pred);
      result.folds.push_back(fr);
      if (r == 0) {
        for (std::size_t k = 0; k < test.size(); ++k) {
          result.oof[test[k]] = pred[k];
          result.oof_std[test[k]] = sd[k];
        }
      }
    }
  }
  std::vector<double> r2, rmse, mae, fit, pred;
  for (const auto& f : result.folds) {
    r2.push_back(f.scores.r2);
    rmse.push_back(f.scores.rmse);
    mae.push_back(f.scores.mae);
    fit.push_back(f.fit_seconds);
    pred.push_back(f.predict_seconds);
  }
  result.r2 = spread(r2);
  result.rmse = spread(rmse);
  result.mae = spread(mae);
  result.fit_seconds = spread(fit);
  result.predict_seconds = spread(pred);
  return result;
}

std::pair<std::string, std::vector<std::string>> parse_grid_axis(std::string_view text) {
  auto [name, values] = parse_assignment(text);
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= values.size()) {
    auto comma = values.find(',', pos);
    if (comma == std::string::npos) comma = values.size();
    if (comma > pos) out.push_back(values.substr(pos, comma - pos));
    pos = comma + 1;
  }
  if (out.empty()) throw InvalidArgument("grid axis '" + std::string(text) + "' has no values");
  return {name, out};
}

std::vector<GridPoint> grid_search(
    const Dataset& data, const PipelineConfig& base,
    const std::vector<std::pair<std::string, std::vector<std::string>>>& axes,
    const CvOptions& cv) {
  std::vector<GridPoint> points;
  std::vector<std::size_t> index(axes.size(), 0);
  while (true) {
    PipelineConfig c = base;
    GridPoint gp;
    for (std::size_t a = 0; a < axes.size(); ++a) {
      c.params[axes[a].first] = axes[a].second[index[a]];
      gp.params[axes[a].first] = axes[a].second[index[a]];
    }
    gp.result = cross_validate(data, c, cv);
    points.push_back(std::move(gp));
    std::size_t a = 0;
    while (a < axes.size() && ++index[a] == axes[a].second.size()) index[a++] = 0;
    if (a == axes.size()) break;
  }
  std::stable_sort(points.begin(), points.end(), [](const GridPoint& x, const GridPoint& y) {
    return x.result.r2.mean > y.result.r2.mean;
  });
  return points;
}

}  // namespace pb::ml
