#include "calc/svg_plot.hpp"

#include <algorithm>
#include <cmath>

namespace pb::calc {

namespace {

constexpr const char* kColours[] = {"#1f77b4", "#d62728"};

}  // namespace

std::string dos_svg(const Dos& dos, double fermi_ev, const std::string& title, double emin,
                    double emax) {
  plot::Canvas c(title);
  if (dos.energies_ev.empty() || dos.total.empty()) return c.svg();
  double e0 = std::max(dos.energies_ev.front() - fermi_ev, emin);
  double e1 = std::min(dos.energies_ev.back() - fermi_ev, emax);
  if (!(e1 > e0)) {  // the window misses the DOS: show all of it
    e0 = dos.energies_ev.front() - fermi_ev;
    e1 = dos.energies_ev.back() - fermi_ev;
  }
  auto inside = [&](std::size_t i) {
    double e = dos.energies_ev[i] - fermi_ev;
    return e >= e0 && e <= e1;
  };
  double top = 0;
  for (const auto& t : dos.total) {
    for (std::size_t i = 0; i < t.size() && i < dos.energies_ev.size(); ++i)
      if (inside(i)) top = std::max(top, t[i]);
  }
  top = top > 0 ? top * 1.05 : 1;
  bool two = dos.total.size() == 2;
  c.set_range(e0, e1, two ? -top : 0, top);
  c.frame();
  c.x_axis("E - E_F (eV)", 8);
  c.y_axis("DOS (states/eV/cell)");
  for (std::size_t s = 0; s < dos.total.size(); ++s) {
    std::vector<std::pair<double, double>> pts;
    for (std::size_t i = 0; i < dos.energies_ev.size() && i < dos.total[s].size(); ++i) {
      if (!inside(i)) continue;
      double v = s == 1 ? -dos.total[s][i] : dos.total[s][i];
      pts.emplace_back(dos.energies_ev[i] - fermi_ev, v);
    }
    c.polyline(pts, kColours[s % 2]);
  }
  c.pixel_line(c.px(0), c.top(), c.px(0), c.bottom(), "gray", "4 3");
  if (two) c.legend({{kColours[0], "spin up"}, {kColours[1], "spin down"}});
  return c.svg();
}

std::string bands_svg(const BandData& bands, double fermi_ev, const std::vector<PathLabel>& labels,
                      const std::string& title, double emin, double emax) {
  plot::Canvas c(title);
  std::size_t nk = bands.kpoints.size();
  if (nk < 2 || bands.eigenvalues.empty()) return c.svg();
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
  c.set_range(0, x.back() > 0 ? x.back() : 1, emin, emax);
  c.frame();
  c.y_axis("E - E_F (eV)");
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
    c.pixel_line(c.px(pos), c.top(), c.px(pos), c.bottom(), "#999");
    c.x_label(pos, name);
  }
  c.x_title("wave vector");
  c.begin_clip();
  for (std::size_t s = 0; s < bands.eigenvalues.size(); ++s) {
    const auto& spin = bands.eigenvalues[s];
    std::size_t nb = spin.empty() ? 0 : spin[0].size();
    for (std::size_t b = 0; b < nb; ++b) {
      std::vector<std::pair<double, double>> pts;
      for (std::size_t k = 0; k < nk && k < spin.size(); ++k) {
        if (b < spin[k].size()) pts.emplace_back(x[k], spin[k][b] - fermi_ev);
      }
      c.polyline(pts, kColours[s % 2]);
    }
  }
  c.end_clip();
  c.pixel_line(c.left(), c.py(0), c.right(), c.py(0), "gray", "4 3");
  return c.svg();
}

}  // namespace pb::calc
