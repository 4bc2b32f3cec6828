// The pipeline end to end on small CSV files: permutation importance finds the informative
// column, saved models reproduce their predictions, screening keeps what the models agree on.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "ml/cv.hpp"
#include "ml/importance.hpp"
#include "ml/pipeline.hpp"
#include "ml/screen.hpp"
#include "util/csv.hpp"

namespace pb::ml {
namespace {

PipelineConfig model(std::string kind, std::map<std::string, std::string> params = {}) {
  PipelineConfig c;
  c.kind = std::move(kind);
  c.params = std::move(params);
  return c;
}

std::filesystem::path temp_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// y = 2 signal + small noise; "noise" is unrelated; formulas vary but carry no information.
std::string synthetic_csv(const std::filesystem::path& dir, int rows, std::uint64_t seed) {
  const char* formulas[] = {"NaCl", "KCl", "MgO", "LiF", "CaO", "ZnS", "GaN", "AlN"};
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> n(0, 1);
  std::ostringstream s;
  s << "formula,signal,noise,y\n";
  for (int i = 0; i < rows; ++i) {
    double a = n(rng), b = n(rng);
    s << formulas[i % 8] << "," << a << "," << b << "," << 2 * a + 0.05 * n(rng) << "\n";
  }
  auto path = dir / "synthetic.csv";
  std::ofstream(path) << s.str();
  return path.string();
}

struct Fixture {
  Featurizer featurizer;
  Dataset data;
};

Fixture load(const std::string& csv, std::vector<std::string> groups = {"conditions"}) {
  ColumnSpec c;
  c.target = "y";
  c.formula = "formula";
  c.numeric = {"signal", "noise"};
  DescriptorConfig d;
  d.preset = "basic";
  d.groups = std::move(groups);
  Featurizer f(c, d);
  Table t = read_table(csv);
  f.prepare(t.header, t.rows);
  Dataset data = build_dataset(t, f, {});
  return {std::move(f), std::move(data)};
}

TEST(mlImportance, PermutationRanksTheInformativeColumnAboveNoise) {
  auto dir = temp_dir("pb_ml_importance");
  Fixture fx = load(synthetic_csv(dir, 200, 1), {"composition", "conditions"});
  for (std::string kind : {"xgb", "svr", "linear"}) {
    PipelineConfig config;
    config.kind = kind;
    Importance imp = permutation_importance(fx.data, config, {3, 1, 0, false}, 2, false, 2);
    auto at = [&](const std::string& n) {
      auto it = std::find(imp.names.begin(), imp.names.end(), n);
      return imp.mean[static_cast<std::size_t>(it - imp.names.begin())];
    };
    EXPECT_GT(at("cond.signal"), 0.5) << kind;
    EXPECT_LT(std::fabs(at("cond.noise")), 0.1) << kind;
    EXPECT_GT(imp.baseline_r2, 0.9) << kind;
    for (std::size_t i = 0; i < imp.names.size(); ++i) {
      if (imp.names[i] != "cond.signal") {
        EXPECT_LT(imp.mean[i], at("cond.signal")) << imp.names[i];
      }
    }
  }
  PipelineConfig xgb;
  TreeImportance t = tree_importance(fx.data, xgb);
  auto signal =
      std::find(fx.data.names.begin(), fx.data.names.end(), "cond.signal") - fx.data.names.begin();
  EXPECT_EQ(std::max_element(t.gain.begin(), t.gain.end()) - t.gain.begin(), signal);
  EXPECT_EQ(
      std::max_element(t.mean_abs_shap.begin(), t.mean_abs_shap.end()) - t.mean_abs_shap.begin(),
      signal);
  auto rows = ablation(fx.data, xgb, {3, 1, 0, false});
  ASSERT_EQ(rows.size(), 5u);  // all, without/only composition, without/only conditions
  EXPECT_EQ(rows[0].label, "all");
  for (const auto& r : rows) {
    if (r.label == "without conditions") {
      EXPECT_LT(r.r2.mean, 0.2);
    }
    if (r.label == "only conditions") {
      EXPECT_GT(r.r2.mean, 0.8);
    }
  }
  std::filesystem::remove_all(dir);
}

TEST(mlPipeline, CrossValidationIsReproducibleForASeed) {
  auto dir = temp_dir("pb_ml_cv");
  Fixture fx = load(synthetic_csv(dir, 150, 2));
  PipelineConfig config;
  config.seed = 5;
  CvResult a = cross_validate(fx.data, config, {5, 2, 5, true});
  CvResult b = cross_validate(fx.data, config, {5, 2, 5, true});
  EXPECT_EQ(a.folds.size(), 10u);
  EXPECT_EQ(a.oof, b.oof);
  EXPECT_EQ(a.r2.mean, b.r2.mean);
  EXPECT_GT(a.r2.mean, 0.8);  // boosted trees on 150 rows of a line
  // Grouped by formula: the 8 formulas spread over 5 folds, none split.
  for (std::size_t i = 0; i < fx.data.x.rows; ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (fx.data.row_groups[i] == fx.data.row_groups[j]) {
        EXPECT_EQ(a.fold_of[i], a.fold_of[j]);
      }
    }
  }
  auto grid = grid_search(fx.data, model("svr"), {{"C", {"0.01", "10"}}}, {3, 1, 0, false});
  ASSERT_EQ(grid.size(), 2u);
  EXPECT_EQ(grid[0].params.at("C"), "10");
  std::filesystem::remove_all(dir);
}

TEST(mlPipeline, SaveLoadPredictIsIdentical) {
  auto dir = temp_dir("pb_ml_saved");
  std::string csv = synthetic_csv(dir, 120, 3);
  Fixture fx = load(csv, {"composition", "acoustic", "conditions"});
  for (std::string kind : {"xgb", "svr", "gpr", "linear"}) {
    PipelineConfig config;
    config.kind = kind;
    config.params = kind == "gpr" ? std::map<std::string, std::string>{{"max_iter", "30"}}
                                  : std::map<std::string, std::string>{};
    SavedModel m = fit_model(fx.featurizer, fx.data, config);
    Table t = read_table(csv);
    Prediction before = predict_table(m, t);
    save_model(m, dir / kind);
    SavedModel loaded = load_model(dir / kind);
    Prediction after = predict_table(loaded, t);
    EXPECT_EQ(before.value, after.value) << kind;
    if (kind == "gpr") {
      EXPECT_EQ(before.std, after.std);
      EXPECT_GT(before.std[0], 0);
    }
    EXPECT_EQ(loaded.data_sha256, fx.data.sha256);
    EXPECT_EQ(loaded.featurizer.names(), fx.featurizer.names());
  }
  EXPECT_THROW(load_model(dir / "nothing"), std::exception);
  std::filesystem::remove_all(dir);
}

TEST(mlScreen, ConsensusKeepsWhatEveryModelRanksHigh) {
  auto dir = temp_dir("pb_ml_screen");
  // Model 1 learns y = x1, model 2 learns y = x2 (linear, conditions only).
  for (int k = 1; k <= 2; ++k) {
    std::ostringstream s;
    s << "formula,x1,x2,y\n";
    for (int i = 0; i < 50; ++i) {
      double x1 = i % 10, x2 = (i * 7) % 10;
      s << "NaCl," << x1 << "," << x2 << "," << (k == 1 ? x1 : x2) << "\n";
    }
    std::ofstream(dir / ("train" + std::to_string(k) + ".csv")) << s.str();
    ColumnSpec c;
    c.target = "y";
    c.formula = "formula";
    c.numeric = {"x1", "x2"};
    DescriptorConfig d;
    d.groups = {"conditions"};
    Featurizer f(c, d);
    Table t = read_table((dir / ("train" + std::to_string(k) + ".csv")).string());
    f.prepare(t.header, t.rows);
    Dataset data = build_dataset(t, f, {});
    save_model(fit_model(f, data, model("linear")), dir / ("m" + std::to_string(k)));
  }
  // Candidates: the 10 x 10 grid, plus one whose formula does not parse.
  {
    std::ofstream cand(dir / "candidates.csv");
    cand << "formula,x1,x2\n";
    for (int a = 0; a < 10; ++a) {
      for (int b = 0; b < 10; ++b) cand << "NaCl," << a << "," << b << "\n";
    }
    cand << "Xx9,1,1\n";
  }
  SavedModel m1 = load_model(dir / "m1"), m2 = load_model(dir / "m2");
  ScreenOptions o;
  o.candidates = (dir / "candidates.csv").string();
  o.top_fraction = 0.3;
  o.threads = 2;
  o.chunk = 7;  // many small work items
  std::ostringstream out;
  ScreenSummary s = screen({{"m1", &m1}, {"m2", &m2}}, o, out);
  EXPECT_EQ(s.candidates, 101u);
  EXPECT_EQ(s.failed, 1u);
  EXPECT_EQ(s.kept, 9u);  // x1 in {7,8,9} and x2 in {7,8,9}
  EXPECT_EQ(s.agree_counts[2], 9u);
  EXPECT_EQ(s.agree_counts[1], 42u);
  auto rows = csv::parse(out.str());
  ASSERT_EQ(rows.size(), 10u);
  EXPECT_EQ(rows[0],
            (std::vector<std::string>{"formula", "x1", "x2", "m1", "m2", "n_agree", "kept_by"}));
  for (std::size_t i = 1; i < rows.size(); ++i) {
    EXPECT_GE(std::stod(rows[i][1]), 7);
    EXPECT_GE(std::stod(rows[i][2]), 7);
    EXPECT_NEAR(std::stod(rows[i][3]), std::stod(rows[i][1]), 1e-4);
    EXPECT_EQ(rows[i][5], "2");
    EXPECT_EQ(rows[i][6], "m1+m2");
  }
  // k = 1: the union; a threshold instead of a fraction.
  o.min_agree = 1;
  o.threshold = 8.5;
  std::ostringstream out2;
  ScreenSummary s2 = screen({{"m1", &m1}, {"m2", &m2}}, o, out2);
  EXPECT_EQ(s2.kept, 19u);  // x1 = 9 or x2 = 9
  std::filesystem::remove_all(dir);
}

// Every pair of two lists, kernel models by parts and flat trees, against the ordinary way (a
// full feature row per candidate through the whole pipeline): the same predictions to rounding,
// including pairs with a material whose electronegativity is missing (Ar, He: their differences
// are imputed, so they go the ordinary way), a formula that does not parse and a condition
// column the lists do not have.
TEST(mlScreen, PairsByPartsPredictWhatTheFullRowsPredict) {
  auto dir = temp_dir("pb_ml_screen_parts");
  const std::vector<std::string> films = {"Al", "Cu", "Au", "Pt", "Ti", "Cr", "Ni", "Ag", "Pb"};
  const std::vector<std::string> subs = {"Si", "SiC", "GaN", "Al2O3", "AlN", "MgO", "GaAs"};
  {
    std::mt19937_64 rng(9);
    std::normal_distribution<double> n(0, 0.1);
    std::ofstream train(dir / "train.csv");
    train << "film,substrate,T,y\n";
    for (std::size_t i = 0; i < films.size(); ++i) {
      for (std::size_t j = 0; j < subs.size(); ++j) {
        for (int T : {100, 300}) {
          train << films[i] << "," << subs[j] << "," << T << ","
                << 1 + 0.3 * static_cast<double>(i) - 0.2 * static_cast<double>(j) + T / 300.0 +
                       n(rng)
                << "\n";
        }
      }
    }
  }
  ColumnSpec c;
  c.target = "y";
  c.formula = "film";
  c.formula_b = "substrate";
  c.numeric = {"T"};
  DescriptorConfig d;
  d.preset = "basic";
  Featurizer f(c, d);
  Table t = read_table((dir / "train.csv").string());
  f.prepare(t.header, t.rows);
  Dataset data = build_dataset(t, f, {});
  std::vector<SavedModel> models;
  for (auto [kind, params] :
       std::vector<std::pair<std::string, std::map<std::string, std::string>>>{
           {"gpr", {{"max_iter", "20"}}}, {"gpr", {{"ard", "0"}}}, {"svr", {}}, {"gbt", {}}}) {
    models.push_back(fit_model(f, data, model(kind, params)));
  }
  std::ofstream(dir / "a.txt") << "Al\nCu\nAr\nW\nXq\nMo\nAu\nFe2O3\nTi\n";
  std::ofstream(dir / "b.txt") << "Si\nHe\nSiC\nAl2O3\nCu\nZnO\nGaN\n";
  std::vector<ScreenModel> refs;
  for (std::size_t k = 0; k < models.size(); ++k)
    refs.push_back({"m" + std::to_string(k), &models[k]});
  ScreenOptions o;
  o.list_a = (dir / "a.txt").string();
  o.list_b = (dir / "b.txt").string();
  o.write_all = true;
  o.min_agree = 1;
  o.threads = 2;
  o.chunk = 3;  // work items split the B list
  std::ostringstream parts_out, full_out;
  ScreenSummary parts = screen(refs, o, parts_out);
  o.by_parts = false;
  ScreenSummary full = screen(refs, o, full_out);
  EXPECT_EQ(parts.candidates, 63u);
  EXPECT_EQ(parts.failed, 7u);  // Xq with every substrate
  EXPECT_EQ(full.failed, 7u);
  EXPECT_EQ(parts.kept, full.kept);
  auto a = csv::parse(parts_out.str()), b = csv::parse(full_out.str());
  ASSERT_EQ(a.size(), 64u);
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(a[0], b[0]);
  int compared = 0;
  for (std::size_t r = 1; r < a.size(); ++r) {
    ASSERT_EQ(a[r].size(), b[r].size());
    EXPECT_EQ(a[r][0], b[r][0]);
    EXPECT_EQ(a[r][1], b[r][1]);
    EXPECT_EQ(a[r].back(), b[r].back());  // kept_by
    for (std::size_t col = 2; col + 2 < a[r].size(); ++col) {
      if (a[r][col].empty() || b[r][col].empty()) {
        EXPECT_EQ(a[r][col], b[r][col]) << a[r][0] << "|" << a[r][1] << " " << a[0][col];
        continue;
      }
      double x = std::stod(a[r][col]), y = std::stod(b[r][col]);
      EXPECT_NEAR(x, y, 1e-6 * std::max(1.0, std::fabs(y)))
          << a[r][0] << "|" << a[r][1] << " " << a[0][col];
      ++compared;
    }
  }
  EXPECT_EQ(compared, 56 * 6);  // four models and two GP std columns for 56 described pairs
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace pb::ml
