#include "crystal/xyz.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include "chem/element.hpp"
#include "util/error.hpp"

namespace pb::crystal {

namespace {

bool to_double(std::string_view s, double& v) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() && std::isfinite(v);
}

std::vector<std::string_view> split_words(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

// key=value pairs of the comment line; values may be "double quoted" or {braced}. Returns the
// column (1-based) of a malformed pair in `bad`.
std::map<std::string, std::string> comment_pairs(std::string_view line, std::size_t& bad) {
  std::map<std::string, std::string> out;
  std::size_t i = 0;
  bad = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i >= line.size()) break;
    std::size_t start = i;
    while (i < line.size() && line[i] != '=' && line[i] != ' ' && line[i] != '\t') ++i;
    std::string key(line.substr(start, i - start));
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (i >= line.size() || line[i] != '=') {  // a bare flag
      out[key] = "T";
      continue;
    }
    ++i;
    std::string value;
    if (i < line.size() && (line[i] == '"' || line[i] == '{')) {
      char close = line[i] == '"' ? '"' : '}';
      std::size_t end = line.find(close, i + 1);
      if (end == std::string_view::npos) {
        bad = i + 1;
        return out;
      }
      value = line.substr(i + 1, end - i - 1);
      i = end + 1;
    } else {
      std::size_t s2 = i;
      while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
      value = line.substr(s2, i - s2);
    }
    out[key] = value;
  }
  return out;
}

}  // namespace

std::vector<Structure> read_xyz(const std::string& text, const std::string& source) {
  std::vector<std::string_view> lines;
  std::string_view all(text);
  for (std::size_t start = 0; start < all.size();) {
    std::size_t end = all.find('\n', start);
    if (end == std::string_view::npos) end = all.size();
    std::string_view l = all.substr(start, end - start);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    lines.push_back(l);
    start = end + 1;
  }
  auto fail = [&](std::size_t line, std::size_t col, const std::string& msg) {
    throw ParseError({source, line + 1, col}, msg);
  };
  std::vector<Structure> frames;
  std::size_t n = 0;
  while (n < lines.size()) {
    if (split_words(lines[n]).empty()) {  // blank lines between or after frames
      ++n;
      continue;
    }
    auto count_words = split_words(lines[n]);
    long long count = 0;
    auto [p, ec] = std::from_chars(count_words[0].data(),
                                   count_words[0].data() + count_words[0].size(), count);
    if (ec != std::errc() || p != count_words[0].data() + count_words[0].size() || count <= 0 ||
        count_words.size() != 1) {
      fail(n, 1, "expected the number of atoms of a frame");
    }
    if (n + 1 >= lines.size()) fail(n + 1, 0, "the file ends before the comment line");
    std::size_t bad = 0;
    auto pairs = comment_pairs(lines[n + 1], bad);
    if (bad) fail(n + 1, bad, "unterminated quoted value");
    if (!pairs.count("lattice")) {
      fail(n + 1, 1, "no Lattice=\"...\" on the comment line (plain XYZ has no cell)");
    }
    auto lw = split_words(pairs["lattice"]);
    std::array<Vec3, 3> vectors{};
    if (lw.size() != 9) fail(n + 1, 1, "Lattice must hold 9 numbers");
    for (int k = 0; k < 9; ++k) {
      if (!to_double(lw[k], vectors[k / 3][k % 3])) fail(n + 1, 1, "Lattice holds a non-number");
    }
    Structure s;
    s.lattice = Lattice::from_vectors(vectors);
    if (!(s.lattice.volume() > 1e-6)) fail(n + 1, 1, "the Lattice vectors span no volume");
    if (pairs.count("name")) s.name = pairs["name"];
    // Columns from Properties; species and pos are required.
    std::string props = pairs.count("properties") ? pairs["properties"] : "species:S:1:pos:R:3";
    int species_col = -1, z_col = -1, pos_col = -1, columns = 0;
    {
      std::vector<std::string> parts;
      std::stringstream in(props);
      for (std::string part; std::getline(in, part, ':');) parts.push_back(part);
      if (parts.size() % 3 != 0) fail(n + 1, 1, "Properties must be name:type:count triples");
      for (std::size_t k = 0; k < parts.size(); k += 3) {
        int width = 0;
        auto parsed =
            std::from_chars(parts[k + 2].data(), parts[k + 2].data() + parts[k + 2].size(), width);
        if (parsed.ec != std::errc() || width <= 0 || width > 64) {
          fail(n + 1, 1, "bad column count in Properties: '" + parts[k + 2] + "'");
        }
        if (parts[k] == "species") species_col = columns;
        if (parts[k] == "Z") z_col = columns;
        if (parts[k] == "pos" && width == 3) pos_col = columns;
        columns += width;
      }
    }
    if ((species_col < 0 && z_col < 0) || pos_col < 0) {
      fail(n + 1, 1, "Properties must name species (or Z) and pos:R:3");
    }
    if (n + 1 + static_cast<std::size_t>(count) >= lines.size()) {
      fail(lines.size(), 0, "the file ends before the " + std::to_string(count) + " atoms");
    }
    for (long long a = 0; a < count; ++a) {
      std::size_t ln = n + 2 + static_cast<std::size_t>(a);
      auto w = split_words(lines[ln]);
      if (static_cast<int>(w.size()) < columns) {
        fail(ln, 1, "expected " + std::to_string(columns) + " columns");
      }
      chem::Species species;
      try {
        if (species_col >= 0) {
          species = parse_type_symbol(w[species_col]);
        } else {
          int z = 0;
          std::from_chars(w[z_col].data(), w[z_col].data() + w[z_col].size(), z);
          if (chem::find_element(z) == nullptr) throw InvalidArgument("no element Z");
          species.z = static_cast<std::uint8_t>(z);
        }
      } catch (const InvalidArgument&) {
        fail(ln, 1, "unknown element");
      }
      Vec3 cart;
      for (int k = 0; k < 3; ++k) {
        if (!to_double(w[pos_col + k], cart[k])) fail(ln, 1, "position is not a number");
      }
      Site site;
      site.frac = s.lattice.to_fractional(cart);
      for (double& x : site.frac) x -= std::floor(x);
      site.occupants.push_back({species, chem::Number(1), {}});
      s.sites.push_back(std::move(site));
    }
    frames.push_back(std::move(s));
    n += 2 + static_cast<std::size_t>(count);
  }
  if (frames.empty()) fail(0, 0, "no frame in the file");
  return frames;
}

std::string write_xyz(const Structure& s) {
  auto number = [](double v) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.10f", v == 0 ? 0.0 : v);
    return std::string(buf);
  };
  std::string out = std::to_string(s.sites.size()) + "\nLattice=\"";
  const auto& v = s.lattice.vectors();
  for (int k = 0; k < 9; ++k) out += (k ? " " : "") + number(v[k / 3][k % 3]);
  out += "\" Properties=species:S:1:pos:R:3 pbc=\"T T T\"";
  if (!s.name.empty()) {
    std::string name;
    for (char c : s.name) name += (c == '"' || c == '\n' || c == '\r') ? ' ' : c;
    out += " name=\"" + name + "\"";
  }
  out += "\n";
  for (const Site& site : s.sites) {
    if (site.occupants.size() != 1 || site.disordered()) {
      throw InvalidArgument("extended XYZ cannot hold partially occupied sites");
    }
    Vec3 c = s.lattice.to_cartesian(site.frac);
    out += site.occupants[0].species.symbol() + " " + number(c[0]) + " " + number(c[1]) + " " +
           number(c[2]) + "\n";
  }
  return out;
}

}  // namespace pb::crystal
