#include "chem/element.hpp"

#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#ifndef PB_SOURCE_DIR
#error "PB_SOURCE_DIR must name the repository root so the test can read data/elements.csv"
#endif

namespace pb::chem {
namespace {

constexpr std::string_view kCsvPath = PB_SOURCE_DIR "/data/elements.csv";

/// Splits one CSV line; data/elements.csv never quotes, so a plain comma split is exact.
std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, ',')) cells.push_back(cell);
  if (!line.empty() && line.back() == ',') cells.emplace_back();
  return cells;
}

/// Reads data/elements.csv as rows of cells, header first.
std::vector<std::vector<std::string>> read_csv() {
  std::ifstream in{std::string(kCsvPath)};
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) rows.push_back(split_csv_line(line));
  return rows;
}

/// Shorthand that keeps the value checks on one line.
double value(const Element& e, ElementProperty p) { return e.get(p); }

/// The element with this symbol; a failed lookup is reported and yields an all-zero stand-in.
const Element& element(std::string_view symbol) {
  static const Element kMissing{};
  const Element* e = find_element(symbol);
  if (e == nullptr) ADD_FAILURE() << "no element " << symbol;
  return e != nullptr ? *e : kMissing;
}

TEST(Element, Has118ElementsInAtomicNumberOrder) {
  ASSERT_EQ(elements().size(), 118u);
  for (std::size_t i = 0; i < elements().size(); ++i) {
    EXPECT_EQ(elements()[i].z, static_cast<int>(i + 1));
  }
  EXPECT_EQ(find_element(0), nullptr);
  EXPECT_EQ(find_element(119), nullptr);
  EXPECT_EQ(find_element(-3), nullptr);
}

TEST(Element, EveryElementRoundTripsThroughSymbolAndName) {
  for (const Element& e : elements()) {
    EXPECT_EQ(find_element(e.z), &e);
    EXPECT_EQ(find_element(e.symbol), &e) << e.symbol;
    EXPECT_EQ(find_element_by_name(e.name), &e) << e.name;
    EXPECT_TRUE(e.block == 's' || e.block == 'p' || e.block == 'd' || e.block == 'f') << e.symbol;
  }
}

TEST(Element, SymbolLookupIsCaseExact) {
  EXPECT_EQ(find_element("Li")->z, 3);
  EXPECT_EQ(find_element("LI"), nullptr);
  EXPECT_EQ(find_element("li"), nullptr);
  EXPECT_EQ(find_element("lI"), nullptr);
  EXPECT_EQ(find_element("h"), nullptr);
  EXPECT_EQ(find_element(""), nullptr);
  EXPECT_EQ(find_element("Lit"), nullptr);
  EXPECT_EQ(find_element(std::string_view("H\0", 2)), nullptr);
}

TEST(Element, NameLookupIsCaseInsensitiveAndAcceptsCommonSpellings) {
  EXPECT_EQ(find_element_by_name("lithium")->z, 3);
  EXPECT_EQ(find_element_by_name("LITHIUM")->z, 3);
  EXPECT_EQ(find_element_by_name("Aluminium")->z, 13);
  EXPECT_EQ(find_element_by_name("aluminum")->z, 13);
  EXPECT_EQ(find_element_by_name("Caesium")->z, 55);
  EXPECT_EQ(find_element_by_name("Cesium")->z, 55);
  EXPECT_EQ(find_element_by_name("Sulfur")->z, 16);
  EXPECT_EQ(find_element_by_name("sulphur")->z, 16);
  EXPECT_EQ(find_element_by_name("Oganesson")->z, 118);
  EXPECT_EQ(find_element_by_name("Unobtainium"), nullptr);
  EXPECT_EQ(find_element_by_name("Li"), nullptr);
  EXPECT_EQ(find_element_by_name(""), nullptr);
}

TEST(Element, SymbolToZAgreesWithTheTable) {
  for (const Element& e : elements()) {
    const char lower = e.symbol.size() > 1 ? e.symbol[1] : '\0';
    EXPECT_EQ(symbol_to_z(e.symbol[0], lower), e.z) << e.symbol;
  }
  EXPECT_EQ(symbol_to_z('J'), 0);
  EXPECT_EQ(symbol_to_z('X', 'x'), 0);
  EXPECT_EQ(symbol_to_z('Q'), 0);
  EXPECT_EQ(symbol_to_z('A'), 0);
  EXPECT_EQ(symbol_to_z('L', 'I'), 0);
  EXPECT_EQ(symbol_to_z('h'), 0);
  EXPECT_EQ(symbol_to_z('C', 'o'), 27);
  EXPECT_EQ(symbol_to_z('C'), 6);
}

TEST(Element, SymbolToZIsZeroForEveryOtherCharacterPair) {
  // Exhaustive over all byte pairs, against a map built from the element table.
  std::map<std::string, int> by_symbol;
  for (const Element& e : elements()) by_symbol[std::string(e.symbol)] = e.z;
  for (int u = 0; u < 256; ++u) {
    for (int l = 0; l < 256; ++l) {
      const char upper = static_cast<char>(u);
      const char lower = static_cast<char>(l);
      std::string symbol(1, upper);
      if (lower != '\0') symbol.push_back(lower);
      const auto it = by_symbol.find(symbol);
      EXPECT_EQ(symbol_to_z(upper, lower), it == by_symbol.end() ? 0 : it->second)
          << "upper=" << u << " lower=" << l;
    }
  }
}

