#include "crystal/structure.hpp"

#include <algorithm>

#include "chem/element.hpp"
#include "util/error.hpp"

namespace pb::crystal {

bool Site::disordered() const {
  return occupants.size() > 1 ||
         (occupants.size() == 1 && !(occupants[0].occupancy == chem::Number(1)));
}

double Site::total_occupancy() const {
  double t = 0;
  for (const auto& o : occupants) t += o.occupancy.value();
  return t;
}

chem::Composition Structure::cell_composition() const {
  chem::Composition c;
  for (const auto& s : sites) {
    for (const auto& o : s.occupants) {
      chem::Species plain = o.species;
      plain.has_charge = false;
      plain.charge = 0;
      c.add(plain, chem::Amount(o.occupancy));
    }
  }
  return c;
}

double Structure::density() const {
  constexpr double kAvogadro = 6.02214076e23;
  return cell_composition().molar_mass() / kAvogadro / (lattice.volume() * 1e-24);
}

chem::Species parse_type_symbol(std::string_view text) {
  chem::Species s;
  std::size_t i = 0;
  auto upper = [](char c) { return static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c); };
  auto lower = [](char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); };
  auto is_letter = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
  if (text.empty() || !is_letter(text[0])) {
    throw InvalidArgument("'" + std::string(text) + "' names no element");
  }
  char c0 = upper(text[0]);
  char c1 = text.size() > 1 && is_letter(text[1]) ? lower(text[1]) : '\0';
  int z = c1 ? chem::symbol_to_z(c0, c1) : 0;
  if (z != 0) {
    i = 2;
  } else if ((z = chem::symbol_to_z(c0)) != 0) {
    i = 1;
  } else if (c0 == 'D' || c0 == 'T') {
    z = 1;
    s.mass_number = c0 == 'D' ? 2 : 3;
    i = 1;
  } else {
    throw InvalidArgument("'" + std::string(text) + "' names no element");
  }
  s.z = static_cast<std::uint8_t>(z);
  // An oxidation state "3+", "+3", "-", or nothing; label digits without a sign ("Li1") are
  // no charge.
  std::size_t j = i;
  auto digits = [&](int& value) {
    for (; j < text.size() && text[j] >= '0' && text[j] <= '9'; ++j) {
      value = std::min(value * 10 + (text[j] - '0'), 1000);
    }
  };
  int magnitude = 0;
  int sign = 0;
  if (j < text.size() && (text[j] == '+' || text[j] == '-')) {
    sign = text[j++] == '-' ? -1 : 1;
    digits(magnitude);
  } else {
    digits(magnitude);
    if (j < text.size() && (text[j] == '+' || text[j] == '-')) sign = text[j] == '-' ? -1 : 1;
  }
  if (sign != 0) {
    if (magnitude > 12) throw InvalidArgument("'" + std::string(text) + "': charge too large");
    s.has_charge = true;
    s.charge = static_cast<std::int8_t>(sign * (magnitude == 0 ? 1 : magnitude));
  }
  return s;
}

}  // namespace pb::crystal
