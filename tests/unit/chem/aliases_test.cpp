#include "chem/aliases.hpp"

#include <gtest/gtest.h>

#include <set>

#include "chem/formula.hpp"

using namespace pb::chem;

TEST(Aliases, EveryRowParsesAndHasASource) {
  ASSERT_GE(aliases().size(), 30u);
  std::set<std::string> names;
  for (const Alias& a : aliases()) {
    SCOPED_TRACE(a.name);
    EXPECT_TRUE(names.insert(a.name).second) << "duplicate alias";
    EXPECT_FALSE(a.source.empty());
    FormulaOptions plain;
    plain.aliases = false;
    ParsedFormula f = parse_formula(a.formula, plain);
    EXPECT_FALSE(f.composition.symbolic());
    // Approximate and ambiguous rows must say what varies.
    if (a.status != AliasStatus::kExact) {
      EXPECT_FALSE(a.note.empty());
    }
  }
}

TEST(Aliases, StatusesMatchTheLiterature) {
  EXPECT_EQ(find_alias("LGPS")->status, AliasStatus::kExact);
  EXPECT_EQ(find_alias("LATP")->status, AliasStatus::kApproximate);
  EXPECT_EQ(find_alias("LPS")->status, AliasStatus::kAmbiguous);
  EXPECT_EQ(find_alias("LiPON")->status, AliasStatus::kApproximate);
  EXPECT_EQ(find_alias("llzo"), nullptr);  // case-sensitive
}

// Frameworks and mesoporous silicas are named, not written as formulas, in synthesis papers
// ("ZIF-8/PEI-HPAN", synthesis corpus 10.1039/c7ta03244g).
TEST(Aliases, FrameworksHaveTheirLinkersWrittenOut) {
  const ParsedFormula mof = parse_formula(find_alias("MOF-5")->formula);
  EXPECT_EQ(mof.composition.reduced_formula(),
            parse_formula("Zn4C24H12O13").composition.reduced_formula());
  EXPECT_EQ(find_alias("ZIF-8")->formula, "Zn(C4H5N2)2");
  EXPECT_EQ(find_alias("MCM-41")->status, AliasStatus::kApproximate);
  EXPECT_EQ(find_alias("UiO-66")->status, AliasStatus::kExact);
}
