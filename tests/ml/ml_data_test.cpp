// Data side: folds, missing-value policy, descriptors of materials and interface pairs, the
// Miedema and mismatch-model baselines.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "ml/cv.hpp"
#include "ml/dataset.hpp"
#include "ml/miedema.hpp"
#include "ml/physics.hpp"

namespace pb::ml {
namespace {

std::string write_temp(const std::string& name, const std::string& text) {
  auto path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path) << text;
  return path.string();
}

TEST(mlFolds, GroupedFoldsNeverShareAGroup) {
  std::vector<std::string> groups;
  for (int i = 0; i < 500; ++i) groups.push_back("g" + std::to_string((i * 7919) % 97));
  for (std::uint64_t seed : {0u, 1u, 99u}) {
    std::vector<int> fold = make_folds(groups.size(), &groups, 5, seed);
    std::map<std::string, std::set<int>> folds_of;
    std::vector<int> sizes(5, 0);
    for (std::size_t i = 0; i < groups.size(); ++i) {
      folds_of[groups[i]].insert(fold[i]);
      ++sizes[fold[i]];
    }
    for (const auto& [g, f] : folds_of) EXPECT_EQ(f.size(), 1u) << g;
    for (int s : sizes) EXPECT_NEAR(s, 100, 10);  // balanced by rows
  }
}

TEST(mlFolds, ShuffledFoldsAreBalancedAndReproducible) {
  auto a = make_folds(103, nullptr, 5, 3), b = make_folds(103, nullptr, 5, 3);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, make_folds(103, nullptr, 5, 4));
  std::vector<int> sizes(5, 0);
  for (int f : a) ++sizes[f];
  for (int s : sizes) EXPECT_TRUE(s == 20 || s == 21);
  EXPECT_THROW(make_folds(3, nullptr, 5, 0), std::exception);
}

TEST(mlScores, R2RmseMae) {
  std::vector<double> t{1, 2, 3, 4}, p{1, 2, 3, 5};
  Scores s = score(t, p);
  EXPECT_DOUBLE_EQ(s.rmse, 0.5);
  EXPECT_DOUBLE_EQ(s.mae, 0.25);
  EXPECT_DOUBLE_EQ(s.r2, 1 - 1.0 / 5.0);
}

TEST(mlMissing, PolicyImputesOrDropsPerColumn) {
  MissingPolicy p;
  p.add("cond.t=drop");
  p.add("cond.*=mean");
  EXPECT_EQ(p.action_for("cond.t"), MissingAction::kDrop);
  EXPECT_EQ(p.action_for("cond.d"), MissingAction::kMean);
  EXPECT_EQ(p.action_for("a.mean_atomic_mass"), MissingAction::kMedian);
  EXPECT_THROW(p.add("cond.x=guess"), std::exception);
  Matrix x(4, 2);
  double nan = std::nan("");
  x.data = {1, 1, 2, nan, 10, 3, nan, 4};
  Imputer imp;
  imp.fit(x, {"cond.d", "x"}, p);  // "x": median fallback
  EXPECT_DOUBLE_EQ(imp.fill()[0], 13.0 / 3.0);
  EXPECT_DOUBLE_EQ(imp.fill()[1], 3.0);
  std::vector<double> row{nan, nan};
  EXPECT_TRUE(imp.apply(row));
  EXPECT_DOUBLE_EQ(row[1], 3.0);
}

TEST(mlDataset, DropsRowsWithReasonsAndKeepsTheDeclaredPolicy) {
  std::string csv = write_temp("pb_ml_missing.csv",
                               "formula,T,kind,y\n"
                               "NaCl,300,a,1.0\n"
                               "KCl,,b,2.0\n"     // T missing: dropped (policy)
                               "Qq2,300,a,3.0\n"  // no such element
                               "LiF,350,,\n"      // no target
                               "MgO,400,b,4.5\n");
  ColumnSpec c;
  c.target = "y";
  c.formula = "formula";
  c.numeric = {"T"};
  c.categorical = {"kind"};
  DescriptorConfig d;
  d.preset = "basic";
  Featurizer f(c, d);
  Table t = read_table(csv);
  f.prepare(t.header, t.rows);
  MissingPolicy p;
  p.add("cond.T=drop");
  Dataset data = build_dataset(t, f, p);
  EXPECT_EQ(data.x.rows, 2u);
  EXPECT_EQ(data.dropped, 3u);
  ASSERT_EQ(data.messages.size(), 3u);
  EXPECT_NE(data.messages[0].find(":3: dropped: missing cond.T"), std::string::npos)
      << data.messages[0];
  EXPECT_NE(data.messages[1].find(":4: dropped"), std::string::npos) << data.messages[1];
  EXPECT_EQ(data.lines, (std::vector<std::size_t>{2, 6}));
  EXPECT_EQ(data.row_groups, (std::vector<std::string>{"NaCl", "MgO"}));
  auto name = std::find(data.names.begin(), data.names.end(), "cond.kind=b");
  ASSERT_NE(name, data.names.end());
  EXPECT_EQ(data.x(1, static_cast<std::size_t>(name - data.names.begin())), 1.0);
}

