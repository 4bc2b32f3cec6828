// Derived quantities and OPTIMADE formula fields, worked out by hand from the element table.
#include "chem/composition.hpp"

#include <gtest/gtest.h>

#include "chem/element.hpp"
#include "chem/formula.hpp"
#include "util/error.hpp"

using pb::chem::Number;
using pb::chem::parse_formula;

namespace {
pb::chem::Composition comp(const char* text) { return parse_formula(text).composition; }
}  // namespace

TEST(Composition, MolarMassUsesTableWeights) {
  // Li 6.941, Fe 55.845, P 30.973762, O 15.9994 (data/elements.csv).
  double expected = 6.941 + 55.845 + 30.973762 + 4 * 15.9994;
  EXPECT_NEAR(comp("LiFePO4").molar_mass(), expected, 1e-9);
  EXPECT_NEAR(comp("LiFePO4").molar_mass(),
              pb::chem::find_element("Li")->atomic_mass() +
                  pb::chem::find_element("Fe")->atomic_mass() +
                  pb::chem::find_element("P")->atomic_mass() +
                  4 * pb::chem::find_element("O")->atomic_mass(),
              1e-12);
}

TEST(Composition, FractionsSumToOne) {
  auto c = comp("Li7La3Zr2O12");
  double sum = 0;
  for (auto [z, x] : c.atomic_fractions()) sum += x;
  EXPECT_NEAR(sum, 1.0, 1e-12);
  EXPECT_NEAR(c.atomic_fractions()[0].second, 7.0 / 24.0, 1e-12);
  double wsum = 0;
  for (auto [z, x] : c.weight_fractions()) wsum += x;
  EXPECT_NEAR(wsum, 1.0, 1e-12);
}

TEST(Composition, OptimadeReducedFormula) {
  EXPECT_EQ(comp("H2O2").formula_reduced_optimade(), "HO");
  EXPECT_EQ(comp("NaCl").formula_reduced_optimade(), "ClNa");
  EXPECT_EQ(comp("CaCO3").formula_reduced_optimade(), "CCaO3");
  EXPECT_EQ(comp("Li1.5P0.5S2").formula_reduced_optimade(), "Li3PS4");
  // Exact decimals give the smallest exact integers (spec: "exactly correct").
  EXPECT_EQ(comp("Li0.33La0.56TiO3").formula_reduced_optimade(), "La56Li33O300Ti100");
  EXPECT_EQ(comp("(Li2O)50 (Al2O3)2 (P2O5)48").formula_reduced_optimade(), "AlLi25O74P24");
}

TEST(Composition, OptimadeHillFormula) {
  EXPECT_EQ(*comp("H2O2").formula_hill(), "H2O2");  // not reduced: the spec's example
  EXPECT_EQ(*comp("C2H5OH").formula_hill(), "C2H6O");
  EXPECT_EQ(*comp("CaCO3").formula_hill(), "CCaO3");
  EXPECT_EQ(*comp("LiFePO4").formula_hill(), "FeLiO4P");
  EXPECT_FALSE(comp("Li0.33La0.56TiO3").formula_hill().has_value());
}

TEST(Composition, OptimadeAnonymousFormula) {
  EXPECT_EQ(comp("H2O").formula_anonymous(), "A2B");
  EXPECT_EQ(comp("Li7La3Zr2O12").formula_anonymous(), "A12B7C3D2");
  EXPECT_EQ(comp("NaCl").formula_anonymous(), "AB");
  EXPECT_EQ(pb::chem::anonymous_symbol(0), "A");
  EXPECT_EQ(pb::chem::anonymous_symbol(25), "Z");
  EXPECT_EQ(pb::chem::anonymous_symbol(26), "Aa");
  EXPECT_EQ(pb::chem::anonymous_symbol(27), "Ba");
  EXPECT_EQ(pb::chem::anonymous_symbol(52), "Ab");
}

TEST(Composition, ReducedFormulaAndFormulaUnits) {
  auto glass = comp("75Li2S·25P2S5");
  EXPECT_EQ(glass.reduced_formula(), "Li3PS4");
  EXPECT_EQ(glass.formula_units(), Number(50));
  auto c = comp("Li1.5P0.5S2");
  EXPECT_EQ(c.reduced_formula(), "Li3PS4");
  EXPECT_EQ(c.formula_units(), Number::fraction(1, 2));
  // Decimal doping stays as written rather than Li32La15Zr7Ta3O60.
  auto llzto = comp("Li6.4La3Zr1.4Ta0.6O12");
  EXPECT_EQ(llzto.reduced_formula(), "Li6.4La3Zr1.4Ta0.6O12");
  EXPECT_EQ(llzto.formula_units(), Number(1));
  EXPECT_EQ(comp("Fe2O3").reduced_formula(), "Fe2O3");
  EXPECT_EQ(comp("O2Fe4").reduced_formula(), "Fe2O");
  EXPECT_EQ(comp("O2Fe4").formula_units(), Number(2));
}

TEST(Composition, SymbolicCompositionRefusesNumbers) {
  auto c = comp("Li1+xAlxTi2-x(PO4)3");
  EXPECT_TRUE(c.symbolic());
  EXPECT_THROW(c.molar_mass(), pb::InvalidArgument);
  EXPECT_THROW(c.element_amounts(), pb::InvalidArgument);
  pb::chem::Bindings v{{"x", Number::fraction(3, 10)}};
  EXPECT_NEAR(c.substitute(v).molar_mass(),
              1.3 * 6.941 + 0.3 * 26.9815386 + 1.7 * 47.867 + 3 * 30.973762 + 12 * 15.9994, 1e-6);
}

TEST(Composition, FormulaTextReadsBackAsTheSameComposition) {
  // Found by fuzz/formula_fuzz.cpp: "Cs4.82H2O" reads as Cs4·82H2O, so formula() brackets it.
  for (const char* text : {"1H2OCs4.82", "Li1.5H2O1", "Li0.5H2O", "Na1.5NH3", "CuSO4*5H2O"}) {
    SCOPED_TRACE(text);
    auto c = comp(text);
    pb::chem::FormulaOptions plain;
    plain.aliases = false;
    auto again = parse_formula(c.formula(), plain).composition;
    for (const auto& a : c.element_amounts()) EXPECT_EQ(again.amount_of(a.z), a.amount);
    EXPECT_EQ(again.element_amounts().size(), c.element_amounts().size());
  }
  EXPECT_EQ(comp("1H2OCs4.82").formula(), "Cs4.82(H2O)");
  EXPECT_EQ(comp("Li1.2 H2O").reduced_formula(), "Li1.2(H2O)");
  EXPECT_EQ(comp("LiNi0.8Mn0.1Co0.1O2").formula(), "LiMn0.1Co0.1Ni0.8O2");
}
