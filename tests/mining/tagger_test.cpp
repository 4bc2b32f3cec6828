// The learned mention tagger (mining/tagger.hpp): features, training on real sentences, spans,
// and refused model files.
#include "mining/tagger.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "util/error.hpp"

namespace pb::mining {
namespace {

// From the synthesis corpus (Mysore et al. 2019, MIT), 10.1002/adma.200903953 and
// 10.1039/c3gc41362d, with the corpus's Material spans.
TaggerExample example(std::string text, const std::vector<std::string>& gold) {
  TaggerExample e;
  e.text = std::move(text);
  for (const std::string& g : gold) {
    const std::size_t at = e.text.find(g);
    EXPECT_NE(at, std::string::npos) << g;
    e.gold.push_back({at, at + g.size()});
  }
  return e;
}

TEST(MiningTagger, FeaturesHaveNoWhiteSpaceAndNameTheRuleMention) {
  const std::string text = "Fe nitrate (10 mmol) was dissolved in\twater\u00a0(100 mL).";
  const auto tokens = tokenize(text);
  const auto mentions = find_mentions(text, tokens, {});
  const auto features = tagger_features(text, tokens, mentions);
  ASSERT_EQ(features.size(), tokens.size());
  bool water = false;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    for (const std::string& f : features[i]) {
      EXPECT_EQ(f.find_first_of(" \t\n\r\v\f"), std::string::npos) << f;
    }
    if (tokens[i].text == "water") {
      water = std::find(features[i].begin(), features[i].end(), "r=B-medium") != features[i].end();
    }
  }
  EXPECT_TRUE(water);
}

TEST(MiningTagger, LearnsAGenericNounFromAnnotatedSentences) {
  const std::vector<TaggerExample> examples = {
      example(
          "The mixing produced a yellow-colored suspension, which was allowed to stand for 1 h.",
          {"suspension"}),
      example("The suspension was filtrated to collect the precursor metal oxalate particles.",
              {"suspension", "metal oxalate"}),
      example("This solution was mixed with a suspension containing the metal oxide (2 g) in "
              "deionized water (25 mL).",
              {"solution", "suspension", "metal oxide", "water"}),
      example("After stirring for 18 h, the suspension was filtered and washed.", {"suspension"}),
      example("The precipitate was dried at 120 degC.", {}),
  };
  TaggerParams params;
  params.epoch = 50;
  params.lr = 0.5;
  MentionTagger tagger;
  EXPECT_FALSE(tagger.trained());
  tagger.train(examples, params);
  ASSERT_TRUE(tagger.trained());
  const std::string text = "The black suspension was filtered, washed, and then dried.";
  const auto tokens = tokenize(text);
  const auto spans = tagger.tag(text, tokens, find_mentions(text, tokens, {}));
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(text.substr(spans[0].begin, spans[0].end - spans[0].begin), "suspension");
}

TEST(MiningTagger, ApplyKeepsRuleMentionsInsideTaggedSpansAndAddsLearnedOnes) {
  const std::vector<TaggerExample> examples = {
      example("Au was deposited on activated carbon by adding 2 g of the support.",
              {"Au", "carbon"}),
      example("The catalyst was supported on carbon black.", {"carbon"}),
      example("Pt was deposited on carbon.", {"Pt", "carbon"}),
  };
  TaggerParams params;
  params.epoch = 50;
  params.lr = 0.5;
  MentionTagger tagger;
  tagger.train(examples, params);
  const std::string text = "Pd was deposited on carbon.";
  const auto tokens = tokenize(text);
  const auto rules = find_mentions(text, tokens, {});
  ASSERT_EQ(rules.size(), 1u);
  const auto mentions = apply_tagger(tagger, text, tokens, rules);
  ASSERT_EQ(mentions.size(), 2u);
  EXPECT_EQ(mentions[0].text, "Pd");
  EXPECT_EQ(mentions[0].kind, MentionKind::kFormula);
  EXPECT_EQ(mentions[1].text, "carbon");
  EXPECT_EQ(mentions[1].kind, MentionKind::kLearned);
  EXPECT_FALSE(is_material(MentionKind::kLearned));
}

TEST(MiningTagger, RefusesWhatIsNotATagger) {
  MentionTagger tagger;
  const std::string text = "LiCoO2";
  EXPECT_THROW(tagger.tag(text, tokenize(text), {}), InvalidArgument);
  EXPECT_THROW(tagger.save("/nonexistent/x"), InvalidArgument);
  EXPECT_THROW(tagger.train({}), InvalidArgument);
  EXPECT_THROW(tagger.load("/nonexistent/tagger.bin"), NotFound);
  const auto junk = std::filesystem::temp_directory_path() / "pb-tagger-test-junk.bin";
  std::ofstream(junk) << "not a model\n";
  EXPECT_THROW(tagger.load(junk), InvalidArgument);
  std::filesystem::remove(junk);
  EXPECT_FALSE(tagger.trained());
}

}  // namespace
}  // namespace pb::mining
