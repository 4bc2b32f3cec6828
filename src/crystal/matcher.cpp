#include "crystal/matcher.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <numbers>

#include "chem/element.hpp"
#include "crystal/standard_cell.hpp"
#include "util/error.hpp"

namespace pb::crystal {

namespace {

// A structure reduced for comparison: every site's kind as a small integer, carried through
// spglib as a pseudo element so that the primitive cell respects the comparator.
struct Prepared {
  Structure cell;
  std::vector<int> kinds;               // per site of `cell`
  std::map<int, double> fractions;      // kind -> share of the sites
  std::vector<std::string> kind_names;  // index = kind
  std::string formula;                  // for messages
};

std::string kind_key(const Site& site, Comparator c) {
  if (c == Comparator::kFramework) return "*";
  // Occupancy per species name: two labels of one species on a site are one occupant.
  std::map<std::string, double> occupancy;
  for (const Occupant& o : site.occupants) {
    occupancy[c == Comparator::kSpecies ? o.species.to_string() : o.species.symbol()] +=
        o.occupancy.value();
  }
  std::vector<std::string> parts;
  for (const auto& [name, value] : occupancy) {
    char occ[32];
    std::snprintf(occ, sizeof occ, "%.3f", value);
    parts.push_back(name + (std::string(occ) == "1.000" ? "" : std::string(":") + occ));
  }
  std::sort(parts.begin(), parts.end());
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "+") + p;
  return out;
}

Prepared prepare(const Structure& s, const MatchOptions& o,
                 std::map<std::string, int>& kind_index) {
  Prepared p;
  Structure marked;
  marked.lattice = s.lattice;
  chem::Composition kept;
  for (const Site& site : s.sites) {
    bool ignored = !site.occupants.empty();
    for (const Occupant& occ : site.occupants) {
      ignored = ignored && std::find(o.ignored_species.begin(), o.ignored_species.end(),
                                     occ.species.symbol()) != o.ignored_species.end();
    }
    if (ignored) continue;
    std::string key = kind_key(site, o.comparator);
    int kind = kind_index.emplace(key, static_cast<int>(kind_index.size())).first->second;
    Site m;
    m.frac = site.frac;
    chem::Species pseudo;
    pseudo.z = static_cast<std::uint8_t>(1 + kind % 250);
    pseudo.mass_number = static_cast<std::uint16_t>(kind / 250);  // keeps kinds apart beyond 250
    m.occupants.push_back({pseudo, chem::Number(1), {}});
    marked.sites.push_back(std::move(m));
    for (const Occupant& occ : site.occupants) {
      chem::Species plain = occ.species;
      plain.has_charge = false;
      plain.charge = 0;
      kept.add(plain, chem::Amount(occ.occupancy));
    }
  }
  p.formula = kept.empty() ? "(nothing)" : kept.reduced_formula();
  Structure reduced = marked;
  if (o.primitive_cell && !marked.sites.empty()) {
    try {
      reduced = primitive_cell(marked, o.symmetry);
    } catch (const InvalidArgument&) {
      reduced = marked;  // spglib found nothing (overlapping atoms): compare the cell as given
    }
  }
  if (!reduced.sites.empty()) reduced = niggli_cell(reduced);
  p.cell = reduced;
  for (const Site& site : reduced.sites) {
    const chem::Species& sp = site.occupants.front().species;
    p.kinds.push_back((sp.z - 1) + 250 * sp.mass_number);
  }
  for (int k : p.kinds) p.fractions[k] += 1.0 / static_cast<double>(p.kinds.size());
  return p;
}

double norm(const Vec3& v) { return std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]); }
double angle(const Vec3& x, const Vec3& y) {
  double c = (x[0] * y[0] + x[1] * y[1] + x[2] * y[2]) / (norm(x) * norm(y));
  return std::acos(std::clamp(c, -1.0, 1.0)) * 180 / std::numbers::pi;
}

double triple(const Vec3& x, const Vec3& y, const Vec3& z) {
  return x[0] * (y[1] * z[2] - y[2] * z[1]) - x[1] * (y[0] * z[2] - y[2] * z[0]) +
         x[2] * (y[0] * z[1] - y[1] * z[0]);
}

std::string cell_text(const Lattice& l) {
  char buf[128];
  std::snprintf(buf, sizeof buf, "%.3f %.3f %.3f %.1f %.1f %.1f", l.a(), l.b(), l.c(), l.alpha(),
                l.beta(), l.gamma());
  return buf;
}

// The best (smallest largest displacement) site mapping of B onto A in one lattice of B,
// over the translations that put a site of the rarest kind of B onto one of A.
struct Fit {
  double max = std::numeric_limits<double>::infinity();
  double rms = 0;
};

// Maps every site of A to the nearest unused site of B of its kind after translating B by t;
// returns the largest and RMS displacement (in `unit`s) and the mean displacement vector.
struct Mapping {
  double max = std::numeric_limits<double>::infinity();
  double rms = 0;
  Vec3 mean{};
};

