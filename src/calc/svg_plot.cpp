#include "calc/svg_plot.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace pb::calc {

namespace {

constexpr double kWidth = 640, kHeight = 480;
constexpr double kLeft = 70, kRight = 20, kTop = 40, kBottom = 60;
constexpr const char* kColours[] = {"#1f77b4", "#d62728"};

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

struct Frame {
  double x0, x1, y0, y1;  // data ranges
  double px(double x) const { return kLeft + (x - x0) / (x1 - x0) * (kWidth - kLeft - kRight); }
  double py(double y) const {
    return kHeight - kBottom - (y - y0) / (y1 - y0) * (kHeight - kTop - kBottom);
  }
};

std::string tick_text(double v, double step) {
  int decimals = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step)));
  return fmt::format("{:.{}f}", std::abs(v) < step * 1e-6 ? 0.0 : v, decimals);
}

std::string header(const std::string& title) {
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} "
      "{1}\" font-family=\"sans-serif\" font-size=\"12\">\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      "<text x=\"{2}\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">{3}</text>\n",
      kWidth, kHeight, kWidth / 2, escape(title));
}

std::string frame_box() {
  return fmt::format(
      "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"black\"/>\n",
      kLeft, kTop, kWidth - kLeft - kRight, kHeight - kTop - kBottom);
}

// Ticks and numbers on the y axis, and the axis title.
std::string y_axis(const Frame& f, const std::string& title) {
  std::string out;
  auto ticks = nice_ticks(f.y0, f.y1);
  double step = ticks.size() > 1 ? ticks[1] - ticks[0] : 1;
  for (double t : ticks) {
    double y = f.py(t);
    out += fmt::format(
        "<line x1=\"{0}\" y1=\"{1:.2f}\" x2=\"{2}\" y2=\"{1:.2f}\" stroke=\"black\"/>\n", kLeft, y,
        kLeft + 5);
    out += fmt::format("<text x=\"{}\" y=\"{:.2f}\" text-anchor=\"end\">{}</text>\n", kLeft - 6,
                       y + 4, tick_text(t, step));
  }
  out += fmt::format(
      "<text x=\"18\" y=\"{0}\" text-anchor=\"middle\" transform=\"rotate(-90 18 "
      "{0})\">{1}</text>\n",
      (kTop + kHeight - kBottom) / 2, escape(title));
  return out;
}

std::string polyline(const std::vector<std::pair<double, double>>& pts, const char* colour) {
  std::string d;
  for (const auto& [x, y] : pts) d += fmt::format("{:.2f},{:.2f} ", x, y);
  return fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.3\"/>\n",
                     d, colour);
}

}  // namespace

std::vector<double> nice_ticks(double lo, double hi, int target) {
  std::vector<double> out;
  if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi)) return out;
  double raw = (hi - lo) / std::max(1, target);
  double mag = std::pow(10, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * mag;
    if (step >= raw) break;
  }
  for (double t = std::ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push_back(t);
  return out;
}

std::string dos_svg(const Dos& dos, double fermi_ev, const std::string& title) {
  std::string out = header(title);
  if (dos.energies_ev.empty() || dos.total.empty()) return out + "</svg>\n";
  double e0 = dos.energies_ev.front() - fermi_ev, e1 = dos.energies_ev.back() - fermi_ev;
  double top = 0;
  for (const auto& c : dos.total) top = std::max(top, *std::max_element(c.begin(), c.end()));
  top = top > 0 ? top * 1.05 : 1;
  bool two = dos.total.size() == 2;
  Frame f{e0, e1, two ? -top : 0, top};
  out += frame_box();
  // x ticks: energies.
  auto ticks = nice_ticks(e0, e1, 8);
  double step = ticks.size() > 1 ? ticks[1] - ticks[0] : 1;
  for (double t : ticks) {
    double x = f.px(t);
    out += fmt::format(
        "<line x1=\"{0:.2f}\" y1=\"{1}\" x2=\"{0:.2f}\" y2=\"{2}\" stroke=\"black\"/>\n", x,
        kHeight - kBottom, kHeight - kBottom - 5);
    out += fmt::format("<text x=\"{:.2f}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", x,
                       kHeight - kBottom + 16, tick_text(t, step));
  }
  out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">E - E_F (eV)</text>\n",
                     (kLeft + kWidth - kRight) / 2, kHeight - 18);
  out += y_axis(f, "DOS (states/eV/cell)");
  for (std::size_t s = 0; s < dos.total.size(); ++s) {
    std::vector<std::pair<double, double>> pts;
    for (std::size_t i = 0; i < dos.energies_ev.size(); ++i) {
      double v = s == 1 ? -dos.total[s][i] : dos.total[s][i];
      pts.emplace_back(f.px(dos.energies_ev[i] - fermi_ev), f.py(v));
    }
    out += polyline(pts, kColours[s % 2]);
  }
  double xf = f.px(0);
  out += fmt::format(
      "<line x1=\"{0:.2f}\" y1=\"{1}\" x2=\"{0:.2f}\" y2=\"{2}\" stroke=\"gray\" "
      "stroke-dasharray=\"4 3\"/>\n",
      xf, kTop, kHeight - kBottom);
  return out + "</svg>\n";
}

