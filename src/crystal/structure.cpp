#include "crystal/structure.hpp"

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

}  // namespace pb::crystal
