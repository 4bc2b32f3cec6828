// libFuzzer target for the OPTIMADE structure JSON reader: failures must be pb::ParseError, and
// every structure that reads writes back to JSON that reads again with the same sites.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "crystal/optimade_json.hpp"
#include "util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    auto structures = pb::crystal::read_optimade_json(
        std::string(reinterpret_cast<const char*>(data), size), "fuzz");
    for (const auto& s : structures) {
      auto again = pb::crystal::read_optimade_json(pb::crystal::write_optimade_json(s), "again");
      if (again.size() != 1 || again[0].sites.size() != s.sites.size()) std::abort();
    }
  } catch (const pb::ParseError&) {
  }
  return 0;
}
