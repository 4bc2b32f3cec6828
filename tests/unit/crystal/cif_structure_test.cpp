// The CIF semantic layer: numbers with uncertainties, symmetry operations, type symbols, and
// asymmetric-unit expansion, with values worked out by hand.
#include "crystal/cif_structure.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "crystal/symmetry.hpp"
#include "util/error.hpp"

using namespace pb::crystal;

namespace {
// The cell lines of an inline test CIF.
std::string cell(double a, double b, double c, double alpha = 90, double beta = 90,
                 double gamma = 90) {
  auto line = [](const char* tag, double v) {
    return std::string(tag) + " " + std::to_string(v) + "\n";
  };
  return line("_cell_length_a", a) + line("_cell_length_b", b) + line("_cell_length_c", c) +
         line("_cell_angle_alpha", alpha) + line("_cell_angle_beta", beta) +
         line("_cell_angle_gamma", gamma);
}
int spg_number(std::optional<int> hall) { return hall ? number_of(*hall) : 0; }
std::string spglib_setting_of(std::string_view hm) {
  auto h = hall_number_from_hm(hm);
  return h ? setting_name(*h) : std::string();
}
}  // namespace

TEST(Measured, ReadsValuesAndUncertainties) {
  auto m = parse_measured("5.4309(2)");
  ASSERT_TRUE(m);
  EXPECT_DOUBLE_EQ(m->value, 5.4309);
  EXPECT_NEAR(m->su, 0.0002, 1e-15);
  EXPECT_NEAR(parse_measured("-0.123(15)")->su, 0.015, 1e-15);
  EXPECT_NEAR(parse_measured("1.23E-3(4)")->su, 0.04e-3, 1e-15);
  EXPECT_NEAR(parse_measured("120(3)")->su, 3, 1e-15);
  EXPECT_EQ(parse_measured("90")->su, 0);
  EXPECT_FALSE(parse_measured("?"));
  EXPECT_FALSE(parse_measured("1.2(3"));
  EXPECT_FALSE(parse_measured("abc"));
}

TEST(SymOp, ParsesTripletsInAnyStyle) {
  SymOp op = parse_symop("-x+1/2, Y ,-z+0.5");
  EXPECT_EQ(op.rot[0][0], -1);
  EXPECT_EQ(op.rot[1][1], 1);
  EXPECT_DOUBLE_EQ(op.trans[0], 0.5);
  EXPECT_DOUBLE_EQ(op.trans[2], 0.5);
  EXPECT_EQ(op.to_string(), "-x+1/2,y,-z+1/2");
  EXPECT_EQ(parse_symop("+x-y,x,z+1/3").to_string(), "x-y,x,z+1/3");
  EXPECT_EQ(parse_symop("1/2+x,y,3/2-z").to_string(), "x+1/2,y,-z+3/2");  // above 1 is kept
  auto a = parse_symop("-x+1/2,y,-z").apply({0.1, 0.2, 0.3});
  EXPECT_NEAR(a[0], 0.4, 1e-12);
  EXPECT_NEAR(a[2], -0.3, 1e-12);
  EXPECT_THROW(parse_symop("x,y"), pb::ParseError);
  EXPECT_THROW(parse_symop("x,y,w"), pb::ParseError);
  EXPECT_THROW(parse_symop("x,y,z,x"), pb::ParseError);
  EXPECT_THROW(parse_symop("0.5x,y,z"), pb::ParseError);
  // Found by fuzz/cif_structure_fuzz.cpp: a lone '.' threw std::invalid_argument.
  EXPECT_THROW(parse_symop("x+1/2,-y+1/2,.z+1/2"), pb::ParseError);
  EXPECT_THROW(parse_symop("x,y,z+1e999"), pb::ParseError);
}

TEST(TypeSymbol, ReadsElementsChargesAndLabels) {
  EXPECT_EQ(parse_type_symbol("Mn2+").z, 25);
  EXPECT_EQ(parse_type_symbol("Mn2+").charge, 2);
  EXPECT_EQ(parse_type_symbol("O2-").charge, -2);
  EXPECT_EQ(parse_type_symbol("Li1").z, 3);
  EXPECT_FALSE(parse_type_symbol("Li1").has_charge);
  EXPECT_EQ(parse_type_symbol("FE").z, 26);
  EXPECT_EQ(parse_type_symbol("Cl-").charge, -1);
  EXPECT_EQ(parse_type_symbol("D").mass_number, 2);
  EXPECT_THROW(parse_type_symbol("Q1"), pb::InvalidArgument);
}

