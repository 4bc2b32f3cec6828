// Descriptor values checked by hand against data/elements.csv.
#include "chem/descriptors.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "chem/element.hpp"
#include "chem/formula.hpp"
#include "util/error.hpp"

using namespace pb::chem;

namespace {
double feature(const CompositionDescriptors& d, const std::vector<double>& v,
               const std::string& name) {
  for (std::size_t i = 0; i < d.names().size(); ++i) {
    if (d.names()[i] == name) return v[i];
  }
  ADD_FAILURE() << "no feature " << name;
  return 0;
}
}  // namespace

TEST(Descriptors, StatisticsOfElectronegativityForLi2O) {
  CompositionDescriptors d({"electronegativity", "atomic_number"});
  auto v = d.compute(parse_formula("Li2O").composition);
  double li = find_element("Li")->get(ElementProperty::kPaulingElectronegativity);  // 0.98
  double o = find_element("O")->get(ElementProperty::kPaulingElectronegativity);    // 3.44
  EXPECT_DOUBLE_EQ(li, 0.98);
  EXPECT_DOUBLE_EQ(o, 3.44);
  double mean = (2 * li + o) / 3;
  EXPECT_NEAR(feature(d, v, "mean_electronegativity"), mean, 1e-12);
  EXPECT_NEAR(feature(d, v, "min_electronegativity"), 0.98, 1e-12);
  EXPECT_NEAR(feature(d, v, "max_electronegativity"), 3.44, 1e-12);
  EXPECT_NEAR(feature(d, v, "range_electronegativity"), 2.46, 1e-12);
  EXPECT_NEAR(feature(d, v, "mode_electronegativity"), 0.98, 1e-12);  // Li is 2/3 of the atoms
  EXPECT_NEAR(feature(d, v, "avg_dev_electronegativity"),
              (2 * std::fabs(li - mean) + std::fabs(o - mean)) / 3, 1e-12);
  EXPECT_NEAR(feature(d, v, "mean_atomic_number"), (2 * 3 + 8) / 3.0, 1e-12);
}

TEST(Descriptors, ModeTiesGoToTheSmallerValue) {
  CompositionDescriptors d({"atomic_number"});
  auto v = d.compute(parse_formula("NaCl").composition);
  EXPECT_EQ(feature(d, v, "mode_atomic_number"), 11);
}

TEST(Descriptors, MagpiePresetHasStableNames) {
  auto d = CompositionDescriptors::preset("magpie");
  EXPECT_EQ(d.names().size(), 22u * 6u);
  EXPECT_EQ(d.names().front(), "mean_atomic_number");
  EXPECT_EQ(d.names().back(), "avg_dev_gs_space_group_number");
  auto v = d.compute(parse_formula("Li7La3Zr2O12").composition);
  for (std::size_t i = 0; i < v.size(); ++i) EXPECT_FALSE(std::isnan(v[i])) << d.names()[i];
}

TEST(Descriptors, MissingValuesGiveNaNAndUnknownKeysThrow) {
  CompositionDescriptors d({"electronegativity"});
  auto v = d.compute(parse_formula("HeLi").composition);  // He has no Pauling value
  EXPECT_TRUE(std::isnan(v[0]));
  EXPECT_THROW(CompositionDescriptors({"not_a_property"}), pb::InvalidArgument);
  EXPECT_THROW(CompositionDescriptors::preset("nope"), pb::InvalidArgument);
}
