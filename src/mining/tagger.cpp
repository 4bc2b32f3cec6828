// The learned mention tagger: feature strings per token, a fastText softmax classifier over
// them (a multinomial logistic regression: with three labels the embedding dimension only has
// to exceed two), and spans decoded from the B/I/O labels.
#include "mining/tagger.hpp"

#include <fasttext/fasttext.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>

#include "mining/fasttext_train.hpp"
#include "util/error.hpp"
#include "util/utf8.hpp"

namespace pb::mining {

namespace {

// "Li7La3Zr2O12" -> "XxdXxdXxdXd"; runs of one class collapse, non-ASCII reads as 'u'.
std::string shape(std::string_view s) {
  std::string out;
  for (const char c : s) {
    char k = 'u';
    if (c >= 'A' && c <= 'Z')
      k = 'X';
    else if (c >= 'a' && c <= 'z')
      k = 'x';
    else if (c >= '0' && c <= '9')
      k = 'd';
    else if (static_cast<unsigned char>(c) < 0x80)
      k = c;
    else if ((static_cast<unsigned char>(c) & 0xC0) == 0x80)
      continue;  // continuation byte of the same code point
    if (out.empty() || out.back() != k) out += k;
    if (out.size() >= 12) break;
  }
  return out;
}

// Control characters and white space become '?', so a feature never holds a byte fastText
// would split on.
std::string clean(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F) c = '?';
  }
  return out;
}

std::string word_of(std::string_view text, const std::vector<Token>& tokens, std::ptrdiff_t i) {
  if (i < 0) return "<s>";
  if (static_cast<std::size_t>(i) >= tokens.size()) return "</s>";
  const Token& t = tokens[static_cast<std::size_t>(i)];
  if (t.kind == TokenKind::kNumber) return "<num>";
  return clean(utf8::ascii_lower(text.substr(t.begin, t.end - t.begin)));
}

// The rule tag of each token: "O", or "B-kind"/"I-kind" of the mention it falls in.
std::vector<std::string> rule_tags(const std::vector<Token>& tokens,
                                   const std::vector<Mention>& mentions) {
  std::vector<std::string> tags(tokens.size(), "O");
  std::size_t m = 0;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    while (m < mentions.size() && mentions[m].end <= t.begin) ++m;
    for (std::size_t k = m; k < mentions.size() && mentions[k].begin < t.end; ++k) {
      if (mentions[k].end > t.begin) {
        tags[i] = std::string(t.begin <= mentions[k].begin ? "B-" : "I-") +
                  std::string(to_string(mentions[k].kind));
        break;
      }
    }
  }
  return tags;
}

// B/I/O label of each token from gold spans (a token overlapping a span is inside it).
std::vector<char> gold_labels(const std::vector<Token>& tokens, const std::vector<Span>& gold) {
  std::vector<char> labels(tokens.size(), 'O');
  std::ptrdiff_t previous_span = -1;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    std::ptrdiff_t span = -1;
    for (std::size_t g = 0; g < gold.size(); ++g) {
      if (tokens[i].begin < gold[g].end && gold[g].begin < tokens[i].end) {
        span = static_cast<std::ptrdiff_t>(g);
        break;
      }
    }
    if (span >= 0) labels[i] = span == previous_span ? 'I' : 'B';
    previous_span = span;
  }
  return labels;
}

}  // namespace

std::vector<std::vector<std::string>> tagger_features(std::string_view text,
                                                      const std::vector<Token>& tokens,
                                                      const std::vector<Mention>& mentions) {
  std::vector<Mention> sorted = mentions;
  std::sort(sorted.begin(), sorted.end(),
            [](const Mention& a, const Mention& b) { return a.begin < b.begin; });
  const std::vector<std::string> rules = rule_tags(tokens, sorted);
  auto rule = [&](std::ptrdiff_t i) -> std::string {
    if (i < 0 || static_cast<std::size_t>(i) >= tokens.size()) return "-";
    return rules[static_cast<std::size_t>(i)];
  };
  std::vector<std::vector<std::string>> out(tokens.size());
  for (std::size_t u = 0; u < tokens.size(); ++u) {
    const auto i = static_cast<std::ptrdiff_t>(u);
    const Token& t = tokens[u];
    const std::string_view raw = text.substr(t.begin, t.end - t.begin);
    const std::string w = word_of(text, tokens, i);
    const std::string prev = word_of(text, tokens, i - 1);
    const std::string next = word_of(text, tokens, i + 1);
    std::vector<std::string>& f = out[u];
    f.push_back("w=" + w);
    f.push_back("s=" + clean(shape(raw)));
    if (t.kind == TokenKind::kWord && w.size() > 3) {
      f.push_back("p3=" + w.substr(0, 3));
      f.push_back("x3=" + w.substr(w.size() - 3));
    }
    f.push_back("w-1=" + prev);
    f.push_back("w+1=" + next);
    f.push_back("w-2=" + word_of(text, tokens, i - 2));
    f.push_back("w+2=" + word_of(text, tokens, i + 2));
    f.push_back("b-=" + prev + "|" + w);
    f.push_back("b+=" + w + "|" + next);
    f.push_back("r=" + rule(i));
    f.push_back("r-1=" + rule(i - 1));
    f.push_back("r+1=" + rule(i + 1));
    f.push_back("rw=" + rule(i) + "|" + w);
  }
  return out;
}

struct MentionTagger::Impl {
  std::unique_ptr<fasttext::FastText> model = std::make_unique<fasttext::FastText>();
  bool trained = false;
};

