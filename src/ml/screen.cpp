#include "ml/screen.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <unordered_map>

#include "ml/parallel.hpp"
#include "ml/rbf_sum.hpp"
#include "util/csv.hpp"
#include "util/error.hpp"

namespace pb::ml {

namespace {

constexpr float kNaNf = std::numeric_limits<float>::quiet_NaN();

std::vector<std::string> read_list(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw NotFound("cannot open " + path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    out.push_back(line);
  }
  return out;
}

// Candidates as records, read again for the second pass.
class Source {
 public:
  Source(const ScreenOptions& o, const Featurizer& f) : options_(o) {
    if (!o.candidates.empty()) {
      base_dir_ = std::filesystem::path(o.candidates).parent_path().string();
      return;
    }
    if (o.list_a.empty()) throw InvalidArgument("give --candidates FILE.csv or --list-a FILE");
    a_ = read_list(o.list_a);
    const ColumnSpec& c = f.columns();
    if (c.formula.empty()) throw InvalidArgument("the models read structures; give --candidates");
    header_ = {c.formula};
    if (!c.formula_b.empty()) {
      b_ = read_list(o.list_b.empty() ? o.list_a : o.list_b);
      header_.push_back(c.formula_b);
    }
  }

  void open() {
    if (options_.candidates.empty()) {
      next_ = 0;
      return;
    }
    in_ = std::ifstream(options_.candidates);
    if (!in_) throw NotFound("cannot open " + options_.candidates);
    std::string line;
    while (std::getline(in_, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);
      if (line.empty()) continue;
      header_ = csv::split(line);
      break;
    }
  }

  /// Up to `n` records; false when none is left.
  bool read(std::size_t n, std::vector<std::vector<std::string>>& out) {
    out.clear();
    if (options_.candidates.empty()) {
      std::size_t total = b_.empty() ? a_.size() : a_.size() * b_.size();
      for (; next_ < total && out.size() < n; ++next_) {
        if (b_.empty()) {
          out.push_back({a_[next_]});
        } else {
          out.push_back({a_[next_ / b_.size()], b_[next_ % b_.size()]});
        }
      }
      return !out.empty();
    }
    std::string line;
    while (out.size() < n && std::getline(in_, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) continue;
      try {
        out.push_back(csv::split(line));
      } catch (const ParseError&) {
        out.push_back({});  // counted as a failed candidate
      }
    }
    return !out.empty();
  }

  const std::vector<std::string>& header() const { return header_; }
  const std::string& base_dir() const { return base_dir_; }
  /// Every pair of two formula lists (A-major order), as opposed to a CSV or a single list.
  bool pairs() const { return options_.candidates.empty() && !b_.empty(); }
  const std::vector<std::string>& list_a() const { return a_; }
  const std::vector<std::string>& list_b() const { return b_; }

