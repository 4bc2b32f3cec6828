// POSCAR reading on small inline files, values worked out by hand.
#include "crystal/poscar.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "util/error.hpp"

using namespace pb::crystal;

TEST(Poscar, ReadsVasp5DirectAndSelectiveDynamics) {
  Poscar p = read_poscar(
      "NaCl\n1.0\n5.64 0 0\n0 5.64 0\n0 0 5.64\nNa Cl\n4 4\nSelective dynamics\nDirect\n"
      "0 0 0 T T T\n0 .5 .5 T T T\n.5 0 .5 T T T\n.5 .5 0 T T T\n"
      ".5 .5 .5 F F F\n.5 0 0 F F F\n0 .5 0 F F F\n0 0 .5 F F F\n",
      "nacl.vasp");
  EXPECT_TRUE(p.selective_dynamics);
  EXPECT_EQ(p.names, (std::vector<std::string>{"Na", "Cl"}));
  Structure s = p.structure();
  EXPECT_EQ(s.cell_composition().formula_hill(), "Cl4Na4");
  auto info = analyse_symmetry(p.typed_cell());
  ASSERT_TRUE(info);
  EXPECT_EQ(info->number, 225);
}

TEST(Poscar, ReadsCartesianAndNegativeScale) {
  // A negative scale is the volume: 8 Å^3 makes a 2 Å cube of the unit vectors given.
  Poscar p = read_poscar("cube\n-8\n1 0 0\n0 1 0\n0 0 1\nFe\n1\nCartesian\n0.5 0.5 0.5\n");
  EXPECT_NEAR(p.vectors[0][0], 2.0, 1e-12);
  // VASP scales Cartesian positions by the same factor: 0.5 * 2 = 1 Å in a 2 Å cell.
  EXPECT_NEAR(p.positions[0][0], 0.5, 1e-12);
}

TEST(Poscar, Vasp4TakesNamesFromTheCommentLineOrLabels) {
  Poscar a = read_poscar("Si O\n1\n5 0 0\n0 5 0\n0 0 5\n1 2\nD\n0 0 0\n.5 .5 .5\n.1 .1 .1\n");
  EXPECT_EQ(a.names, (std::vector<std::string>{"Si", "O"}));
  Poscar b = read_poscar("x\n1\n5 0 0\n0 5 0\n0 0 5\n1 1\nD\n0 0 0 # Cd1\n.5 .5 .5 # Te2\n");
  EXPECT_EQ(b.names, (std::vector<std::string>{"Cd", "Te"}));
  Poscar c = read_poscar("no names\n1\n5 0 0\n0 5 0\n0 0 5\n1 1\nD\n0 0 0\n.5 .5 .5\n");
  EXPECT_TRUE(c.names.empty());
  EXPECT_THROW(c.structure(), pb::InvalidArgument);
  EXPECT_EQ(c.typed_cell().types, (std::vector<int>{1, 2}));
}

TEST(Poscar, ReportsErrorsWithTheLine) {
  auto error = [](const std::string& text) {
    try {
      read_poscar(text, "P");
    } catch (const pb::ParseError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(error("c\n1\n5 0 0\n0 5 0\n"), "P:5: error: the file ends before the lattice vectors");
  EXPECT_EQ(error("c\nx\n"), "P:2: error: expected a scale factor");
  EXPECT_EQ(error("c\n1\n5 0 0\n0 5 0\n0 0 5\nNa\n-1\n"),
            "P:7: error: expected positive atom counts, found '-1'");
  EXPECT_EQ(error("c\n1\n5 0 0\n0 5 0\n0 0 5\nNa\n2\nDirect\n0 0 0\n"),
            "P:10: error: the file ends before all atom positions");
  EXPECT_EQ(error("c\n1\n5 0 0\n0 5 0\n0 0 5\nNa Cl\n2\n"),
            "P:7: error: 2 species names but 1 counts");
}
