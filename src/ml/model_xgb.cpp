// Boosted regression trees with least-squares loss through the XGBoost C API.
#include "ml/model_xgb.hpp"

#include <xgboost/c_api.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "util/error.hpp"

namespace pb::ml {

namespace {

void check(int status, const char* what) {
  if (status != 0)
    throw std::runtime_error(std::string("xgboost ") + what + ": " + XGBGetLastError());
}

// Imputed inputs hold no NaN; this sentinel only tells in-place prediction what "missing" is.
constexpr double kMissingSentinel = -3.0e38;

class DMatrix {
 public:
  DMatrix(const Matrix& x, float missing) {
    std::vector<float> f(x.data.begin(), x.data.end());
    check(XGDMatrixCreateFromMat(f.data(), x.rows, x.cols, missing, &h), "DMatrix");
  }
  ~DMatrix() { XGDMatrixFree(h); }
  DMatrix(const DMatrix&) = delete;
  DMatrix& operator=(const DMatrix&) = delete;
  DMatrixHandle h = nullptr;
};

// The booster's trees as flat arrays, evaluated here. XGBoost 1.6 spends some 12 ns per tree and
// row in its predictor; these loops take 64 rows through a tree level by level together, without
// branches: the children of a node are adjacent (renumbered breadth first) and a leaf is its own
// child (threshold +inf), so every row takes exactly the tree's depth in steps. The arithmetic
// is XGBoost's: features as float, `x < split` goes left, leaves added in float in tree order
// onto base_score; a block with a NaN goes node by node with the default directions. The tests
// compare both predictors.
class FlatForest {
 public:
  /// False (and nothing kept) for what these loops do not cover: categorical splits, leaf
  /// vectors, several trees per round or several targets.
  bool build(const nlohmann::json& j) {
    try {
      const auto& learner = j.at("learner");
      const auto& param = learner.at("learner_model_param");
      if (std::stoi(param.value("num_target", std::string("1"))) > 1 ||
          std::stoi(param.value("num_class", std::string("0"))) > 1) {
        return false;
      }
      if (learner.at("objective").at("name") != "reg:squarederror") return false;
      const auto& booster = learner.at("gradient_booster");
      if (booster.at("name") != "gbtree") return false;
      const auto& model = booster.at("model");
      if (model.at("gbtree_model_param").at("num_parallel_tree") != "1") return false;
      base_ = std::strtof(param.at("base_score").get<std::string>().c_str(), nullptr);
      for (const auto& t : model.at("trees")) {
        if (t.at("tree_param").at("size_leaf_vector") != "0") return false;
        for (int type : t.at("split_type")) {
          if (type != 0) return false;
        }
        add_tree(t.at("left_children").get<std::vector<int>>(),
                 t.at("right_children").get<std::vector<int>>(),
                 t.at("split_indices").get<std::vector<std::int32_t>>(),
                 t.at("split_conditions").get<std::vector<float>>(),
                 t.at("default_left").get<std::vector<int>>());
      }
      return true;
    } catch (const std::exception&) {
      nodes_.clear();
      trees_.clear();
      return false;
    }
  }

  void predict(const Matrix& x, std::span<double> out) const {
    constexpr std::size_t kBlock = 64;
    std::vector<float> f(kBlock * x.cols);
    float acc[kBlock];
    std::int32_t at[kBlock];
    for (std::size_t r0 = 0; r0 < x.rows; r0 += kBlock) {
      const std::size_t len = std::min(kBlock, x.rows - r0);
      bool nan = false;
      for (std::size_t k = 0; k < len * x.cols; ++k) {
        f[k] = static_cast<float>(x.data[r0 * x.cols + k]);
        nan |= std::isnan(f[k]);
      }
      for (std::size_t r = 0; r < len; ++r) acc[r] = base_;
      for (const Tree& t : trees_) {
        if (nan) {
          for (std::size_t r = 0; r < len; ++r) acc[r] += walk(t.root, f.data() + r * x.cols);
          continue;
        }
        for (std::size_t r = 0; r < len; ++r) at[r] = t.root;
        for (int level = 0; level < t.depth; ++level) {
          for (std::size_t r = 0; r < len; ++r) {
            const Node& n = nodes_[static_cast<std::size_t>(at[r])];
            float v = f[r * x.cols + static_cast<std::size_t>(n.feature)];
            at[r] = n.left + (v < n.threshold ? 0 : 1);
          }
        }
        for (std::size_t r = 0; r < len; ++r)
          acc[r] += nodes_[static_cast<std::size_t>(at[r])].leaf;
      }
      for (std::size_t r = 0; r < len; ++r) out[r0 + r] = acc[r];
    }
  }

 private:
  struct Node {
    std::int32_t feature = 0;
    float threshold = 0;  // +inf for a leaf, which is its own left child
    std::int32_t left = 0;
    float leaf = 0;
    bool default_left = false;
  };
  struct Tree {
    std::int32_t root;
    int depth;
  };

