// Cells, derived values, writers and readers, and matching, on textbook structures whose
// values are known by hand: rock salt NaCl (Fm-3m, a = 5.6402 Å), corundum Al2O3 (R-3c) and
// a LiNbO3-like disordered site.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "crystal/cif_structure.hpp"
#include "crystal/cif_syntax.hpp"
#include "crystal/cif_writer.hpp"
#include "crystal/describe.hpp"
#include "crystal/matcher.hpp"
#include "crystal/neighbours.hpp"
#include "crystal/optimade_json.hpp"
#include "crystal/poscar.hpp"
#include "crystal/standard_cell.hpp"
#include "crystal/structure_io.hpp"
#include "crystal/xyz.hpp"
#include "util/error.hpp"

using namespace pb::crystal;

namespace {

Structure from_cif(const std::string& text) {
  auto doc = cif::read_text(text, "inline.cif");
  EXPECT_EQ(doc.blocks.size(), 1u);
  return read_structure(doc.blocks.at(0), "inline.cif").structure;
}

// Rock salt from its asymmetric unit: 4 Na on 4a, 4 Cl on 4b.
const char* kNaCl =
    "data_NaCl\n_cell_length_a 5.6402\n_cell_length_b 5.6402\n_cell_length_c 5.6402\n"
    "_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n"
    "_symmetry_space_group_name_H-M 'F m -3 m'\n"
    "loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n"
    "_atom_site_fract_z\nNa1 Na+ 0 0 0\nCl1 Cl- 0.5 0.5 0.5\n";

// Corundum (R-3c, hexagonal axes), Al on 12c z = 0.3523, O on 18e x = 0.3064.
const char* kCorundum =
    "data_corundum\n_cell_length_a 4.7589\n_cell_length_b 4.7589\n_cell_length_c 12.991\n"
    "_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 120\n"
    "_symmetry_space_group_name_H-M 'R -3 c :H'\n"
    "loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n"
    "Al1 0 0 0.3523\nO1 0.3064 0 0.25\n";

// Half of the Na sites of rock salt replaced by K at random: one disordered site.
const char* kNaKCl =
    "data_NaKCl\n_cell_length_a 6.0\n_cell_length_b 6.0\n_cell_length_c 6.0\n"
    "_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n"
    "_symmetry_space_group_name_H-M 'F m -3 m'\n"
    "loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n"
    "_atom_site_fract_z\n_atom_site_occupancy\nNa1 Na 0 0 0 0.5\nK1 K 0 0 0 0.5\n"
    "Cl1 Cl 0.5 0.5 0.5 1\n";

}  // namespace

TEST(StandardCell, RockSaltPrimitiveAndConventional) {
  Structure s = from_cif(kNaCl);
  ASSERT_EQ(s.sites.size(), 8u);
  Structure p = primitive_cell(s);
  EXPECT_EQ(p.sites.size(), 2u);
  EXPECT_NEAR(p.lattice.volume(), std::pow(5.6402, 3) / 4, 1e-6);
  Structure c = conventional_cell(p);
  EXPECT_EQ(c.sites.size(), 8u);
  EXPECT_NEAR(c.lattice.a(), 5.6402, 1e-6);
  // The primitive fcc cell is already Niggli-reduced: three a/sqrt(2) vectors at 60 degrees.
  Structure n = niggli_cell(p);
  EXPECT_NEAR(n.lattice.a(), 5.6402 / std::sqrt(2.0), 1e-6);
  EXPECT_NEAR(n.lattice.alpha(), 60, 1e-6);
}

TEST(StandardCell, NiggliKeepsTheAtomsWhereTheyAre) {
  // A skewed cell of simple cubic Po: (1, 0, 0), (1, 1, 0), (0, 0, 1) times 3.35 Å.
  Structure s;
  s.lattice = Lattice::from_vectors({Vec3{3.35, 0, 0}, Vec3{3.35, 3.35, 0}, Vec3{0, 0, 3.35}});
  pb::chem::Species po;
  po.z = 84;
  s.sites.push_back({{0.25, 0.5, 0.5}, {{po, pb::chem::Number(1), {}}}});
  Structure n = niggli_cell(s);
  EXPECT_NEAR(n.lattice.a(), 3.35, 1e-9);
  EXPECT_NEAR(n.lattice.gamma(), 90, 1e-9);
  Vec3 before = s.lattice.to_cartesian(s.sites[0].frac);
  Vec3 after = n.lattice.to_cartesian(n.sites[0].frac);
  // Same point modulo lattice translations of the simple cubic lattice.
  for (int k = 0; k < 3; ++k) {
    double d = std::fmod(std::fabs(before[k] - after[k]) + 1e-9, 3.35);
    EXPECT_LT(std::min(d, 3.35 - d), 1e-6);
  }
}

