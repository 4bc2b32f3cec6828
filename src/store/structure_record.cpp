#include "store/structure_record.hpp"

#include <cmath>

namespace pb::store {

crystal::Structure to_structure(const StructureRecord& r) {
  crystal::Structure s;
  s.name = r.source_block.empty() ? r.source_file : r.source_block;
  std::array<crystal::Vec3, 3> vectors{};
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) vectors[i][j] = r.vectors[i][j];
  }
  s.lattice = crystal::Lattice::from_vectors(vectors);
  for (const SiteRecord& site : r.sites) {
    crystal::Site out;
    for (int k = 0; k < 3; ++k) out.frac[k] = site.frac[k];
    for (const SpeciesRecord& sp : site.species) {
      crystal::Occupant oc;
      oc.species = crystal::parse_type_symbol(sp.element);
      if (sp.oxidation) {
        oc.species.charge = static_cast<std::int8_t>(std::lround(*sp.oxidation));
        oc.species.has_charge = true;
      }
      oc.occupancy = chem::Number::approximate(sp.occupancy);
      oc.label = sp.label;
      out.occupants.push_back(std::move(oc));
    }
    s.sites.push_back(std::move(out));
  }
  return s;
}

}  // namespace pb::store
