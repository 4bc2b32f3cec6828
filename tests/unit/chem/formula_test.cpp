// Every notation of the formula grammar, with compositions worked out by hand.
#include "chem/formula.hpp"

#include <gtest/gtest.h>

#include "formula_helpers.hpp"
#include "util/error.hpp"

using pb::chem::ComponentBasis;
using pb::chem::FormulaOptions;
using pb::chem::Number;
using pb::chem::parse_formula;
using pb::test::composition_of;
using pb::test::error_column;

TEST(Formula, ParsesPlainFormulas) {
  EXPECT_EQ(composition_of("Li7La3Zr2O12"), "La:3 Li:7 O:12 Zr:2");
  EXPECT_EQ(composition_of("Li6.4La3Zr1.4Ta0.6O12"), "La:3 Li:6.4 O:12 Ta:0.6 Zr:1.4");
  EXPECT_EQ(composition_of("Zr1"), "Zr:1");
  EXPECT_EQ(composition_of("C1Pt1"), "C:1 Pt:1");
  EXPECT_EQ(composition_of("NaCl"), "Cl:1 Na:1");
  // Greedy two-letter symbols: Co is cobalt, CO is carbon monoxide.
  EXPECT_EQ(composition_of("CO"), "C:1 O:1");
  EXPECT_EQ(composition_of("Co"), "Co:1");
}

TEST(Formula, ParsesNestedGroupsWithMultipliers) {
  EXPECT_EQ(composition_of("Ag(AuS)2"), "Ag:1 Au:2 S:2");
  EXPECT_EQ(composition_of("Li1.3Al0.3Ti1.7(PO4)3"), "Al:0.3 Li:1.3 O:12 P:3 Ti:1.7");
  EXPECT_EQ(composition_of("Ca3(Fe[CN]6)2"), "C:12 Ca:3 Fe:2 N:12");
  EXPECT_EQ(composition_of("K4{Fe(CN)6}"), "C:6 Fe:1 K:4 N:6");
  EXPECT_EQ(composition_of("((CH3)3)2"), "C:6 H:18");
}

TEST(Formula, ParsesFractionalAmountsExactly) {
  auto f = parse_formula("LiNi1/3Mn1/3Co1/3O2");
  EXPECT_EQ(pb::test::amounts_text(f.composition), "Co:1/3 Li:1 Mn:1/3 Ni:1/3 O:2");
  EXPECT_TRUE(f.composition.exact());
  EXPECT_EQ(f.composition.formula_reduced_optimade(), "CoLi3MnNiO6");
  // Three thirds sum to exactly one.
  EXPECT_EQ(f.composition.total_atoms(), Number(4));
}

TEST(Formula, ParsesSiteNotation) {
  EXPECT_EQ(composition_of("[Li0.95Nb0.01]NbO3"), "Li:0.95 Nb:1.01 O:3");
  EXPECT_EQ(composition_of("[Li0.95Nb0.03]Nb0.98O3"), "Li:0.95 Nb:1.01 O:3");
  EXPECT_EQ(composition_of("Li0.6[Li0.2Sn0.8S2]"), "Li:0.8 S:2 Sn:0.8");
}

TEST(Formula, KeepsMixedSitesWithUnknownSplit) {
  auto f = parse_formula("(Li,Na)CoO2");
  ASSERT_EQ(f.mixed_sites.size(), 1u);
  EXPECT_EQ(f.mixed_sites[0].elements, (std::vector<int>{3, 11}));
  EXPECT_TRUE(f.approximate);
  EXPECT_EQ(pb::test::amounts_text(f.composition), "Co:1 Li:0.5 Na:0.5 O:2");
  ASSERT_FALSE(f.warnings.empty());
  // With amounts the comma is just a separator and nothing is assumed.
  auto g = parse_formula("(Li0.3,Na0.7)CoO2");
  EXPECT_TRUE(g.mixed_sites.empty());
  EXPECT_FALSE(g.approximate);
  EXPECT_EQ(pb::test::amounts_text(g.composition), "Co:1 Li:0.3 Na:0.7 O:2");
  EXPECT_NE(error_column("(Li0.3,Na)CoO2"), 0u);
}

