// libFuzzer target for the POSCAR reader: failures must be pb::ParseError, and a file that
// reads has as many positions as its counts add up to.
#include <cstdint>
#include <cstdlib>
#include <numeric>
#include <string>

#include "crystal/poscar.hpp"
#include "util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    auto p =
        pb::crystal::read_poscar(std::string(reinterpret_cast<const char*>(data), size), "fuzz");
    long total = std::accumulate(p.counts.begin(), p.counts.end(), 0L);
    if (total != static_cast<long>(p.positions.size())) std::abort();
    try {
      (void)p.structure();
    } catch (const pb::InvalidArgument&) {
    }
  } catch (const pb::ParseError&) {
  }
  return 0;
}