  void add_tree(const std::vector<int>& left, const std::vector<int>& right,
                const std::vector<std::int32_t>& index, const std::vector<float>& cond,
                const std::vector<int>& dflt) {
    // Breadth first from the root: the two children of a node get consecutive places.
    const auto root = static_cast<std::int32_t>(nodes_.size());
    std::vector<int> order{0}, depth_of{0};
    std::vector<std::int32_t> place(left.size(), -1);
    place[0] = root;
    nodes_.emplace_back();
    int depth = 0;
    for (std::size_t k = 0; k < order.size(); ++k) {
      auto i = static_cast<std::size_t>(order[k]);
      Node& n = nodes_[static_cast<std::size_t>(place[i])];
      if (left[i] < 0) {
        n.threshold = std::numeric_limits<float>::infinity();
        n.left = place[i];
        n.leaf = cond[i];
        continue;
      }
      auto l = static_cast<std::size_t>(left[i]), r = static_cast<std::size_t>(right[i]);
      if (l >= left.size() || r >= left.size() || place[l] >= 0 || place[r] >= 0) {
        throw std::runtime_error("malformed tree");
      }
      n.feature = index[i];
      n.threshold = cond[i];
      n.default_left = dflt[i] != 0;
      n.left = static_cast<std::int32_t>(nodes_.size());
      place[l] = n.left;
      place[r] = n.left + 1;
      nodes_.emplace_back();
      nodes_.emplace_back();
      order.push_back(static_cast<int>(l));
      order.push_back(static_cast<int>(r));
      depth_of.push_back(depth_of[k] + 1);
      depth_of.push_back(depth_of[k] + 1);
      depth = std::max(depth, depth_of[k] + 1);
    }
    trees_.push_back({root, depth});
  }

  float walk(std::int32_t at, const float* row) const {
    for (;;) {
      const Node& n = nodes_[static_cast<std::size_t>(at)];
      if (n.left == at) return n.leaf;
      float v = row[n.feature];
      bool go_left = std::isnan(v) ? n.default_left : v < n.threshold;
      at = n.left + (go_left ? 0 : 1);
    }
  }

  std::vector<Node> nodes_;
  std::vector<Tree> trees_;
  float base_ = 0;
};

class XgbRegressor final : public Regressor {
 public:
  explicit XgbRegressor(Params p) : p_(std::move(p)) {}
  ~XgbRegressor() override {
    if (booster_ != nullptr) XGBoosterFree(booster_);
  }

  void fit(const Matrix& x, std::span<const double> y, std::uint64_t seed) override {
    DMatrix d(x, std::nanf(""));
    std::vector<float> label(y.begin(), y.end());
    check(XGDMatrixSetFloatInfo(d.h, "label", label.data(), label.size()), "labels");
    reset();
    check(XGBoosterCreate(&d.h, 1, &booster_), "create");
    auto set = [&](const char* k, const std::string& v) {
      check(XGBoosterSetParam(booster_, k, v.c_str()), k);
    };
    set("objective", "reg:squarederror");
    set("tree_method", "hist");
    set("verbosity", "0");
    set("seed", std::to_string(seed % 2147483647));  // XGBoost reads a 32-bit int
    set("eta", num("learning_rate"));
    set("max_depth", std::to_string(static_cast<int>(p_.at("max_depth"))));
    set("subsample", num("subsample"));
    set("colsample_bytree", num("colsample_bytree"));
    set("min_child_weight", num("min_child_weight"));
    set("lambda", num("reg_lambda"));
    set("alpha", num("reg_alpha"));
    set("nthread", std::to_string(static_cast<int>(p_.at("nthread"))));
    int rounds = static_cast<int>(p_.at("n_estimators"));
    for (int i = 0; i < rounds; ++i) check(XGBoosterUpdateOneIter(booster_, i, d.h), "update");
    flatten();
  }

  void predict(const Matrix& x, std::span<double> out, std::span<double>) const override {
    if (booster_ == nullptr) throw InvalidArgument("model is not fitted");
    if (x.rows == 0) return;
    if (flat_) {
      flat_->predict(x, out);
      return;
    }
    predict_xgboost(x, out);
  }

  /// Through XGBoost's own predictor (what the flat trees reproduce).
  void predict_xgboost(const Matrix& x, std::span<double> out) const {
    std::vector<float> f(x.data.begin(), x.data.end());
    std::ostringstream array;
    array << R"({"data": [)" << reinterpret_cast<std::uintptr_t>(f.data())
          << R"(, true], "shape": [)" << x.rows << ", " << x.cols
          << R"(], "typestr": "<f4", "version": 3})";
    std::ostringstream config;
    config << R"({"type": 0, "training": false, "iteration_begin": 0, "iteration_end": 0,)"
           << R"( "strict_shape": false, "cache_id": 0, "missing": )" << kMissingSentinel << "}";
    const bst_ulong* shape = nullptr;
    bst_ulong dim = 0;
    const float* result = nullptr;
    check(XGBoosterPredictFromDense(booster_, array.str().c_str(), config.str().c_str(), nullptr,
                                    &shape, &dim, &result),
          "predict");
    for (std::size_t i = 0; i < x.rows; ++i) out[i] = result[i];
  }