TEST(CifStructure, ExpandsTheAsymmetricUnit) {
  // Rock salt in F m -3 m written with the 4 centring translations and the inversion only:
  // enough to check expansion and duplicate removal (Na at 0,0,0 and Cl at 1/2,1/2,1/2 are on
  // inversion centres, so each gives 4 atoms, not 8).
  auto doc = cif::read_text(
      "data_NaCl\n_cell_length_a 5.6402(3)\n_cell_length_b 5.6402\n_cell_length_c 5.6402\n"
      "_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n"
      "loop_\n_symmetry_equiv_pos_as_xyz\n'x,y,z' 'x,y+1/2,z+1/2' 'x+1/2,y,z+1/2' "
      "'x+1/2,y+1/2,z' '-x,-y,-z' '-x,-y+1/2,-z+1/2' '-x+1/2,-y,-z+1/2' '-x+1/2,-y+1/2,-z'\n"
      "loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n"
      "_atom_site_fract_z\nNa1 Na+ 0 0 0\nCl1 Cl- 0.5 0.5 0.5\n",
      "nacl.cif");
  ASSERT_TRUE(doc.errors.empty());
  CifStructure s = read_structure(doc.blocks[0], "nacl.cif");
  EXPECT_EQ(s.structure.sites.size(), 8u);
  EXPECT_EQ(s.structure.cell_composition().formula_hill(), "Cl4Na4");
  EXPECT_NEAR(s.cell[0].su, 0.0003, 1e-12);
  EXPECT_NEAR(s.structure.lattice.volume(), std::pow(5.6402, 3), 1e-9);
  // 4 NaCl (58.443 g/mol) in 179.43 Å^3: 2.163 g/cm^3 (the handbook density of halite).
  EXPECT_NEAR(s.structure.density(), 2.163, 0.002);
}

TEST(CifStructure, MergesSubstitutionalDisorderIntoOneSite) {
  auto doc = cif::read_text(
      "data_x\n_cell_length_a 4\n_cell_length_b 4\n_cell_length_c 4\n"
      "loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n"
      "_atom_site_occupancy\nLi1 0 0 0 0.875\nLa1 0 0 0 0.125\nO1 0.5 0.5 0.5 1\n",
      "d.cif");
  CifStructure s = read_structure(doc.blocks[0], "d.cif");
  ASSERT_EQ(s.structure.sites.size(), 2u);
  EXPECT_TRUE(s.structure.sites[0].disordered());
  EXPECT_EQ(s.structure.sites[0].occupants.size(), 2u);
  // Exact occupancies: 0.875 + 0.125 is exactly 1.
  EXPECT_EQ(s.structure.cell_composition().amount_of(3), pb::chem::Number::fraction(7, 8));
  ASSERT_EQ(s.warnings.size(), 4u);  // three missing angles, and no symmetry given
}

TEST(CifStructure, KeepsTheAtomSitesAsWrittenWithTheirUncertainties) {
  auto doc = cif::read_text(
      "data_x\n_cell_length_a 4\n_cell_length_b 4\n_cell_length_c 4\n"
      "_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n"
      "loop_\n_symmetry_equiv_pos_as_xyz\n'x,y,z' '-x,-y,-z'\n"
      "loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n"
      "_atom_site_fract_z\n_atom_site_occupancy\n"
      "Li1 Li+ 0.1234(5) 0.25 -0.0312(12) 0.96(2)\nO1 O2- 0.5 0.5 0.5 .\n",
      "su.cif");
  ASSERT_TRUE(doc.errors.empty());
  CifStructure s = read_structure(doc.blocks[0], "su.cif");
  ASSERT_EQ(s.atom_sites.size(), 2u);  // the loop's rows, not the 3 expanded sites
  EXPECT_EQ(s.structure.sites.size(), 3u);
  const AtomSite& li = s.atom_sites[0];
  EXPECT_EQ(li.label, "Li1");
  EXPECT_EQ(li.species.charge, 1);
  EXPECT_DOUBLE_EQ(li.frac[0].value, 0.1234);
  EXPECT_NEAR(li.frac[0].su, 0.0005, 1e-12);
  EXPECT_EQ(li.frac[1].su, 0);
  EXPECT_NEAR(li.frac[2].su, 0.0012, 1e-12);
  EXPECT_NEAR(li.occupancy.value, 0.96, 1e-12);
  EXPECT_NEAR(li.occupancy.su, 0.02, 1e-12);
  EXPECT_EQ(li.line, 18u);  // the row after 17 lines of cell, symmetry and loop headers
  EXPECT_EQ(s.atom_sites[1].occupancy.value, 1);  // '.' taken as 1, with a warning
}

