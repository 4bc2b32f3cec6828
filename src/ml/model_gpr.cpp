// Gaussian process regression: ARD (or isotropic) squared-exponential kernel plus white noise,
// hyper-parameters by maximising the log marginal likelihood with L-BFGS-B (LBFGSpp), as
// Rasmussen & Williams, Gaussian Processes for Machine Learning (2006), algorithm 2.1 and §5.4.1.
// Eigen stays in this file (ARCHITECTURE.md §6: never beside cpp-httplib, never in headers).
#include <LBFGSB.h>

#include <Eigen/Cholesky>
#include <Eigen/Dense>
#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <numbers>
#include <random>
#include <stdexcept>

#include "ml/model.hpp"
#include "util/error.hpp"

namespace pb::ml {

namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;
using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Added to the diagonal so that a noise-free fit stays positive definite.
constexpr double kJitter = 1e-10;

// Beyond 1000 squared length scales the kernel (< e^-500) is set to exactly 0: such values and
// their products in the triangular solves become subnormal numbers, which cost about a hundred
// times more per operation (a screen of far-away candidates ran 100x slower).
constexpr double kKernelCutoff = 1000.0;

// Squared-exponential kernel between the rows of a and b, both already divided by the length
// scales: sf2 * exp(-|a_i - b_j|^2 / 2).
MatrixXd se_kernel(const RowMatrix& a, const RowMatrix& b, double sf2) {
  VectorXd na = a.rowwise().squaredNorm(), nb = b.rowwise().squaredNorm();
  MatrixXd d2 = (-2.0 * a * b.transpose()).colwise() + na;
  d2.rowwise() += nb.transpose();
  return (d2.array() > kKernelCutoff)
      .select(0.0, sf2 * (-0.5 * d2.array().max(0.0)).exp())
      .matrix();
}

struct Hyper {
  std::vector<double> length;  // one, or one per feature
  double sf = 1, sn = 0.1;     // signal and noise standard deviations (normalised target)
};

RowMatrix scaled(const RowMatrix& x, const std::vector<double>& length) {
  RowMatrix s = x;
  for (Eigen::Index c = 0; c < s.cols(); ++c) {
    s.col(c) /= length.size() == 1 ? length[0] : length[static_cast<std::size_t>(c)];
  }
  return s;
}

// Negative log marginal likelihood and its gradient in log-parameters
// θ = (log l_1..l_m, log σ_f, log σ_n).
class Objective {
 public:
  Objective(const RowMatrix& x, const VectorXd& y, bool ard) : x_(x), y_(y), ard_(ard) {}

  double operator()(const VectorXd& theta, VectorXd& grad) {
    const Eigen::Index n = x_.rows(), d = x_.cols();
    const Eigen::Index m = ard_ ? d : 1;
    Hyper h = unpack(theta, m);
    RowMatrix xs = scaled(x_, h.length);
    MatrixXd kse = se_kernel(xs, xs, h.sf * h.sf);
    MatrixXd k = kse;
    k.diagonal().array() += h.sn * h.sn + kJitter;
    Eigen::LLT<MatrixXd> llt(k);
    grad.setZero(theta.size());
    if (llt.info() != Eigen::Success) return 1e25;
    VectorXd alpha = llt.solve(y_);
    double logdet = 2.0 * llt.matrixL().toDenseMatrix().diagonal().array().log().sum();
    double nll = 0.5 * y_.dot(alpha) + 0.5 * logdet +
                 0.5 * static_cast<double>(n) * std::log(2 * std::numbers::pi);
    // W = K^-1 - α αᵀ; d(nll)/dθ = ½ tr(W dK/dθ).
    MatrixXd w = llt.solve(MatrixXd::Identity(n, n));
    w.noalias() -= alpha * alpha.transpose();
    MatrixXd wk = w.cwiseProduct(kse);
    // dK/dlog l_d = K_se ∘ (Δx_d / l_d)²
    if (ard_) {
      VectorXd g = VectorXd::Zero(d);
      for (Eigen::Index j = 0; j < n; ++j) {
        for (Eigen::Index i = j + 1; i < n; ++i) {
          double c = wk(i, j);  // symmetric: each pair once, counted twice below
          g += c * (xs.row(i) - xs.row(j)).transpose().array().square().matrix();
        }
      }
      grad.head(d) = g;  // ½ · 2 (both triangles)
    } else {
      VectorXd sq = xs.rowwise().squaredNorm();
      MatrixXd d2 = (-2.0 * xs * xs.transpose()).colwise() + sq;
      d2.rowwise() += sq.transpose();
      grad(0) = 0.5 * (wk.array() * d2.array().max(0.0)).sum();
    }
    grad(m) = 0.5 * 2.0 * wk.sum();                     // dK/dlog σ_f = 2 K_se
    grad(m + 1) = 0.5 * 2.0 * h.sn * h.sn * w.trace();  // dK/dlog σ_n = 2 σ_n² I
    if (nll < best_) {
      best_ = nll;
      best_theta_ = theta;
    }
    ++evaluations_;
    return nll;
  }