TEST(Describe, RockSaltValues) {
  Description d = describe(from_cif(kNaCl));
  EXPECT_EQ(d.formula_reduced, "NaCl");
  EXPECT_EQ(d.formula_anonymous, "AB");
  EXPECT_EQ(d.elements, (std::vector<std::string>{"Cl", "Na"}));
  EXPECT_NEAR(d.z, 4, 1e-12);
  // 4 NaCl (58.443 g/mol) in 179.43 Å^3: 2.1634 g/cm^3.
  EXPECT_NEAR(d.density, 4 * 58.443 / 6.02214076e23 / (std::pow(5.6402, 3) * 1e-24), 1e-3);
  EXPECT_NEAR(d.volume_per_atom, std::pow(5.6402, 3) / 8, 1e-9);
  ASSERT_TRUE(d.symmetry);
  EXPECT_EQ(d.symmetry->number, 225);
  EXPECT_EQ(d.symmetry->pearson, "cF8");
  EXPECT_EQ(d.wyckoff_sequence, "ba");
  EXPECT_EQ(d.structure_type, "225|cF8|ba|AB");
  EXPECT_NEAR(d.min_distance, 5.6402 / 2, 1e-9);
  EXPECT_DOUBLE_EQ(d.coordination.at("Na"), 6);
  EXPECT_DOUBLE_EQ(d.coordination.at("Cl"), 6);
}

TEST(Describe, CorundumPearsonCountsTheRhombohedralCell) {
  Description d = describe(from_cif(kCorundum));
  ASSERT_TRUE(d.symmetry);
  EXPECT_EQ(d.symmetry->number, 167);
  EXPECT_EQ(d.symmetry->pearson, "hR10");  // corundum's Pearson symbol
  EXPECT_EQ(d.wyckoff_sequence, "ec");
  EXPECT_NEAR(d.z, 6, 1e-12);
  // The 3 + 3 Al-O distances (1.86 and 1.97 Å) are within 10 % of each other: octahedra.
  EXPECT_DOUBLE_EQ(d.coordination.at("Al"), 6);
  EXPECT_DOUBLE_EQ(d.coordination.at("O"), 4);
}

TEST(Neighbours, SplitSitesAreNotNeighbours) {
  // Two half-occupied Li positions 0.3 Å apart in a big box: alternatives, not a bond.
  Structure s;
  s.lattice = Lattice(5, 5, 5, 90, 90, 90);
  pb::chem::Species li;
  li.z = 3;
  s.sites.push_back({{0.5, 0.5, 0.5}, {{li, pb::chem::Number::fraction(1, 2), {}}}});
  s.sites.push_back({{0.56, 0.5, 0.5}, {{li, pb::chem::Number::fraction(1, 2), {}}}});
  auto c = coordination(s);
  // The other position is skipped; the nearest is its image one cell away, 4.7 Å.
  EXPECT_NEAR(c[0].nearest, 4.7, 1e-9);
  auto all = neighbours_within(s, 0, 1.0);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_NEAR(all[0].distance, 0.3, 1e-9);
}

TEST(CifWriter, P1AndSymmetrisedOutputReadBackTheSame) {
  for (const char* text : {kNaCl, kCorundum, kNaKCl}) {
    Structure s = from_cif(text);
    for (bool symmetrize : {false, true}) {
      CifWriteOptions o;
      o.symmetrize = symmetrize;
      Structure back = from_cif(write_cif(s, o));
      EXPECT_EQ(back.sites.size(), s.sites.size()) << text;
      EXPECT_EQ(back.cell_composition().formula_plain(), s.cell_composition().formula_plain());
      MatchResult r = compare_structures(s, back);
      EXPECT_TRUE(r.match) << r.reason;
      EXPECT_LT(r.max_distance, 1e-4);
    }
  }
  // Oxidation states survive as _atom_type_oxidation_number and type symbols.
  std::string out = write_cif(from_cif(kNaCl));
  EXPECT_NE(out.find("_atom_type_oxidation_number"), std::string::npos);
  EXPECT_NE(out.find("Na1 Na+ "), std::string::npos);
}

