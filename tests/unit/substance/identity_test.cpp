// Substance identity on the seed example of ARCHITECTURE.md §3 and issue 4: LiNbO3 and its
// doped and non-stoichiometric variants in R3c are one substance, ilmenite-type LiNbO3 is
// another, cubic and tetragonal Li7La3Zr2O12 are two.
#include "substance/identity.hpp"

#include <gtest/gtest.h>

#include "chem/formula.hpp"
#include "crystal/cif_structure.hpp"
#include "crystal/cif_syntax.hpp"
#include "crystal/describe.hpp"

using namespace pb;

namespace {

chem::Composition formula(const std::string& text, chem::Bindings values = {}) {
  chem::FormulaOptions o;
  o.values = std::move(values);
  return chem::parse_formula(text, o).composition;
}

// LiNbO3 in R3c (hexagonal axes), positions after Abrahams et al., J. Phys. Chem. Solids 27,
// 997 (1966), rounded; `li_site` replaces the Li row to model doping on the Li site.
crystal::Structure linbo3(const std::string& li_site) {
  std::string text =
      "data_LiNbO3\n_cell_length_a 5.148\n_cell_length_b 5.148\n_cell_length_c 13.863\n"
      "_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 120\n"
      "_symmetry_space_group_name_H-M 'R 3 c'\n"
      "loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n"
      "_atom_site_fract_y\n_atom_site_fract_z\n_atom_site_occupancy\n" +
      li_site + "Nb1 Nb 0 0 0 1\nO1 O 0.0492 0.3446 0.0647 1\n";
  auto doc = crystal::cif::read_text(text, "linbo3.cif");
  return crystal::read_structure(doc.blocks.at(0), "linbo3.cif").structure;
}

substance::Identity of_structure(const crystal::Structure& s) {
  crystal::Description d = crystal::describe(s);
  EXPECT_TRUE(d.symmetry);
  return substance::identify(substance::site_host_composition(s), d.symmetry->number,
                             d.symmetry->pearson);
}

}  // namespace

TEST(Identity, LiNbO3FormulasInR3cAreOneSubstance) {
  auto pure = substance::identify(formula("LiNbO3"), 161, "hR10");
  EXPECT_EQ(pure.host.formula, "LiNbO3");
  EXPECT_EQ(pure.key, "LiNbO3|161|hR10");
  for (const char* text : {"[Li0.95Nb0.01]NbO3", "[Li0.95Nb0.03]Nb0.98O3"}) {
    auto doped = substance::identify(formula(text), 161, "hR10");
    EXPECT_EQ(doped.id, pure.id) << text << ": " << doped.rule;
    EXPECT_TRUE(doped.host.rounded);
    EXPECT_LE(doped.host.max_deviation, 0.06);
  }
  // LiyNb1-yTizO2.5-2y+2z is LiNbO3 (twice) at y = 1/2 and z = 0; near there, with a little Ti:
  auto general = substance::identify(
      formula("LiyNb1-yTizO2.5-2y+2z",
              {{"y", chem::Number::approximate(0.49)}, {"z", chem::Number::approximate(0.01)}}),
      161, "hR10");
  EXPECT_EQ(general.id, pure.id) << general.rule;
  EXPECT_EQ(general.host.dopants, (std::vector<std::string>{"Ti"}));
  // The reason is recorded: the numbers that admitted the entry.
  EXPECT_NE(general.numbers_json.find("\"dopants\":[\"Ti\"]"), std::string::npos);
  EXPECT_NE(general.rule.find("Ti"), std::string::npos);
}

