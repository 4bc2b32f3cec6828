#include "calc/kpoints.hpp"

#include <fmt/format.h>

#include <cmath>
#include <numbers>
#include <sstream>

#include "crystal/standard_cell.hpp"
#include "crystal/symmetry.hpp"
#include "util/error.hpp"

namespace pb::calc {

using crystal::Vec3;

KMesh automatic_mesh(const crystal::Structure& s, int kppra) {
  const crystal::Lattice& l = s.lattice;
  auto natoms = static_cast<double>(std::max<std::size_t>(1, s.sites.size()));
  double mult = std::cbrt(kppra / natoms * l.a() * l.b() * l.c());
  KMesh m;
  std::array<double, 3> lengths{l.a(), l.b(), l.c()};
  for (int i = 0; i < 3; ++i)
    m.n[i] = static_cast<int>(std::floor(std::max(mult / lengths[i], 1.0)));
  // pymatgen: Γ-centred when the lattice is hexagonal (γ = 120°, a = b).
  m.gamma_centred = std::abs(l.gamma() - 120) < 1e-3 && std::abs(l.a() - l.b()) < 1e-3;
  return m;
}

KMesh parse_mesh(const std::string& text) {
  std::string t = text;
  for (char& c : t) {
    if (c == 'x' || c == 'X' || c == ',') c = ' ';
  }
  std::istringstream in(t);
  KMesh m;
  if (!(in >> m.n[0] >> m.n[1] >> m.n[2]) || m.n[0] < 1 || m.n[1] < 1 || m.n[2] < 1) {
    throw InvalidArgument(fmt::format("k-point mesh '{}' is not NxNxN", text));
  }
  std::string rest;
  if (in >> rest) throw InvalidArgument(fmt::format("k-point mesh '{}' is not NxNxN", text));
  return m;
}

std::array<Vec3, 3> reciprocal_vectors(const crystal::Lattice& l) {
  const auto& m = l.vectors();
  auto cross = [](const Vec3& a, const Vec3& b) {
    return Vec3{a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
  };
  double v = l.volume();
  std::array<Vec3, 3> r{cross(m[1], m[2]), cross(m[2], m[0]), cross(m[0], m[1])};
  for (auto& row : r) {
    for (double& x : row) x *= 2 * std::numbers::pi / v;
  }
  return r;
}

namespace {

using Seg = std::vector<std::vector<std::string>>;
using Points = std::vector<KLabel>;

// Setyawan & Curtarolo, Table 2 (cP), 3 (cF), 4 (cI), 5 (tP), 7 (oP), 12 (hP).
struct Table {
  const char* lattice;
  Points points;
  Seg path;
};

const std::vector<Table>& tables() {
  static const std::vector<Table> t = {
      {"cP",
       {{"G", {0, 0, 0}}, {"M", {.5, .5, 0}}, {"R", {.5, .5, .5}}, {"X", {0, .5, 0}}},
       {{"G", "X", "M", "G", "R", "X"}, {"M", "R"}}},
      {"cF",
       {{"G", {0, 0, 0}},
        {"K", {.375, .375, .75}},
        {"L", {.5, .5, .5}},
        {"U", {.625, .25, .625}},
        {"W", {.5, .25, .75}},
        {"X", {.5, 0, .5}}},
       {{"G", "X", "W", "K", "G", "L", "U", "W", "L", "K"}, {"U", "X"}}},
      {"cI",
       {{"G", {0, 0, 0}}, {"H", {.5, -.5, .5}}, {"P", {.25, .25, .25}}, {"N", {0, 0, .5}}},
       {{"G", "H", "N", "G", "P", "H"}, {"P", "N"}}},
      {"tP",
       {{"G", {0, 0, 0}},
        {"A", {.5, .5, .5}},
        {"M", {.5, .5, 0}},
        {"R", {0, .5, .5}},
        {"X", {0, .5, 0}},
        {"Z", {0, 0, .5}}},
       {{"G", "X", "M", "G", "Z", "R", "A", "Z"}, {"X", "R"}, {"M", "A"}}},
      {"oP",
       {{"G", {0, 0, 0}},
        {"R", {.5, .5, .5}},
        {"S", {.5, .5, 0}},
        {"T", {0, .5, .5}},
        {"U", {.5, 0, .5}},
        {"X", {.5, 0, 0}},
        {"Y", {0, .5, 0}},
        {"Z", {0, 0, .5}}},
       {{"G", "X", "S", "Y", "G", "Z", "U", "R", "T", "Z"}, {"Y", "T"}, {"U", "X"}, {"S", "R"}}},
      {"hP",
       {{"G", {0, 0, 0}},
        {"A", {0, 0, .5}},
        {"H", {1. / 3, 1. / 3, .5}},
        {"K", {1. / 3, 1. / 3, 0}},
        {"L", {.5, 0, .5}},
        {"M", {.5, 0, 0}}},
       {{"G", "M", "K", "G", "A", "L", "H", "A"}, {"L", "M"}, {"K", "H"}}},
      // Any other lattice: the centres of the faces of the reciprocal cell and its corner.
      {"generic",
       {{"G", {0, 0, 0}},
        {"X", {.5, 0, 0}},
        {"Y", {0, .5, 0}},
        {"Z", {0, 0, .5}},
        {"R", {.5, .5, .5}}},
       {{"X", "G", "Y"}, {"Z", "G", "R"}}},
  };
  return t;
}

std::string bravais(const crystal::SymmetryInfo& info) {
  char centring = info.international.empty() ? 'P' : info.international[0];
  const std::string& system = info.crystal_system;
  char letter = system == "cubic"          ? 'c'
                : system == "tetragonal"   ? 't'
                : system == "orthorhombic" ? 'o'
                : system == "hexagonal"    ? 'h'
                : system == "trigonal"     ? 'h'
                : system == "monoclinic"   ? 'm'
                                           : 'a';
  if (system == "trigonal" && centring == 'R') return "hR";
  return fmt::format("{}{}", letter, centring == 'A' || centring == 'B' ? 'C' : centring);
}

}  // namespace

KPath kpath(const crystal::Structure& s) {
  KPath out;
  out.cell = crystal::primitive_cell(s);
  crystal::TypedCell typed = crystal::typed_cell(out.cell);
  std::string error;
  auto info = crystal::analyse_symmetry(typed, {}, &error);
  std::string lattice = info ? bravais(*info) : "generic";
  const Table* table = &tables().back();
  for (const auto& t : tables()) {
    if (lattice == t.lattice) table = &t;
  }
  out.lattice = table->lattice;
  for (const auto& piece : table->path) {
    std::vector<KLabel> seg;
    for (const auto& name : piece) {
      for (const auto& p : table->points) {
        if (p.label == name) seg.push_back(p);
      }
    }
    out.segments.push_back(std::move(seg));
  }
  return out;
}

std::vector<KPath::Point> KPath::points(double density) const {
  auto rec = reciprocal_vectors(cell.lattice);
  auto cart = [&](const Vec3& f) {
    Vec3 c{};
    for (int i = 0; i < 3; ++i) {
      for (int j = 0; j < 3; ++j) c[j] += f[i] * rec[i][j];
    }
    return c;
  };
  std::vector<Point> out;
  double distance = 0;
  for (const auto& seg : segments) {
    for (std::size_t i = 0; i + 1 < seg.size(); ++i) {
      Vec3 a = cart(seg[i].frac), b = cart(seg[i + 1].frac);
      double len = std::hypot(b[0] - a[0], b[1] - a[1], b[2] - a[2]);
      int n = std::max(2, static_cast<int>(std::ceil(len * density)));
      // The first point of a segment repeats the last of the previous one: skip it.
      for (int k = (i == 0 ? 0 : 1); k <= n; ++k) {
        double t = static_cast<double>(k) / n;
        Point p;
        for (int j = 0; j < 3; ++j)
          p.frac[j] = seg[i].frac[j] + t * (seg[i + 1].frac[j] - seg[i].frac[j]);
        p.distance = distance + t * len;
        if (k == 0) p.label = seg[i].label;
        if (k == n) p.label = seg[i + 1].label;
        out.push_back(std::move(p));
      }
      distance += len;
    }
  }
  return out;
}

}  // namespace pb::calc
