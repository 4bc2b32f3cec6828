// libFuzzer target for the mining text pipeline: tokenizer, sentence splitter, abbreviations,
// mentions, quantities and record extraction on arbitrary bytes. Besides crashes it checks that
// every span lies inside the text and is ordered, and that the mention tagger's features hold no
// white space.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "mining/extract.hpp"
#include "mining/tagger.hpp"

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
  // The tagger's features: one list per token, none with a byte fastText would split on.
  const auto tokens = pb::mining::tokenize(text);
  const auto features = pb::mining::tagger_features(text, tokens, ex.mentions.at(0));
  if (features.size() != tokens.size()) std::abort();
  for (const auto& list : features) {
    for (const auto& f : list) {
      if (f.find_first_of(std::string_view(" \t\n\r\v\f\0", 7)) != std::string::npos) std::abort();
    }
  }
  for (const auto& r : ex.records) {
    if (r.span.begin >= r.span.end || r.span.end > size || r.sentence.end > size) std::abort();
    if (r.span.begin < r.sentence.begin || r.span.end > r.sentence.end) std::abort();
  }
  return 0;
}
