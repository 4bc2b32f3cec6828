#include "ml/plots.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "plot/chart.hpp"

namespace pb::ml {

std::string parity_svg(const ParityData& d, const std::string& title, const std::string& label) {
  plot::Canvas c(title, 560, 560, {.left = 70, .right = 20, .top = 40, .bottom = 60});
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  std::size_t n = 0;
  double ss_res = 0, abs_sum = 0, mean = 0;
  for (std::size_t i = 0; i < d.measured.size(); ++i) {
    double m = d.measured[i], p = d.predicted[i];
    if (!std::isfinite(m) || !std::isfinite(p)) continue;
    lo = std::min({lo, m, p});
    hi = std::max({hi, m, p});
    mean += m;
    ++n;
  }
  if (n == 0) return c.svg();
  mean /= static_cast<double>(n);
  double ss_tot = 0;
  for (std::size_t i = 0; i < d.measured.size(); ++i) {
    double m = d.measured[i], p = d.predicted[i];
    if (!std::isfinite(m) || !std::isfinite(p)) continue;
    ss_res += (m - p) * (m - p);
    ss_tot += (m - mean) * (m - mean);
    abs_sum += std::abs(m - p);
  }
  double pad = (hi - lo) * 0.05 + 1e-12;
  c.set_range(lo - pad, hi + pad, lo - pad, hi + pad);
  c.frame();
  c.x_axis("measured " + label);
  c.y_axis("predicted " + label);
  c.begin_clip();
  c.polyline({{lo - pad, lo - pad}, {hi + pad, hi + pad}}, "#555", 1, "5 4");
  int folds = 0;
  for (std::size_t i = 0; i < d.measured.size(); ++i) {
    if (!std::isfinite(d.measured[i]) || !std::isfinite(d.predicted[i])) continue;
    int f = i < d.fold.size() ? std::max(d.fold[i], 0) : 0;
    folds = std::max(folds, f + 1);
    c.point(d.measured[i], d.predicted[i], plot::colour(static_cast<std::size_t>(f)));
  }
  c.end_clip();
  std::vector<std::pair<std::string, std::string>> legend;
  legend.emplace_back("white", fmt::format("R\u00b2 {:.3f}, MAE {:.3g}, n {}",
                                           ss_tot > 0 ? 1 - ss_res / ss_tot : 0.0,
                                           abs_sum / static_cast<double>(n), n));
  for (int f = 0; f < folds && f < 10; ++f) {
    legend.emplace_back(plot::colour(static_cast<std::size_t>(f)), fmt::format("fold {}", f + 1));
  }
  c.legend(legend);
  return c.svg();
}

std::string bars_svg(const Bars& b, const std::string& title, const std::string& axis) {
  const std::size_t n = b.labels.size();
  // Room for the labels on the left: about 6.5 px per character.
  std::size_t longest = 0;
  for (const auto& l : b.labels) longest = std::max(longest, l.size());
  double left = std::clamp(20.0 + 6.5 * static_cast<double>(longest), 80.0, 360.0);
  double height = 100 + 22.0 * static_cast<double>(std::max<std::size_t>(n, 1));
  plot::Canvas c(title, 720, height, {.left = left, .right = 30, .top = 40, .bottom = 55});
  double lo = 0, hi = 0;
  for (std::size_t i = 0; i < n; ++i) {
    double e = i < b.sd.size() && std::isfinite(b.sd[i]) ? b.sd[i] : 0;
    if (!std::isfinite(b.value[i])) continue;
    lo = std::min(lo, b.value[i] - e);
    hi = std::max(hi, b.value[i] + e);
  }
  if (hi <= lo) hi = lo + 1;
  double pad = (hi - lo) * 0.04;
  c.set_range(lo < 0 ? lo - pad : 0, hi + pad, 0, static_cast<double>(std::max<std::size_t>(n, 1)));
  c.frame();
  c.x_axis(axis);
  for (std::size_t i = 0; i < n; ++i) {
    double y = static_cast<double>(n - i) - 0.5;  // first item on top
    c.y_label(y, b.labels[i]);
    if (!std::isfinite(b.value[i])) continue;
    c.bar(0, y - 0.35, b.value[i], y + 0.35, plot::colour(0));
    if (i < b.sd.size() && std::isfinite(b.sd[i]) && b.sd[i] > 0) {
      c.whisker(y, b.value[i] - b.sd[i], b.value[i] + b.sd[i], false, "black");
    }
  }
  return c.svg();
}

std::string overlap_svg(const Bars& by_subset, const std::string& title) {
  return bars_svg(by_subset, title, "candidates kept");
}

}  // namespace pb::ml
