#include "substance/identity.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <numeric>

#include "chem/element.hpp"
#include "util/error.hpp"
#include "util/sha256.hpp"

namespace pb::substance {

Host host_of(const chem::Composition& c, const IdentityOptions& o) {
  if (c.empty()) throw InvalidArgument("empty composition");
  std::vector<chem::ElementAmount> amounts = c.element_amounts();  // throws when symbolic
  double total = 0;
  for (const auto& e : amounts) total += e.amount.value();
  if (!(total > 0)) throw InvalidArgument("composition has no atoms");
  Host h;
  std::vector<std::pair<int, double>> host;
  for (const auto& e : amounts) {
    double a = e.amount.value();
    if (a / total < o.dopant_fraction) {
      h.dopants.emplace_back(chem::find_element(e.z)->symbol);
    } else {
      host.emplace_back(e.z, a);
    }
  }
  // The smallest number of atoms N per formula unit such that scaling the amounts to total N
  // puts every one within the tolerance of a positive integer: LiNbO3 with 0.95 Li and 1.01 Nb
  // totals 4.96 and rounds at N = 5.
  double host_total = 0;
  for (const auto& [z, a] : host) host_total += a;
  chem::Composition out;
  for (int n_atoms = 1; n_atoms <= o.max_atoms && !h.rounded; ++n_atoms) {
    double k = n_atoms / host_total;
    double worst = 0;
    std::vector<std::int64_t> n;
    for (const auto& [z, a] : host) {
      double scaled = a * k;
      double r = std::round(scaled);
      if (r < 1) {
        worst = 1;
        break;
      }
      worst = std::max(worst, std::fabs(scaled - r) / r);
      n.push_back(static_cast<std::int64_t>(r));
    }
    if (worst > o.stoichiometry_tolerance) continue;
    h.rounded = true;
    h.scale = n_atoms;
    h.max_deviation = worst;
    std::int64_t g = 0;
    for (auto v : n) g = std::gcd(g, v);
    for (std::size_t i = 0; i < host.size(); ++i) {
      chem::Species sp;
      sp.z = static_cast<std::uint8_t>(host[i].first);
      out.add(sp, chem::Amount(chem::Number(n[i] / g)));
    }
  }
  if (!h.rounded) {
    // No small-integer stoichiometry: the composition itself, amounts to 3 decimals of the
    // host total, so that only equal compositions share a host.
    for (const auto& [z, a] : host) {
      chem::Species s;
      s.z = static_cast<std::uint8_t>(z);
      out.add(s, chem::Amount(chem::Number::approximate(std::round(a / host_total * 1000) / 1000)));
    }
  }
  h.formula = out.reduced_formula();
  return h;
}

namespace {

// The dominant occupant of a non-empty site, the site's total occupancy, and whether the minor
// species are more than dopants on it (a real solid solution such as Cl/Br 50:50 keeps them).
struct SiteHost {
  const crystal::Occupant* top;
  double total;
  bool solid_solution;
};

SiteHost site_host(const crystal::Site& site) {
  const crystal::Occupant* top = &site.occupants.front();
  for (const auto& o : site.occupants) {
    if (o.occupancy.value() > top->occupancy.value()) top = &o;
  }
  double total = site.total_occupancy();
  return {top, total, total - top->occupancy.value() > kSiteDopantShare * total};
}

}  // namespace

chem::Composition site_host_composition(const crystal::Structure& s) {
  chem::Composition c;
  for (const crystal::Site& site : s.sites) {
    if (site.occupants.empty()) continue;
    // Minor species go to the dominant one only when they are dopants on the site.
    const SiteHost h = site_host(site);
    for (const auto& o : site.occupants) {
      chem::Species plain;
      plain.z = o.species.z;
      double share = h.solid_solution ? o.occupancy.value() : (&o == h.top ? h.total : 0.0);
      if (share > 0) c.add(plain, chem::Amount(chem::Number::approximate(share)));
    }
  }
  return c;
}

Framework host_framework(const crystal::Structure& s, const Host& host) {
  Framework out;
  out.cell.name = s.name;
  out.cell.lattice = s.lattice;
  auto is_dopant = [&host](int z) {
    return std::find(host.dopants.begin(), host.dopants.end(), chem::find_element(z)->symbol) !=
           host.dopants.end();
  };
  for (const crystal::Site& site : s.sites) {
    if (site.occupants.empty()) continue;
    // The same choice as site_host_composition: the dominant species when the others are
    // dopants on the site, else every species; a site of dopants only is no part of the host.
    const SiteHost h = site_host(site);
    const double total = h.total;
    std::vector<int> kept;
    for (const auto& o : site.occupants) {
      if ((!h.solid_solution && &o != h.top) || is_dopant(o.species.z)) continue;
      if (std::find(kept.begin(), kept.end(), o.species.z) == kept.end())
        kept.push_back(o.species.z);
    }
    if (kept.empty()) continue;
    crystal::Site f;
    f.frac = site.frac;
    for (int z : kept) {
      chem::Species plain;
      plain.z = static_cast<std::uint8_t>(z);
      f.occupants.push_back(
          {plain,
           kept.size() == 1 ? chem::Number(1)
                            : chem::Number::approximate(1.0 / static_cast<double>(kept.size())),
           {}});
      if (total < kFrameworkOccupancy) out.partial.emplace_back(chem::find_element(z)->symbol);
    }
    out.cell.sites.push_back(std::move(f));
  }
  std::sort(out.partial.begin(), out.partial.end());
  out.partial.erase(std::unique(out.partial.begin(), out.partial.end()), out.partial.end());
  return out;
}

FrameworkVerdict compare_frameworks(const Framework& a, const Framework& b,
                                    const IdentityOptions& o) {
  FrameworkVerdict v;
  for (const Framework* f : {&a, &b}) {
    if (f->cell.sites.empty()) {
      v.reason = "no host sites to compare";
      return v;
    }
    if (f->cell.sites.size() > o.framework_max_sites) {
      v.reason = std::to_string(f->cell.sites.size()) + " sites, more than the " +
                 std::to_string(o.framework_max_sites) + " compared";
      return v;
    }
  }
  crystal::MatchOptions m_options = o.framework;
  std::set_union(a.partial.begin(), a.partial.end(), b.partial.begin(), b.partial.end(),
                 std::back_inserter(v.ignored));
  // Leaving out the partly occupied elements must leave a framework to compare.
  auto left = [&v](const Framework& f) {
    for (const crystal::Site& site : f.cell.sites) {
      for (const auto& occ : site.occupants) {
        if (!std::binary_search(v.ignored.begin(), v.ignored.end(), occ.species.symbol()))
          return true;
      }
    }
    return false;
  };
  if (!left(a) || !left(b)) v.ignored.clear();
  m_options.ignored_species.insert(m_options.ignored_species.end(), v.ignored.begin(),
                                   v.ignored.end());
  try {
    crystal::MatchResult m = crystal::compare_structures(a.cell, b.cell, m_options);
    if (!m.match) {
      // The absolute structure is a detail of a refinement, not another phase: a description
      // inverted through the origin (an enantiomorph, CIFs "_INV") is the same framework.
      crystal::Structure inverted = b.cell;
      for (crystal::Site& site : inverted.sites) {
        for (double& x : site.frac) x = -x;
      }
      crystal::MatchResult mi = crystal::compare_structures(a.cell, inverted, m_options);
      if (mi.match) {
        m = mi;
        v.inverted = true;
      }
    }
    v.compared = true;
    v.match = m.match;
    v.max_distance = m.max_distance;
    v.rms = m.rms;
    v.reason = m.reason;
  } catch (const std::exception& e) {
    v.reason = std::string("frameworks not compared: ") + e.what();
  }
  return v;
}

std::string substance_id(const std::string& key) { return "pbs-" + sha256_hex(key).substr(0, 12); }

std::string framework_variant_id(const std::string& key, const std::string& founder_hash) {
  return substance_id(key + "|framework|" + founder_hash);
}

Identity identify(const chem::Composition& c, std::optional<int> space_group,
                  const std::string& pearson, const IdentityOptions& o) {
  Identity id;
  id.host = host_of(c, o);
  id.space_group = space_group;
  id.pearson = pearson;
  id.key = id.host.formula + "|" + (space_group ? std::to_string(*space_group) : "?") + "|" +
           (pearson.empty() ? "?" : pearson);
  id.id = substance_id(id.key);
  std::string dopants;
  for (const auto& d : id.host.dopants) dopants += (dopants.empty() ? "" : ", ") + d;
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "host %s (%s; %d atoms, largest deviation %.3f <= %.3f%s%s), space group %s, "
                "Pearson %s",
                id.host.formula.c_str(), id.host.rounded ? "rounded" : "not rounded", id.host.scale,
                id.host.max_deviation, o.stoichiometry_tolerance,
                dopants.empty() ? "" : "; dopants folded: ", dopants.c_str(),
                space_group ? std::to_string(*space_group).c_str() : "unknown",
                pearson.empty() ? "unknown" : pearson.c_str());
  id.rule = buf;
  std::string dj = "[";
  for (std::size_t i = 0; i < id.host.dopants.size(); ++i) {
    dj += (i ? ",\"" : "\"") + id.host.dopants[i] + "\"";
  }
  dj += "]";
  std::snprintf(buf, sizeof buf,
                "{\"host_formula\":\"%s\",\"rounded\":%s,\"atoms\":%d,\"max_deviation\":%.6g,"
                "\"stoichiometry_tolerance\":%.6g,\"dopant_fraction\":%.6g,\"dopants\":%s,"
                "\"space_group\":%s,\"pearson\":\"%s\"}",
                id.host.formula.c_str(), id.host.rounded ? "true" : "false", id.host.scale,
                id.host.max_deviation, o.stoichiometry_tolerance, o.dopant_fraction, dj.c_str(),
                space_group ? std::to_string(*space_group).c_str() : "null", pearson.c_str());
  id.numbers_json = buf;
  return id;
}

}  // namespace pb::substance
