#include "crystal/cif_writer.hpp"

#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>

#include "crystal/standard_cell.hpp"

namespace pb::crystal {

namespace {

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v == 0 ? 0.0 : v);  // no "-0.000000"
  return buf;
}

// A data block name: CIF forbids whitespace in it.
std::string block_name(const std::string& name) {
  std::string out;
  for (char c : name) out += (c == ' ' || c == '\t' || c == '\n' || c == '\r') ? '_' : c;
  return out.empty() ? "structure" : out;
}

// Quoted for CIF when needed: the writer only quotes operations and formulas (no quotes inside).
std::string quoted(const std::string& s) { return "'" + s + "'"; }

std::string xyz_of(const SymOp& op) {
  static constexpr const char* kAxes[] = {"x", "y", "z"};
  std::string out;
  for (int i = 0; i < 3; ++i) {
    std::string term;
    for (int j = 0; j < 3; ++j) {
      int r = op.rot[i][j];
      if (r == 0) continue;
      term += r > 0 ? (term.empty() ? "" : "+") : "-";
      if (r != 1 && r != -1) term += std::to_string(r > 0 ? r : -r) + "*";
      term += kAxes[j];
    }
    // Translations are multiples of 1/12 (1/24 in a few settings): written as fractions.
    double t = op.trans[i] - std::floor(op.trans[i]);
    int n24 = static_cast<int>(std::lround(t * 24)) % 24;
    if (n24 != 0) {
      int g = std::gcd(n24, 24);
      term += "+" + std::to_string(n24 / g) + "/" + std::to_string(24 / g);
    }
    out += (i ? "," : "") + term;
  }
  return out;
}

}  // namespace

std::string write_cif(const Structure& input, const CifWriteOptions& options) {
  Structure s = input;
  std::vector<SymOp> ops(1);  // identity
  ops[0].rot = {{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};
  std::string hm = "P 1";
  int number = 1;
  std::vector<std::size_t> keep;
  if (options.symmetrize) {
    s = conventional_cell(input, options.symmetry);
    std::string error;
    auto info = analyse_symmetry(typed_cell(s), options.symmetry, &error);
    if (info) {
      ops = operations_of(info->hall_number);
      hm = hm_symbol(info->hall_number);
      number = info->number;
      for (std::size_t i = 0; i < s.sites.size(); ++i) {
        if (info->equivalent_atoms[i] == static_cast<int>(i)) keep.push_back(i);
      }
    }
  }
  if (keep.empty()) {
    for (std::size_t i = 0; i < s.sites.size(); ++i) keep.push_back(i);
  }
  std::string out = "data_" + block_name(s.name) + "\n";
  const Lattice& l = s.lattice;
  const char* names[] = {"a", "b", "c", "alpha", "beta", "gamma"};
  double values[] = {l.a(), l.b(), l.c(), l.alpha(), l.beta(), l.gamma()};
  for (int i = 0; i < 6; ++i) {
    out += std::string(i < 3 ? "_cell_length_" : "_cell_angle_") + names[i] + " " +
           fixed(values[i], 6) + "\n";
  }
  out += "_cell_volume " + fixed(l.volume(), 4) + "\n";
  chem::Composition cell = s.cell_composition();
  if (!cell.empty()) out += "_chemical_formula_sum " + quoted(cell.formula_plain()) + "\n";
  out += "_space_group_name_H-M_alt " + quoted(hm) + "\n";
  out += "_space_group_IT_number " + std::to_string(number) + "\n";
  out += "loop_\n_space_group_symop_id\n_space_group_symop_operation_xyz\n";
  for (std::size_t k = 0; k < ops.size(); ++k) {
    out += std::to_string(k + 1) + " " + quoted(xyz_of(ops[k])) + "\n";
  }
  // Oxidation states, when the structure has them, as _atom_type_oxidation_number.
  std::map<std::string, int> charges;
  for (std::size_t i : keep) {
    for (const Occupant& o : s.sites[i].occupants) {
      if (o.species.has_charge) charges[o.species.to_string()] = o.species.charge;
    }
  }
  if (!charges.empty()) {
    out += "loop_\n_atom_type_symbol\n_atom_type_oxidation_number\n";
    for (const auto& [symbol, charge] : charges) {
      out += symbol + " " + std::to_string(charge) + "\n";
    }
  }
  out +=
      "loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n"
      "_atom_site_fract_y\n_atom_site_fract_z\n_atom_site_occupancy\n";
  // Labels: element symbol and a running number per element, unique in the block.
  std::map<std::string, int> counters;
  for (std::size_t i : keep) {
    const Site& site = s.sites[i];
    for (const Occupant& o : site.occupants) {
      std::string label = o.species.symbol() + std::to_string(++counters[o.species.symbol()]);
      out += label + " " + o.species.to_string();
      for (int k = 0; k < 3; ++k) out += " " + fixed(site.frac[k], 6);
      out += " " + fixed(o.occupancy.value(), 6) + "\n";
    }
  }
  return out;
}

}  // namespace pb::crystal
