// 375 real formula strings from ../shared/data with independently derived compositions
// (tests/data/formulas/literature.tsv; provenance in tests/data/formulas/SOURCES.md).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "formula_helpers.hpp"
#include "util/error.hpp"

namespace {

struct Row {
  std::size_t line;
  std::string source, input, expected, note;
};

std::vector<Row> load() {
  std::ifstream in(PB_SOURCE_DIR "/tests/data/formulas/literature.tsv", std::ios::binary);
  std::vector<Row> rows;
  std::string line;
  std::getline(in, line);  // header
  for (std::size_t n = 2; std::getline(in, line); ++n) {
    std::vector<std::string> f;
    std::size_t start = 0;
    for (std::size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1) {
      f.push_back(line.substr(start, tab - start));
    }
    f.push_back(line.substr(start));
    if (f.size() < 3) continue;
    rows.push_back(Row{n, f[0], f[1], f[2], f.size() > 3 ? f[3] : ""});
  }
  return rows;
}

}  // namespace

TEST(FormulaCorpus, EveryLiteratureStringGivesItsExpectedComposition) {
  auto rows = load();
  ASSERT_GE(rows.size(), 300u);
  std::size_t errors = 0, exact = 0, weight = 0;
  for (const Row& r : rows) {
    SCOPED_TRACE("literature.tsv:" + std::to_string(r.line) + " " + r.source + " [" + r.input +
                 "]");
    if (r.expected == "ERROR") {
      EXPECT_THROW(pb::chem::parse_formula(r.input), pb::ParseError);
      ++errors;
      continue;
    }
    pb::chem::ParsedFormula f;
    try {
      f = pb::chem::parse_formula(r.input);
    } catch (const pb::ParseError& e) {
      ADD_FAILURE() << e.what();
      continue;
    }
    if (r.expected[0] == '~') {
      // Weight-percent composites: atomic fractions; the corpus used IUPAC 2021 weights and the
      // element table has Magpie's (older) ones, which differ by up to ~1e-4 relative.
      auto expected = pb::test::parse_amounts(r.expected.substr(1));
      auto fractions = f.composition.atomic_fractions();
      ASSERT_EQ(fractions.size(), expected.size());
      for (auto [z, x] : fractions) {
        std::string el(pb::chem::find_element(z)->symbol);
        ASSERT_TRUE(expected.count(el)) << el;
        EXPECT_NEAR(x, expected[el], 5e-4 * expected[el] + 1e-6) << el;
      }
      EXPECT_TRUE(f.approximate);
      ++weight;
      continue;
    }
    EXPECT_EQ(pb::test::amounts_text(f.composition), r.expected);
    ++exact;
  }
  RecordProperty("exact", static_cast<int>(exact));
  RecordProperty("weight_percent", static_cast<int>(weight));
  RecordProperty("errors", static_cast<int>(errors));
}
