// Epsilon-SVR with an RBF kernel through libsvm (the reference implementation).
#include <svm.h>

#include <cmath>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "ml/model.hpp"
#include "util/error.hpp"

namespace pb::ml {

namespace {

void quiet(const char*) {}

// Dense rows as libsvm nodes: index 1..d, then the -1 terminator.
void to_nodes(std::span<const double> row, std::vector<svm_node>& out) {
  out.resize(row.size() + 1);
  for (std::size_t c = 0; c < row.size(); ++c) out[c] = {static_cast<int>(c + 1), row[c]};
  out[row.size()] = {-1, 0.0};
}

class SvrRegressor final : public Regressor {
 public:
  explicit SvrRegressor(Params p) : p_(std::move(p)) {
    static std::once_flag once;
    std::call_once(once, [] { svm_set_print_string_function(quiet); });
  }
  ~SvrRegressor() override { reset(); }

  void fit(const Matrix& x, std::span<const double> y, std::uint64_t) override {
    reset();
    std::size_t d = x.cols;
    nodes_.assign(x.rows * (d + 1), svm_node{-1, 0.0});
    rows_.resize(x.rows);
    for (std::size_t r = 0; r < x.rows; ++r) {
      svm_node* n = nodes_.data() + r * (d + 1);
      for (std::size_t c = 0; c < d; ++c) n[c] = {static_cast<int>(c + 1), x(r, c)};
      rows_[r] = n;
    }
    labels_.assign(y.begin(), y.end());
    svm_problem prob{};
    prob.l = static_cast<int>(x.rows);
    prob.y = labels_.data();
    prob.x = rows_.data();
    svm_parameter param{};
    param.svm_type = EPSILON_SVR;
    param.kernel_type = RBF;
    double gamma = p_.at("gamma");
    // gamma 0 = "scale" on standardised inputs: 1 / (n_features * variance 1).
    param.gamma = gamma > 0 ? gamma : 1.0 / static_cast<double>(std::max<std::size_t>(d, 1));
    param.C = p_.at("C");
    param.p = p_.at("epsilon");
    param.eps = p_.at("tol");
    param.cache_size = p_.at("cache_mb");
    param.shrinking = static_cast<int>(p_.at("shrinking"));
    if (const char* err = svm_check_parameter(&prob, &param)) {
      throw InvalidArgument(std::string("svr: ") + err);
    }
    model_ = svm_train(&prob, &param);  // keeps pointers into nodes_ (kept alive here)
  }

  void predict(const Matrix& x, std::span<double> out, std::span<double>) const override {
    if (model_ == nullptr) throw InvalidArgument("model is not fitted");
    std::vector<svm_node> nodes;
    for (std::size_t r = 0; r < x.rows; ++r) {
      to_nodes(x.row(r), nodes);
      out[r] = svm_predict(model_, nodes.data());
    }
  }

  void save(nlohmann::json& state, const std::filesystem::path& dir) const override {
    state["svm_model"] = "svm.model";
    if (svm_save_model((dir / "svm.model").string().c_str(), model_) != 0) {
      throw std::runtime_error("cannot write " + (dir / "svm.model").string());
    }
  }

  void load(const nlohmann::json& state, const std::filesystem::path& dir) override {
    reset();
    std::string file = (dir / state.at("svm_model").get<std::string>()).string();
    model_ = svm_load_model(file.c_str());
    if (model_ == nullptr) throw std::runtime_error("cannot read the libsvm model " + file);
  }

  std::map<std::string, double> fitted() const override {
    if (model_ == nullptr) return {};
    return {{"support_vectors", model_->l}, {"gamma", model_->param.gamma}};
  }

 private:
  void reset() {
    if (model_ != nullptr) svm_free_and_destroy_model(&model_);
    model_ = nullptr;
  }
  Params p_;
  svm_model* model_ = nullptr;
  std::vector<svm_node> nodes_;
  std::vector<svm_node*> rows_;
  std::vector<double> labels_;
};

}  // namespace

ModelKind svr_kind() {
  return {"svr",
          {"svm"},
          "epsilon-SVR with an RBF kernel (libsvm)",
          {{"C", 10, 1e-6, 1e9, false, "penalty of errors beyond epsilon"},
           {"epsilon", 0.05, 0, 1e6, false, "half-width of the loss-free tube, target units"},
           {"gamma", 0, 0, 1e6, false, "RBF width exp(-gamma |x-x'|^2); 0: 1/n_features"},
           {"tol", 1e-3, 1e-9, 1, false, "stopping tolerance"},
           {"shrinking", 1, 0, 1, true, "shrinking heuristics"},
           {"cache_mb", 200, 1, 1e5, false, "kernel cache, MB"}},
          [](const Params& p) { return std::make_unique<SvrRegressor>(p); }};
}

}  // namespace pb::ml
