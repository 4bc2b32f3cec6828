// Ridge regression: the calibrated form of a physics baseline (a line through log10 AMM or DMM
// conductance) and a floor every learned model has to beat.
#include <Eigen/Dense>
#include <nlohmann/json.hpp>

#include "ml/model.hpp"
#include "util/error.hpp"

namespace pb::ml {

namespace {

class LinearRegressor final : public Regressor {
 public:
  explicit LinearRegressor(Params p) : p_(std::move(p)) {}

  void fit(const Matrix& x, std::span<const double> y, std::uint64_t) override {
    using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const auto n = static_cast<Eigen::Index>(x.rows), d = static_cast<Eigen::Index>(x.cols);
    Eigen::Map<const RowMatrix> a(x.data.data(), n, d);
    Eigen::Map<const Eigen::VectorXd> b(y.data(), n);
    intercept_ = b.mean();  // inputs are centred by the pipeline
    Eigen::MatrixXd gram = a.transpose() * a;
    gram.diagonal().array() += p_.at("alpha");
    Eigen::VectorXd w = gram.ldlt().solve(a.transpose() * (b.array() - intercept_).matrix());
    weights_.assign(w.data(), w.data() + w.size());
  }

  void predict(const Matrix& x, std::span<double> out, std::span<double>) const override {
    for (std::size_t r = 0; r < x.rows; ++r) {
      double s = intercept_;
      for (std::size_t c = 0; c < x.cols; ++c) s += weights_[c] * x(r, c);
      out[r] = s;
    }
  }

  void save(nlohmann::json& state, const std::filesystem::path&) const override {
    state["weights"] = weights_;
    state["intercept"] = intercept_;
  }

  void load(const nlohmann::json& state, const std::filesystem::path&) override {
    weights_ = state.at("weights").get<std::vector<double>>();
    intercept_ = state.at("intercept");
  }

 private:
  Params p_;
  std::vector<double> weights_;
  double intercept_ = 0;
};

}  // namespace

ModelKind linear_kind() {
  return {"linear",
          {"ridge"},
          "ridge regression on the standardised features (baselines)",
          {{"alpha", 1e-6, 0, 1e9, false, "L2 penalty"}},
          [](const Params& p) { return std::make_unique<LinearRegressor>(p); }};
}

}  // namespace pb::ml
