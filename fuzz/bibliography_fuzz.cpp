// libFuzzer target for the BibTeX and RIS readers: every input either parses or throws
// pb::ParseError with a line inside the input; parsed DOIs are normalised.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "store/bibliography.hpp"
#include "util/error.hpp"

namespace {

template <class Parse>
void check(std::string_view text, Parse parse) {
  try {
    for (const auto& r : parse(text, "fuzz")) {
      if (!r.doi.empty() && r.doi != pb::store::normalise_doi(r.doi)) std::abort();
    }
  } catch (const pb::ParseError& e) {
    std::size_t lines = 1;
    for (char c : text) lines += c == '\n';
    if (e.where().line > lines) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  check(text, pb::store::parse_bibtex);
  check(text, pb::store::parse_ris);
  return 0;
}