TEST(Poscar, WriteThenReadGivesTheSameStructure) {
  Structure s = from_cif(kCorundum);
  Structure back = read_poscar(write_poscar(s), "out.vasp").structure();
  ASSERT_EQ(back.sites.size(), 30u);
  EXPECT_TRUE(compare_structures(s, back).match);
  EXPECT_THROW(write_poscar(from_cif(kNaKCl)), pb::InvalidArgument);
}

TEST(Xyz, RoundTripAndErrors) {
  Structure s = from_cif(kNaCl);
  std::string text = write_xyz(s);
  auto frames = read_xyz(text + text, "two.xyz");
  ASSERT_EQ(frames.size(), 2u);
  MatchOptions element;  // XYZ keeps elements, not oxidation states
  element.comparator = Comparator::kElement;
  EXPECT_TRUE(compare_structures(s, frames[1], element).match);
  EXPECT_NEAR(frames[0].lattice.volume(), s.lattice.volume(), 1e-6);
  try {
    read_xyz("2\nplain xyz\nH 0 0 0\nH 0 0 0.74\n", "h2.xyz");
    FAIL();
  } catch (const pb::ParseError& e) {
    EXPECT_EQ(e.where().line, 2u);
    EXPECT_NE(std::string(e.what()).find("Lattice"), std::string::npos);
  }
  try {
    read_xyz("1\nLattice=\"3 0 0 0 3 0 0 0 3\"\nQq 0 0 0\n", "x.xyz");
    FAIL();
  } catch (const pb::ParseError& e) {
    EXPECT_EQ(e.where().line, 3u);
  }
  EXPECT_THROW(read_xyz("3\nLattice=\"3 0 0 0 3 0 0 0 3\"\nNa 0 0 0\n", "short.xyz"),
               pb::ParseError);
}

TEST(OptimadeJson, DisorderedSitesBecomeSpeciesWithConcentrations) {
  Structure s = from_cif(kNaKCl);
  nlohmann::json a = optimade_attributes(s);
  EXPECT_EQ(a["nsites"], 8);
  EXPECT_EQ(a["elements"], nlohmann::json({"Cl", "K", "Na"}));
  EXPECT_EQ(a["structure_features"], nlohmann::json({"disorder"}));
  EXPECT_EQ(a["chemical_formula_reduced"], "Cl2KNa");
  bool found = false;
  for (const auto& sp : a["species"]) {
    if (sp["chemical_symbols"] == nlohmann::json({"Na", "K"}) ||
        sp["chemical_symbols"] == nlohmann::json({"K", "Na"})) {
      found = true;
      EXPECT_EQ(sp["concentration"], nlohmann::json({0.5, 0.5}));
    }
  }
  EXPECT_TRUE(found);
  auto back = read_optimade_json(write_optimade_json(s, "nakcl"), "x.json");
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].name, "nakcl");
  EXPECT_TRUE(compare_structures(s, back[0]).match);
  // A vacancy: 0.9 Ti on a site.
  auto v = read_optimade_json(
      R"({"data":[{"id":"1","type":"structures","attributes":{
          "lattice_vectors":[[3,0,0],[0,3,0],[0,0,3]],
          "cartesian_site_positions":[[0,0,0]],"species_at_sites":["Ti"],
          "species":[{"name":"Ti","chemical_symbols":["Ti","vacancy"],"concentration":[0.9,0.1]}]}}]})");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NEAR(v[0].sites[0].total_occupancy(), 0.9, 1e-12);
}

TEST(OptimadeJson, ErrorsNameTheFieldOrThePosition) {
  // Found by fuzzing: a number beyond double range is a ParseError, not an escaped exception.
  EXPECT_THROW(read_optimade_json(R"({"lattice_vectors":[[1e999,0,0]]})", "big.json"),
               pb::ParseError);
  try {
    read_optimade_json("{\n  \"data\": [1,\n", "bad.json");
    FAIL();
  } catch (const pb::ParseError& e) {
    EXPECT_EQ(e.where().line, 3u);
  }
  try {
    read_optimade_json(R"({"lattice_vectors":[[3,0,0],[0,3,0],[0,0,3]],
      "cartesian_site_positions":[[0,0,0]],"species_at_sites":["Xx"]})",
                       "x.json");
    FAIL();
  } catch (const pb::ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("Xx"), std::string::npos);
  }
}