TEST(CifStructure, ReportsWhatIsMissingWithTheLine) {
  auto first_error = [](const std::string& text) {
    auto doc = cif::read_text(text, "m.cif");
    try {
      read_structure(doc.blocks.at(0), "m.cif");
    } catch (const pb::ParseError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(first_error("data_x\n_cell_length_b 1\n"),
            "m.cif:1: error: data_x has no _cell_length_a");
  EXPECT_EQ(first_error("data_x\n_cell_length_a 1\n_cell_length_b 1\n_cell_length_c -1\n"),
            "m.cif:4: error: _cell_length_c is not a positive number: '-1'");
  EXPECT_EQ(first_error("data_x\n_cell_length_a 1\n_cell_length_b 1\n_cell_length_c 1\n"
                        "_symmetry_equiv_pos_as_xyz 'x,y,q'\n"),
            "m.cif:5: error: unexpected 'q' in symmetry operation 'x,y,q'");
  EXPECT_NE(first_error("data_x\n_cell_length_a 1\n_cell_length_b 1\n_cell_length_c 1\n"
                        "_symmetry_space_group_name_H-M 'Q 9'\nloop_\n_atom_site_label\n"
                        "_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nNa 0 0 0\n")
                .find("not one spglib knows"),
            std::string::npos);
}

TEST(CifStructure, TakesOperationsFromTheSymbolWhenNoneAreListed) {
  // Rock salt from the symbol alone: Na at 4a and Cl at 4b of F m -3 m give 4 + 4 atoms, and
  // spglib finds the space group again.
  auto doc = cif::read_text(
      "data_NaCl\n" + cell(5.6402, 5.6402, 5.6402) +
          "_symmetry_space_group_name_H-M 'F m -3 m'\n"
          "loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n"
          "Na1 0 0 0\nCl1 0.5 0.5 0.5\n",
      "nacl.cif");
  CifStructure s = read_structure(doc.blocks[0], "nacl.cif");
  EXPECT_EQ(s.symops.size(), 192u);
  EXPECT_EQ(s.structure.sites.size(), 8u);
  auto info = analyse_symmetry(typed_cell(s.structure));
  ASSERT_TRUE(info);
  EXPECT_EQ(info->number, 225);
  EXPECT_EQ(info->pearson, "cF8");
  EXPECT_EQ(info->crystal_system, "cubic");
  EXPECT_EQ(hall_number_from_hm("P 21/c"), hall_number_from_hm("P2_1/c"));
  EXPECT_EQ(hall_number_from_hall("-P 2ybc"), 81);
  EXPECT_FALSE(hall_number_from_hm("nonsense"));
  // Spellings found in the cod-tools CIFs.
  EXPECT_EQ(hall_number_from_hm("P 21/n"), 82);   // P 1 21/n 1
  EXPECT_EQ(hall_number_from_hm("P 21/a"), 83);   // P 1 21/a 1
  EXPECT_EQ(hall_number_from_hm("P2(1)/c"), 81);  // P 1 21/c 1
  EXPECT_EQ(spg_number(hall_number_from_hm("P m 3 m")), 221);
  EXPECT_EQ(spg_number(hall_number_from_hm("F d 3 m")), 227);
  EXPECT_EQ(spg_number(hall_number_from_hm("P 3 m 1")), 156);  // not P-3m1
  EXPECT_FALSE(hall_number_from_hm("X4bm"));
}

TEST(CifStructure, ReadsTheCitationAndConditions) {
  auto doc = cif::read_text(
      "data_x\n" + cell(4, 4, 4) +
          "_symmetry_space_group_name_H-M 'P 1'\n"
          "loop_\n_publ_author_name\n'Ruff, Andrew'\n'Chan, Benny C.'\n"
          "_publ_section_title\n;\n  Base-Free Transfer\n  Hydrogenation\n;\n"
          "_journal_name_full Organometallics\n_journal_year 2016\n_journal_volume 35\n"
          "_journal_page_first 327\n_journal_page_last 335\n"
          "_journal_paper_doi 10.1021/acs.organomet.5b00864\n_database_code_ICSD 155950\n"
          "_cod_database_code 1000026\n_diffrn_ambient_temperature 150(2)\n"
          "_cell_measurement_temperature 293\n_diffrn_ambient_pressure ?\n"
          "loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n"
          "Na 0 0 0\n",
      "c.cif");
  CifStructure s = read_structure(doc.blocks.at(0), "c.cif");
  const Citation& c = s.citation;
  EXPECT_EQ(c.authors, (std::vector<std::string>{"Ruff, Andrew", "Chan, Benny C."}));
  EXPECT_EQ(c.title, "Base-Free Transfer Hydrogenation");
  EXPECT_EQ(c.journal, "Organometallics");
  EXPECT_EQ(c.year, 2016);
  EXPECT_EQ(c.first_page + "-" + c.last_page, "327-335");
  EXPECT_EQ(c.doi, "10.1021/acs.organomet.5b00864");
  ASSERT_EQ(c.database_codes.size(), 2u);
  EXPECT_EQ(c.database_codes[0], (std::pair<std::string, std::string>{"ICSD", "155950"}));
  EXPECT_EQ(c.database_codes[1], (std::pair<std::string, std::string>{"COD", "1000026"}));
  // The diffraction temperature wins over the cell-measurement one; '?' is no pressure.
  ASSERT_TRUE(s.conditions.temperature_K);
  EXPECT_EQ(s.conditions.temperature_K->value, 150);
  EXPECT_EQ(s.conditions.temperature_K->su, 2);
  EXPECT_FALSE(s.conditions.pressure_kPa);
}

// Findings of a code review, each once silently wrong.
TEST(CifStructure, HermannMauguinSymbolsAreNotReadAsHallSymbols) {
  // "P 42" is P4_2 (No. 77); read as the Hall symbol "P 4 2" it would be P422 (No. 89).
  EXPECT_EQ(number_of(*hall_number_from_hm("P 42")), 77);
  EXPECT_EQ(number_of(*hall_number_from_hm("P 2")), 3);
  EXPECT_EQ(spglib_setting_of("P 2"), "P 1 2 1");
}

TEST(CifStructure, RhombohedralCellsGetTheRhombohedralSetting) {
  auto doc = cif::read_text(
      "data_x\n" + cell(5, 5, 5, 60, 60, 60) +
          "_symmetry_space_group_name_H-M 'R -3 m'\nloop_\n_atom_site_label\n"
          "_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nO1 0.1 0.1 0.1\n",
      "r.cif");
  CifStructure s = read_structure(doc.blocks[0], "r.cif");
  EXPECT_EQ(s.symops.size(), 12u);  // R-3m in rhombohedral axes; the hexagonal setting has 36
  EXPECT_EQ(s.space_group_number, 166);
  EXPECT_EQ(s.structure.sites.size(), 2u);  // O at x,x,x (6c in hexagonal axes): 2 per R cell
}

TEST(TypeSymbol, ReadsTheSignBeforeTheDigits) {
  EXPECT_EQ(parse_type_symbol("Fe+3").charge, 3);
  EXPECT_EQ(parse_type_symbol("O-2").charge, -2);
  EXPECT_THROW(parse_type_symbol("Fe999+"), pb::InvalidArgument);
}

TEST(Measured, RefusesUncertaintiesLongerThanADouble) {
  EXPECT_FALSE(parse_measured("1.0(99999999999999999999)"));
}

TEST(CifStructure, WarnsAboutRoundedSpecialPositions) {
  // Mg at (0.333, 0.667, 1/4) in P6_3/mmc with a = 15 A: its images are 0.015 A apart, beyond
  // the 0.01 A duplicate tolerance, so the atom is multiplied; the reader must say so.
  auto doc = cif::read_text(
      "data_x\n" + cell(15, 15, 5, 90, 90, 120) +
          "_symmetry_space_group_name_H-M 'P 63/m m c'\nloop_\n_atom_site_label\n"
          "_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nMg1 0.333 0.667 0.25\n",
      "h.cif");
  CifStructure s = read_structure(doc.blocks[0], "h.cif");
  bool warned = false;
  for (const auto& w : s.warnings)
    warned = warned || w.message.find("rounded") != std::string::npos;
  EXPECT_TRUE(warned);
}
