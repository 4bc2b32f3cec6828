#include "crystal/neighbours.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include "chem/element.hpp"

namespace pb::crystal {

namespace {

// Sites binned on a grid of the cell whose bins are at least `radius` wide along each axis
// (one bin and several periodic images along an axis shorter than that): finding a site's
// neighbours visits the bins around it, so large cells cost O(n) rather than O(n^2).
class Grid {
 public:
  Grid(const Structure& s, double radius) : s_(s), radius_(radius) {
    const Vec3& h = s.lattice.plane_spacings();
    for (int k = 0; k < 3; ++k) {
      n_[k] = h[k] > 0 ? std::clamp(static_cast<int>(h[k] / radius), 1, 64) : 1;
      double bin = h[k] / n_[k];
      reach_[k] = bin > 0 ? static_cast<int>(std::ceil(radius / bin)) : 0;
    }
    frac_.resize(s.sites.size());
    bins_.assign(static_cast<std::size_t>(n_[0] * n_[1] * n_[2]), {});
    for (std::size_t j = 0; j < s.sites.size(); ++j) {
      Vec3 f = s.sites[j].frac;
      for (double& x : f) {
        x -= std::floor(x);
        if (x >= 1) x = 0;
      }
      frac_[j] = f;
      bins_[index(bin_of(f))].push_back(j);
    }
  }

  std::vector<Neighbour> around(std::size_t i) const {
    std::vector<Neighbour> out;
    const Vec3& fi = frac_[i];
    // Site i's own shift from its stored (unwrapped) position, to report images relative to it.
    std::array<int, 3> own{};
    for (int k = 0; k < 3; ++k) own[k] = static_cast<int>(std::floor(s_.sites[i].frac[k]));
    std::array<int, 3> b = bin_of(fi);
    for (int oa = -reach_[0]; oa <= reach_[0]; ++oa) {
      for (int ob = -reach_[1]; ob <= reach_[1]; ++ob) {
        for (int oc = -reach_[2]; oc <= reach_[2]; ++oc) {
          std::array<int, 3> raw{b[0] + oa, b[1] + ob, b[2] + oc};
          std::array<int, 3> wrapped{}, shift{};
          for (int k = 0; k < 3; ++k) {
            shift[k] = static_cast<int>(std::floor(static_cast<double>(raw[k]) / n_[k]));
            wrapped[k] = raw[k] - shift[k] * n_[k];
          }
          for (std::size_t j : bins_[index(wrapped)]) {
            if (j == i && shift[0] == 0 && shift[1] == 0 && shift[2] == 0) continue;
            Vec3 d{frac_[j][0] + shift[0] - fi[0], frac_[j][1] + shift[1] - fi[1],
                   frac_[j][2] + shift[2] - fi[2]};
            Vec3 c = s_.lattice.to_cartesian(d);
            double r = std::sqrt(c[0] * c[0] + c[1] * c[1] + c[2] * c[2]);
            if (r > radius_) continue;
            std::array<int, 3> image{};
            for (int k = 0; k < 3; ++k) {
              int stored = static_cast<int>(std::floor(s_.sites[j].frac[k]));
              image[k] = shift[k] + own[k] - stored;
            }
            out.push_back({j, r, image});
          }
        }
      }
    }
    std::sort(out.begin(), out.end(), [](const Neighbour& x, const Neighbour& y) {
      return x.distance < y.distance || (x.distance == y.distance && x.site < y.site);
    });
    return out;
  }

 private:
  std::array<int, 3> bin_of(const Vec3& f) const {
    std::array<int, 3> b{};
    for (int k = 0; k < 3; ++k) b[k] = std::min(static_cast<int>(f[k] * n_[k]), n_[k] - 1);
    return b;
  }
  std::size_t index(const std::array<int, 3>& b) const {
    return static_cast<std::size_t>((b[0] * n_[1] + b[1]) * n_[2] + b[2]);
  }

  const Structure& s_;
  double radius_;
  std::array<int, 3> n_{}, reach_{};
  std::vector<Vec3> frac_;
  std::vector<std::vector<std::size_t>> bins_;
};

// Largest covalent radius (Å) of a site's occupants; 0 when unknown.
double covalent_radius(const Site& site) {
  double r = 0;
  for (const Occupant& o : site.occupants) {
    if (const chem::Element* e = chem::find_element(o.species.z)) {
      double pm = e->get(chem::ElementProperty::kCovalentRadius);
      if (std::isfinite(pm)) r = std::max(r, pm / 100);
    }
  }
  return r;
}

}  // namespace

std::vector<Neighbour> neighbours_within(const Structure& s, std::size_t i, double radius) {
  return Grid(s, radius).around(i);
}

std::vector<Coordination> coordination(const Structure& s, const NeighbourOptions& options) {
  std::vector<Coordination> out(s.sites.size());
  if (s.sites.empty() || !(s.lattice.volume() > 0)) return out;
  std::vector<double> radius(s.sites.size());
  std::vector<char> partial(s.sites.size());
  for (std::size_t i = 0; i < s.sites.size(); ++i) {
    radius[i] = covalent_radius(s.sites[i]);
    partial[i] = s.sites[i].total_occupancy() < 1 - 1e-6;
  }
  // First shells lie within a few Å: search there, and only further for sites found alone.
  double near = std::min(options.max_distance, kFirstSearchRadius);
  Grid first(s, near);
  std::optional<Grid> far;
  for (std::size_t i = 0; i < s.sites.size(); ++i) {
    auto keep = [&](std::vector<Neighbour> all) {
      if (partial[i]) {
        std::erase_if(all, [&](const Neighbour& n) {
          return partial[n.site] && n.distance < options.exclusion * (radius[i] + radius[n.site]);
        });
      }
      return all;
    };
    std::vector<Neighbour> all = keep(first.around(i));
    double cutoff = all.empty() ? 0 : all.front().distance * (1 + options.tolerance);
    if (all.empty() || cutoff > near) {
      if (!far && options.max_distance > near) far.emplace(s, options.max_distance);
      if (far) all = keep(far->around(i));
    }
    if (all.empty()) continue;
    cutoff = all.front().distance * (1 + options.tolerance);
    out[i].nearest = all.front().distance;
    for (const Neighbour& n : all) {
      if (n.distance > cutoff) break;
      out[i].shell.push_back(n);
    }
  }
  return out;
}

}  // namespace pb::crystal