  static Hyper unpack(const VectorXd& theta, Eigen::Index m) {
    Hyper h;
    for (Eigen::Index i = 0; i < m; ++i) h.length.push_back(std::exp(theta(i)));
    h.sf = std::exp(theta(m));
    h.sn = std::exp(theta(m + 1));
    return h;
  }

  double best() const { return best_; }
  const VectorXd& best_theta() const { return best_theta_; }
  int evaluations() const { return evaluations_; }

 private:
  const RowMatrix& x_;
  const VectorXd& y_;
  bool ard_;
  double best_ = std::numeric_limits<double>::infinity();
  VectorXd best_theta_;
  int evaluations_ = 0;
};

class GprRegressor final : public Regressor {
 public:
  explicit GprRegressor(Params p) : p_(std::move(p)) {}

  void fit(const Matrix& x, std::span<const double> y, std::uint64_t seed) override {
    const auto n = static_cast<Eigen::Index>(x.rows), d = static_cast<Eigen::Index>(x.cols);
    if (n < 2) throw InvalidArgument("gpr needs at least two rows");
    x_ = Eigen::Map<const RowMatrix>(x.data.data(), n, d);
    VectorXd yv = Eigen::Map<const VectorXd>(y.data(), n);
    y_mean_ = yv.mean();
    y_scale_ = std::sqrt((yv.array() - y_mean_).square().mean());
    if (!(y_scale_ > 0)) y_scale_ = 1;
    VectorXd yn = (yv.array() - y_mean_) / y_scale_;
    bool ard = p_.at("ard") != 0;
    const Eigen::Index m = ard ? d : 1;
    // Start: length scale sqrt(d) on standardised inputs (typical distance between rows).
    double l0 = p_.at("length_scale") > 0
                    ? p_.at("length_scale")
                    : std::sqrt(static_cast<double>(std::max<Eigen::Index>(d, 1)));
    VectorXd theta(m + 2), lb(m + 2), ub(m + 2);
    theta.head(m).setConstant(std::log(l0));
    theta(m) = 0.0;
    theta(m + 1) = std::log(p_.at("noise"));
    lb.head(m).setConstant(std::log(p_.at("min_length_scale")));
    ub.head(m).setConstant(std::log(p_.at("max_length_scale")));
    lb(m) = std::log(1e-3);
    ub(m) = std::log(1e3);
    lb(m + 1) = std::log(p_.at("min_noise"));
    ub(m + 1) = std::log(10.0);
    Objective objective(x_, yn, ard);
    LBFGSpp::LBFGSBParam<double> param;
    param.max_iterations = static_cast<int>(p_.at("max_iter"));
    param.epsilon = 1e-5;
    param.delta = 1e-9;
    param.past = 1;
    std::mt19937_64 rng(seed);
    int starts = 1 + static_cast<int>(p_.at("restarts"));
    for (int s = 0; s < starts; ++s) {
      VectorXd t = theta;
      if (s > 0) {  // random restarts: uniform in the log-box
        for (Eigen::Index i = 0; i < t.size(); ++i) {
          t(i) = std::uniform_real_distribution<double>(lb(i), ub(i))(rng);
        }
      }
      LBFGSpp::LBFGSBSolver<double> solver(param);
      double fx = 0;
      try {
        solver.minimize(objective, t, fx, lb, ub);
      } catch (const std::exception&) {
        // Line-search failures near the optimum are common; the best point seen is kept.
      }
    }
    if (objective.best_theta().size() == 0)
      throw std::runtime_error("gpr: the kernel matrix is singular");
    hyper_ = Objective::unpack(objective.best_theta(), m);
    nll_ = objective.best();
    evaluations_ = objective.evaluations();
    factorise();
    alpha_ = l_.triangularView<Eigen::Lower>().solve(yn);
    l_.triangularView<Eigen::Lower>().transpose().solveInPlace(alpha_);
  }

