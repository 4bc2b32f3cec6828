// libFuzzer target for the extended XYZ reader: failures must be pb::ParseError, and every
// frame that reads writes back to text that reads again with the same number of sites.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "crystal/xyz.hpp"
#include "util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    auto frames =
        pb::crystal::read_xyz(std::string(reinterpret_cast<const char*>(data), size), "fuzz");
    for (const auto& s : frames) {
      auto again = pb::crystal::read_xyz(pb::crystal::write_xyz(s), "again");
      if (again.size() != 1 || again[0].sites.size() != s.sites.size()) std::abort();
    }
  } catch (const pb::ParseError&) {
  }
  return 0;
}