  void save(nlohmann::json& state, const std::filesystem::path& dir) const override {
    state["booster"] = "booster.json";
    check(XGBoosterSaveModel(booster_, (dir / "booster.json").string().c_str()), "save");
  }

  void load(const nlohmann::json& state, const std::filesystem::path& dir) override {
    reset();
    check(XGBoosterCreate(nullptr, 0, &booster_), "create");
    std::string file = (dir / state.at("booster").get<std::string>()).string();
    check(XGBoosterLoadModel(booster_, file.c_str()), "load");
    flatten();
    check(XGBoosterSetParam(booster_, "nthread",
                            std::to_string(static_cast<int>(p_.at("nthread"))).c_str()),
          "nthread");
  }

  void set_threads(int n) override {
    if (booster_ != nullptr) {
      check(XGBoosterSetParam(booster_, "nthread", std::to_string(n).c_str()), "nthread");
    }
  }

  BoosterHandle handle() const { return booster_; }

 private:
  std::string num(const char* key) const {
    std::ostringstream s;
    s.precision(17);
    s << p_.at(key);
    return s.str();
  }
  void reset() {
    if (booster_ != nullptr) XGBoosterFree(booster_);
    booster_ = nullptr;
    flat_.reset();
  }
  void flatten() {
    bst_ulong len = 0;
    const char* buffer = nullptr;
    check(XGBoosterSaveModelToBuffer(booster_, R"({"format": "json"})", &len, &buffer), "save");
    auto forest = std::make_unique<FlatForest>();
    if (forest->build(nlohmann::json::parse(buffer, buffer + len))) flat_ = std::move(forest);
  }
  Params p_;
  BoosterHandle booster_ = nullptr;
  std::unique_ptr<FlatForest> flat_;
};

const XgbRegressor& as_xgb(const Regressor& m) {
  auto* x = dynamic_cast<const XgbRegressor*>(&m);
  if (x == nullptr) throw InvalidArgument("gain and SHAP values exist for gbt (xgb) models only");
  return *x;
}

}  // namespace

ModelKind xgb_kind() {
  return {"gbt",
          {"xgb", "xgboost", "lsboost"},
          "boosted regression trees, least-squares loss (XGBoost, reg:squarederror, hist)",
          {{"n_estimators", 300, 1, 100000, true, "boosting rounds"},
           {"learning_rate", 0.05, 1e-4, 1, false, "shrinkage per round (eta)"},
           {"max_depth", 6, 1, 32, true, "depth of each tree"},
           {"subsample", 0.8, 0.05, 1, false, "fraction of rows sampled per tree"},
           {"colsample_bytree", 0.8, 0.05, 1, false, "fraction of features sampled per tree"},
           {"min_child_weight", 1, 0, 1e6, false, "minimum hessian sum in a leaf"},
           {"reg_lambda", 1, 0, 1e6, false, "L2 penalty on leaf weights"},
           {"reg_alpha", 0, 0, 1e6, false, "L1 penalty on leaf weights"},
           {"nthread", 1, 0, 1024, true,
            "threads (0: all cores; OpenMP spin-waits badly on a busy machine)"}},
          [](const Params& p) { return std::make_unique<XgbRegressor>(p); }};
}

std::vector<double> xgb_gain(const Regressor& model, std::size_t n_features) {
  const XgbRegressor& m = as_xgb(model);
  bst_ulong n = 0, dim = 0;
  const char** names = nullptr;
  const bst_ulong* shape = nullptr;
  const float* scores = nullptr;
  check(XGBoosterFeatureScore(m.handle(), R"({"importance_type": "total_gain"})", &n, &names, &dim,
                              &shape, &scores),
        "feature score");
  std::vector<double> out(n_features, 0.0);
  for (bst_ulong i = 0; i < n; ++i) {
    std::string name = names[i];  // "f12" when the booster has no feature names
    if (name.size() > 1 && name[0] == 'f') {
      std::size_t k = std::stoul(name.substr(1));
      if (k < n_features) out[k] = scores[i];
    }
  }
  return out;
}

void xgb_predict_native(const Regressor& model, const Matrix& x, std::span<double> out) {
  as_xgb(model).predict_xgboost(x, out);
}

Matrix xgb_contributions(const Regressor& model, const Matrix& x) {
  const XgbRegressor& m = as_xgb(model);
  DMatrix d(x, std::nanf(""));
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* result = nullptr;
  check(
      XGBoosterPredictFromDMatrix(
          m.handle(), d.h,
          R"({"type": 2, "training": false, "iteration_begin": 0, "iteration_end": 0, "strict_shape": false})",
          &shape, &dim, &result),
      "contributions");
  Matrix out(x.rows, x.cols + 1);
  for (std::size_t i = 0; i < out.data.size(); ++i) out.data[i] = result[i];
  return out;
}

}  // namespace pb::ml