 private:
  const ScreenOptions& options_;
  std::vector<std::string> a_, b_, header_;
  std::string base_dir_;
  std::size_t next_ = 0;
  std::ifstream in_;
};

// Screening every pair of two lists by parts. The features of a pair A_i|B_j are of four kinds:
// side A only (a.*, and cond.*, which a list leaves missing and so the same in every row), side B
// only (b.*), differences diff.* = a − b, and the pair's own (pair.*, baseline.*). For an RBF
// kernel model the squared distance of a pair to a training point t splits accordingly:
//   d²(ij, t) = RA(i, t) + RB(j, t) + c(i, j) + SP(ij, t)
// with, in the model's scaled inputs u (u_D(ij) = PD_i + QD_j for the differences),
//   RA(i, t) = Σ_A (uA_i − u_t)² + Σ_D (PD_i − u_t)²
//   RB(j, t) = Σ_B (uB_j − u_t)² − 2 Σ_D u_t QD_j
//   c(i, j)  = 2 PD_i·QD_j + |QD_j|²
//   SP(ij, t) = Σ_P (uP_ij − u_t)², expanded: |u_t|² goes to RB, |uP_ij|² to c, and the pair
//   costs one dot product over the pair columns per training point.
// RA and RB are computed once per material, so a pair costs the few pair columns and one exp per
// training point instead of every column. PD and QD come from reference pairs: u_D(i, j0) and
// u_D(i0, j) − u_D(i0, j0). A material with a missing composition value (whose difference
// columns are then imputed, not a − b) or with a missing `drop` column goes the ordinary way.
enum class Part : std::uint8_t { kA, kB, kDiff, kPair };

Part part_of(std::string_view name) {
  if (name.starts_with("a.") || name.starts_with("cond.")) return Part::kA;
  if (name.starts_with("b.")) return Part::kB;
  if (name.starts_with("diff.")) return Part::kDiff;
  return Part::kPair;
}

class KernelByParts {
 public:
  KernelByParts(const SavedModel& model, RbfExpansion e) : e_(std::move(e)) {
    const auto& names = model.featurizer.names();
    const std::size_t d = names.size();
    n_ = e_.centers.rows;
    const auto& imp = model.pipeline.imputer();
    const auto& sc = model.pipeline.scaler();
    fill_ = imp.fill();
    drop_ = imp.drop();
    mean_ = sc.mean();
    div_.resize(d);
    for (std::size_t c = 0; c < d; ++c) {
      // Support vectors may omit trailing columns (libsvm keeps no zeros): they are 0.
      double length = c < e_.length.size() ? e_.length[c] : e_.length.back();
      div_[c] = sc.scale()[c] * length;
      auto p = static_cast<std::size_t>(part_of(names[c]));
      cols_[p].push_back(c);
      std::vector<double> column(n_);
      for (std::size_t t = 0; t < n_; ++t) {
        column[t] = c < e_.centers.cols ? e_.centers(t, c) / length : 0.0;
      }
      centers_[p].insert(centers_[p].end(), column.begin(), column.end());
    }
  }

  /// Per-material terms from the reference rows r(i, j0) (`rows_a`) and r(i0, j) (`rows_b`);
  /// `ok_*` false where a row could not be computed.
  void prepare(const Matrix& rows_a, const std::vector<bool>& ok_a, const Matrix& rows_b,
               const std::vector<bool>& ok_b, std::size_t j0, int threads) {
    const auto& A = cols_[0];
    const auto& B = cols_[1];
    const auto& D = cols_[2];
    ra_.assign(rows_a.rows, {});
    pd_.assign(rows_a.rows, {});
    rb_.assign(rows_b.rows, {});
    qd_.assign(rows_b.rows, {});
    qd2_.assign(rows_b.rows, 0.0);
    std::span<const double> ref = rows_b.row(j0);
    parallel_for(rows_a.rows + rows_b.rows, threads, [&](std::size_t k, unsigned) {
      bool side_a = k < rows_a.rows;
      std::size_t i = side_a ? k : k - rows_a.rows;
      if (!(side_a ? ok_a[i] : ok_b[i])) return;
      std::span<const double> row = side_a ? rows_a.row(i) : rows_b.row(i);
      std::vector<double> acc(n_, 0.0), part;
      for (std::size_t c : D) {
        if (std::isnan(row[c])) return;
        part.push_back(side_a ? (row[c] - mean_[c]) / div_[c] : (row[c] - ref[c]) / div_[c]);
      }
      const auto& own = side_a ? A : B;
      const double* centers = centers_[side_a ? 0 : 1].data();
      for (std::size_t q = 0; q < own.size(); ++q) {
        std::size_t c = own[q];
        double x = row[c];
        if (std::isnan(x)) {
          if (drop_[c]) return;
          x = fill_[c];
        }
        add_squared_difference((x - mean_[c]) / div_[c], centers + q * n_, acc.data(), n_);
      }
      const double* cd = centers_[2].data();
      if (side_a) {
        for (std::size_t q = 0; q < D.size(); ++q) {
          add_squared_difference(part[q], cd + q * n_, acc.data(), n_);
        }
        ra_[i] = std::move(acc);
        pd_[i] = std::move(part);
      } else {
        double norm = 0;
        for (std::size_t q = 0; q < D.size(); ++q) {
          for (std::size_t t = 0; t < n_; ++t) acc[t] -= 2.0 * part[q] * cd[q * n_ + t];
          norm += part[q] * part[q];
        }
        // |u_t|² over the pair columns: SP = |uP|² − 2 uP·u_t + |u_t|².
        const double* cp = centers_[3].data();
        for (std::size_t q = 0; q < cols_[3].size(); ++q) {
          add_squared_difference(0.0, cp + q * n_, acc.data(), n_);
        }
        rb_[i] = std::move(acc);
        qd_[i] = std::move(part);
        qd2_[i] = norm;
      }
    });
  }