TEST(mlDescriptors, InterfacePairsHaveBothSidesDifferencesAndBaselines) {
  ColumnSpec c;
  c.target = "h";
  c.formula = "a";
  c.formula_b = "b";
  c.side_b = {{"density", "dens_b"}, {"debye", "650"}};
  Featurizer f(c, {});
  std::vector<std::string> header{"a", "b", "dens_b", "h"};
  f.prepare(header, {});
  auto layout = f.bind(header, "", true);
  std::vector<double> out(f.names().size());
  MaterialCache cache;
  std::string group;
  f.compute(layout, {"Al", "Si", "2.33", "1"}, out, cache, &group);
  EXPECT_EQ(group, "Al|Si");
  auto at = [&](const std::string& n) {
    auto it = std::find(f.names().begin(), f.names().end(), n);
    EXPECT_NE(it, f.names().end()) << n;
    return out[static_cast<std::size_t>(it - f.names().begin())];
  };
  EXPECT_DOUBLE_EQ(at("a.mean_atomic_number"), 13);
  EXPECT_DOUBLE_EQ(at("b.mean_atomic_number"), 14);
  EXPECT_DOUBLE_EQ(at("diff.mean_atomic_number"), -1);
  EXPECT_DOUBLE_EQ(at("b.density_g_cm3"), 2.33);
  EXPECT_DOUBLE_EQ(at("b.debye_temperature_K"), 650);
  EXPECT_NEAR(at("pair.mass_ratio"), 26.98 / 28.09, 1e-3);
  EXPECT_GT(at("baseline.amm_transmission"), 0.9);  // Al and Si: similar impedances
  EXPECT_LE(at("baseline.amm_transmission"), 1.0);
  EXPECT_EQ(at("pair.miedema_coverage"), 1.0);
  // The measured Al/Si interface conductance is of the order of 10^2-10^3 MW m^-2 K^-1.
  EXPECT_GT(at("baseline.log10_dmm_h"), 2.5);
  EXPECT_LT(at("baseline.log10_dmm_h"), 3.7);
}

TEST(mlDescriptors, SelectionAndVersionTravelWithTheModel) {
  ColumnSpec c;
  c.target = "y";
  c.formula = "f";
  DescriptorConfig d;
  d.preset = "basic";
  d.select = {"a.mean_*", "a.debye_temperature_K"};
  Featurizer f(c, d);
  EXPECT_EQ(f.names().size(), 8u);  // a.mean_atomic_mass_u (acoustic) too
  nlohmann::json j;
  f.to_json(j);
  EXPECT_EQ(j["version"], kDescriptorVersion);
  Featurizer g;
  g.from_json(j);
  EXPECT_EQ(g.names(), f.names());
  j["version"] = "pb-ml-descriptors/0";
  EXPECT_THROW(g.from_json(j), std::exception);
}

TEST(mlMiedema, SignsAndSizesOfKnownAlloys) {
  // Miedema's model: Fe-Al and Ni-Al mix strongly exothermically, Fe-Cu and Ag-Ni endothermically.
  auto feal = miedema_enthalpy(26, 13, 0.5), nial = miedema_enthalpy(28, 13, 0.5);
  auto fecu = miedema_enthalpy(26, 29, 0.5), agni = miedema_enthalpy(47, 28, 0.5);
  ASSERT_TRUE(feal && nial && fecu && agni);
  EXPECT_LT(*feal, -10);
  EXPECT_GT(*feal, -60);
  EXPECT_LT(*nial, *feal);
  EXPECT_GT(*fecu, 0);
  EXPECT_GT(*agni, 0);
  EXPECT_FALSE(miedema_enthalpy(8, 26, 0.5));  // no parameters for oxygen
  std::vector<std::pair<int, double>> ga2o3{{31, 0.4}, {8, 0.6}}, cu{{29, 1.0}};
  MiedemaPair p = miedema_pair(cu, ga2o3);
  EXPECT_NEAR(p.coverage, 0.4, 1e-12);
  EXPECT_NEAR(p.enthalpy, *miedema_enthalpy(29, 31, 0.5), 1e-12);
}

TEST(mlMismatch, IdenticalSidesTransmitFullyInAmmAndHalfInDmm) {
  std::vector<std::pair<int, double>> si{{14, 1.0}};
  double nan = std::nan("");
  Acoustic a = complete_acoustic(si, {nan, 2.33, nan, 645, nan, nan});
  EXPECT_NEAR(a.number_density, 49.9, 0.5);  // Si: 5.0e22 atoms/cm³
  EXPECT_NEAR(a.velocity, 5.6e3, 0.6e3);     // Debye average of Si's sound velocities
  Mismatch m = mismatch(a, a);
  EXPECT_DOUBLE_EQ(m.amm_transmission, 1.0);
  EXPECT_DOUBLE_EQ(m.dmm_transmission, 0.5);
  EXPECT_NEAR(m.amm_conductance, 2 * m.dmm_conductance, 1e-9);
  // Lindemann's estimate for copper, 330 K against 343 K measured.
  Acoustic cu = complete_acoustic(std::vector<std::pair<int, double>>{{29, 1.0}},
                                  {nan, 8.96, nan, nan, nan, nan});
  EXPECT_NEAR(cu.debye, 343, 30);
}

}  // namespace
}  // namespace pb::ml