TEST(Identity, IlmeniteTypeAndOtherSpaceGroupsAreOtherSubstances) {
  auto r3c = substance::identify(formula("LiNbO3"), 161, "hR10");
  auto ilmenite = substance::identify(formula("LiNbO3"), 148, "hR10");
  EXPECT_NE(r3c.id, ilmenite.id);
  auto cubic = substance::identify(formula("Li7La3Zr2O12"), 230, "cI192");
  auto tetragonal = substance::identify(formula("Li7La3Zr2O12"), 142, "tI192");
  EXPECT_NE(cubic.id, tetragonal.id);
  EXPECT_EQ(cubic.host.formula, tetragonal.host.formula);
  // Ta-doped cubic LLZO: 0.1 Ta per formula is a dopant, the host is unchanged.
  auto ta = substance::identify(formula("Li6.9La3Zr1.9Ta0.1O12"), 230, "cI192");
  EXPECT_EQ(ta.id, cubic.id) << ta.rule;
}

TEST(Identity, IdsAreStableAndDerivedFromTheKey) {
  EXPECT_EQ(substance::substance_id("LiNbO3|161|hR10"),
            substance::identify(formula("LiNbO3"), 161, "hR10").id);
  EXPECT_EQ(substance::substance_id("x").size(), 16u);  // "pbs-" + 12 hex digits
  EXPECT_NE(substance::substance_id("a"), substance::substance_id("b"));
}

TEST(Identity, StructuresOfDopedLiNbO3ShareTheSubstance) {
  auto pure = of_structure(linbo3("Li1 Li 0 0 0.2829 1\n"));
  EXPECT_EQ(pure.host.formula, "LiNbO3");
  EXPECT_EQ(pure.pearson, "hR10");
  EXPECT_EQ(pure.space_group, 161);
  // 0.95 Li + 0.01 Nb on the Li site (Nb antisites, Li vacancies).
  auto doped = of_structure(linbo3("Li1 Li 0 0 0.2829 0.95\nNb2 Nb 0 0 0.2829 0.01\n"));
  EXPECT_EQ(doped.id, pure.id) << doped.rule;
}

TEST(Identity, NonStoichiometricCompositionsWithoutAFitKeepTheirOwnHost) {
  // Li1.3 in LiTi2(PO4)3 is 30 % off any small integer: not rounded, a host of its own.
  auto latp = substance::host_of(formula("Li1.3Ti2P3O12"));
  EXPECT_FALSE(latp.rounded && latp.formula == "LiTi2P3O12");
  EXPECT_THROW(substance::host_of(chem::Composition{}), InvalidArgument);
}

namespace {

substance::FrameworkVerdict frameworks(const crystal::Structure& a, const crystal::Structure& b) {
  auto host = [](const crystal::Structure& s) {
    return substance::host_framework(s, of_structure(s).host);
  };
  return substance::compare_frameworks(host(a), host(b));
}

}  // namespace

TEST(Identity, HostFrameworkFoldsDopantsAndIgnoresOccupancies) {
  // [Li0.95Nb0.03] on the Li site and Nb0.98 on the Nb site: the framework is plain LiNbO3.
  crystal::Structure doped = linbo3("Li1 Li 0 0 0.2829 0.95\nNb2 Nb 0 0 0.2829 0.03\n");
  doped.sites[1].occupants[0].occupancy = chem::Number::approximate(0.98);
  crystal::Structure f = substance::host_framework(doped, of_structure(doped).host).cell;
  ASSERT_EQ(f.sites.size(), doped.sites.size());
  for (const crystal::Site& site : f.sites) {
    ASSERT_EQ(site.occupants.size(), 1u);
    EXPECT_DOUBLE_EQ(site.occupants[0].occupancy.value(), 1.0);
  }
  EXPECT_EQ(f.cell_composition().reduced_formula(), "LiNbO3");
  // A site holding only a folded dopant (Ti interstitial) is no part of the framework.
  crystal::Structure ti = linbo3("Li1 Li 0 0 0.2829 1\nTi1 Ti 0 0 0.15 0.01\n");
  EXPECT_EQ(of_structure(ti).host.dopants, (std::vector<std::string>{"Ti"}));
  EXPECT_EQ(substance::host_framework(ti, of_structure(ti).host).cell.sites.size(),
            ti.sites.size() - 6);  // the 6 Ti positions of the hexagonal cell
}

