#include "ml/screen.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <limits>

#include "ml/parallel.hpp"
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

 private:
  const ScreenOptions& options_;
  std::vector<std::string> a_, b_, header_;
  std::string base_dir_;
  std::size_t next_ = 0;
  std::ifstream in_;
};

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
  while (source.read(block_rows, block)) {
    std::size_t offset = summary.candidates;
    summary.candidates += block.size();
    for (auto& p : pred) p.resize(summary.candidates);
    predict_block(block, offset, pred, nullptr);
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
    if (models[k].model->pipeline.has_std()) out << "," << csv_quote(models[k].name + "_std");
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
          out << ",";
          if (!std::isnan(stds[k][j])) out << stds[k][j];
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
