#include "crystal/describe.hpp"

#include <algorithm>
#include <cmath>

#include "chem/element.hpp"

namespace pb::crystal {

std::string structure_type(const SymmetryInfo& symmetry, const chem::Composition& cell) {
  return std::to_string(symmetry.number) + "|" + symmetry.pearson + "|" +
         symmetry.wyckoff_sequence() + "|" + cell.formula_anonymous();
}

Description describe(const Structure& s, const SymmetryOptions& symmetry_options,
                     const NeighbourOptions& neighbour_options,
                     const chem::Composition* formula_units_of) {
  Description d;
  chem::Composition cell = s.cell_composition();
  d.nsites = s.sites.size();
  d.volume = s.lattice.volume();
  for (const Site& site : s.sites) d.disordered = d.disordered || site.disordered();
  if (!cell.empty()) {
    d.formula_reduced = cell.reduced_formula();
    d.formula_optimade = cell.formula_reduced_optimade();
    d.formula_anonymous = cell.formula_anonymous();
    d.formula_cell = cell.formula_plain();
    for (const auto& e : cell.element_amounts()) {
      d.elements.emplace_back(chem::find_element(e.z)->symbol);
    }
    std::sort(d.elements.begin(), d.elements.end());
    double atoms = cell.total_atoms().value();
    d.volume_per_atom = atoms > 0 ? d.volume / atoms : 0;
    d.density = s.density();
    // Z counts the reduced formula: of the published formula when there is one (authors write
    // the whole cell content there as often as one formula unit), else of the cell.
    d.z = cell.formula_units().value();
    if (formula_units_of != nullptr && !formula_units_of->empty() &&
        !formula_units_of->symbolic()) {
      double per_unit =
          formula_units_of->total_atoms().value() / formula_units_of->formula_units().value();
      if (per_unit > 0) d.z = atoms / per_unit;
    }
  }
  if (!s.sites.empty()) {
    d.symmetry = analyse_symmetry(typed_cell(s), symmetry_options, &d.symmetry_error);
    if (d.symmetry) {
      d.wyckoff_sequence = d.symmetry->wyckoff_sequence();
      d.structure_type = structure_type(*d.symmetry, cell);
    }
  }
  std::vector<Coordination> shells = coordination(s, neighbour_options);
  std::map<std::string, std::pair<double, int>> sums;  // element -> (sum of CN, sites)
  for (std::size_t i = 0; i < shells.size(); ++i) {
    if (shells[i].nearest > 0 && (d.min_distance == 0 || shells[i].nearest < d.min_distance)) {
      d.min_distance = shells[i].nearest;
    }
    // A disordered site counts for each of its elements.
    for (const Occupant& o : s.sites[i].occupants) {
      auto& [sum, n] = sums[o.species.symbol()];
      sum += static_cast<double>(shells[i].shell.size());
      ++n;
    }
  }
  for (const auto& [element, sum_n] : sums) d.coordination[element] = sum_n.first / sum_n.second;
  return d;
}

}  // namespace pb::crystal
