#include "crystal/symmetry.hpp"

#include <spglib.h>

#include <algorithm>
#include <cctype>
#include <map>

namespace pb::crystal {

TypedCell typed_cell(const Structure& s) {
  TypedCell c;
  c.vectors = s.lattice.vectors();
  // Key of a site: its occupants (species with isotope and charge, and occupancy), sorted.
  std::map<std::vector<std::pair<int, double>>, int> type_of;
  for (const Site& site : s.sites) {
    std::vector<std::pair<int, double>> key;
    for (const auto& o : site.occupants) {
      int species = o.species.z + 256 * o.species.mass_number + 65536 * (o.species.charge + 128);
      key.emplace_back(species, o.occupancy.value());
    }
    std::sort(key.begin(), key.end());
    auto it = type_of.emplace(key, static_cast<int>(type_of.size()) + 1).first;
    c.positions.push_back(site.frac);
    c.types.push_back(it->second);
  }
  return c;
}

std::string_view crystal_system(int n) {
  if (n <= 2) return "triclinic";
  if (n <= 15) return "monoclinic";
  if (n <= 74) return "orthorhombic";
  if (n <= 142) return "tetragonal";
  if (n <= 167) return "trigonal";
  if (n <= 194) return "hexagonal";
  return "cubic";
}

std::optional<SymmetryInfo> analyse_symmetry(const TypedCell& cell, const SymmetryOptions& options,
                                             std::string* error) {
  // spglib takes the lattice vectors as columns.
  double lattice[3][3];
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) lattice[i][j] = cell.vectors[j][i];
  }
  std::vector<double> positions(cell.positions.size() * 3);
  for (std::size_t i = 0; i < cell.positions.size(); ++i) {
    for (int k = 0; k < 3; ++k) positions[3 * i + k] = cell.positions[i][k];
  }
  SpglibDataset* d = spgat_get_dataset(lattice, reinterpret_cast<double(*)[3]>(positions.data()),
                                       cell.types.data(), static_cast<int>(cell.positions.size()),
                                       options.symprec, options.angle_tolerance);
  if (d == nullptr) {
    if (error) *error = spg_get_error_message(spg_get_error_code());
    return std::nullopt;
  }
  SymmetryInfo info;
  info.number = d->spacegroup_number;
  info.hall_number = d->hall_number;
  info.international = d->international_symbol;
  info.hall = d->hall_symbol;
  info.point_group = d->pointgroup_symbol;
  info.crystal_system = std::string(crystal_system(info.number));
  info.operations = d->n_operations;
  for (int i = 0; i < d->n_atoms; ++i) {
    info.wyckoffs.push_back(static_cast<char>('a' + d->wyckoffs[i]));
    info.site_symmetries.emplace_back(d->site_symmetry_symbols[i]);  // "..m": dots are axes
    info.equivalent_atoms.push_back(d->equivalent_atoms[i]);
  }
  // Pearson symbol: crystal family letter, centring letter, atoms in the conventional cell.
  static constexpr std::pair<std::string_view, char> kFamily[] = {
      {"triclinic", 'a'}, {"monoclinic", 'm'}, {"orthorhombic", 'o'}, {"tetragonal", 't'},
      {"trigonal", 'h'},  {"hexagonal", 'h'},  {"cubic", 'c'}};
  char family = 'a';
  for (auto [name, letter] : kFamily) {
    if (name == info.crystal_system) family = letter;
  }
  char centring = info.international.empty() ? 'P' : info.international[0];
  if (centring == 'A' || centring == 'B') centring = 'S';  // base-centred: S in Pearson symbols
  // hR counts the atoms of the rhombohedral primitive cell (corundum hR10), a third of the
  // hexagonal cell spglib standardises to.
  int atoms = centring == 'R' ? d->n_std_atoms / 3 : d->n_std_atoms;
  info.pearson = std::string(1, family) + centring + std::to_string(atoms);
  spg_free_dataset(d);
  return info;
}

std::string SymmetryInfo::wyckoff_sequence() const {
  std::map<char, int, std::greater<>> orbits;
  for (std::size_t i = 0; i < wyckoffs.size(); ++i) {
    if (equivalent_atoms.empty() || equivalent_atoms[i] == static_cast<int>(i))
      ++orbits[wyckoffs[i]];
  }
  std::string out;
  for (auto [letter, count] : orbits) {
    out += letter;
    if (count > 1) out += std::to_string(count);
  }
  return out;
}

