// libFuzzer target for the CIF semantic layer: every block of the input is built into a
// structure and analysed with spglib. Failures must be pb::ParseError; a structure that is
// built must have a cell with volume and sites inside [0, 1).
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "crystal/cif_structure.hpp"
#include "crystal/symmetry.hpp"
#include "util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto doc = pb::crystal::cif::read_text(std::string(reinterpret_cast<const char*>(data), size),
                                         "fuzz.cif");
  for (const auto& block : doc.blocks) {
    try {
      auto s = pb::crystal::read_structure(block, "fuzz.cif");
      if (!(s.structure.lattice.volume() > 0)) std::abort();
      for (const auto& site : s.structure.sites) {
        for (double c : site.frac) {
          if (!(c >= 0 && c < 1)) std::abort();
        }
      }
      if (s.structure.sites.size() <= 2000) {
        (void)pb::crystal::analyse_symmetry(pb::crystal::typed_cell(s.structure));
      }
    } catch (const pb::ParseError&) {
    }
  }
  return 0;
}
