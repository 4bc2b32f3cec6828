// Epsilon-SVR with an RBF kernel through libsvm (the reference implementation).
#include <svm.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
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

  std::optional<RbfExpansion> rbf_expansion() const override {
    if (model_ == nullptr) return std::nullopt;
    std::size_t d = 0;
    for (int i = 0; i < model_->l; ++i) {
      for (const svm_node* n = model_->SV[i]; n->index != -1; ++n) {
        d = std::max(d, static_cast<std::size_t>(n->index));
      }
    }
    RbfExpansion e;
    // exp(-gamma |x - y|^2) = exp(-1/2 |x - y|^2 / l^2) with l = 1 / sqrt(2 gamma).
    e.length.assign(d, 1.0 / std::sqrt(2.0 * model_->param.gamma));
    e.centers = Matrix(static_cast<std::size_t>(model_->l), d);
    e.weight.assign(model_->sv_coef[0], model_->sv_coef[0] + model_->l);
    for (int i = 0; i < model_->l; ++i) {
      for (const svm_node* n = model_->SV[i]; n->index != -1; ++n) {
        e.centers(static_cast<std::size_t>(i), static_cast<std::size_t>(n->index - 1)) = n->value;
      }
    }
    e.offset = -model_->rho[0];
    return e;
  }

  // svm_save_model prints support vectors with 8 significant digits, so a reloaded model would
  // predict slightly differently; the model goes to a binary file instead: l, d, rho, then per
  // support vector its coefficient and d dense values (little-endian doubles).
  void save(nlohmann::json& state, const std::filesystem::path& dir) const override {
    if (model_ == nullptr) throw InvalidArgument("model is not fitted");
    state["svm_model"] = "svr.bin";
    state["gamma"] = model_->param.gamma;
    std::ofstream out(dir / "svr.bin", std::ios::binary);
    auto put = [&](double v) { out.write(reinterpret_cast<const char*>(&v), sizeof v); };
    std::size_t d = 0;
    for (int i = 0; i < model_->l; ++i) {
      for (const svm_node* n = model_->SV[i]; n->index != -1; ++n) {
        d = std::max(d, static_cast<std::size_t>(n->index));
      }
    }
    put(model_->l);
    put(static_cast<double>(d));
    put(model_->rho[0]);
    std::vector<double> dense(d);
    for (int i = 0; i < model_->l; ++i) {
      put(model_->sv_coef[0][i]);
      std::fill(dense.begin(), dense.end(), 0.0);
      for (const svm_node* n = model_->SV[i]; n->index != -1; ++n) dense[n->index - 1] = n->value;
      for (double v : dense) put(v);
    }
    if (!out) throw std::runtime_error("cannot write " + (dir / "svr.bin").string());
  }

  void load(const nlohmann::json& state, const std::filesystem::path& dir) override {
    reset();
    std::string file = (dir / state.at("svm_model").get<std::string>()).string();
    std::ifstream in(file, std::ios::binary);
    auto get = [&] {
      double v = 0;
      in.read(reinterpret_cast<char*>(&v), sizeof v);
      return v;
    };
    auto l = static_cast<int>(get());
    auto d = static_cast<std::size_t>(get());
    double rho = get();
    if (!in || l < 0) throw std::runtime_error("cannot read " + file);
    // Allocated with malloc, as svm_load_model does, so that svm_free_and_destroy_model (with
    // free_sv = 1: one block of nodes) releases it.
    auto* m = static_cast<svm_model*>(std::calloc(1, sizeof(svm_model)));
    m->param.svm_type = EPSILON_SVR;
    m->param.kernel_type = RBF;
    m->param.gamma = state.at("gamma").get<double>();
    m->nr_class = 2;
    m->l = l;
    m->free_sv = 1;
    m->rho = static_cast<double*>(std::malloc(sizeof(double)));
    m->rho[0] = rho;
    m->sv_coef = static_cast<double**>(std::malloc(sizeof(double*)));
    m->sv_coef[0] = static_cast<double*>(std::malloc(sizeof(double) * std::max(l, 1)));
    m->SV = static_cast<svm_node**>(std::malloc(sizeof(svm_node*) * std::max(l, 1)));
    auto* nodes = static_cast<svm_node*>(std::malloc(sizeof(svm_node) * (l * (d + 1) + 1)));
    for (int i = 0; i < l; ++i) {
      m->sv_coef[0][i] = get();
      svm_node* row = nodes + static_cast<std::size_t>(i) * (d + 1);
      for (std::size_t c = 0; c < d; ++c) row[c] = {static_cast<int>(c + 1), get()};
      row[d] = {-1, 0.0};
      m->SV[i] = row;
    }
    if (l == 0) std::free(nodes);
    model_ = m;
    if (!in) throw std::runtime_error("cannot read " + file + " (truncated)");
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