TEST(StructureIo, FormatsByNameAndUnknownFormats) {
  EXPECT_EQ(guess_format("a/b/NaCl.CIF"), "cif");
  EXPECT_EQ(guess_format("POSCAR"), "poscar");
  EXPECT_EQ(guess_format("run/CONTCAR"), "poscar");
  EXPECT_EQ(guess_format("x.extxyz"), "xyz");
  EXPECT_EQ(guess_format("entry.json"), "optimade");
  EXPECT_FALSE(guess_format("notes.txt"));
  EXPECT_THROW(write_structure(from_cif(kNaCl), "pdb"), pb::InvalidArgument);
  // Several CIF blocks: the good ones and a located error for the bad one.
  LoadResult r =
      read_structures_text(std::string(kNaCl) + "data_empty\n_cell_length_a 5\n", "two.cif", "cif");
  EXPECT_EQ(r.structures.size(), 1u);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].find("two.cif:"), std::string::npos);
}

TEST(Matcher, SaysWhyStructuresDiffer) {
  Structure nacl = from_cif(kNaCl);
  // The same rock salt expanded by 5 %: same when volumes are scaled, not otherwise.
  Structure big = nacl;
  big.lattice = Lattice(5.6402 * 1.05, 5.6402 * 1.05, 5.6402 * 1.05, 90, 90, 90);
  MatchResult r = compare_structures(nacl, big);
  EXPECT_TRUE(r.match) << r.reason;
  MatchOptions no_scale;
  no_scale.scale = false;
  no_scale.ltol = 0.1;
  r = compare_structures(nacl, big, no_scale);  // 15.8 % in volume
  EXPECT_FALSE(r.match);
  EXPECT_NE(r.reason.find("volumes differ"), std::string::npos) << r.reason;
  // Composition.
  r = compare_structures(nacl, from_cif(kCorundum));
  EXPECT_FALSE(r.match);
  EXPECT_NE(r.reason.find("different compositions"), std::string::npos);
  // CsCl-type NaCl: same composition, 2 atoms in the primitive cell too, other arrangement.
  Structure cscl;
  cscl.lattice = Lattice(3.3, 3.3, 3.3, 90, 90, 90);
  cscl.sites = {nacl.sites[0], nacl.sites[4]};
  cscl.sites[0].frac = {0, 0, 0};
  cscl.sites[1].frac = {0.5, 0.5, 0.5};
  r = compare_structures(nacl, cscl);
  EXPECT_FALSE(r.match);
  EXPECT_NE(r.reason.find("lattice"), std::string::npos) << r.reason;
  // Oxidation states count for the species comparator only.
  Structure neutral = nacl;
  for (auto& site : neutral.sites) site.occupants[0].species.has_charge = false;
  for (auto& site : neutral.sites) site.occupants[0].species.charge = 0;
  EXPECT_FALSE(compare_structures(nacl, neutral).match);
  MatchOptions element;
  element.comparator = Comparator::kElement;
  EXPECT_TRUE(compare_structures(nacl, neutral, element).match);
  // Framework ignoring Na: the Cl fcc lattice alone.
  MatchOptions framework;
  framework.ignored_species = {"Na"};
  Structure only_cl = nacl;
  only_cl.sites.erase(only_cl.sites.begin(), only_cl.sites.begin() + 4);
  EXPECT_TRUE(compare_structures(nacl, only_cl, framework).match);
}

TEST(Matcher, GroupsByStructure) {
  Structure nacl = from_cif(kNaCl);
  Structure corundum = from_cif(kCorundum);
  Structure shifted = nacl;
  for (auto& site : shifted.sites) site.frac[0] += 0.1;  // an origin shift
  auto groups = group_structures({nacl, corundum, shifted});
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0], (std::vector<std::size_t>{0, 2}));
  EXPECT_EQ(groups[1], (std::vector<std::size_t>{1}));
}
