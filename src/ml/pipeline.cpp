#include "ml/pipeline.hpp"

#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "util/error.hpp"

namespace pb::ml {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr const char* kFormat = "phasebook-ml-model/1";
}  // namespace

Pipeline::Pipeline(const PipelineConfig& config)
    : kind_(find_model_kind(config.kind).name),
      params_(resolve_params(find_model_kind(config.kind), config.params)),
      policy_(config.missing),
      seed_(config.seed) {
  regressor_ = find_model_kind(kind_).make(params_);
}

Pipeline::Pipeline(Pipeline&&) noexcept = default;
Pipeline& Pipeline::operator=(Pipeline&&) noexcept = default;
Pipeline::~Pipeline() = default;

void Pipeline::fit(const Matrix& x, std::span<const double> y,
                   const std::vector<std::string>& names) {
  imputer_.fit(x, names, policy_);
  Matrix filled = x;
  std::vector<std::size_t> keep;
  for (std::size_t r = 0; r < filled.rows; ++r) {
    if (imputer_.apply(filled.row(r))) keep.push_back(r);
  }
  std::vector<double> yk = select(y, keep);
  if (keep.size() != filled.rows) filled = filled.select_rows(keep);
  scaler_.fit(filled);
  for (std::size_t r = 0; r < filled.rows; ++r) scaler_.apply(filled.row(r));
  regressor_->fit(filled, yk, seed_);
}

Matrix Pipeline::transform(const Matrix& x, std::vector<bool>* usable) const {
  Matrix t = x;
  if (usable != nullptr) usable->assign(x.rows, true);
  for (std::size_t r = 0; r < t.rows; ++r) {
    bool ok = imputer_.apply(t.row(r));
    if (usable != nullptr) (*usable)[r] = ok;
    scaler_.apply(t.row(r));
  }
  return t;
}

void Pipeline::predict(const Matrix& x, std::span<double> out, std::span<double> std_out) const {
  std::vector<bool> usable;
  Matrix t = transform(x, &usable);
  regressor_->predict(t, out, has_std() ? std_out : std::span<double>());
  for (std::size_t r = 0; r < x.rows; ++r) {
    if (!usable[r]) {
      out[r] = kNaN;
      if (!std_out.empty()) std_out[r] = kNaN;
    }
  }
  if (!has_std() && !std_out.empty()) std::fill(std_out.begin(), std_out.end(), kNaN);
}

bool Pipeline::has_std() const { return regressor_->has_std(); }

void Pipeline::save(nlohmann::json& j, const std::filesystem::path& dir) const {
  j["kind"] = kind_;
  j["params"] = params_;
  j["seed"] = seed_;
  to_json(j["missing"], policy_);
  imputer_.to_json(j["imputer"]);
  scaler_.to_json(j["scaler"]);
  nlohmann::json state = nlohmann::json::object();
  regressor_->save(state, dir);
  j["state"] = state;
}

void Pipeline::load(const nlohmann::json& j, const std::filesystem::path& dir) {
  kind_ = find_model_kind(j.at("kind").get<std::string>()).name;  // "xgb" -> "gbt"
  params_ = j.at("params").get<Params>();
  seed_ = j.at("seed").get<std::uint64_t>();
  from_json(j.at("missing"), policy_);
  imputer_.from_json(j.at("imputer"));
  scaler_.from_json(j.at("scaler"));
  regressor_ = find_model_kind(kind_).make(params_);
  regressor_->load(j.at("state"), dir);
}

SavedModel fit_model(const Featurizer& featurizer, const Dataset& data,
                     const PipelineConfig& config) {
  SavedModel m;
  m.featurizer = featurizer;
  m.pipeline = Pipeline(config);
  m.pipeline.fit(data.x, data.y, data.names);
  m.data_sha256 = data.sha256;
  m.n_train = data.x.rows;
  m.metrics_json = "{}";
  return m;
}

void save_model(const SavedModel& model, const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  nlohmann::json j;
  j["format"] = kFormat;
  model.featurizer.to_json(j["descriptors"]);
  model.pipeline.save(j["pipeline"], dir);
  j["training"] = {{"data_sha256", model.data_sha256}, {"rows", model.n_train}};
  if (!model.data_source.empty()) j["training"]["source"] = model.data_source;
  if (model.members_only) j["training"]["members_only"] = true;
  j["metrics"] = nlohmann::json::parse(model.metrics_json);
  nlohmann::json fitted = model.pipeline.regressor().fitted();
  j["fitted"] = fitted;
  std::ofstream out(dir / "model.json");
  out << j.dump(1) << "\n";
  if (!out) throw std::runtime_error("cannot write " + (dir / "model.json").string());
}

SavedModel load_model(const std::filesystem::path& dir) {
  std::ifstream in(dir / "model.json");
  if (!in) throw NotFound("no model at " + dir.string() + " (model.json missing)");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw InvalidArgument((dir / "model.json").string() + ": " + e.what());
  }
  if (j.value("format", "") != kFormat) {
    throw InvalidArgument((dir / "model.json").string() + " is not a " + kFormat + " file");
  }
  SavedModel m;
  m.featurizer.from_json(j.at("descriptors"));
  m.pipeline.load(j.at("pipeline"), dir);
  m.data_sha256 = j.at("training").at("data_sha256");
  m.data_source = j.at("training").value("source", "");
  m.members_only = j.at("training").value("members_only", false);
  m.n_train = j.at("training").at("rows");
  m.metrics_json = j.at("metrics").dump();
  return m;
}

Prediction predict_table(const SavedModel& model, const Table& table) {
  const Featurizer& f = model.featurizer;
  Featurizer::Layout layout = f.bind(table.header, table.base_dir, false);
  std::size_t n = table.rows.size(), cols = f.names().size();
  Prediction p;
  p.value.assign(n, kNaN);
  p.std.assign(n, kNaN);
  p.model_std.assign(n, kNaN);
  p.error.assign(n, "");
  Matrix x(0, cols);
  std::vector<std::size_t> ok;
  std::vector<double> row(cols);
  MaterialCache cache;
  for (std::size_t i = 0; i < n; ++i) {
    try {
      f.compute(layout, table.rows[i], row, cache);
    } catch (const std::exception& e) {
      p.error[i] = e.what();
      continue;
    }
    x.data.insert(x.data.end(), row.begin(), row.end());
    ++x.rows;
    ok.push_back(i);
  }
  std::vector<double> v(x.rows), s(x.rows);
  model.pipeline.predict(x, v, s);
  for (std::size_t k = 0; k < ok.size(); ++k) {
    std::size_t i = ok[k];
    if (std::isnan(v[k])) {
      p.error[i] = "a column declared 'drop' is missing";
      continue;
    }
    const bool log10 = f.columns().log10_target;
    p.value[i] = log10 ? std::pow(10.0, v[k]) : v[k];
    p.model_std[i] = s[k];
    // First-order propagation through 10^y: d(10^y)/dy = ln(10) 10^y.
    p.std[i] = log10 ? std::log(10.0) * p.value[i] * s[k] : s[k];
  }
  return p;
}

}  // namespace pb::ml
