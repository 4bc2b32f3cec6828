#include "crystal/poscar.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>

#include "util/error.hpp"

namespace pb::crystal {

namespace {

std::vector<std::string> words(const std::string& line) {
  std::istringstream in(line.substr(0, line.find_first_of("#!")));
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

bool to_double(const std::string& s, double& v) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() && std::isfinite(v);
}

}  // namespace

Poscar read_poscar(const std::string& text, const std::string& source) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    if (!l.empty() && l.back() == '\r') l.pop_back();
    lines.push_back(l);
  }
  std::size_t n = 0;  // index of the next line
  auto fail = [&](std::size_t line, const std::string& msg) -> void {
    throw ParseError({source, line + 1, 0}, msg);
  };
  auto need = [&](const char* what) -> const std::string& {
    if (n >= lines.size()) fail(n, std::string("the file ends before ") + what);
    return lines[n++];
  };
  Poscar p;
  p.comment = need("the comment line");
  auto scale_words = words(need("the scale factor"));
  double scale = 0;
  if (scale_words.empty() || !to_double(scale_words[0], scale) || scale == 0) {
    fail(n - 1, "expected a scale factor");
  }
  for (int i = 0; i < 3; ++i) {
    auto w = words(need("the lattice vectors"));
    if (w.size() < 3 || !to_double(w[0], p.vectors[i][0]) || !to_double(w[1], p.vectors[i][1]) ||
        !to_double(w[2], p.vectors[i][2])) {
      fail(n - 1, "expected three numbers for lattice vector " + std::to_string(i + 1));
    }
  }
  // A negative scale is the cell volume (VASP convention).
  double factor = scale;
  if (scale < 0) {
    double v = std::fabs(Lattice::from_vectors(p.vectors).volume());
    factor = std::cbrt(-scale / v);
  }
  for (auto& row : p.vectors) {
    for (double& x : row) x *= factor;
  }
  auto w = words(need("the atom counts"));
  int dummy = 0;
  if (!w.empty() &&
      std::from_chars(w[0].data(), w[0].data() + w[0].size(), dummy).ec != std::errc()) {
    p.names = w;  // VASP 5: species names, then counts
    w = words(need("the atom counts"));
  }
  for (const auto& c : w) {
    int k = 0;
    auto [end, ec] = std::from_chars(c.data(), c.data() + c.size(), k);
    if (ec != std::errc() || end != c.data() + c.size() || k <= 0) {
      fail(n - 1, "expected positive atom counts, found '" + c + "'");
    }
    p.counts.push_back(k);
  }
  if (!p.names.empty() && p.names.size() != p.counts.size()) {
    fail(n - 1, std::to_string(p.names.size()) + " species names but " +
                    std::to_string(p.counts.size()) + " counts");
  }
  std::string mode = need("the coordinate mode");
  std::size_t first = mode.find_first_not_of(" \t");
  char m = first == std::string::npos ? ' ' : static_cast<char>(std::tolower(mode[first]));
  if (m == 's') {
    p.selective_dynamics = true;
    mode = need("the coordinate mode");
    first = mode.find_first_not_of(" \t");
    m = first == std::string::npos ? ' ' : static_cast<char>(std::tolower(mode[first]));
  }
  bool cartesian = m == 'c' || m == 'k';
  if (!cartesian && m != 'd') fail(n - 1, "expected Direct or Cartesian");
  Lattice lattice = Lattice::from_vectors(p.vectors);
  std::vector<std::string> labels;  // from "# Na1" comments, for VASP 4 files
  int total = 0;
  for (int c : p.counts) total += c;
  for (int i = 0; i < total; ++i) {
    const std::string& line = need("all atom positions");
    auto v = words(line);
    Vec3 x{};
    if (v.size() < 3 || !to_double(v[0], x[0]) || !to_double(v[1], x[1]) ||
        !to_double(v[2], x[2])) {
      fail(n - 1, "expected three coordinates");
    }
    if (cartesian) {
      // Solve x = f M for f with the inverse of the (scaled) lattice matrix.
      const auto& a = p.vectors;
      double det = lattice.volume();
      Vec3 cart{x[0] * factor, x[1] * factor, x[2] * factor};
      Vec3 f{};
      auto cross = [](const Vec3& u, const Vec3& w2) {
        return Vec3{u[1] * w2[2] - u[2] * w2[1], u[2] * w2[0] - u[0] * w2[2],
                    u[0] * w2[1] - u[1] * w2[0]};
      };
      auto dot = [](const Vec3& u, const Vec3& w2) {
        return u[0] * w2[0] + u[1] * w2[1] + u[2] * w2[2];
      };
      double sign = dot(a[0], cross(a[1], a[2])) < 0 ? -1 : 1;
      f[0] = sign * dot(cart, cross(a[1], a[2])) / det;
      f[1] = sign * dot(cart, cross(a[2], a[0])) / det;
      f[2] = sign * dot(cart, cross(a[0], a[1])) / det;
      x = f;
    }
    p.positions.push_back(x);
    auto hash = line.find('#');
    if (hash != std::string::npos) {
      std::istringstream l(line.substr(hash + 1));
      std::string token;
      l >> token;
      labels.push_back(token);
    } else {
      labels.emplace_back();
    }
  }
  // VASP 4: names on the comment line when they fit the counts (ASE and spglib read them
  // there), else from "# Na1" comments when every atom of a type agrees.
  if (p.names.empty()) {
    auto comment_words = words(p.comment);
    bool fit = comment_words.size() == p.counts.size();
    for (const auto& name : comment_words) {
      try {
        fit = fit && parse_type_symbol(name).to_string() == name;
      } catch (const std::exception&) {
        fit = false;
      }
    }
    if (fit) p.names = comment_words;
  }
  if (p.names.empty()) {
    std::size_t k = 0;
    std::vector<std::string> names;
    for (int c : p.counts) {
      std::string name;
      bool ok = true;
      for (int i = 0; i < c; ++i, ++k) {
        std::string el;
        try {
          el = parse_type_symbol(labels[k]).to_string();
        } catch (const std::exception&) {
          ok = false;
        }
        if (name.empty()) name = el;
        ok = ok && el == name && !el.empty();
      }
      if (!ok) {
        names.clear();
        break;
      }
      names.push_back(name);
    }
    if (names.size() == p.counts.size()) p.names = names;
  }
  return p;
}

