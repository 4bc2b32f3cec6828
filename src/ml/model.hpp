#pragma once
/// Regression models behind one interface, registered by name. Every hyper-parameter is declared
/// once (default, bounds, help); validation, CLI help and docs/ml.md follow from that table.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ml/matrix.hpp"

namespace pb::ml {

/// One hyper-parameter.
struct ParamSpec {
  std::string_view name;
  double value;  ///< default
  double lo, hi;
  bool integer;
  std::string_view help;
};

using Params = std::map<std::string, double>;

/// A kernel model in closed form: on its (imputed, standardised) inputs x it predicts
/// offset + scale · Σ_t weight_t · exp(−½ Σ_c ((x_c − center_tc) / length_c)²), the kernel taken as
/// exactly 0 beyond `cutoff` squared length scales. Screening evaluates pairs of materials by
/// parts with it (GP means, RBF SVR).
struct RbfExpansion {
  std::vector<double> length;  ///< per input column
  Matrix centers;              ///< training points or support vectors, one per row
  std::vector<double> weight;
  double offset = 0, scale = 1;
  double cutoff = std::numeric_limits<double>::infinity();
};

/// A fitted or unfitted model. Inputs arrive imputed and standardised (Pipeline does that).
class Regressor {
 public:
  virtual ~Regressor() = default;
  virtual void fit(const Matrix& x, std::span<const double> y, std::uint64_t seed) = 0;
  /// Means into `out`; standard deviations into `std_out` when not empty and has_std().
  /// Must be safe to call from several threads at once.
  virtual void predict(const Matrix& x, std::span<double> out,
                       std::span<double> std_out = {}) const = 0;
  virtual bool has_std() const { return false; }
  /// Model state as JSON; large parts may go to files in `dir` (named in the JSON).
  virtual void save(nlohmann::json& state, const std::filesystem::path& dir) const = 0;
  virtual void load(const nlohmann::json& state, const std::filesystem::path& dir) = 0;
  /// Threads one predict call may use (screening runs one call per thread).
  virtual void set_threads(int) {}
  /// Hyper-parameters found by fitting (GP length scales, noise), for reports.
  virtual std::map<std::string, double> fitted() const { return {}; }
  /// The closed form of an RBF kernel model, else nothing.
  virtual std::optional<RbfExpansion> rbf_expansion() const { return std::nullopt; }
};

/// A model family: name, parameters and factory.
struct ModelKind {
  std::string_view name;
  std::vector<std::string_view> aliases;
  std::string_view description;
  std::vector<ParamSpec> params;
  std::function<std::unique_ptr<Regressor>(const Params&)> make;
};

/// Registered kinds: gbt (alias xgb), svr, gpr, linear.
const std::vector<ModelKind>& model_kinds();
/// By name or alias (gbt, gp); throws InvalidArgument listing the known names.
const ModelKind& find_model_kind(std::string_view name);
/// Defaults overridden by `given` ("C" -> "10"); throws InvalidArgument for an unknown name or
/// a value out of bounds.
Params resolve_params(const ModelKind& kind, const std::map<std::string, std::string>& given);
/// Parses NAME=VALUE.
std::pair<std::string, std::string> parse_assignment(std::string_view text);

// The registration entries (one file each).
ModelKind xgb_kind();
ModelKind svr_kind();
ModelKind gpr_kind();
ModelKind linear_kind();

}  // namespace pb::ml