MentionTagger::MentionTagger() : impl_(std::make_unique<Impl>()) {}
MentionTagger::~MentionTagger() = default;
MentionTagger::MentionTagger(MentionTagger&&) noexcept = default;
MentionTagger& MentionTagger::operator=(MentionTagger&&) noexcept = default;

bool MentionTagger::trained() const { return impl_->trained; }

void MentionTagger::train(const std::vector<TaggerExample>& examples, const TaggerParams& params) {
  if (examples.empty()) throw InvalidArgument("no annotated texts to train the tagger on");
  FastTextSettings settings;
  settings.lr = params.lr;
  settings.epoch = params.epoch;
  settings.dim = params.dim;
  settings.seed = params.seed;
  impl_->model = std::make_unique<fasttext::FastText>();
  impl_->trained = false;
  train_supervised(
      *impl_->model,
      [&](std::ostream& out) {
        for (const TaggerExample& e : examples) {
          const std::vector<Token> tokens = tokenize(e.text);
          static const AbbreviationTable kNone;
          const auto features = tagger_features(
              e.text, tokens,
              find_mentions(e.text, tokens, e.abbreviations ? *e.abbreviations : kNone));
          const std::vector<char> labels = gold_labels(tokens, e.gold);
          for (std::size_t i = 0; i < tokens.size(); ++i) {
            out << "__label__" << labels[i];
            for (const std::string& f : features[i]) out << ' ' << f;
            out << '\n';
          }
        }
      },
      settings);
  impl_->trained = true;
}

std::vector<Span> MentionTagger::tag(std::string_view text, const std::vector<Token>& tokens,
                                     const std::vector<Mention>& mentions) const {
  if (!impl_->trained) throw InvalidArgument("the mention tagger has not been trained");
  const auto features = tagger_features(text, tokens, mentions);
  // Runs of B/I tokens (B starts a new one), trimmed to words at both ends: a span never
  // starts or ends with punctuation, a symbol or a number.
  std::vector<std::pair<std::size_t, std::size_t>> runs;  // token ranges [first, last]
  // The ids fastText's own line reader would give: the known features and the end of line.
  const fasttext::Dictionary& dictionary = *impl_->model->getDictionary();
  const std::int32_t end_of_line = dictionary.getId(fasttext::Dictionary::EOS);
  std::vector<std::int32_t> ids;
  fasttext::Predictions predictions;
  bool open = false;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    ids.clear();
    for (const std::string& f : features[i]) {
      const std::int32_t id = dictionary.getId(f);
      if (id >= 0) ids.push_back(id);
    }
    if (end_of_line >= 0) ids.push_back(end_of_line);
    predictions.clear();
    impl_->model->predict(1, ids, predictions, 0.0);
    const char label =
        predictions.empty() ? 'O' : dictionary.getLabel(predictions[0].second).back();
    if (label == 'O') {
      open = false;
    } else if (label == 'I' && open) {
      runs.back().second = i;
    } else {
      runs.emplace_back(i, i);
      open = true;
    }
  }
  std::vector<Span> spans;
  for (auto [first, last] : runs) {
    while (first <= last && tokens[first].kind != TokenKind::kWord) ++first;
    while (last > first && tokens[last].kind != TokenKind::kWord) --last;
    if (first <= last && tokens[first].kind == TokenKind::kWord) {
      spans.push_back({tokens[first].begin, tokens[last].end});
    }
  }
  return spans;
}

std::vector<Mention> apply_tagger(const MentionTagger& tagger, std::string_view text,
                                  const std::vector<Token>& tokens,
                                  const std::vector<Mention>& mentions) {
  const std::vector<Span> spans = tagger.tag(text, tokens, mentions);
  auto overlaps = [](const Span& s, const Mention& m) {
    return m.begin < s.end && s.begin < m.end;
  };
  std::vector<Mention> out;
  for (const Mention& m : mentions) {
    if (std::any_of(spans.begin(), spans.end(), [&](const Span& s) { return overlaps(s, m); })) {
      out.push_back(m);
    }
  }
  for (const Span& s : spans) {
    if (std::any_of(mentions.begin(), mentions.end(),
                    [&](const Mention& m) { return overlaps(s, m); })) {
      continue;
    }
    Mention m;
    m.begin = s.begin;
    m.end = s.end;
    m.text = std::string(text.substr(s.begin, s.end - s.begin));
    m.kind = MentionKind::kLearned;
    out.push_back(std::move(m));
  }
  std::sort(out.begin(), out.end(),
            [](const Mention& a, const Mention& b) { return a.begin < b.begin; });
  return out;
}

void MentionTagger::save(const std::filesystem::path& path) const {
  if (!impl_->trained) throw InvalidArgument("the mention tagger has not been trained");
  impl_->model->saveModel(path.string());
}

void MentionTagger::load(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) throw NotFound("no tagger file " + path.string());
  auto model = std::make_unique<fasttext::FastText>();
  try {
    model->loadModel(path.string());
  } catch (const std::exception& e) {
    throw InvalidArgument(path.string() + ": not a fastText model (" + e.what() + ")");
  }
  const auto labels = model->getDictionary()->nlabels();
  bool ok = labels > 0 && labels <= 3;
  for (int32_t i = 0; ok && i < labels; ++i) {
    const std::string l = model->getDictionary()->getLabel(i);
    ok = l == "__label__B" || l == "__label__I" || l == "__label__O";
  }
  if (!ok)
    throw InvalidArgument(path.string() + ": not a mention tagger (labels other than B/I/O)");
  impl_->model = std::move(model);
  impl_->trained = true;
}

}  // namespace pb::mining
