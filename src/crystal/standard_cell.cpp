#include "crystal/standard_cell.hpp"

#include <spglib.h>

#include <cmath>
#include <map>

#include "util/error.hpp"

namespace pb::crystal {

namespace {

// A structure as spglib arrays (lattice vectors as columns) plus the occupants of each type.
struct SpgCell {
  double lattice[3][3]{};
  std::vector<double> positions;  // 3 per atom, room for `capacity` atoms
  std::vector<int> types;
  std::vector<const std::vector<Occupant>*> occupants_of_type;  // index type - 1
};

SpgCell to_spg(const Structure& s, std::size_t capacity) {
  SpgCell c;
  const auto& v = s.lattice.vectors();
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) c.lattice[i][j] = v[j][i];
  }
  TypedCell typed = typed_cell(s);
  c.positions.assign(3 * capacity, 0.0);
  c.types.assign(capacity, 0);
  for (std::size_t i = 0; i < s.sites.size(); ++i) {
    for (int k = 0; k < 3; ++k) c.positions[3 * i + k] = s.sites[i].frac[k];
    c.types[i] = typed.types[i];
    auto t = static_cast<std::size_t>(typed.types[i]);
    if (c.occupants_of_type.size() < t) c.occupants_of_type.resize(t);
    c.occupants_of_type[t - 1] = &s.sites[i].occupants;
  }
  return c;
}

Structure from_spg(const SpgCell& c, int n, const std::string& name) {
  std::array<Vec3, 3> vectors{};
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) vectors[j][i] = c.lattice[i][j];
  }
  Structure out;
  out.name = name;
  out.lattice = Lattice::from_vectors(vectors);
  for (int i = 0; i < n; ++i) {
    Site site;
    for (int k = 0; k < 3; ++k) {
      double x = c.positions[3 * i + k];
      x -= std::floor(x);
      site.frac[k] = x >= 1 - 1e-12 ? 0.0 : x;
    }
    site.occupants = *c.occupants_of_type.at(static_cast<std::size_t>(c.types[i] - 1));
    out.sites.push_back(std::move(site));
  }
  return out;
}

Structure standardize(const Structure& s, const SymmetryOptions& options, bool to_primitive) {
  if (s.sites.empty()) throw InvalidArgument("the structure has no sites");
  // The conventional cell of a primitive input holds up to 4 times the atoms (F centring).
  SpgCell c = to_spg(s, 4 * s.sites.size());
  int n = spgat_standardize_cell(c.lattice, reinterpret_cast<double(*)[3]>(c.positions.data()),
                                 c.types.data(), static_cast<int>(s.sites.size()),
                                 to_primitive ? 1 : 0, 0, options.symprec, options.angle_tolerance);
  if (n <= 0) {
    throw InvalidArgument(std::string("spglib cannot standardise the cell: ") +
                          spg_get_error_message(spg_get_error_code()));
  }
  return from_spg(c, n, s.name);
}

}  // namespace

Structure conventional_cell(const Structure& s, const SymmetryOptions& options) {
  return standardize(s, options, false);
}

Structure primitive_cell(const Structure& s, const SymmetryOptions& options) {
  return standardize(s, options, true);
}

Structure niggli_cell(const Structure& s, double symprec) {
  SpgCell c = to_spg(s, s.sites.size());
  double reduced[3][3];
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) reduced[i][j] = c.lattice[i][j];
  }
  if (spg_niggli_reduce(reduced, symprec) == 0) {
    throw InvalidArgument("spglib cannot Niggli-reduce the lattice");
  }
  // Same Cartesian positions in the new basis: frac' = R^-1 L frac (vectors as columns).
  std::array<Vec3, 3> rows{};
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) rows[j][i] = reduced[i][j];
  }
  Lattice target = Lattice::from_vectors(rows);
  for (std::size_t i = 0; i < s.sites.size(); ++i) {
    Vec3 f = target.to_fractional(s.lattice.to_cartesian(s.sites[i].frac));
    for (int k = 0; k < 3; ++k) c.positions[3 * i + k] = std::round(f[k] * 1e12) / 1e12;
  }
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) c.lattice[i][j] = reduced[i][j];
  }
  return from_spg(c, static_cast<int>(s.sites.size()), s.name);
}

}  // namespace pb::crystal