  void predict(const Matrix& x, std::span<double> out, std::span<double> std_out) const override {
    if (x_.rows() == 0) throw InvalidArgument("model is not fitted");
    const auto m = static_cast<Eigen::Index>(x.rows);
    if (m == 0) return;
    Eigen::Map<const RowMatrix> xq(x.data.data(), m, static_cast<Eigen::Index>(x.cols));
    RowMatrix qs = scaled(xq, hyper_.length);
    MatrixXd ks = se_kernel(qs, xs_, hyper_.sf * hyper_.sf);  // m x n
    VectorXd mean = ks * alpha_;
    for (Eigen::Index i = 0; i < m; ++i) out[i] = mean(i) * y_scale_ + y_mean_;
    if (std_out.empty()) return;
    MatrixXd v = l_.triangularView<Eigen::Lower>().solve(ks.transpose());  // n x m
    VectorXd var = (hyper_.sf * hyper_.sf + hyper_.sn * hyper_.sn) -
                   v.colwise().squaredNorm().transpose().array();
    for (Eigen::Index i = 0; i < m; ++i) std_out[i] = std::sqrt(std::max(var(i), 0.0)) * y_scale_;
  }

  bool has_std() const override { return true; }

  std::optional<RbfExpansion> rbf_expansion() const override {
    if (x_.rows() == 0) return std::nullopt;
    RbfExpansion e;
    const auto d = static_cast<std::size_t>(x_.cols());
    e.length = hyper_.length.size() == 1 ? std::vector<double>(d, hyper_.length[0]) : hyper_.length;
    e.centers = Matrix(static_cast<std::size_t>(x_.rows()), d);
    std::copy(x_.data(), x_.data() + x_.size(), e.centers.data.begin());
    e.weight.assign(alpha_.data(), alpha_.data() + alpha_.size());
    e.offset = y_mean_;
    e.scale = hyper_.sf * hyper_.sf * y_scale_;
    e.cutoff = kKernelCutoff;
    return e;
  }

  void save(nlohmann::json& state, const std::filesystem::path& dir) const override {
    state["length_scale"] = hyper_.length;
    state["signal_std"] = hyper_.sf;
    state["noise_std"] = hyper_.sn;
    state["y_mean"] = y_mean_;
    state["y_scale"] = y_scale_;
    state["rows"] = x_.rows();
    state["cols"] = x_.cols();
    state["negative_log_marginal_likelihood"] = nll_;
    state["training_data"] = "gp_train.bin";  // X (row-major) then α, little-endian doubles
    std::ofstream out(dir / "gp_train.bin", std::ios::binary);
    out.write(reinterpret_cast<const char*>(x_.data()),
              static_cast<std::streamsize>(sizeof(double) * static_cast<std::size_t>(x_.size())));
    out.write(
        reinterpret_cast<const char*>(alpha_.data()),
        static_cast<std::streamsize>(sizeof(double) * static_cast<std::size_t>(alpha_.size())));
    if (!out) throw std::runtime_error("cannot write " + (dir / "gp_train.bin").string());
    // The Cholesky factor, so that loading costs no O(n³) factorisation (scikit-learn keeps it
    // as L_ too): the lower triangle row by row, little-endian doubles.
    state["factor"] = "gp_factor.bin";
    std::ofstream f(dir / "gp_factor.bin", std::ios::binary);
    for (Eigen::Index r = 0; r < l_.rows(); ++r) {
      for (Eigen::Index c = 0; c <= r; ++c) {
        double v = l_(r, c);
        f.write(reinterpret_cast<const char*>(&v), sizeof v);
      }
    }
    if (!f) throw std::runtime_error("cannot write " + (dir / "gp_factor.bin").string());
  }