std::string bands_svg(const BandData& bands, double fermi_ev, const std::vector<PathLabel>& labels,
                      const std::string& title, double emin, double emax) {
  std::string out = header(title);
  std::size_t nk = bands.kpoints.size();
  if (nk < 2 || bands.eigenvalues.empty()) return out + "</svg>\n";
  // Distance along the path; a jump between segments (a repeated label pair) adds nothing.
  std::vector<double> x(nk, 0);
  for (std::size_t k = 1; k < nk; ++k) {
    const auto& a = bands.kpoints[k - 1];
    const auto& b = bands.kpoints[k];
    double d = std::hypot(b[0] - a[0], b[1] - a[1], b[2] - a[2]);
    bool jump = false;
    for (const auto& l : labels) {
      if (l.index == k) {
        for (const auto& m : labels) jump = jump || (m.index == k - 1);
      }
    }
    x[k] = x[k - 1] + (jump ? 0 : d);
  }
  Frame f{0, x.back() > 0 ? x.back() : 1, emin, emax};
  out += frame_box();
  out += fmt::format(
      "<clipPath id=\"plot\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/></clipPath>\n",
      kLeft, kTop, kWidth - kLeft - kRight, kHeight - kTop - kBottom);
  out += y_axis(f, "E - E_F (eV)");
  // Vertical lines and names at the high-symmetry points; "G|X" when two labels meet.
  std::vector<std::pair<double, std::string>> marks;
  for (const auto& l : labels) {
    if (l.index >= nk) continue;
    std::string name = l.label == "G" ? "\u0393" : l.label;
    if (!marks.empty() && std::abs(marks.back().first - x[l.index]) < 1e-9) {
      if (marks.back().second != name) marks.back().second += "|" + name;
    } else {
      marks.emplace_back(x[l.index], name);
    }
  }
  for (const auto& [pos, name] : marks) {
    double px = f.px(pos);
    out +=
        fmt::format("<line x1=\"{0:.2f}\" y1=\"{1}\" x2=\"{0:.2f}\" y2=\"{2}\" stroke=\"#999\"/>\n",
                    px, kTop, kHeight - kBottom);
    out += fmt::format("<text x=\"{:.2f}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", px,
                       kHeight - kBottom + 16, escape(name));
  }
  out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">wave vector</text>\n",
                     (kLeft + kWidth - kRight) / 2, kHeight - 18);
  out += "<g clip-path=\"url(#plot)\">\n";
  for (std::size_t s = 0; s < bands.eigenvalues.size(); ++s) {
    const auto& spin = bands.eigenvalues[s];
    std::size_t nb = spin.empty() ? 0 : spin[0].size();
    for (std::size_t b = 0; b < nb; ++b) {
      std::vector<std::pair<double, double>> pts;
      for (std::size_t k = 0; k < nk && k < spin.size(); ++k) {
        if (b < spin[k].size()) pts.emplace_back(f.px(x[k]), f.py(spin[k][b] - fermi_ev));
      }
      out += polyline(pts, kColours[s % 2]);
    }
  }
  out += "</g>\n";
  out += fmt::format(
      "<line x1=\"{0}\" y1=\"{1:.2f}\" x2=\"{2}\" y2=\"{1:.2f}\" stroke=\"gray\" "
      "stroke-dasharray=\"4 3\"/>\n",
      kLeft, f.py(0), kWidth - kRight);
  return out + "</svg>\n";
}

}  // namespace pb::calc