TEST(Element, ValuesMatchTheSources) {
  // Magpie's AtomicWeight is the 2007 IUPAC standard weight 6.941; mendeleev has 6.94.
  EXPECT_DOUBLE_EQ(element("Li").atomic_mass(), 6.941);
  EXPECT_NEAR(element("Li").atomic_mass(), 6.94, 0.002);
  EXPECT_DOUBLE_EQ(element("Fe").atomic_mass(), 55.845);
  EXPECT_DOUBLE_EQ(value(element("O"), ElementProperty::kPaulingElectronegativity), 3.44);
  for (const char* noble : {"He", "Ne", "Ar"}) {
    EXPECT_TRUE(std::isnan(value(element(noble), ElementProperty::kPaulingElectronegativity)))
        << noble;
  }
  EXPECT_DOUBLE_EQ(value(element("Si"), ElementProperty::kMeltingPoint), 1687.0);
  EXPECT_DOUBLE_EQ(value(element("Na"), ElementProperty::kValenceS), 1.0);
  EXPECT_DOUBLE_EQ(value(element("Fe"), ElementProperty::kValenceD), 6.0);
  EXPECT_DOUBLE_EQ(value(element("Fe"), ElementProperty::kUnfilledD), 4.0);
  // Density comes from mendeleev in g/cm^3, not Magpie's g/L.
  EXPECT_DOUBLE_EQ(value(element("Fe"), ElementProperty::kDensity), 7.87);
  // Group: IUPAC numbering, f-block without a group.
  EXPECT_DOUBLE_EQ(value(element("La"), ElementProperty::kGroup), 3.0);
  EXPECT_TRUE(std::isnan(value(element("Ce"), ElementProperty::kGroup)));
  EXPECT_DOUBLE_EQ(value(element("Og"), ElementProperty::kGroup), 18.0);
  // Magpie stops at Z=112; mass and valence counts of Z=113..118 are filled from mendeleev.
  EXPECT_DOUBLE_EQ(element("Og").atomic_mass(), 294.0);
  EXPECT_DOUBLE_EQ(value(element("Og"), ElementProperty::kValenceTotal), 32.0);
  EXPECT_TRUE(std::isnan(value(element("Og"), ElementProperty::kGsBandGap)));
  EXPECT_EQ(element("Al").name, "Aluminium");
}

TEST(Element, PropertyInfosAreCompleteAndFindable) {
  const auto infos = element_property_infos();
  ASSERT_EQ(infos.size(), kElementPropertyCount);
  std::set<std::string_view> keys;
  std::set<std::string_view> columns;
  for (std::size_t i = 0; i < infos.size(); ++i) {
    const auto p = static_cast<ElementProperty>(i);
    EXPECT_EQ(infos[i].id, p);
    EXPECT_EQ(&element_property_info(p), &infos[i]);
    EXPECT_FALSE(infos[i].key.empty());
    EXPECT_FALSE(infos[i].description.empty());
    EXPECT_TRUE(keys.insert(infos[i].key).second) << infos[i].key;
    EXPECT_TRUE(columns.insert(infos[i].column).second) << infos[i].column;
    EXPECT_EQ(find_element_property(infos[i].key), p);
    EXPECT_EQ(find_element_property(infos[i].column), p);
  }
  EXPECT_EQ(find_element_property("electronegativity"), ElementProperty::kPaulingElectronegativity);
  EXPECT_EQ(find_element_property("melting_point_K"), ElementProperty::kMeltingPoint);
  EXPECT_EQ(find_element_property("gs_band_gap"), ElementProperty::kGsBandGap);
  EXPECT_EQ(find_element_property("no_such_property"), std::nullopt);
  EXPECT_EQ(element_property_info(ElementProperty::kMeltingPoint).unit, "K");
}

TEST(Element, CompiledTableEqualsCsv) {
  const auto rows = read_csv();
  ASSERT_EQ(rows.size(), 119u) << "cannot read " << kCsvPath;

  std::vector<std::string> expected_header = {"z", "symbol", "name", "block"};
  for (const ElementPropertyInfo& info : element_property_infos()) {
    expected_header.emplace_back(info.column);
  }
  ASSERT_EQ(rows[0], expected_header);

  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto& row = rows[i];
    ASSERT_EQ(row.size(), expected_header.size()) << "CSV line " << i + 1;
    const Element& e = elements()[i - 1];
    EXPECT_EQ(row[0], std::to_string(e.z));
    EXPECT_EQ(row[1], e.symbol);
    EXPECT_EQ(row[2], e.name);
    EXPECT_EQ(row[3], std::string(1, e.block));
    for (std::size_t k = 0; k < kElementPropertyCount; ++k) {
      const std::string& cell = row[4 + k];
      const double compiled = e.values[k];
      const auto where = std::string(e.symbol) + " " + expected_header[4 + k];
      if (cell == "NA") {
        EXPECT_TRUE(std::isnan(compiled)) << where;
        continue;
      }
      double parsed = 0.0;
      const auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), parsed);
      ASSERT_TRUE(ec == std::errc() && end == cell.data() + cell.size()) << where << " " << cell;
      // Exact: both sides are the correctly rounded double of the same decimal string.
      EXPECT_EQ(compiled, parsed) << where;
    }
  }
}

}  // namespace
}  // namespace pb::chem
