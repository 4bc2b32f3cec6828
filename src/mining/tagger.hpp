#pragma once
/// A learned material-mention tagger that adapts the rule-based mentions to an annotation
/// convention. Each token is classified B (begins a material span), I (continues one) or O from
/// the word, its shape and affixes, its neighbours and the rule-based mention it falls in (kind
/// and position), with a fastText linear classifier trained on annotated texts
/// (docs/mining.md §2.4). The rules find the formulas and names; the tagger learns which of
/// them a corpus marks and which generic nouns ("the solution", "pellets") it marks as well.
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mining/mentions.hpp"
#include "mining/text.hpp"

namespace pb::mining {

/// One annotated text: gold material spans as byte offsets into `text`.
struct TaggerExample {
  std::string text;
  std::vector<Span> gold;
  /// The abbreviations of the text's document (as `mine extract` finds them); may be null.
  std::shared_ptr<const AbbreviationTable> abbreviations;
};

/// fastText training parameters. The defaults were chosen by 5-fold cross-validation over the
/// train and dev documents of both corpora (`mine evaluate --split train,dev --folds 5`): fewer
/// epochs generalise better on a few thousand sentences.
struct TaggerParams {
  double lr = 0.1;
  int epoch = 5;
  int dim = 10;
  int seed = 1;
};

/// The feature strings of each token of a text (one vector per token), given the rule mentions
/// of the text. Features contain no white space.
std::vector<std::vector<std::string>> tagger_features(std::string_view text,
                                                      const std::vector<Token>& tokens,
                                                      const std::vector<Mention>& mentions);

class MentionTagger {
 public:
  MentionTagger();
  ~MentionTagger();
  MentionTagger(MentionTagger&&) noexcept;
  MentionTagger& operator=(MentionTagger&&) noexcept;

  /// Trains on the examples (one thread, so the same examples and seed give the same model).
  void train(const std::vector<TaggerExample>& examples, const TaggerParams& params = {});
  /// Material spans (byte offsets) of a text: runs of tokens tagged B or I.
  std::vector<Span> tag(std::string_view text, const std::vector<Token>& tokens,
                        const std::vector<Mention>& mentions) const;
  void save(const std::filesystem::path& path) const;
  /// Throws NotFound for a missing file and InvalidArgument for a file that is not a tagger.
  void load(const std::filesystem::path& path);
  bool trained() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The mentions of a text as the tagger sees them: each rule mention that overlaps a tagged span,
/// and a mention of kind learned for each tagged span that no rule mention overlaps; rule
/// mentions outside every tagged span are left out. `mentions` are the rule mentions.
std::vector<Mention> apply_tagger(const MentionTagger& tagger, std::string_view text,
                                  const std::vector<Token>& tokens,
                                  const std::vector<Mention>& mentions);

}  // namespace pb::mining