TypedCell Poscar::typed_cell() const {
  TypedCell c;
  c.vectors = vectors;
  c.positions = positions;
  // One type per species name when the names are known (two groups of "H" are one type),
  // else one per group of the counts.
  std::vector<std::string> seen;
  for (std::size_t t = 0; t < counts.size(); ++t) {
    int type = static_cast<int>(t) + 1;
    if (names.size() == counts.size()) {
      auto it = std::find(seen.begin(), seen.end(), names[t]);
      type = static_cast<int>(it - seen.begin()) + 1;
      if (it == seen.end()) seen.push_back(names[t]);
    }
    c.types.insert(c.types.end(), static_cast<std::size_t>(counts[t]), type);
  }
  return c;
}

Structure Poscar::structure() const {
  if (names.size() != counts.size()) {
    throw InvalidArgument("the POSCAR does not name its species (VASP 4 without comments)");
  }
  Structure s;
  s.name = comment;
  s.lattice = Lattice::from_vectors(vectors);
  std::size_t k = 0;
  for (std::size_t t = 0; t < counts.size(); ++t) {
    chem::Species species = parse_type_symbol(names[t]);
    for (int i = 0; i < counts[t]; ++i, ++k) {
      s.sites.push_back(Site{positions[k], {Occupant{species, chem::Number(1), names[t]}}});
    }
  }
  return s;
}

std::string write_poscar(const Structure& s) {
  std::vector<std::string> order;
  for (const Site& site : s.sites) {
    if (site.occupants.size() != 1 || site.disordered()) {
      throw InvalidArgument("POSCAR cannot hold partially occupied sites (" +
                            std::to_string(site.occupants.size()) + " species, occupancy " +
                            std::to_string(site.total_occupancy()) +
                            "); order the structure first");
    }
    std::string symbol = site.occupants[0].species.symbol();
    if (std::find(order.begin(), order.end(), symbol) == order.end()) order.push_back(symbol);
  }
  auto number = [](double v) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%16.10f", v == 0 ? 0.0 : v);
    return std::string(buf);
  };
  std::string out = (s.name.empty() ? std::string("structure") : s.name) + "\n1.0\n";
  for (const Vec3& v : s.lattice.vectors())
    out += number(v[0]) + number(v[1]) + number(v[2]) + "\n";
  std::string counts;
  std::string body;
  for (const std::string& symbol : order) {
    out += " " + symbol;
    int n = 0;
    for (const Site& site : s.sites) {
      if (site.occupants[0].species.symbol() != symbol) continue;
      ++n;
      body +=
          number(site.frac[0]) + number(site.frac[1]) + number(site.frac[2]) + " " + symbol + "\n";
    }
    counts += " " + std::to_string(n);
  }
  return out + "\n" + counts + "\nDirect\n" + body;
}

}  // namespace pb::crystal