Mapping map_sites(const Prepared& a, const Lattice& la, const std::vector<Vec3>& b_frac,
                  const std::vector<int>& b_kinds, const Vec3& t, double unit, double give_up,
                  std::vector<char>& used) {
  Mapping m;
  std::fill(used.begin(), used.end(), 0);
  double worst = 0, sum2 = 0;
  Vec3 sum{};
  for (std::size_t i = 0; i < a.kinds.size(); ++i) {
    double nearest = std::numeric_limits<double>::infinity();
    std::size_t pick = 0;
    Vec3 best_d{};
    for (std::size_t j = 0; j < b_frac.size(); ++j) {
      if (used[j] || b_kinds[j] != a.kinds[i]) continue;
      Vec3 d;
      for (int k = 0; k < 3; ++k) {
        d[k] = a.cell.sites[i].frac[k] - b_frac[j][k] - t[k];
        d[k] -= std::round(d[k]);
      }
      double r = norm(la.to_cartesian(d)) / unit;
      if (r < nearest) nearest = r, pick = j, best_d = d;
    }
    if (!(nearest <= give_up)) return m;  // no site close enough: this translation fails
    used[pick] = 1;
    worst = std::max(worst, nearest);
    sum2 += nearest * nearest;
    for (int k = 0; k < 3; ++k) sum[k] += best_d[k];
  }
  auto n = static_cast<double>(a.kinds.size());
  m.max = worst;
  m.rms = std::sqrt(sum2 / n);
  for (int k = 0; k < 3; ++k) m.mean[k] = sum[k] / n;
  return m;
}

// The best mapping of B onto A in one lattice of B: translations that put a site of the rarest
// kind of B onto one of A, each refined once by the mean displacement (as pymatgen does, so
// that a uniform shift of all sites costs nothing).
Fit fit_sites(const Prepared& a, const Lattice& la, const std::vector<Vec3>& b_frac,
              const std::vector<int>& b_kinds, double unit, double give_up) {
  Fit best;
  std::map<int, int> count;
  for (int k : a.kinds) ++count[k];
  int anchor = std::min_element(count.begin(), count.end(), [](auto x, auto y) {
                 return x.second < y.second;
               })->first;
  std::size_t a0 = std::find(a.kinds.begin(), a.kinds.end(), anchor) - a.kinds.begin();
  std::vector<char> used(b_frac.size());
  for (std::size_t j = 0; j < b_frac.size(); ++j) {
    if (b_kinds[j] != anchor) continue;
    Vec3 t;
    for (int k = 0; k < 3; ++k) t[k] = a.cell.sites[a0].frac[k] - b_frac[j][k];
    Mapping m = map_sites(a, la, b_frac, b_kinds, t, unit, 2 * give_up, used);
    if (!std::isfinite(m.max)) continue;
    for (int k = 0; k < 3; ++k) t[k] += m.mean[k];
    Mapping refined = map_sites(a, la, b_frac, b_kinds, t, unit, 2 * give_up, used);
    if (refined.max < m.max) m = refined;
    if (m.max < best.max) best = {m.max, m.rms};
  }
  return best;
}

}  // namespace

Comparator comparator_from_name(const std::string& name) {
  if (name == "species") return Comparator::kSpecies;
  if (name == "element") return Comparator::kElement;
  if (name == "framework") return Comparator::kFramework;
  throw InvalidArgument("unknown comparator '" + name + "' (species, element, framework)");
}