  bool usable(std::size_t i, std::size_t j) const { return !ra_[i].empty() && !rb_[j].empty(); }

  /// The model's prediction (its target space) for the pair with feature row `row`; NaN when a
  /// `drop` column is missing. `scratch` holds the scaled pair columns.
  double predict(std::size_t i, std::size_t j, std::span<const double> row,
                 std::vector<double>& scratch) const {
    const auto& P = cols_[3];
    scratch.resize(P.size());
    double norm = 0;
    for (std::size_t q = 0; q < P.size(); ++q) {
      std::size_t c = P[q];
      double x = row[c];
      if (std::isnan(x)) {
        if (drop_[c]) return kNaN;
        x = fill_[c];
      }
      scratch[q] = (x - mean_[c]) / div_[c];
      norm += scratch[q] * scratch[q];
    }
    double cross = 0;
    const auto& pd = pd_[i];
    const auto& qd = qd_[j];
    for (std::size_t q = 0; q < pd.size(); ++q) cross += pd[q] * qd[q];
    double sum = rbf_sum(ra_[i].data(), rb_[j].data(), scratch.data(), centers_[3].data(), P.size(),
                         e_.weight.data(), 2.0 * cross + qd2_[j] + norm, e_.cutoff, n_);
    return e_.offset + e_.scale * sum;
  }