TEST(Identity, FrameworksOfOnePhaseMatchAndOthersDoNot) {
  crystal::Structure pure = linbo3("Li1 Li 0 0 0.2829 1\n");
  auto doped = frameworks(pure, linbo3("Li1 Li 0 0 0.2829 0.95\nNb2 Nb 0 0 0.2829 0.01\n"));
  EXPECT_TRUE(doped.compared);
  EXPECT_TRUE(doped.match) << doped.reason;
  EXPECT_LT(doped.max_distance, 0.01);
  // A refinement from another paper: positions moved by a few hundredths.
  crystal::Structure other = linbo3("Li1 Li 0 0 0.2790 1\n");
  for (crystal::Site& s : other.sites) {
    if (s.occupants[0].species.symbol() == "O") s.frac[0] += 0.01;
  }
  auto refined = frameworks(pure, other);
  EXPECT_TRUE(refined.match) << refined.reason;
  // The same cell described inverted through the origin (R3c is polar: z -> -z is another
  // description of the same crystal, not another phase).
  crystal::Structure inverted = pure;
  for (crystal::Site& s : inverted.sites) {
    for (double& x : s.frac) x = -x;
  }
  auto inv = frameworks(pure, inverted);
  EXPECT_TRUE(inv.match) << inv.reason;
  // Same formula, space group and Pearson symbol, but the O atoms on another general position:
  // another framework, and the verdict says by how much.
  crystal::Structure moved = linbo3("Li1 Li 0 0 0.2829 1\n");
  {
    std::string text =
        "data_x\n_cell_length_a 5.148\n_cell_length_b 5.148\n_cell_length_c 13.863\n"
        "_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 120\n"
        "_symmetry_space_group_name_H-M 'R 3 c'\n"
        "loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n"
        "_atom_site_fract_y\n_atom_site_fract_z\n"
        "Li1 Li 0 0 0.2829\nNb1 Nb 0 0 0\nO1 O 0.30 0.10 0.17\n";
    auto doc = crystal::cif::read_text(text, "moved.cif");
    moved = crystal::read_structure(doc.blocks.at(0), "moved.cif").structure;
  }
  ASSERT_EQ(of_structure(moved).key, of_structure(pure).key);
  auto differs = frameworks(pure, moved);
  EXPECT_TRUE(differs.compared);
  EXPECT_FALSE(differs.match);
  EXPECT_NE(differs.reason.find("sites do not"), std::string::npos) << differs.reason;
  EXPECT_GT(differs.max_distance, 0.3);
}

TEST(Identity, PartlyOccupiedSublatticesAreLeftOutOfTheFramework) {
  // Li half occupied and placed elsewhere along c, as papers model a mobile ion differently:
  // the Nb-O framework decides, and the verdict names what it left out.
  crystal::Structure pure = linbo3("Li1 Li 0 0 0.2829 1\n");
  crystal::Structure mobile = linbo3("Li1 Li 0 0 0.2200 0.5\nLi2 Li 0 0 0.3500 0.5\n");
  auto f = substance::host_framework(mobile, of_structure(mobile).host);
  EXPECT_EQ(f.partial, (std::vector<std::string>{"Li"}));
  EXPECT_TRUE(substance::host_framework(pure, of_structure(pure).host).partial.empty());
  auto v = frameworks(pure, mobile);
  EXPECT_TRUE(v.match) << v.reason;
  EXPECT_EQ(v.ignored, (std::vector<std::string>{"Li"}));
}

TEST(Identity, FrameworkVariantIdsComeFromTheKeyAndTheFoundingEntry) {
  std::string key = "LiNbO3|161|hR10";
  EXPECT_EQ(substance::framework_variant_id(key, "abc"),
            substance::framework_variant_id(key, "abc"));
  EXPECT_NE(substance::framework_variant_id(key, "abc"), substance::substance_id(key));
  EXPECT_NE(substance::framework_variant_id(key, "abc"),
            substance::framework_variant_id(key, "abd"));
}
