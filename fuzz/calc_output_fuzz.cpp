// libFuzzer target for the DFT output parsers (pw.x XML and stdout, vasprun.xml, OUTCAR, ABINIT
// main output and DOS file): the first byte picks the parser, the rest is the file. Failures must
// be pb::ParseError; a result must serialise to JSON and read back with the same energy, and its
// gap and DOS analyses must run.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "calc/outputs.hpp"
#include "util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const char* const kKinds[] = {"qe-xml", "qe-stdout", "vasprun",
                                       "outcar", "abinit",    "abinit-dos"};
  const char* kind = kKinds[data[0] % 6];
  std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    pb::calc::CalcResult r = pb::calc::parse_output(kind, text, "fuzz");
    pb::calc::CalcResult back = pb::calc::result_from_json(pb::calc::to_json(r));
    if (r.energy_ev.has_value() != back.energy_ev.has_value()) std::abort();
    if (r.energy_ev && std::isfinite(*r.energy_ev) && *r.energy_ev != *back.energy_ev) std::abort();
    if (r.bands) {
      (void)pb::calc::result_gap(r);
      (void)pb::calc::density_of_states(*r.bands, 0.1, 64);
    }
  } catch (const pb::ParseError&) {
  }
  return 0;
}