 private:
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  RbfExpansion e_;
  std::size_t n_ = 0;
  std::vector<double> fill_, mean_, div_;
  std::vector<bool> drop_;
  std::array<std::vector<std::size_t>, 4> cols_;
  std::array<std::vector<double>, 4> centers_;  // per part: column-major, divided by the length
  std::vector<std::vector<double>> ra_, pd_, rb_, qd_;
  std::vector<double> qd2_;
};

// Distinct entries of a list and the distinct index of every entry.
std::vector<std::string> distinct(const std::vector<std::string>& list,
                                  std::vector<std::size_t>& index) {
  std::unordered_map<std::string, std::size_t> seen;
  std::vector<std::string> out;
  index.clear();
  for (const auto& s : list) {
    auto [it, fresh] = seen.emplace(s, out.size());
    if (fresh) out.push_back(s);
    index.push_back(it->second);
  }
  return out;
}

// Pass 1 over every pair of two lists: feature rows computed once per distinct descriptor set,
// RBF kernel models by parts (KernelByParts), the others in batches. Returns the candidates.
std::size_t screen_pairs(const std::vector<ScreenModel>& models,
                         const std::vector<Featurizer::Layout>& layouts,
                         const std::vector<std::string>& list_a,
                         const std::vector<std::string>& list_b, std::size_t chunk,
                         unsigned workers, std::vector<std::vector<float>>& pred) {
  const std::size_t m = models.size(), na = list_a.size(), nb = list_b.size();
  std::vector<std::size_t> ia, ib;
  std::vector<std::string> a = distinct(list_a, ia), b = distinct(list_b, ib);
  for (auto& p : pred) p.assign(na * nb, kNaNf);
  // Models sharing a descriptor set share its rows.
  std::vector<std::size_t> set_of(m);
  std::vector<std::size_t> first_of_set;
  std::vector<std::string> keys;
  for (std::size_t k = 0; k < m; ++k) {
    nlohmann::json j;
    models[k].model->featurizer.to_json(j);
    std::string key = j.dump();
    auto it = std::find(keys.begin(), keys.end(), key);
    set_of[k] = static_cast<std::size_t>(it - keys.begin());
    if (it == keys.end()) {
      keys.push_back(key);
      first_of_set.push_back(k);
    }
  }
  const std::size_t sets = keys.size();
  std::vector<std::vector<MaterialCache>> caches(workers, std::vector<MaterialCache>(sets));
  auto compute = [&](std::size_t set, std::size_t i, std::size_t j, std::span<double> row,
                     unsigned w) {
    std::size_t k = first_of_set[set];
    std::vector<std::string> fields(2);
    fields[static_cast<std::size_t>(layouts[k].formula)] = a[i];
    fields[static_cast<std::size_t>(layouts[k].formula_b)] = b[j];
    try {
      models[k].model->featurizer.compute(layouts[k], fields, row, caches[w][set]);
      return true;
    } catch (const std::exception&) {
      return false;
    }
  };
  // Kernel models by parts, from the reference rows r(i, j0) and r(i0, j) of their set.
  std::vector<std::unique_ptr<KernelByParts>> parts(m);
  for (std::size_t set = 0; set < sets; ++set) {
    std::vector<std::size_t> kernels;
    for (std::size_t k = 0; k < m; ++k) {
      if (set_of[k] == set && models[k].model->pipeline.regressor().rbf_expansion()) {
        kernels.push_back(k);
      }
    }
    if (kernels.empty() || a.empty() || b.empty()) continue;
    const auto& names = models[first_of_set[set]].model->featurizer.names();
    std::vector<std::size_t> diff_cols;
    for (std::size_t c = 0; c < names.size(); ++c) {
      if (part_of(names[c]) == Part::kDiff) diff_cols.push_back(c);
    }
    auto clean = [&](std::span<const double> row) {
      return std::none_of(diff_cols.begin(), diff_cols.end(),
                          [&](std::size_t c) { return std::isnan(row[c]); });
    };
    const std::size_t cols = names.size();
    Matrix rows_a(a.size(), cols), rows_b(b.size(), cols);
    std::vector<bool> ok_a(a.size()), ok_b(b.size());
    std::optional<std::size_t> i0, j0;
    for (std::size_t jr = 0; jr < std::min<std::size_t>(b.size(), 8) && !i0; ++jr) {
      parallel_for(a.size(), static_cast<int>(workers), [&](std::size_t i, unsigned w) {
        ok_a[i] = compute(set, i, jr, rows_a.row(i), w);
      });
      for (std::size_t i = 0; i < a.size() && !i0; ++i) {
        if (ok_a[i] && clean(rows_a.row(i))) {
          i0 = i;
          j0 = jr;
        }
      }
    }
    if (!i0) continue;  // no clean reference pair: every kernel model the ordinary way
    parallel_for(b.size(), static_cast<int>(workers), [&](std::size_t j, unsigned w) {
      ok_b[j] = compute(set, *i0, j, rows_b.row(j), w);
    });
    for (std::size_t k : kernels) {
      parts[k] = std::make_unique<KernelByParts>(
          *models[k].model, *models[k].model->pipeline.regressor().rbf_expansion());
      parts[k]->prepare(rows_a, ok_a, rows_b, ok_b, *j0, static_cast<int>(workers));
    }
  }
  // Work items: one A entry and up to `chunk` B entries.
  const std::size_t per_a = (nb + chunk - 1) / chunk;
  std::vector<std::vector<double>> scratch(workers);
  parallel_for(na * per_a, static_cast<int>(workers), [&](std::size_t item, unsigned w) {
    const std::size_t i = item / per_a, jb = (item % per_a) * chunk;
    const std::size_t je = std::min(nb, jb + chunk), count = je - jb;
    for (std::size_t set = 0; set < sets; ++set) {
      const std::size_t cols = models[first_of_set[set]].model->featurizer.names().size();
      Matrix x(count, cols);
      std::vector<bool> ok(count);
      for (std::size_t q = 0; q < count; ++q) ok[q] = compute(set, ia[i], ib[jb + q], x.row(q), w);
      for (std::size_t k = 0; k < m; ++k) {
        if (set_of[k] != set) continue;
        const SavedModel& model = *models[k].model;
        const bool log10 = model.featurizer.columns().log10_target;
        float* dest = pred[k].data() + i * nb + jb;
        auto put = [&](std::size_t q, double v) {
          dest[q] = std::isnan(v) ? kNaNf : static_cast<float>(log10 ? std::pow(10.0, v) : v);
        };
        std::vector<std::size_t> rest;
        for (std::size_t q = 0; q < count; ++q) {
          if (!ok[q]) continue;
          if (parts[k] && parts[k]->usable(ia[i], ib[jb + q])) {
            put(q, parts[k]->predict(ia[i], ib[jb + q], x.row(q), scratch[w]));
          } else {
            rest.push_back(q);
          }
        }
        if (rest.empty()) continue;
        Matrix xr = rest.size() == count ? x : x.select_rows(rest);
        std::vector<double> v(rest.size());
        model.pipeline.predict(xr, v);
        for (std::size_t r = 0; r < rest.size(); ++r) put(rest[r], v[r]);
      }
    }
  });
  return na * nb;
}

}  // namespace

ScreenSummary screen(const std::vector<ScreenModel>& models, const ScreenOptions& options,
                     std::ostream& out) {
  if (models.empty()) throw InvalidArgument("give at least one model");
  auto t_start = std::chrono::steady_clock::now();
  const std::size_t m = models.size();
  const int min_agree = options.min_agree > 0 ? options.min_agree : static_cast<int>(m);
  if (min_agree > static_cast<int>(m)) throw InvalidArgument("--min-agree exceeds the models");
  Source source(options, models[0].model->featurizer);
  source.open();
  ScreenSummary summary;
  std::vector<Featurizer::Layout> layouts;
  for (const auto& sm : models) {
    layouts.push_back(sm.model->featurizer.bind(source.header(), source.base_dir(), false));
    summary.absent.insert(summary.absent.end(), layouts.back().absent.begin(),
                          layouts.back().absent.end());
    sm.model->pipeline.set_threads(1);  // parallel over chunks instead
  }
  unsigned workers = worker_count(options.threads);
  std::vector<std::vector<MaterialCache>> caches(workers);
  for (auto& c : caches) c.resize(m);
  const std::size_t chunk = std::max<std::size_t>(options.chunk, 1);

  // Pass 1: a float per candidate and model (NaN when a candidate cannot be described).
  std::vector<std::vector<float>> pred(m);
  std::vector<std::vector<std::string>> block;
  auto t_predict = std::chrono::steady_clock::now();
  auto predict_block = [&](const std::vector<std::vector<std::string>>& rows, std::size_t offset,
                           std::vector<std::vector<float>>& dest,
                           std::vector<std::vector<double>>* stds) {
    std::size_t pieces = (rows.size() + chunk - 1) / chunk;
    parallel_for(pieces, static_cast<int>(workers), [&](std::size_t piece, unsigned w) {
      std::size_t begin = piece * chunk, end = std::min(rows.size(), begin + chunk);
      for (std::size_t k = 0; k < m; ++k) {
        const SavedModel& model = *models[k].model;
        std::size_t cols = model.featurizer.names().size();
        Matrix x(0, cols);
        x.data.reserve((end - begin) * cols);
        std::vector<std::size_t> ok;
        std::vector<double> row(cols);
        for (std::size_t i = begin; i < end; ++i) {
          try {
            model.featurizer.compute(layouts[k], rows[i], row, caches[w][k]);
          } catch (const std::exception&) {
            continue;
          }
          x.data.insert(x.data.end(), row.begin(), row.end());
          ++x.rows;
          ok.push_back(i);
        }
        std::vector<double> v(x.rows), s;
        bool want_std = stds != nullptr && model.pipeline.has_std();
        if (want_std) s.resize(x.rows);
        model.pipeline.predict(x, v, s);
        for (std::size_t i = begin; i < end; ++i) dest[k][offset + i] = kNaNf;
        for (std::size_t j = 0; j < ok.size(); ++j) {
          double value = model.featurizer.columns().log10_target ? std::pow(10.0, v[j]) : v[j];
          dest[k][offset + ok[j]] = static_cast<float>(value);
          if (want_std) (*stds)[k][ok[j]] = s[j];
        }
      }
    });
  };
  const std::size_t block_rows = chunk * workers * 4;
  if (source.pairs() && options.by_parts) {
    summary.candidates =
        screen_pairs(models, layouts, source.list_a(), source.list_b(), chunk, workers, pred);
  } else {
    while (source.read(block_rows, block)) {
      std::size_t offset = summary.candidates;
      summary.candidates += block.size();
      for (auto& p : pred) p.resize(summary.candidates);
      predict_block(block, offset, pred, nullptr);
    }
  }
  summary.predict_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t_predict).count();