namespace {

MatchResult compare_prepared(const Prepared& a, const Prepared& b_in, const MatchOptions& o) {
  MatchResult r;
  if (a.kinds.empty() || b_in.kinds.empty()) {
    r.reason = "a structure has no sites left to compare";
    return r;
  }
  // Same kinds in the same proportions.
  bool same_composition = a.fractions.size() == b_in.fractions.size();
  for (auto [k, f] : a.fractions) {
    auto it = b_in.fractions.find(k);
    same_composition =
        same_composition && it != b_in.fractions.end() && std::fabs(it->second - f) < 1e-6;
  }
  if (!same_composition) {
    r.reason = "different compositions: " + a.formula + " vs " + b_in.formula +
               (a.formula == b_in.formula ? " (site occupancies or oxidation states differ)" : "");
    return r;
  }
  if (a.kinds.size() != b_in.kinds.size()) {
    r.reason =
        "different numbers of sites in the primitive cell: " + std::to_string(a.kinds.size()) +
        " vs " + std::to_string(b_in.kinds.size()) + " (a superstructure or a different polymorph)";
    return r;
  }
  // Scale B to the volume of A.
  std::array<Vec3, 3> bv = b_in.cell.lattice.vectors();
  double va = a.cell.lattice.volume(), vb = b_in.cell.lattice.volume();
  if (o.scale) {
    double f = std::cbrt(va / vb);
    for (auto& v : bv)
      for (double& x : v) x *= f;
    vb = va;
  } else if (std::fabs(va - vb) / va > o.ltol) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "volumes differ: %.3f vs %.3f A^3 per primitive cell", va, vb);
    r.reason = buf;
    return r;
  }
  const Lattice& la = a.cell.lattice;
  double lengths[3] = {la.a(), la.b(), la.c()};
  // Lattice points of B (combinations of its reduced vectors) whose length fits each of A's.
  std::vector<std::pair<Vec3, std::array<int, 3>>> candidates[3];
  constexpr int kRange = 2;
  for (int i = -kRange; i <= kRange; ++i) {
    for (int j = -kRange; j <= kRange; ++j) {
      for (int k = -kRange; k <= kRange; ++k) {
        if (i == 0 && j == 0 && k == 0) continue;
        Vec3 v;
        for (int x = 0; x < 3; ++x) v[x] = i * bv[0][x] + j * bv[1][x] + k * bv[2][x];
        double len = norm(v);
        for (int n = 0; n < 3; ++n) {
          if (std::fabs(len - lengths[n]) <= o.ltol * lengths[n]) {
            candidates[n].push_back({v, {i, j, k}});
          }
        }
      }
    }
  }
  double alpha = la.alpha(), beta = la.beta(), gamma = la.gamma();
  const auto& av = la.vectors();
  bool a_right_handed = triple(av[0], av[1], av[2]) > 0;
  double unit = std::cbrt(va / static_cast<double>(a.kinds.size()));
  Fit best;
  bool any_lattice = false;
  Lattice b_lattice = Lattice::from_vectors(bv);
  std::vector<Vec3> b_frac(b_in.cell.sites.size());
  for (const auto& [v1, n1] : candidates[0]) {
    for (const auto& [v2, n2] : candidates[1]) {
      if (std::fabs(angle(v1, v2) - gamma) > o.angle_tol) continue;
      for (const auto& [v3, n3] : candidates[2]) {
        if (std::fabs(angle(v2, v3) - alpha) > o.angle_tol ||
            std::fabs(angle(v1, v3) - beta) > o.angle_tol) {
          continue;
        }
        // A basis of the same lattice: determinant +-1 in terms of B's vectors; keep the
        // handedness of A (a mirror image is not the same structure).
        int det = n1[0] * (n2[1] * n3[2] - n2[2] * n3[1]) -
                  n1[1] * (n2[0] * n3[2] - n2[2] * n3[0]) + n1[2] * (n2[0] * n3[1] - n2[1] * n3[0]);
        if (det != 1 && det != -1) continue;
        if ((triple(v1, v2, v3) > 0) != a_right_handed) continue;
        any_lattice = true;
        Lattice mapped = Lattice::from_vectors({v1, v2, v3});
        for (std::size_t s = 0; s < b_frac.size(); ++s) {
          b_frac[s] = mapped.to_fractional(b_lattice.to_cartesian(b_in.cell.sites[s].frac));
        }
        Fit f = fit_sites(a, la, b_frac, b_in.kinds, unit, o.stol);
        if (f.max < best.max) best = f;
        if (best.max <= o.stol * 0.1) break;  // as good as it gets
      }
    }
  }
  if (!any_lattice) {
    r.reason = "no lattice of B matches A within ltol " + std::to_string(o.ltol).substr(0, 4) +
               " and angle_tol " + std::to_string(o.angle_tol).substr(0, 4) +
               " deg (reduced cells A: " + cell_text(la) + ", B scaled: " + cell_text(b_lattice) +
               ")";
    return r;
  }
  r.max_distance = best.max;
  r.rms = best.rms;
  if (!(best.max <= o.stol)) {
    char buf[200];
    if (std::isfinite(best.max)) {
      std::snprintf(buf, sizeof buf,
                    "lattices match but sites do not: the best mapping moves a site by %.3f "
                    "(stol %.3f, in units of (V/n)^(1/3) = %.3f A)",
                    best.max, o.stol, unit);
    } else {
      std::snprintf(buf, sizeof buf, "lattices match but no site mapping exists");
    }
    r.reason = buf;
    return r;
  }
  r.match = true;
  return r;
}

}  // namespace

MatchResult compare_structures(const Structure& a, const Structure& b, const MatchOptions& o) {
  std::map<std::string, int> kinds;
  Prepared pa = prepare(a, o, kinds);
  Prepared pb = prepare(b, o, kinds);
  return compare_prepared(pa, pb, o);
}

std::vector<std::vector<std::size_t>> group_structures(const std::vector<Structure>& structures,
                                                       const MatchOptions& o) {
  std::map<std::string, int> kinds;
  std::vector<Prepared> prepared;
  prepared.reserve(structures.size());
  for (const Structure& s : structures) prepared.push_back(prepare(s, o, kinds));
  std::vector<std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < prepared.size(); ++i) {
    bool placed = false;
    for (auto& g : groups) {
      const Prepared& first = prepared[g.front()];
      if (first.fractions.size() != prepared[i].fractions.size() ||
          first.kinds.size() != prepared[i].kinds.size()) {
        continue;
      }
      if (compare_prepared(first, prepared[i], o).match) {
        g.push_back(i);
        placed = true;
        break;
      }
    }
    if (!placed) groups.push_back({i});
  }
  return groups;
}

}  // namespace pb::crystal