namespace {

// Symbols compare without spaces and underscores, case-insensitively: "P 21/c" = "P2_1/c".
std::string squash(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != ' ' && c != '_') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace

std::optional<int> hall_number_from_hall(std::string_view symbol) {
  std::string want = squash(symbol);
  if (want.empty()) return std::nullopt;
  for (int h = 1; h <= 530; ++h) {
    if (squash(spg_get_spacegroup_type(h).hall_symbol) == want) return h;
  }
  return std::nullopt;
}

std::optional<int> hall_number_from_hm(std::string_view symbol) {
  std::string want = squash(symbol);
  if (want.empty()) return std::nullopt;
  std::string choice;
  if (auto colon = want.find(':'); colon != std::string::npos) {
    choice = want.substr(colon + 1);
    want = want.substr(0, colon);
  }
  // Spellings seen in CIFs, tried in turn: as written; "P2(1)/c" for P2_1/c; the cubic symbols
  // of before 1983 without the bar ("P m 3 m" for Pm-3m: a 3 after a mirror or glide letter).
  std::vector<std::string> candidates{want};
  std::string no_parens;
  for (char c : want) {
    if (c != '(' && c != ')') no_parens += c;
  }
  candidates.push_back(no_parens);
  std::string barred;
  for (std::size_t i = 0; i < no_parens.size(); ++i) {
    if (no_parens[i] == '3' && i > 1 &&
        std::string_view("mnabcde").find(no_parens[i - 1]) != std::string_view::npos) {
      barred += '-';
    }
    barred += no_parens[i];
  }
  candidates.push_back(barred);
  auto find = [&](const std::string& name, bool full_only) -> std::optional<int> {
    // The first setting listed is the standard one (unique axis b, origin choice 1, hexagonal
    // axes for R groups) unless ":2", ":R" or the like asks for another.
    for (int h = 1; h <= 530; ++h) {
      SpglibSpacegroupType t = spg_get_spacegroup_type(h);
      bool match = squash(t.international_full) == name ||
                   (!full_only &&
                    (squash(t.international_short) == name || squash(t.international) == name));
      if (match && (choice.empty() || squash(t.choice) == choice)) return h;
    }
    return std::nullopt;
  };
  for (const auto& c : candidates) {
    if (auto h = find(c, false)) return h;
  }
  // A short monoclinic symbol of a non-standard setting ("P 21/n"): the full symbol with
  // unique axis b, then c, then a.
  if (no_parens.size() >= 2 && std::isalpha(static_cast<unsigned char>(no_parens[0]))) {
    std::string lattice(1, no_parens[0]);
    std::string rest = no_parens.substr(1);
    for (const std::string& full :
         {lattice + "1" + rest + "1", lattice + "11" + rest, lattice + rest + "11"}) {
      if (auto h = find(full, true)) return h;
    }
  }
  return std::nullopt;
}

int number_of(int hall_number) { return spg_get_spacegroup_type(hall_number).number; }

std::string setting_name(int hall_number) {
  std::string out;
  for (char c : std::string(spg_get_spacegroup_type(hall_number).international_full)) {
    if (c != '_') out += c;
  }
  return out;
}

std::string hm_symbol(int hall_number) {
  SpglibSpacegroupType t = spg_get_spacegroup_type(hall_number);
  std::string out;
  for (char c : std::string(t.international)) {
    if (c != '_') out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  std::string choice = t.choice;
  if (!choice.empty()) out += " :" + choice;
  return out;
}

std::vector<SymOp> operations_of(int hall_number) {
  int rotations[192][3][3];
  double translations[192][3];
  int n = spg_get_symmetry_from_database(rotations, translations, hall_number);
  std::vector<SymOp> ops(static_cast<std::size_t>(n));
  for (int k = 0; k < n; ++k) {
    for (int i = 0; i < 3; ++i) {
      for (int j = 0; j < 3; ++j) ops[k].rot[i][j] = rotations[k][i][j];
      ops[k].trans[i] = translations[k][i];
    }
  }
  return ops;
}

}  // namespace pb::crystal
