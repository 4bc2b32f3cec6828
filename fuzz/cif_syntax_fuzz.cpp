// libFuzzer target for the CIF syntax layer. Besides crashes it checks that every value lies
// inside the document's text, that loops are rectangular, and that errors carry a line.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "crystal/cif_syntax.hpp"

namespace {

void check_value(const pb::crystal::cif::Document& d, const pb::crystal::cif::Value& v) {
  const char* lo = d.text.data();
  const char* hi = lo + d.text.size();
  if (!v.text.empty() && (v.text.data() < lo || v.text.data() + v.text.size() > hi)) std::abort();
  if (v.line == 0) std::abort();
}

void check_block(const pb::crystal::cif::Document& d, const pb::crystal::cif::Block& b) {
  for (const auto& item : b.items) check_value(d, item.value);
  for (const auto& loop : b.loops) {
    if (loop.tags.empty() || loop.values.size() % loop.tags.size() != 0) std::abort();
    for (const auto& v : loop.values) check_value(d, v);
  }
  for (const auto& frame : b.frames) check_block(d, frame);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto d = pb::crystal::cif::read_text(std::string(reinterpret_cast<const char*>(data), size),
                                       "fuzz.cif");
  for (const auto& b : d.blocks) check_block(d, b);
  for (const auto& e : d.errors) {
    if (e.where.line == 0) std::abort();
  }
  return 0;
}
