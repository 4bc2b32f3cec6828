#include "store/bibliography.hpp"

#include <gtest/gtest.h>

#include "util/error.hpp"

using pb::store::parse_bibtex;
using pb::store::parse_ris;
using pb::store::read_references;

namespace {
const std::string kData = std::string(PB_SOURCE_DIR) + "/tests/data/store/";
}

TEST(Bibtex, ReadsRealEntries) {
  auto refs = read_references(kData + "references.bib");
  ASSERT_EQ(refs.size(), 4u);
  const auto& h = refs[0];
  EXPECT_EQ(h.kind, "article");
  EXPECT_EQ(h.authors.size(), 32u);
  EXPECT_EQ(h.authors.front(), "Hargreaves, Cameron J.");
  EXPECT_EQ(h.authors[12], "Blanc, Frédéric");
  EXPECT_EQ(h.journal, "npj Computational Materials");  // @string macro
  EXPECT_EQ(h.year, 2023);
  EXPECT_EQ(h.doi, "10.1038/s41524-022-00951-z");
  EXPECT_EQ(h.source, kData + "references.bib:4");
  const auto& l = refs[1];
  EXPECT_EQ(l.title,
            "Identification of potential solid-state Li-ion conductors with "
            "semi-supervised learning");
  EXPECT_EQ(l.journal, "Energy & Environmental Science");
  EXPECT_EQ(l.pages, "1264-1276");
  EXPECT_EQ(l.issue, "3");
  EXPECT_EQ(refs[2].title,
            "A thermodynamic analysis of the Pb-Sn system and the calculation of the Pb-Sn phase "
            "diagram");
  EXPECT_EQ(refs[3].authors.front(), "Therrien, Félix");
  EXPECT_TRUE(refs[3].doi.empty());
}

TEST(Bibtex, AccentsConcatenationAndParentheses) {
  auto refs = parse_bibtex(
      "@STRING(j = \"J. Phys. \")\n"
      "@Article(k, author = {M{\\\"u}ller, J. and Gr\\\"{o}bner, S. and {\\AA}ngstr\\\"om, A.},"
      " title = \"On {\\em garnets}\", journal = j # \"C\", year = \"2001\", pages = 5 # \"--\" # "
      "9)",
      "t.bib");
  ASSERT_EQ(refs.size(), 1u);
  EXPECT_EQ(refs[0].authors,
            (std::vector<std::string>{"Müller, J.", "Gröbner, S.", "Ångström, A."}));
  EXPECT_EQ(refs[0].title, "On garnets");
  EXPECT_EQ(refs[0].journal, "J. Phys. C");
  EXPECT_EQ(refs[0].pages, "5-9");
}

TEST(Bibtex, ErrorsAreLocated) {
  try {
    parse_bibtex("@article{a,\n  title = {Open\n", "bad.bib");
    FAIL();
  } catch (const pb::ParseError& e) {
    EXPECT_EQ(e.where().file, "bad.bib");
    EXPECT_EQ(e.where().line, 2u);
    EXPECT_EQ(e.where().column, 11u);
    EXPECT_NE(e.message().find("unbalanced"), std::string::npos);
  }
  try {
    parse_bibtex("@article{a,\n  journal = undefinedmacro,\n}", "bad.bib");
    FAIL();
  } catch (const pb::ParseError& e) {
    EXPECT_EQ(e.where().line, 2u);
    EXPECT_EQ(e.where().column, 13u);
    EXPECT_NE(e.message().find("undefinedmacro"), std::string::npos);
  }
  EXPECT_THROW(parse_bibtex("@article{a, title {x}}"), pb::ParseError);
  EXPECT_THROW(parse_bibtex("@article a"), pb::ParseError);
}

TEST(Ris, ReadsRealRecords) {
  auto refs = read_references(kData + "references.ris");
  ASSERT_EQ(refs.size(), 2u);
  EXPECT_EQ(refs[0].doi, "10.1038/s41524-022-00951-z");
  EXPECT_EQ(refs[0].journal, "npj Computational Materials");  // JF preferred over JO
  EXPECT_EQ(refs[0].authors.size(), 3u);
  EXPECT_EQ(refs[0].year, 2023);
  EXPECT_EQ(refs[1].title,
            "A thermodynamic analysis of the Pb-Sn system and the calculation of the Pb-Sn phase "
            "diagram");  // wrapped line joined
  EXPECT_EQ(refs[1].pages, "267-276");
  EXPECT_EQ(refs[1].journal, "CALPHAD");
  EXPECT_EQ(refs[1].year, 1981);
  EXPECT_EQ(refs[1].kind, "article");
}

TEST(Ris, ErrorsAreLocated) {
  try {
    parse_ris("TY  - JOUR\nTI  - x\n", "open.ris");
    FAIL();
  } catch (const pb::ParseError& e) {
    EXPECT_EQ(e.describe(), "open.ris:1:1: error: record is not closed with 'ER  - '");
  }
  try {
    parse_ris("\nAU  - Smith, J.\n", "o.ris");
    FAIL();
  } catch (const pb::ParseError& e) {
    EXPECT_EQ(e.where().line, 2u);
  }
  try {
    parse_ris("garbage\n", "g.ris");
    FAIL();
  } catch (const pb::ParseError& e) {
    EXPECT_EQ(e.where().line, 1u);
  }
}
