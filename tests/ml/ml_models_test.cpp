// Models on synthetic data with known answers: the GP recovers the length scale and noise of
// the process that generated the data, interpolates noise-free data, trees reproduce a step,
// SVR a line; saved models predict what they predicted before saving.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <numbers>
#include <random>

#include "ml/model.hpp"
#include "ml/model_xgb.hpp"

namespace pb::ml {
namespace {

std::unique_ptr<Regressor> make(const std::string& kind,
                                const std::map<std::string, std::string>& params = {}) {
  const ModelKind& k = find_model_kind(kind);
  return k.make(resolve_params(k, params));
}

// A draw from a GP prior with a squared-exponential kernel of length scale `length` and unit
// variance, by random Fourier features (Rahimi & Recht 2007): 2000 cosines, frequencies
// N(0, 1/length²).
struct PriorDraw {
  std::vector<double> w, b;
  PriorDraw(double length, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> n(0, 1 / length);
    std::uniform_real_distribution<double> u(0, 2 * std::numbers::pi);
    for (int i = 0; i < 2000; ++i) {
      w.push_back(n(rng));
      b.push_back(u(rng));
    }
  }
  double operator()(double x) const {
    double s = 0;
    for (std::size_t i = 0; i < w.size(); ++i) s += std::cos(w[i] * x + b[i]);
    return s * std::sqrt(2.0 / static_cast<double>(w.size()));
  }
};

TEST(mlGpr, RecoversLengthScaleAndNoiseOfItsOwnProcess) {
  const double length = 0.6, noise = 0.1;
  PriorDraw f(length, 7);
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> ux(-4, 4);
  std::normal_distribution<double> eps(0, noise);
  Matrix x(300, 1);
  std::vector<double> y(300);
  for (std::size_t i = 0; i < 300; ++i) {
    x(i, 0) = ux(rng);
    y[i] = f(x(i, 0)) + eps(rng);
  }
  auto gp = make("gpr", {{"restarts", "2"}});
  gp->fit(x, y, 1);
  auto fitted = gp->fitted();
  EXPECT_NEAR(fitted.at("length_scale_0"), length, 0.15) << "length scale";
  EXPECT_NEAR(fitted.at("noise_std"), noise, 0.025) << "noise";
  // The predictive std covers the truth: about 95% of fresh points within 2 std.
  Matrix q(200, 1);
  std::vector<double> mean(200), sd(200);
  for (std::size_t i = 0; i < 200; ++i) q(i, 0) = ux(rng);
  gp->predict(q, mean, sd);
  int inside = 0;
  for (std::size_t i = 0; i < 200; ++i) {
    double truth = f(q(i, 0)) + eps(rng);
    inside += std::fabs(truth - mean[i]) <= 2 * sd[i];
  }
  EXPECT_GE(inside, 180);
}

TEST(mlGpr, InterpolatesNoiseFreeData) {
  Matrix x(25, 2);
  std::vector<double> y(25);
  for (std::size_t i = 0; i < 25; ++i) {
    x(i, 0) = static_cast<double>(i % 5) - 2;
    x(i, 1) = static_cast<double>(i / 5) - 2;
    y[i] = std::sin(x(i, 0)) * std::cos(0.5 * x(i, 1));
  }
  auto gp = make("gpr", {{"min_noise", "1e-7"}, {"noise", "1e-4"}});
  gp->fit(x, y, 0);
  std::vector<double> mean(25), sd(25);
  gp->predict(x, mean, sd);
  for (std::size_t i = 0; i < 25; ++i) {
    EXPECT_NEAR(mean[i], y[i], 1e-3);
    EXPECT_LT(sd[i], 1e-2);
  }
}

TEST(mlGpr, ArdSwitchesOffAnIrrelevantFeature) {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(-2, 2);
  Matrix x(150, 2);
  std::vector<double> y(150);
  for (std::size_t i = 0; i < 150; ++i) {
    x(i, 0) = u(rng);
    x(i, 1) = u(rng);
    y[i] = std::sin(1.5 * x(i, 0));
  }
  auto gp = make("gpr");
  gp->fit(x, y, 0);
  auto fitted = gp->fitted();
  EXPECT_GT(fitted.at("length_scale_1"), 10 * fitted.at("length_scale_0"));
}

TEST(mlXgb, ReproducesAStep) {
  Matrix x(200, 1);
  std::vector<double> y(200);
  for (std::size_t i = 0; i < 200; ++i) {
    x(i, 0) = static_cast<double>(i) / 200.0;
    y[i] = x(i, 0) < 0.5 ? 1.0 : 3.0;
  }
  auto m = make("xgb", {{"subsample", "1"}, {"colsample_bytree", "1"}});
  m->fit(x, y, 0);
  std::vector<double> p(200);
  m->predict(x, p);
  for (std::size_t i = 0; i < 200; ++i) EXPECT_NEAR(p[i], y[i], 0.05) << "x=" << x(i, 0);
}

// predict walks flattened trees; XGBoost's own predictor gives the same floats, on rows with and
// without missing values (the default directions learnt from NaN in training).
TEST(mlXgb, FlatTreesPredictWhatXGBoostPredicts) {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> n(0, 1);
  std::uniform_real_distribution<double> u(0, 1);
  Matrix x(400, 6), q(300, 6);
  std::vector<double> y(400);
  for (std::size_t i = 0; i < 400; ++i) {
    for (std::size_t c = 0; c < 6; ++c) x(i, c) = u(rng) < 0.1 ? std::nan("") : n(rng);
    y[i] = std::sin(std::isnan(x(i, 0)) ? 2.0 : x(i, 0)) + 0.5 * (x(i, 1) > 0.3) + 0.1 * n(rng);
  }
  for (std::size_t i = 0; i < 300; ++i) {
    for (std::size_t c = 0; c < 6; ++c) q(i, c) = i >= 128 && u(rng) < 0.1 ? std::nan("") : n(rng);
  }
  auto m = make("gbt", {{"max_depth", "5"}, {"n_estimators", "120"}});
  m->fit(x, y, 1);
  std::vector<double> flat(300), native(300);
  m->predict(q, flat);
  xgb_predict_native(*m, q, native);
  for (std::size_t i = 0; i < 300; ++i) EXPECT_EQ(flat[i], native[i]) << "row " << i;
}

// The closed form that kernel models hand to screening predicts what they predict.
TEST(mlModels, RbfExpansionReproducesKernelModels) {
  std::mt19937_64 rng(8);
  std::normal_distribution<double> n(0, 1);
  Matrix x(80, 3), q(20, 3);
  std::vector<double> y(80);
  for (double& v : x.data) v = n(rng);
  for (double& v : q.data) v = n(rng);
  for (std::size_t i = 0; i < 80; ++i) y[i] = std::sin(x(i, 0)) + x(i, 1) * x(i, 2);
  for (std::string kind : {"gpr", "svr"}) {
    auto m = make(kind);
    m->fit(x, y, 0);
    auto e = m->rbf_expansion();
    ASSERT_TRUE(e) << kind;
    std::vector<double> p(20);
    m->predict(q, p);
    for (std::size_t i = 0; i < 20; ++i) {
      double s = 0;
      for (std::size_t t = 0; t < e->centers.rows; ++t) {
        double d2 = 0;
        for (std::size_t c = 0; c < 3; ++c) {
          d2 += std::pow((q(i, c) - e->centers(t, c)) / e->length[c], 2);
        }
        if (d2 <= e->cutoff) s += e->weight[t] * std::exp(-0.5 * d2);
      }
      // The GP's own predict expands |x - c|² = |x|² + |c|² - 2 x·c (rounding near 1e-7).
      EXPECT_NEAR(e->offset + e->scale * s, p[i], 1e-5 * std::max(1.0, std::fabs(p[i]))) << kind;
    }
  }
  EXPECT_FALSE(make("gbt")->rbf_expansion());
}

TEST(mlSvr, FitsALine) {
  Matrix x(100, 1);
  std::vector<double> y(100);
  for (std::size_t i = 0; i < 100; ++i) {
    x(i, 0) = static_cast<double>(i) / 50.0 - 1;
    y[i] = 2 * x(i, 0) + 1;
  }
  auto m = make("svr", {{"C", "100"}, {"epsilon", "0.01"}, {"gamma", "0.5"}});
  m->fit(x, y, 0);
  std::vector<double> p(100);
  m->predict(x, p);
  for (std::size_t i = 0; i < 100; ++i) EXPECT_NEAR(p[i], y[i], 0.03);
}

TEST(mlModels, SavedAndLoadedPredictIdentically) {
  std::mt19937_64 rng(5);
  std::normal_distribution<double> n(0, 1);
  Matrix x(120, 3), q(30, 3);
  std::vector<double> y(120);
  for (double& v : x.data) v = n(rng);
  for (double& v : q.data) v = n(rng);
  for (std::size_t i = 0; i < 120; ++i) y[i] = x(i, 0) - 0.5 * x(i, 1) * x(i, 2) + 0.1 * n(rng);
  auto dir = std::filesystem::temp_directory_path() / "pb_ml_save_test";
  for (const auto& k : model_kinds()) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    auto m = k.make(resolve_params(k, {}));
    m->fit(x, y, 42);
    nlohmann::json state = nlohmann::json::object();
    m->save(state, dir);
    // Through text, as model.json goes.
    nlohmann::json reread = nlohmann::json::parse(state.dump());
    auto loaded = k.make(resolve_params(k, {}));
    loaded->load(reread, dir);
    std::vector<double> a(30), b(30), sa(30), sb(30);
    m->predict(q, a, sa);
    loaded->predict(q, b, sb);
    for (std::size_t i = 0; i < 30; ++i) {
      EXPECT_EQ(a[i], b[i]) << k.name;
      if (m->has_std()) {
        EXPECT_EQ(sa[i], sb[i]) << k.name;
      }
    }
    if (reread.contains("factor")) {  // a GP saved before its Cholesky factor was kept
      reread.erase("factor");
      auto old = k.make(resolve_params(k, {}));
      old->load(reread, dir);
      std::vector<double> c(30), sc(30);
      old->predict(q, c, sc);
      for (std::size_t i = 0; i < 30; ++i) {
        EXPECT_NEAR(c[i], a[i], 1e-12 * std::max(1.0, std::fabs(a[i])));
        EXPECT_NEAR(sc[i], sa[i], 1e-12 * std::max(1.0, sa[i]));
      }
    }
  }
  std::filesystem::remove_all(dir);
}

TEST(mlModels, ParametersAreCheckedAgainstTheirDeclaration) {
  const ModelKind& svr = find_model_kind("svr");
  EXPECT_THROW(resolve_params(svr, {{"C", "-1"}}), std::exception);
  EXPECT_THROW(resolve_params(svr, {{"gama", "1"}}), std::exception);
  EXPECT_EQ(resolve_params(svr, {{"C", "3"}}).at("C"), 3);
  EXPECT_EQ(find_model_kind("xgb").name, "gbt");  // the old name is an alias
  EXPECT_THROW(find_model_kind("random_forest"), std::exception);
  EXPECT_THROW(resolve_params(find_model_kind("xgb"), {{"max_depth", "2.5"}}), std::exception);
}

}  // namespace
}  // namespace pb::ml
