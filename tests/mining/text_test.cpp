// Tokenizer, sentence splitter and quantities: every notation of issue 8 §2.
#include "mining/text.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "mining/extract.hpp"
#include "mining/quantities.hpp"

namespace pb::mining {
namespace {

std::vector<std::string> texts(std::string_view s) {
  std::vector<std::string> out;
  for (const Token& t : tokenize(s)) out.emplace_back(t.text);
  return out;
}

const Token& first_number(const std::vector<Token>& tokens) {
  for (const Token& t : tokens) {
    if (t.kind == TokenKind::kNumber) return t;
  }
  throw std::runtime_error("no number");
}

TEST(MiningTokenizer, PowersOfTenInEveryNotation) {
  struct Case {
    const char* text;
    double value;
    const char* token;
  };
  const Case cases[] = {
      {"1.2 \u00D7 10\u22123 S cm\u22121", 1.2e-3, "1.2 \u00D7 10\u22123"},
      {"1.2\u00D710\u22123", 1.2e-3, "1.2\u00D710\u22123"},
      {"1.2 x 10^-3 S/cm", 1.2e-3, "1.2 x 10^-3"},
      {"10^-3 S/cm", 1e-3, "10^-3"},
      {"1.2e-3 S/cm", 1.2e-3, "1.2e-3"},
      {"1.2E+03 mAh", 1.2e3, "1.2E+03"},
      {"3.5\u00D710\u207B\u2074 S cm\u207B\u00B9", 3.5e-4, "3.5\u00D710\u207B\u2074"},
      {"10\u207B\u00B3", 1e-3, "10\u207B\u00B3"},
      {"10\u22121 S cm\u22121", 0.1, "10\u22121"},  // SOFC-Exp PMC4495617: a lost superscript
      {"at \u221220 \u00B0C", -20, "\u221220"},
      {"at -20 \u00B0C", -20, "-20"},
      {"8.2 \u00B7 10\u22124", 8.2e-4, "8.2 \u00B7 10\u22124"},
      {"demonstrated 1,037 mW/cm2", 1037, "1,037"},  // SOFC-Exp PMC3564701
      {"samples 1,2 and 3", 1, "1"},
  };
  for (const Case& c : cases) {
    const auto tokens = tokenize(c.text);
    const Token& n = first_number(tokens);
    EXPECT_NEAR(n.value, c.value, std::fabs(c.value) * 1e-12) << c.text;
    EXPECT_EQ(n.text, c.token) << c.text;
  }
}

TEST(MiningTokenizer, KeepsFormulasAndUnitsWhole) {
  EXPECT_EQ(texts("Li1.3Al0.3Ti1.7(PO4)3, and"),
            (std::vector<std::string>{"Li1.3Al0.3Ti1.7(PO4)3", ",", "and"}));
  EXPECT_EQ(texts("Ba0.95La0.05FeO3-\u03B4 membranes"),
            (std::vector<std::string>{"Ba0.95La0.05FeO3-\u03B4", "membranes"}));
  EXPECT_EQ(texts("Li7La3Zr2O12 (LLZO) pellets"),
            (std::vector<std::string>{"Li7La3Zr2O12", "(", "LLZO", ")", "pellets"}));
  EXPECT_EQ(texts("(Li,Na)CoO2 was"), (std::vector<std::string>{"(Li,Na)CoO2", "was"}));
  EXPECT_EQ(texts("1 mS/cm"), (std::vector<std::string>{"1", "mS/cm"}));
  EXPECT_EQ(texts("150 mAh g\u22121."), (std::vector<std::string>{"150", "mAh", "g\u22121", "."}));
  EXPECT_EQ(texts("(S cm\u22121)"), (std::vector<std::string>{"(", "S", "cm\u22121", ")"}));
  EXPECT_EQ(texts("25\u00B0C"), (std::vector<std::string>{"25", "\u00B0C"}));
  EXPECT_EQ(texts("75Li2S\u00B725P2S5"), (std::vector<std::string>{"75", "Li2S\u00B725P2S5"}));
}

TEST(MiningTokenizer, RangesAndUncertainties) {
  EXPECT_EQ(texts("25\u201380 \u00B0C"),
            (std::vector<std::string>{"25", "\u2013", "80", "\u00B0C"}));
  EXPECT_EQ(texts("1.2 \u00B1 0.1"), (std::vector<std::string>{"1.2", "\u00B1", "0.1"}));
  EXPECT_EQ(texts("2.5-4.3 V"), (std::vector<std::string>{"2.5", "-", "4.3", "V"}));
}

TEST(MiningTokenizer, NeverThrowsOnBadBytes) {
  const std::string bad = "Li\xFF\xFE 1.\xC3 \xE2\x88";
  EXPECT_NO_THROW(tokenize(bad));
  EXPECT_NO_THROW(split_sentences(bad));
}

std::vector<std::string> sentences(std::string_view text) {
  std::vector<std::string> out;
  for (const Span& s : split_sentences(text))
    out.emplace_back(text.substr(s.begin, s.end - s.begin));
  return out;
}

TEST(MiningSentenceSplitter, IgnoresAbbreviationsAndDecimalPoints) {
  const auto s = sentences(
      "As reported by Zhang et al. (2019), garnets, e.g. LLZO, are stable. The conductivity was "
      "1.2 mS/cm (Fig. 2a) and i.e. high. Values in Fig. 3 reach 0.5 mS/cm at 25 \u00B0C. See "
      "Eq. 4 and Refs. 12-14. J. Smith agreed!");
  ASSERT_EQ(s.size(), 5u);
  EXPECT_EQ(s[0], "As reported by Zhang et al. (2019), garnets, e.g. LLZO, are stable.");
  EXPECT_EQ(s[1], "The conductivity was 1.2 mS/cm (Fig. 2a) and i.e. high.");
  EXPECT_EQ(s[2], "Values in Fig. 3 reach 0.5 mS/cm at 25 \u00B0C.");
  EXPECT_EQ(s[3], "See Eq. 4 and Refs. 12-14.");
  EXPECT_EQ(s[4], "J. Smith agreed!");
}

TEST(MiningSentenceSplitter, LinesAreSentencesAndLowerCaseContinues) {
  EXPECT_EQ(sentences("row one\tA\nrow two\tB").size(), 2u);
  EXPECT_EQ(sentences("It was 3.5 vs. 4.1 V. and more").size(), 1u);
}

Quantity one_quantity(std::string_view text) {
  const auto q = find_quantities(text, tokenize(text));
  if (q.size() != 1) throw std::runtime_error("expected one quantity in " + std::string(text));
  return q[0];
}

TEST(MiningQuantities, UnitsRangesUncertaintiesAndRates) {
  Quantity q = one_quantity("was 1.2 \u00D7 10\u22123 S cm\u22121 at");
  EXPECT_DOUBLE_EQ(q.value, 1.2e-3);
  EXPECT_EQ(q.unit_text, "S cm\u22121");
  ASSERT_TRUE(q.unit);
  EXPECT_TRUE(dims::conductivity(q.unit->dimension));

  q = one_quantity("from 25\u201380 \u00B0C");
  EXPECT_EQ(*q.min, 25);
  EXPECT_EQ(*q.max, 80);
  EXPECT_EQ(q.unit_text, "\u00B0C");

  q = one_quantity("from 25 \u00B0C to 80 \u00B0C");
  EXPECT_EQ(*q.min, 25);
  EXPECT_EQ(*q.max, 80);

  q = one_quantity("Ea = 0.34 \u00B1 0.02 eV");
  EXPECT_DOUBLE_EQ(*q.uncertainty, 0.02);
  EXPECT_EQ(q.value_text, "0.34 \u00B1 0.02");

  q = one_quantity("a = 1.23(4) eV");
  EXPECT_NEAR(*q.uncertainty, 0.04, 1e-12);

  q = one_quantity("0.16 mS/cm");
  EXPECT_EQ(q.unit_text, "mS/cm");
  q = one_quantity("162 mAh g\u22121 at");
  EXPECT_TRUE(dims::specific_capacity(q.unit->dimension));
  q = one_quantity("at 0.1C");
  EXPECT_TRUE(q.c_rate);
  EXPECT_DOUBLE_EQ(q.value, 0.1);
  q = one_quantity("at C/10 rate");
  EXPECT_TRUE(q.c_rate);
  EXPECT_DOUBLE_EQ(q.value, 0.1);
  q = one_quantity("8 mol% Y2O3");
  EXPECT_TRUE(q.composition);
  q = one_quantity("at 800 oC.");  // SOFC-Exp PMC4495617 writes "oC"
  EXPECT_EQ(q.unit_text, "oC");
  EXPECT_TRUE(dims::temperature(q.unit->dimension));
  q = one_quantity("< 0.5 V");
  EXPECT_EQ(q.qualifier, "<");
  // A number without a unit is not a quantity; "5 V vs. Li" stops at V.
  EXPECT_TRUE(find_quantities("after 100 cycles", tokenize("after 100 cycles")).empty());
  q = one_quantity("3.43 V vs. Li/Li+");
  EXPECT_EQ(q.unit_text, "V");
}

std::vector<std::string> quantity_texts(std::string_view text) {
  std::vector<std::string> out;
  for (const Quantity& q : find_quantities(text, tokenize(text))) {
    out.push_back(std::string(text.substr(q.begin, q.end - q.begin)));
  }
  return out;
}

// Numbers listed before a unit share it; "and" joins a range only after "between".
TEST(MiningQuantities, ListedNumbersShareTheUnit) {
  // SOFC-Exp PMC4770875 (Li et al., Sci. Rep. 2016, CC BY).
  const std::string s =
      "The peak power densities obtained from the cell using BZY-only electrolyte were 51, 93 "
      "and 206 mW/cm2 at 350, 375, and 400 \u00B0C, respectively.";
  EXPECT_EQ(quantity_texts(s),
            (std::vector<std::string>{"51", "93", "206 mW/cm2", "350", "375", "400 \u00B0C"}));
  const auto q = find_quantities(s, tokenize(s));
  EXPECT_TRUE(q[0].listed);
  EXPECT_EQ(q[0].unit_text, "mW/cm2");
  EXPECT_TRUE(dims::areal_power(q[0].unit->dimension));
  EXPECT_DOUBLE_EQ(q[4].value, 375);
  EXPECT_TRUE(dims::temperature(q[4].unit->dimension));
  // SOFC-Exp PMC4021905 (Faes et al., Membranes 2012, CC BY): two temperatures, not a range.
  EXPECT_EQ(quantity_texts("at 650 and 800 \u00B0C, respectively"),
            (std::vector<std::string>{"650", "800 \u00B0C"}));
  const Quantity r = one_quantity("cycled between 2.5 and 4.3 V");
  EXPECT_EQ(*r.min, 2.5);
  EXPECT_EQ(*r.max, 4.3);
}

// "850-nm-thick GDC": a unit hyphenated to the number and to an adjective.
// A line ends a sentence (a table row), so a unit on the next line does not belong to the number
// (found by the mining_text fuzz target: a record's span crossed its sentence).
TEST(MiningQuantities, UnitsDoNotContinueOnTheNextLine) {
  const std::string_view text = "Li2S 30\nmAh g\u22121 S cm\u22121";
  const auto q = find_quantities(text, tokenize(text));
  for (const Quantity& x : q) {
    EXPECT_EQ(text.substr(x.begin, x.end - x.begin).find('\n'), std::string_view::npos);
  }
  const Extraction ex = extract_text("discharge capacity of 0\nmAh g\u22121 S");
  for (const MinedRecord& r : ex.records) {
    EXPECT_LE(r.span.end, r.sentence.end);
    EXPECT_GE(r.span.begin, r.sentence.begin);
  }
}

TEST(MiningQuantities, HyphenatedThickness) {
  // SOFC-Exp PMC3564701 (Ji et al., Nanoscale Res. Lett. 2013, CC BY).
  EXPECT_EQ(quantity_texts("Thin-film fuel cells with 850-nm-thick GDC and 850-nm-thick Sn0.1"),
            (std::vector<std::string>{"850-nm-thick", "850-nm-thick"}));
  const Quantity q = one_quantity("a 8 nm-thick YSZ layer");
  EXPECT_EQ(q.unit_text, "nm-thick");
  EXPECT_DOUBLE_EQ(units::convert(q.value, *q.unit, units::parse_unit("m")), 8e-9);
}

// Laboratory units of synthesis sections and numbers kept with their unit inside brackets.
TEST(MiningQuantities, LaboratoryUnitsAndBracketedPercent) {
  // Materials Science Procedural Text Corpus, 101002aoc1683 (MIT).
  EXPECT_EQ(quantity_texts("a mixture of [PdCl2 (PPh3)2] in 3 ml of 0.1 M sodium acetate and the "
                           "respective ligands in 15 ml alcohol in a 1:1 ratio for 5 h."),
            (std::vector<std::string>{"3 ml", "0.1 M", "15 ml", "5 h"}));
  // Same corpus, 101002adma200903953 and 101016jelectacta201410035.
  const Quantity pct = one_quantity("was adjusted to 6 with aqueous ammonia (28%).");
  EXPECT_EQ(pct.unit_text, "%");
  EXPECT_DOUBLE_EQ(pct.value, 28);
  const Quantity rpm = one_quantity("The milling speed was set at 200 rpm.");
  EXPECT_NEAR(units::convert(rpm.value, *rpm.unit, units::parse_unit("Hz")), 200.0 / 60, 1e-12);
  const Quantity molar = one_quantity("0.1 M");
  EXPECT_NEAR(units::convert(molar.value, *molar.unit, units::parse_unit("mol/L")), 0.1, 1e-12);
  EXPECT_EQ(one_quantity("stirred for 3 hours").unit_text, "hours");
  EXPECT_EQ(one_quantity("aged for 4 days").unit->factor, 86400.0);
  EXPECT_TRUE(one_quantity("a slurry (10 wt %)").composition);
  // SOFC-Exp PMC4673446: "ml min−1".
  const Quantity flow = one_quantity("with a flow rate of 80 ml min\u22121.");
  EXPECT_EQ(flow.unit_text, "ml min\u22121");
}

}  // namespace
}  // namespace pb::mining