  void load(const nlohmann::json& state, const std::filesystem::path& dir) override {
    hyper_.length = state.at("length_scale").get<std::vector<double>>();
    hyper_.sf = state.at("signal_std");
    hyper_.sn = state.at("noise_std");
    y_mean_ = state.at("y_mean");
    y_scale_ = state.at("y_scale");
    nll_ = state.at("negative_log_marginal_likelihood");
    auto rows = state.at("rows").get<Eigen::Index>(), cols = state.at("cols").get<Eigen::Index>();
    x_.resize(rows, cols);
    alpha_.resize(rows);
    std::string file = (dir / state.at("training_data").get<std::string>()).string();
    std::ifstream in(file, std::ios::binary);
    in.read(reinterpret_cast<char*>(x_.data()),
            static_cast<std::streamsize>(sizeof(double) * static_cast<std::size_t>(x_.size())));
    in.read(reinterpret_cast<char*>(alpha_.data()),
            static_cast<std::streamsize>(sizeof(double) * static_cast<std::size_t>(rows)));
    if (!in) throw std::runtime_error("cannot read " + file);
    xs_ = scaled(x_, hyper_.length);
    if (!state.contains("factor")) {  // a model saved before the factor was kept
      factorise();
      return;
    }
    std::string factor = (dir / state.at("factor").get<std::string>()).string();
    std::ifstream f(factor, std::ios::binary);
    std::vector<double> packed(static_cast<std::size_t>(rows * (rows + 1) / 2));
    f.read(reinterpret_cast<char*>(packed.data()),
           static_cast<std::streamsize>(sizeof(double) * packed.size()));
    if (!f) throw std::runtime_error("cannot read " + factor);
    l_ = MatrixXd::Zero(rows, rows);
    std::size_t k = 0;
    for (Eigen::Index r = 0; r < rows; ++r) {
      for (Eigen::Index c = 0; c <= r; ++c) l_(r, c) = packed[k++];
    }
  }

  std::map<std::string, double> fitted() const override {
    std::map<std::string, double> f{{"signal_std", hyper_.sf * y_scale_},
                                    {"noise_std", hyper_.sn * y_scale_},
                                    {"neg_log_marginal_likelihood", nll_},
                                    {"evaluations", evaluations_}};
    for (std::size_t i = 0; i < hyper_.length.size(); ++i) {
      f["length_scale_" + std::to_string(i)] = hyper_.length[i];
    }
    return f;
  }

 private:
  void factorise() {
    xs_ = scaled(x_, hyper_.length);
    MatrixXd k = se_kernel(xs_, xs_, hyper_.sf * hyper_.sf);
    k.diagonal().array() += hyper_.sn * hyper_.sn + kJitter;
    Eigen::LLT<MatrixXd> llt(k);
    if (llt.info() != Eigen::Success)
      throw std::runtime_error("gpr: kernel matrix not positive definite");
    l_ = llt.matrixL();
  }

  Params p_;
  RowMatrix x_, xs_;
  VectorXd alpha_;
  MatrixXd l_;  // Cholesky factor of K + noise, lower
  Hyper hyper_;
  double y_mean_ = 0, y_scale_ = 1, nll_ = 0;
  int evaluations_ = 0;
};

}  // namespace

ModelKind gpr_kind() {
  return {"gpr",
          {"gp"},
          "Gaussian process: squared-exponential kernel (ARD or isotropic) + white noise, "
          "hyper-parameters by maximum log marginal likelihood (L-BFGS-B)",
          {{"ard", 1, 0, 1, true, "one length scale per feature (1) or one for all (0)"},
           {"length_scale", 0, 0, 1e5, false, "initial length scale; 0: sqrt(n_features)"},
           {"noise", 0.1, 1e-6, 10, false, "initial noise std, in units of the target's std"},
           {"min_noise", 1e-5, 1e-9, 1, false, "lower bound of the noise std (normalised)"},
           {"min_length_scale", 1e-2, 1e-6, 1e6, false, "lower bound of length scales"},
           {"max_length_scale", 1e4, 1e-3, 1e9, false, "upper bound of length scales"},
           {"max_iter", 100, 1, 100000, true, "L-BFGS-B iterations per start"},
           {"restarts", 0, 0, 100, true, "extra random starts (seeded)"}},
          [](const Params& p) { return std::make_unique<GprRegressor>(p); }};
}

}  // namespace pb::ml