TEST(Formula, ParsesHydratesAndAdducts) {
  EXPECT_EQ(composition_of("CuSO4·5H2O"), "Cu:1 H:10 O:9 S:1");
  // pymatgen reads this as CuH2SO5.5; the '.' before 5H2O separates the water.
  EXPECT_EQ(composition_of("CuSO4.5H2O"), "Cu:1 H:10 O:9 S:1");
  EXPECT_EQ(composition_of("CuSO4*5H2O"), "Cu:1 H:10 O:9 S:1");
  EXPECT_EQ(composition_of("LiCl*H2O"), "Cl:1 H:2 Li:1 O:1");
  EXPECT_EQ(composition_of("LiCl.H2O"), "Cl:1 H:2 Li:1 O:1");
  EXPECT_EQ(composition_of("Li2S*P2S5*Li3N"), "Li:5 N:1 P:2 S:6");
  // A decimal point stays a decimal point: Li0.5 is an amount.
  EXPECT_EQ(composition_of("Li0.5H2O"), "H:2 Li:0.5 O:1");
  auto f = parse_formula("CuSO4·5H2O");
  ASSERT_EQ(f.components.size(), 2u);
  EXPECT_EQ(f.components[0].text, "CuSO4");
  EXPECT_EQ(f.components[1].text, "H2O");
  EXPECT_EQ(*f.components[1].coefficient.number(), Number(5));
  // Unknown water content stays symbolic.
  auto x = parse_formula("CuSO4·xH2O");
  EXPECT_EQ(x.composition.variables(), (std::vector<std::string>{"x"}));
  EXPECT_EQ(composition_of("CuSO4·xH2O", FormulaOptions{{{"x", Number(5)}}, true}),
            "Cu:1 H:10 O:9 S:1");
}

TEST(Formula, KeepsVariableStoichiometrySymbolic) {
  auto f = parse_formula("Li1+xAlxTi2-x(PO4)3");
  EXPECT_TRUE(f.composition.symbolic());
  EXPECT_EQ(f.composition.variables(), (std::vector<std::string>{"x"}));
  // Electronegativity order: Li 0.98, Ti 1.54, Al 1.61, P 2.19, O 3.44.
  EXPECT_EQ(f.composition.formula(), "Li1+xTi2-xAlxP3O12");
  FormulaOptions o;
  o.values["x"] = Number::fraction(3, 10);
  EXPECT_EQ(composition_of("Li1+xAlxTi2-x(PO4)3", o), "Al:0.3 Li:1.3 O:12 P:3 Ti:1.7");
  EXPECT_EQ(
      composition_of("Li7-xLa3Zr2-xTaxO12", FormulaOptions{{{"x", Number::fraction(3, 5)}}, true}),
      "La:3 Li:6.4 O:12 Ta:0.6 Zr:1.4");
  FormulaOptions yz;
  yz.values = {{"y", Number::fraction(1, 10)}, {"z", Number::fraction(1, 5)}};
  EXPECT_EQ(composition_of("LiyNb1-yTizO2.5-2y+2z", yz), "Li:0.1 Nb:0.9 O:2.7 Ti:0.2");
  EXPECT_EQ(parse_formula("SrTiO3-δ").composition.variables(), (std::vector<std::string>{"δ"}));
  EXPECT_EQ(composition_of("SrTiO3-δ", FormulaOptions{{{"δ", Number::fraction(1, 10)}}, true}),
            "O:2.9 Sr:1 Ti:1");
}