  // Cut-offs: the k-th best prediction of each model, or the threshold.
  const double sign = options.lower_is_better ? -1.0 : 1.0;
  for (std::size_t k = 0; k < m; ++k) {
    std::vector<float> valid;
    for (float v : pred[k]) {
      if (!std::isnan(v)) valid.push_back(static_cast<float>(sign * v));
    }
    double cutoff;
    if (options.threshold) {
      cutoff = *options.threshold;
    } else if (valid.empty()) {
      cutoff = std::numeric_limits<double>::infinity() * sign;
    } else {
      std::size_t keep = std::max<std::size_t>(
          1, static_cast<std::size_t>(
                 std::ceil(options.top_fraction * static_cast<double>(valid.size()))));
      keep = std::min(keep, valid.size());
      std::nth_element(valid.begin(), valid.begin() + static_cast<std::ptrdiff_t>(keep - 1),
                       valid.end(), std::greater<float>());
      cutoff = sign * valid[keep - 1];
    }
    summary.cutoffs.push_back(cutoff);
  }
  std::vector<std::uint8_t> agree(summary.candidates, 0);
  summary.agree_counts.assign(m + 1, 0);
  for (std::size_t i = 0; i < summary.candidates; ++i) {
    bool failed = false;
    for (std::size_t k = 0; k < m; ++k) {
      float v = pred[k][i];
      if (std::isnan(v)) {
        failed = true;
        continue;
      }
      if (sign * v >= sign * summary.cutoffs[k]) ++agree[i];
    }
    if (failed) ++summary.failed;
    ++summary.agree_counts[agree[i]];
    if (agree[i] >= min_agree) ++summary.kept;
  }

