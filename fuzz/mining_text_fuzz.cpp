// libFuzzer target for the mining text pipeline: tokenizer, sentence splitter, abbreviations,
// mentions, quantities and record extraction on arbitrary bytes. Besides crashes it checks that
// every span lies inside the text and is ordered.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "mining/extract.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const pb::mining::Token& t : pb::mining::tokenize(text)) {
    if (t.begin > t.end || t.end > size) std::abort();
  }
  std::size_t last = 0;
  for (const pb::mining::Span& s : pb::mining::split_sentences(text)) {
    if (s.begin < last || s.begin >= s.end || s.end > size) std::abort();
    last = s.end;
  }
  const pb::mining::Extraction ex = pb::mining::extract_text(text);
  for (const auto& m : ex.mentions.at(0)) {
    if (m.begin >= m.end || m.end > size) std::abort();
  }
  for (const auto& r : ex.records) {
    if (r.span.begin >= r.span.end || r.span.end > size || r.sentence.end > size) std::abort();
    if (r.span.begin < r.sentence.begin || r.span.end > r.sentence.end) std::abort();
  }
  return 0;
}
