// Measured precision and recall on the annotated corpora in ../shared, with floors so that a
// regression fails. The figures are printed; docs/mining.md records them.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "mining/evaluate.hpp"
#include "mining/tagger.hpp"

namespace pb::mining {
namespace {

const std::filesystem::path kCorpora =
    std::filesystem::path(PB_SHARED_DIR) / "data" / "literature_mining";

void print(const char* name, const Score& s) {
  std::printf("  %-30s P %.3f (%zu/%zu)  R %.3f (%zu/%zu)  F1 %.3f\n", name, s.precision(),
              s.predicted_matched, s.predicted, s.recall(), s.gold_matched, s.gold, s.f1());
}

void print(const EvaluationReport& r) {
  std::printf("%s: %zu documents, %zu sentences\n", r.corpus.c_str(), r.documents, r.sentences);
  print("material (overlap)", r.material_overlap);
  print("material (exact)", r.material_exact);
  std::printf("  %-30s R %.3f (%zu/%zu)\n", "formula-like gold materials",
              r.material_formula_gold.recall(), r.material_formula_gold.gold_matched,
              r.material_formula_gold.gold);
  print("value+unit (overlap)", r.value_overlap);
  print("value+unit (exact)", r.value_exact);
}

TEST(MiningEvaluation, SofcExp) {
  if (!std::filesystem::exists(kCorpora / "sofc-exp-corpus")) {
    GTEST_SKIP() << "../shared/data/literature_mining/sofc-exp-corpus is absent";
  }
  const EvaluationReport r = evaluate_sofc_exp(kCorpora / "sofc-exp-corpus");
  print(r);
  EXPECT_EQ(r.documents, 45u);
  // Measured 2026-11-25 (all 45, pb-mining-rules/5): material P 0.888 R 0.924 F1 0.905 (overlap),
  // formula-like gold R 1.00, value+unit F1 0.949 (overlap). The floors sit a little below.
  EXPECT_GE(r.material_overlap.f1(), 0.89);
  EXPECT_GE(r.material_formula_gold.recall(), 0.95);
  EXPECT_GE(r.value_overlap.f1(), 0.93);
  // The held-out test split (rules were tuned on train and dev): material F1 0.904 (the goal,
  // 0.90; pb-mining-rules/4 had 0.8997), value F1 0.962.
  EvaluationOptions test;
  test.split = "test";
  const EvaluationReport t = evaluate_sofc_exp(kCorpora / "sofc-exp-corpus", test);
  print(t);
  EXPECT_EQ(t.documents, 11u);
  EXPECT_GE(t.material_overlap.f1(), 0.90);
  EXPECT_GE(t.value_overlap.f1(), 0.93);
}

TEST(MiningEvaluation, SynthesisProcedures) {
  if (!std::filesystem::exists(kCorpora / "annotated_materials_syntheses")) {
    GTEST_SKIP() << "../shared/data/literature_mining/annotated_materials_syntheses is absent";
  }
  const EvaluationReport r = evaluate_syntheses(kCorpora / "annotated_materials_syntheses");
  print(r);
  EXPECT_EQ(r.documents, 230u);
  // Measured 2026-11-25 (all 230, pb-mining-rules/5): material P 0.816 R 0.761 F1 0.788,
  // formula-like gold R 0.99,
  // value+unit F1 0.955. The corpus annotates every substance of a procedure ("the solution",
  // "water", "citric acid"), found as reagent, medium and reference mentions; it leaves many
  // formulas unannotated (KBr pellets, Al2O3 crucibles), which count against precision.
  EXPECT_GE(r.material_overlap.f1(), 0.76);
  EXPECT_GE(r.material_formula_gold.recall(), 0.95);
  EXPECT_GE(r.value_overlap.f1(), 0.93);
  EvaluationOptions test;
  test.split = "test";
  const EvaluationReport t = evaluate_syntheses(kCorpora / "annotated_materials_syntheses", test);
  print(t);
  EXPECT_EQ(t.documents, 15u);
  EXPECT_GE(t.material_overlap.f1(), 0.69);  // measured 0.713
  EXPECT_GE(t.value_overlap.f1(), 0.93);     // measured 0.956
}

// The learned tagger (mining/tagger.hpp) trained on the train and dev documents of the synthesis
// corpus and scored on its test split, against the rules alone on the same split.
TEST(MiningEvaluation, TaggerOnSynthesisProcedures) {
  const std::filesystem::path dir = kCorpora / "annotated_materials_syntheses";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << dir << " is absent";
  const std::vector<TaggerExample> examples = tagger_examples(kCorpora, "syntheses", "train,dev");
  ASSERT_EQ(examples.size(), 215u);
  MentionTagger tagger;
  tagger.train(examples);
  EvaluationOptions rules;
  rules.split = "test";
  EvaluationOptions learned = rules;
  learned.tagger = &tagger;
  const EvaluationReport r = evaluate_syntheses(dir, rules);
  const EvaluationReport l = evaluate_syntheses(dir, learned);
  print(l);
  // Measured 2026-11-25 (pb-mining-rules/5): rules F1 0.713, tagger F1 0.774 (P 0.785, R 0.763).
  EXPECT_GE(l.material_overlap.f1(), 0.76);
  EXPECT_GT(l.material_overlap.f1(), r.material_overlap.f1() + 0.04);
  EXPECT_GT(l.material_by_kind.at("learned").predicted_matched, 20u);
  EXPECT_EQ(l.value_overlap.predicted, r.value_overlap.predicted);  // values are the rules'

  // A saved and loaded tagger and a second one trained on the same examples tag alike.
  const std::filesystem::path file =
      std::filesystem::temp_directory_path() / "pb-corpus-test-syntheses.tagger";
  tagger.save(file);
  MentionTagger loaded;
  loaded.load(file);
  std::filesystem::remove(file);
  MentionTagger again;
  again.train(examples);
  for (const MentionTagger* t : {&loaded, &again}) {
    learned.tagger = t;
    const EvaluationReport x = evaluate_syntheses(dir, learned);
    EXPECT_EQ(x.material_overlap.predicted, l.material_overlap.predicted);
    EXPECT_EQ(x.material_overlap.predicted_matched, l.material_overlap.predicted_matched);
    EXPECT_EQ(x.material_overlap.gold_matched, l.material_overlap.gold_matched);
  }

  // Five-fold cross-validation by document over train and dev: measured F1 0.832 (rules, which
  // were tuned on these documents: 0.793).
  EvaluationOptions cv;
  cv.split = "train,dev";
  cv.folds = 5;
  const EvaluationReport c = evaluate_syntheses(dir, cv);
  print(c);
  EXPECT_GE(c.material_overlap.f1(), 0.81);
}

// On SOFC-Exp the tagger does not beat the rules (measured 2026-11-25 on the test split: 0.899
// against 0.904); the floor keeps it from getting worse.
TEST(MiningEvaluation, TaggerOnSofcExp) {
  const std::filesystem::path dir = kCorpora / "sofc-exp-corpus";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << dir << " is absent";
  MentionTagger tagger;
  tagger.train(tagger_examples(kCorpora, "sofc-exp", "train,dev"));
  EvaluationOptions learned;
  learned.split = "test";
  learned.tagger = &tagger;
  const EvaluationReport l = evaluate_sofc_exp(dir, learned);
  print(l);
  EXPECT_GE(l.material_overlap.f1(), 0.87);
}

}  // namespace
}  // namespace pb::mining