  // Pass 2: write the kept candidates, with the predictive std of GP models worked out now
  // (it costs O(n_train²) per candidate, so only for what is written).
  out << std::setprecision(8);
  for (std::size_t c = 0; c < source.header().size(); ++c)
    out << (c ? "," : "") << csv_quote(source.header()[c]);
  for (std::size_t k = 0; k < m; ++k) {
    out << "," << csv_quote(models[k].name);
    if (models[k].model->pipeline.has_std()) {
      out << "," << csv_quote(models[k].name + "_std");
      if (models[k].model->featurizer.columns().log10_target)
        out << "," << csv_quote(models[k].name + "_log10_std");
    }
  }
  out << ",n_agree,kept_by\n";
  source.open();
  std::size_t index = 0;
  while (source.read(block_rows, block)) {
    std::vector<std::vector<std::string>> kept;
    std::vector<std::size_t> where;
    for (std::size_t i = 0; i < block.size(); ++i, ++index) {
      if (options.write_all || agree[index] >= min_agree) {
        kept.push_back(std::move(block[i]));
        where.push_back(index);
      }
    }
    if (kept.empty()) continue;
    std::vector<std::vector<double>> stds(m, std::vector<double>(kept.size(), std::nan("")));
    std::vector<std::vector<float>> again(m, std::vector<float>(kept.size()));
    bool any_std = std::any_of(models.begin(), models.end(),
                               [](const ScreenModel& s) { return s.model->pipeline.has_std(); });
    if (any_std) predict_block(kept, 0, again, &stds);
    for (std::size_t j = 0; j < kept.size(); ++j) {
      const auto& rec = kept[j];
      for (std::size_t c = 0; c < source.header().size(); ++c) {
        out << (c ? "," : "") << (c < rec.size() ? csv_quote(rec[c]) : std::string());
      }
      for (std::size_t k = 0; k < m; ++k) {
        float v = pred[k][where[j]];
        out << ",";
        if (!std::isnan(v)) out << v;
        if (models[k].model->pipeline.has_std()) {
          // In the target's scale, like the prediction: for a log10 target by first-order
          // propagation through 10^y (as `learn predict`), then σ in decades beside it.
          double sd = stds[k][j];
          bool log10 = models[k].model->featurizer.columns().log10_target;
          out << ",";
          if (!std::isnan(sd) && !std::isnan(v)) {
            out << (log10 ? std::log(10.0) * static_cast<double>(again[k][j]) * sd : sd);
          }
          if (log10) {
            out << ",";
            if (!std::isnan(sd)) out << sd;
          }
        }
      }
      std::string kept_by;
      for (std::size_t k = 0; k < m; ++k) {
        float v = pred[k][where[j]];
        if (!std::isnan(v) && sign * v >= sign * summary.cutoffs[k]) {
          kept_by += (kept_by.empty() ? "" : "+") + models[k].name;
        }
      }
      out << "," << static_cast<int>(agree[where[j]]) << "," << csv_quote(kept_by) << "\n";
    }
  }
  summary.total_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  return summary;
}

}  // namespace pb::ml
