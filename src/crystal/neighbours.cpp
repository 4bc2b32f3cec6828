#include "crystal/neighbours.hpp"

#include <algorithm>
#include <cmath>

#include "chem/element.hpp"

namespace pb::crystal {

std::vector<Neighbour> neighbours_within(const Structure& s, std::size_t i, double radius) {
  std::vector<Neighbour> out;
  const Lattice& l = s.lattice;
  const Vec3& h = l.plane_spacings();
  // Images to visit along each axis: enough lattice translations to cover the radius.
  std::array<int, 3> reach{};
  for (int k = 0; k < 3; ++k) reach[k] = h[k] > 0 ? static_cast<int>(std::ceil(radius / h[k])) : 0;
  const Vec3& fi = s.sites[i].frac;
  for (std::size_t j = 0; j < s.sites.size(); ++j) {
    Vec3 d;
    std::array<int, 3> shift{};
    for (int k = 0; k < 3; ++k) {
      d[k] = s.sites[j].frac[k] - fi[k];
      shift[k] = static_cast<int>(std::lround(d[k]));
      d[k] -= shift[k];
    }
    for (int a = -reach[0]; a <= reach[0]; ++a) {
      for (int b = -reach[1]; b <= reach[1]; ++b) {
        for (int c = -reach[2]; c <= reach[2]; ++c) {
          if (j == i && a == 0 && b == 0 && c == 0) continue;
          Vec3 cart = l.to_cartesian({d[0] + a, d[1] + b, d[2] + c});
          double r = std::sqrt(cart[0] * cart[0] + cart[1] * cart[1] + cart[2] * cart[2]);
          if (r <= radius) out.push_back({j, r, {a - shift[0], b - shift[1], c - shift[2]}});
        }
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const Neighbour& x, const Neighbour& y) {
    return x.distance < y.distance || (x.distance == y.distance && x.site < y.site);
  });
  return out;
}

namespace {

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

std::vector<Coordination> coordination(const Structure& s, const NeighbourOptions& options) {
  std::vector<Coordination> out(s.sites.size());
  std::vector<double> radius(s.sites.size());
  std::vector<char> partial(s.sites.size());
  for (std::size_t i = 0; i < s.sites.size(); ++i) {
    radius[i] = covalent_radius(s.sites[i]);
    partial[i] = s.sites[i].total_occupancy() < 1 - 1e-6;
  }
  for (std::size_t i = 0; i < s.sites.size(); ++i) {
    std::vector<Neighbour> all = neighbours_within(s, i, options.max_distance);
    if (partial[i]) {
      std::erase_if(all, [&](const Neighbour& n) {
        return partial[n.site] && n.distance < options.exclusion * (radius[i] + radius[n.site]);
      });
    }
    if (all.empty()) continue;
    double cutoff = all.front().distance * (1 + options.tolerance);
    out[i].nearest = all.front().distance;
    for (const Neighbour& n : all) {
      if (n.distance > cutoff) break;
      out[i].shell.push_back(n);
    }
  }
  return out;
}

}  // namespace pb::crystal