TEST(Formula, ReadsValuesWrittenAfterTheFormula) {
  for (const char* text : {"Li1+xAlxTi2-x(PO4)3, x = 0.3", "Li1+xAlxTi2-x(PO4)3 (x=0.3)",
                           "Li1+xAlxTi2-x(PO4)3 x = 0.3", "Li1+xAlxTi2-x(PO4)3 with x = 0.3"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(composition_of(text), "Al:0.3 Li:1.3 O:12 P:3 Ti:1.7");
  }
  // --set overrides the written value.
  FormulaOptions o;
  o.values["x"] = Number::fraction(1, 2);
  EXPECT_EQ(composition_of("Li1+xAlxTi2-x(PO4)3, x = 0.3", o), "Al:0.5 Li:1.5 O:12 P:3 Ti:1.5");
  auto f = parse_formula("LiyNb1-yTizO2.5-2y+2z (y = 0.1, z = 0.2)");
  EXPECT_EQ(pb::test::amounts_text(f.composition), "Li:0.1 Nb:0.9 O:2.7 Ti:0.2");
  EXPECT_EQ(f.values.size(), 2u);
}

TEST(Formula, RejectsNegativeAmountsAfterSubstitution) {
  FormulaOptions o;
  o.values["x"] = Number(3);
  EXPECT_THROW(parse_formula("Li1+xAlxTi2-x(PO4)3", o), pb::ParseError);
}

TEST(Formula, ParsesMixturesAndKeepsComponents) {
  auto f = parse_formula("0.75Li2S-0.25P2S5");
  EXPECT_EQ(pb::test::amounts_text(f.composition), "Li:1.5 P:0.5 S:2");
  EXPECT_EQ(f.composition.reduced_formula(), "Li3PS4");
  ASSERT_EQ(f.components.size(), 2u);
  EXPECT_EQ(f.components[0].text, "Li2S");
  EXPECT_EQ(*f.components[0].coefficient.number(), Number::fraction(3, 4));
  EXPECT_EQ(f.components[1].text, "P2S5");
  EXPECT_EQ(pb::test::amounts_text(f.components[1].composition), "P:2 S:5");
  // mol % written as integers: the same compound, 100 times more.
  auto g = parse_formula("75Li2S·25P2S5");
  EXPECT_EQ(pb::test::amounts_text(g.composition), "Li:150 P:50 S:200");
  EXPECT_EQ(g.composition.reduced_formula(), "Li3PS4");
  EXPECT_EQ(g.components.size(), 2u);
  EXPECT_EQ(composition_of("Li2S-P2S5"), "Li:2 P:2 S:6");
  EXPECT_EQ(composition_of("LiTi2(PO4)3-0.8LiNO3"), "Li:1.8 N:0.8 O:14.4 P:3 Ti:2");
  EXPECT_EQ(composition_of("0.3 Li2S * 0.7 SiS2"), "Li:0.6 S:1.7 Si:0.7");
  EXPECT_EQ(composition_of("0.2(Li2S) 0.8(GeS2)"), "Ge:0.8 Li:0.4 S:1.8");
  EXPECT_EQ(composition_of("(Li2O)50 (Al2O3)2 (P2O5)48"), "Al:4 Li:100 O:296 P:96");
  EXPECT_EQ(parse_formula("(Li2O)50 (Al2O3)2 (P2O5)48").components.size(), 3u);
}

TEST(Formula, ParsesNestedAndSymbolicMixtures) {
  EXPECT_EQ(composition_of("0.8(0.6Li2S-0.4SiS2)- 0.2Li4SiO4"), "Li:1.76 O:0.8 S:1.12 Si:0.52");
  EXPECT_EQ(composition_of("(2Li2S-P2S5)0.55(LiI)0.45"), "I:0.45 Li:2.65 P:1.1 S:3.85");
  EXPECT_EQ(composition_of("\"(LiI)0.3 ((Li2S)0.3 ((Ga2S3)0.1 (GeS2)0.9)0.7)0.7\""),
            "Ga:0.098 Ge:0.441 I:0.3 Li:0.72 S:1.239");
  auto f = parse_formula("xLi2S-(1-x)P2S5");
  EXPECT_EQ(f.components.size(), 2u);
  EXPECT_EQ(
      composition_of("xLi2S-(1-x)P2S5", FormulaOptions{{{"x", Number::fraction(3, 4)}}, true}),
      "Li:1.5 P:0.5 S:2");
  EXPECT_EQ(
      composition_of("(1-x)Li2S·xP2S5", FormulaOptions{{{"x", Number::fraction(1, 4)}}, true}),
      "Li:1.5 P:0.5 S:2");
}

TEST(Formula, ConvertsWeightPercentToMoles) {
  auto f = parse_formula("Li3PS4 – 30 wt% SiO2");
  ASSERT_EQ(f.components.size(), 2u);
  EXPECT_EQ(f.components[1].basis, ComponentBasis::kWeightPercent);
  EXPECT_TRUE(f.approximate);
  // By hand: M(Li3PS4) = 3*6.941 + 30.974 + 4*32.065 = 180.057; M(SiO2) = 60.084.
  // moles 70/180.057 = 0.38877, 30/60.084 = 0.49930 -> mole fractions 0.43780, 0.56220.
  double li3ps4 = 70.0 / 180.0566, sio2 = 30.0 / 60.0843;
  double x = li3ps4 / (li3ps4 + sio2);
  EXPECT_NEAR(f.components[0].moles.number()->value(), x, 1e-4);
  EXPECT_NEAR(f.composition.amount_of(14).value(), 1 - x, 1e-4);
  EXPECT_NEAR(f.composition.amount_of(3).value(), 3 * x, 1e-4);
  // The percentage belongs to the whole glass after it.
  auto g = parse_formula("Li7La3Zr2O12–3 wt% 65Li2O·27B2O3·8SiO2");
  ASSERT_EQ(g.components.size(), 2u);
  EXPECT_EQ(g.components[1].text, "65Li2O·27B2O3·8SiO2");
  EXPECT_NE(error_column("Li3PS4 - 30 % SiO2"), 0u);                   // which percent?
  EXPECT_NE(error_column("Li3PS4 - 60 wt% SiO2 - 50 wt% Al2O3"), 0u);  // over 100
}

TEST(Formula, ParsesChargesAndOxidationStates) {
  for (const char* text : {"Fe2+", "Fe^{2+}", "Fe^2+", "Fe\u00B2\u207A"}) {
    SCOPED_TRACE(text);
    auto f = parse_formula(text);
    ASSERT_EQ(f.composition.entries().size(), 1u);
    const auto& sp = f.composition.entries()[0].species;
    EXPECT_EQ(sp.z, 26);
    EXPECT_TRUE(sp.has_charge);
    EXPECT_EQ(sp.charge, 2);
    EXPECT_EQ(*f.composition.entries()[0].amount.number(), Number(1));
  }
  EXPECT_EQ(parse_formula("O2-").composition.entries()[0].species.charge, -2);
  EXPECT_EQ(parse_formula("Mn2+").composition.entries()[0].species.to_string(), "Mn2+");
  EXPECT_EQ(parse_formula("Cl-").composition.entries()[0].species.charge, -1);
  EXPECT_EQ(parse_formula("Fe^{3+}").composition.entries()[0].species.charge, 3);
  // Charged species in a formula: Fe3O4 written by oxidation state.
  EXPECT_EQ(composition_of("Fe^{2+}Fe^{3+}2O4"), "Fe:3 O:4");
  // But a minus between compounds is a mixture, not a charge.
  EXPECT_EQ(composition_of("Li2O-P2O5"), "Li:2 O:6 P:2");
}

TEST(Formula, ParsesIsotopes) {
  auto f = parse_formula("D2O");
  EXPECT_EQ(pb::test::amounts_text(f.composition), "H:2 O:1");
  EXPECT_EQ(f.composition.entries()[0].species.to_string(), "D");
  EXPECT_NEAR(f.composition.molar_mass(), 2 * 2.014101778 + 15.9994, 1e-3);
  EXPECT_EQ(f.composition.formula_reduced_optimade(), "H2O");
  double wsum = 0;
  for (auto [z, w] : f.composition.weight_fractions()) wsum += w;
  EXPECT_NEAR(wsum, 1.0, 1e-12);
  auto t = parse_formula("T2O");
  EXPECT_EQ(t.composition.entries()[0].species.mass_number, 3);
  // Ta, Tb, Ti, Dy, Ds are still elements.
  EXPECT_EQ(composition_of("TaDy"), "Dy:1 Ta:1");
}

TEST(Formula, NormalisesUnicode) {
  EXPECT_EQ(composition_of("Li\u2082O"), "Li:2 O:1");                          // subscripts
  EXPECT_EQ(composition_of("0.75Li2S\u22120.25P2S5"), "Li:1.5 P:0.5 S:2");     // minus sign
  EXPECT_EQ(composition_of("0.75Li2S\u20130.25P2S5"), "Li:1.5 P:0.5 S:2");     // en dash
  EXPECT_EQ(composition_of("0.75Li2S\u20140.25P2S5"), "Li:1.5 P:0.5 S:2");     // em dash
  EXPECT_EQ(composition_of("Li7La3Zr2O12\u00A0"), "La:3 Li:7 O:12 Zr:2");      // no-break space
  EXPECT_EQ(composition_of("0.30Li2S-0.7GeS\u00AD2"), "Ge:0.7 Li:0.6 S:1.7");  // soft hyphen
  EXPECT_EQ(composition_of("Li\uFF12O"), "Li:2 O:1");                          // full-width 2
  EXPECT_EQ(composition_of("CuSO4\u20225H2O"), "Cu:1 H:10 O:9 S:1");           // bullet
  EXPECT_EQ(composition_of("\u201CLi2O\u201D"), "Li:2 O:1");                   // curly quotes
}

TEST(Formula, StripsQuotesSpacesAndPhaseLabels) {
  EXPECT_EQ(composition_of("\"(Li2O)50 (P2O5)50\""), "Li:100 O:300 P:100");
  EXPECT_EQ(composition_of("  Li6.4Al0.19La3Zr2O11.8 "), "Al:0.19 La:3 Li:6.4 O:11.8 Zr:2");
  EXPECT_EQ(composition_of("Li0.022 La0.115 Ti0.165 Al0.055 O0.618"),
            "Al:0.055 La:0.115 Li:0.022 O:0.618 Ti:0.165");
  EXPECT_EQ(composition_of("Li6.02P0.98Si0.02S5 Br"), "Br:1 Li:6.02 P:0.98 S:5 Si:0.02");
  auto b = parse_formula("\u03B2-Li8GeP4");
  EXPECT_EQ(b.phase, "\u03B2");
  EXPECT_EQ(pb::test::amounts_text(b.composition), "Ge:1 Li:8 P:4");
  EXPECT_EQ(parse_formula("r-LiAlO2").phase, "r");
  EXPECT_EQ(parse_formula("HT-LiAlO2").phase, "HT");
}

TEST(Formula, ExpandsAbbreviations) {
  auto f = parse_formula("LLZO");
  EXPECT_EQ(pb::test::amounts_text(f.composition), "La:3 Li:7 O:12 Zr:2");
  ASSERT_EQ(f.aliases.size(), 1u);
  EXPECT_EQ(f.aliases[0]->name, "LLZO");
  EXPECT_FALSE(f.approximate);
  EXPECT_EQ(composition_of("NMC811"), "Co:0.1 Li:1 Mn:0.1 Ni:0.8 O:2");
  EXPECT_EQ(composition_of("NCM811"), "Co:0.1 Li:1 Mn:0.1 Ni:0.8 O:2");
  // NCA would otherwise parse as N + Ca: the abbreviation wins and is marked approximate.
  auto nca = parse_formula("NCA");
  EXPECT_TRUE(nca.approximate);
  EXPECT_EQ(pb::test::amounts_text(nca.composition), "Al:0.05 Co:0.15 Li:1 Ni:0.8 O:2");
  auto lps = parse_formula("LPS");
  EXPECT_TRUE(lps.approximate);
  EXPECT_NE(lps.warnings.front().find("ambiguous"), std::string::npos);
  EXPECT_TRUE(parse_formula("LiPON").approximate);
  // Inside a mixture.
  EXPECT_EQ(composition_of("0.5LLZO-0.5LFP"), "Fe:0.5 La:1.5 Li:4 O:8 P:0.5 Zr:1");
  // Switched off, LLZO is not a formula.
  FormulaOptions plain;
  plain.aliases = false;
  EXPECT_THROW(parse_formula("LLZO", plain), pb::ParseError);
}

TEST(Formula, ReportsErrorsWithColumns) {
  EXPECT_EQ(error_column("Li2Xx3"), 4u);  // unknown element
  EXPECT_EQ(error_column("Li(PO4"), 3u);  // never closed: points at the '('
  EXPECT_EQ(error_column("Li--O"), 4u);   // nothing between the separators
  EXPECT_EQ(error_column(""), 1u);        // empty
  EXPECT_EQ(error_column("   "), 1u);
  EXPECT_EQ(error_column("Li0.39Lao.54TiO3"), 9u);  // letter o for zero
  EXPECT_EQ(error_column("LiHf2(P04)3"), 8u);       // zero for letter O
  EXPECT_EQ(error_column("Li2O)"), 5u);             // unmatched ')'
  EXPECT_EQ(error_column("Li(PO4]3"), 7u);          // wrong closer
  EXPECT_EQ(error_column("li2O"), 1u);              // lower-case element
  EXPECT_EQ(error_column("Li2O-"), 0u);             // a trailing sign is a charge (CIF style)
  EXPECT_NE(error_column("0.5"), 0u);               // a number alone
  EXPECT_NE(error_column("Li2O\x01"), 0u);          // control character
  EXPECT_EQ(error_column("Li\xFFO"), 3u);           // invalid UTF-8
  EXPECT_NE(error_column("\"Li2O"), 0u);            // unbalanced quote
  EXPECT_NE(error_column("Fe^{3}"), 0u);            // charge without sign
  EXPECT_NE(error_column("LLZOX"), 0u);
  try {
    parse_formula("Li(PO4");
    FAIL();
  } catch (const pb::ParseError& e) {
    EXPECT_STREQ(e.what(), "error at column 3: '(' is never closed");
    EXPECT_EQ(e.hint(), "add ')'");
    EXPECT_EQ(pb::ParseError::caret_line("Li(PO4", e.where().column), "Li(PO4\n  ^");
  }
}

TEST(Formula, SurvivesPathologicalInput) {
  std::string deep(10 * 1024, '(');
  EXPECT_EQ(error_column(deep), 65u);  // refused at the 65th level, no stack overflow
  std::string wide;
  for (int i = 0; i < 2000; ++i) wide += "(H)";
  EXPECT_EQ(composition_of(wide), "H:2000");
  std::string nested = "H";
  for (int i = 0; i < 60; ++i) nested = "(" + nested + ")1";
  EXPECT_EQ(composition_of(nested), "H:1");
  // Amounts that overflow 64-bit rationals degrade to doubles instead of wrapping.
  std::string big = "H";
  for (int i = 0; i < 30; ++i) big = "(" + big + ")999";
  EXPECT_NO_THROW(parse_formula(big));
}

// Inputs from a code review that once gave a silently wrong composition or a wrong error.
TEST(Formula, ChargeWithoutBracesEndsAtTheSign) {
  auto f = parse_formula("Fe^3+2O3");
  EXPECT_EQ(pb::test::amounts_text(f.composition), "Fe:2 O:3");
  EXPECT_EQ(f.composition.entries()[0].species.to_string(), "Fe3+");
}

TEST(Formula, ReadsLeadingPointDecimals) {
  EXPECT_EQ(composition_of("LiNi.8Co.2O2"), "Co:0.2 Li:1 Ni:0.8 O:2");
  EXPECT_EQ(composition_of("LiCl.5H2O"), "Cl:1 H:10 Li:1 O:5");  // a hydrate, as before
}

TEST(Formula, DecimalHydrateCountsAndSpacedSolvents) {
  EXPECT_EQ(composition_of("Na0.35CoO2·1.3H2O"), "Co:1 H:2.6 Na:0.35 O:3.3");
  EXPECT_EQ(composition_of("Na2CO3·1.5H2O"), "C:1 H:3 Na:2 O:4.5");
  // A space after the decimal keeps it a decimal: Li 1.2 and one water.
  EXPECT_EQ(composition_of("Li1.2 H2O"), "H:2 Li:1.2 O:1");
  EXPECT_EQ(composition_of("Li1.2H2O"), "H:4 Li:1 O:2");  // the hydrate reading of '.'
}

TEST(Formula, MolePercentTakesTheRemainderToo) {
  auto f = parse_formula("Li3PS4 - 30 mol% SiO2");
  EXPECT_EQ(pb::test::amounts_text(f.composition), "Li:210 O:60 P:70 S:280 Si:30");
  ASSERT_EQ(f.components.size(), 2u);
  EXPECT_EQ(*f.components[0].moles.number(), Number(70));
  EXPECT_EQ(f.components[0].basis, ComponentBasis::kMolePercent);
  EXPECT_NE(error_column("0.5Li2S - 30 mol% P2S5"), 0u);      // plain + percent
  EXPECT_NE(error_column("50 wt% Li2S - 50 mol% P2S5"), 0u);  // wt% + mol%
  EXPECT_EQ(error_column("Li3PS4 - 0 wt% SiO2"), 10u);        // zero
}

TEST(Formula, AdductBesideAPercentageIsOneComponent) {
  auto f = parse_formula("CuSO4·5H2O - 30 wt% SiO2");
  ASSERT_EQ(f.components.size(), 2u);
  EXPECT_EQ(f.components[0].text, "CuSO4·5H2O");
  // By hand: M(CuSO4·5H2O) = 249.685, M(SiO2) = 60.084; 70/249.685 and 30/60.084.
  double a = 70 / 249.6850, b = 30 / 60.0843;
  EXPECT_NEAR(f.components[0].moles.number()->value(), a / (a + b), 1e-4);
  EXPECT_NEAR(f.composition.amount_of(29).value(), a / (a + b), 1e-4);
}

TEST(Formula, NumbersOutOfRangeAreErrors) {
  EXPECT_NE(error_column("Li" + std::string(400, '9') + "O"), 0u);
  EXPECT_NE(error_column("Li0." + std::string(400, '0') + "1O"), 0u);
}

TEST(Formula, DStandsForDeltaInValuesToo) {
  EXPECT_EQ(composition_of("SrCoO3-d, d=0.1"), "Co:1 O:2.9 Sr:1");
  EXPECT_EQ(composition_of("SrCoO3-d", FormulaOptions{{pb::chem::parse_binding("d=0.2")}, true}),
            "Co:1 O:2.8 Sr:1");
  auto [name, value] = pb::chem::parse_binding("d=0.1");
  EXPECT_EQ(name, "δ");
}

TEST(Formula, MixedSiteTotalIncludesTheMultiplier) {
  auto f = parse_formula("(Li,Na)2CoO2");
  ASSERT_EQ(f.mixed_sites.size(), 1u);
  EXPECT_EQ(*f.mixed_sites[0].total.number(), Number(2));
  EXPECT_EQ(pb::test::amounts_text(f.composition), "Co:1 Li:1 Na:1 O:2");
}

TEST(Formula, NonLinearAmountsAreParseErrors) {
  EXPECT_NE(error_column("x(Li2O)y(P2O5)z"), 0u);
  EXPECT_EQ(error_column("Li1-x, x=2"), 1u);        // the Li whose amount goes negative
  EXPECT_EQ(error_column("Li2O·30 wt% SiO2"), 6u);  // where the percentage starts
}

TEST(Formula, WrittenValuesReachWeightPercentages) {
  auto f = parse_formula("Li1+xAlxTi2-x(PO4)3 - 5 wt% SiO2, x=0.3");
  EXPECT_FALSE(f.composition.symbolic());
  EXPECT_TRUE(f.approximate);
}

TEST(Formula, AnyLetterIsAPolymorphLabel) {
  EXPECT_EQ(parse_formula("m-ZrO2").phase, "m");
  EXPECT_EQ(parse_formula("w-GaN").phase, "w");
  EXPECT_EQ(composition_of("w-GaN"), "Ga:1 N:1");
}

TEST(Formula, OptimadeDescriptiveUsesOnlyAllowedCharacters) {
  EXPECT_EQ(parse_formula("LiNi1/3Mn1/3Co1/3O2").descriptive(),
            "LiMn0.333333Co0.333333Ni0.333333O2");
  EXPECT_EQ(parse_formula("2H2O").descriptive(), "H4O2");
  EXPECT_EQ(parse_formula("D2O").descriptive(), "H2O");
  EXPECT_EQ(parse_formula("0.75Li2S-0.25P2S5").descriptive(), "(Li2S)0.75 (P2S5)0.25");
  std::string tiny = parse_formula("Li3PS4 - 0.001 wt% SiO2").descriptive();
  EXPECT_EQ(tiny.find('e'), std::string::npos) << tiny;
}

TEST(Formula, OptimadeHillOfMixturesUsesTheSmallestUnit) {
  EXPECT_EQ(*parse_formula("75 mol% Li2S - 25 mol% P2S5").formula_hill(), "Li6P2S8");
  EXPECT_EQ(*parse_formula("CuSO4·5H2O").formula_hill(), "CuH10O9S");
  EXPECT_FALSE(parse_formula("0.75Li2S-0.25P2S5").formula_hill().has_value());
}

TEST(Formula, ComponentTextsDropEnclosingBrackets) {
  auto f = parse_formula("0.2(Li2S) 0.8(GeS2)");
  ASSERT_EQ(f.components.size(), 2u);
  EXPECT_EQ(f.components[0].text, "Li2S");
  auto g = parse_formula("0.8(0.6Li2S-0.4SiS2)-0.2Li4SiO4");
  EXPECT_EQ(g.components[0].text, "0.6Li2S-0.4SiS2");
}
