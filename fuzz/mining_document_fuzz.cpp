// libFuzzer target for the document readers: the first byte picks the format (text, HTML,
// JATS, Elsevier XML, PDF), the rest is the file. Only ParseError may escape a reader.
#include <cstdint>
#include <string_view>

#include "mining/document.hpp"
#include "util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto format = static_cast<pb::mining::DocumentFormat>(data[0] % 5);
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    const pb::mining::Document doc = pb::mining::read_document(bytes, "fuzz", format);
    for (const auto& b : doc.blocks) (void)pb::mining::to_string(b.kind);
  } catch (const pb::ParseError&) {
  }
  return 0;
}
