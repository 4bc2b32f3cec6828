// Boosted regression trees with least-squares loss through the XGBoost C API.
#include "ml/model_xgb.hpp"

#include <xgboost/c_api.h>

#include <cmath>
#include <fstream>
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
  }

  void predict(const Matrix& x, std::span<double> out, std::span<double>) const override {
    if (booster_ == nullptr) throw InvalidArgument("model is not fitted");
    if (x.rows == 0) return;
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
  }
  Params p_;
  BoosterHandle booster_ = nullptr;
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
