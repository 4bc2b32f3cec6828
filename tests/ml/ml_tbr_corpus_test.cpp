// The β-Ga2O3 interface data of ../shared/data/tbr (1,633 computed conductances, MIT): SVR and
// boosted trees reach a sane cross-validated R², reproducibly for a seed, and beat the
// calibrated mismatch-model baselines.
#include <gtest/gtest.h>

#include <filesystem>

#include "ml/cv.hpp"
#include "ml/dataset.hpp"

namespace pb::ml {
namespace {

PipelineConfig model(std::string kind, std::map<std::string, std::string> params = {}) {
  PipelineConfig c;
  c.kind = std::move(kind);
  c.params = std::move(params);
  return c;
}

const std::filesystem::path kTbr =
    std::filesystem::path(PB_SHARED_DIR) / "data/tbr/alfahdi_hu_ga2o3_itc/props.csv";

Dataset tbr(DescriptorConfig d) {
  ColumnSpec c;
  c.target = "prop";
  c.structure = "substrate_poscars/{id}.POSCAR";
  c.formula_b_value = "Ga2O3";
  c.side_b = {{"density", "5.88"}};
  Featurizer f(c, d);
  Table t = read_table(kTbr.string());
  f.prepare(t.header, t.rows);
  return build_dataset(t, f, {});
}

TEST(mlTbrCorpus, ModelsReachASaneGroupedR2AndBeatTheBaselines) {
  if (!std::filesystem::exists(kTbr)) GTEST_SKIP() << kTbr << " is absent (../shared)";
  DescriptorConfig d;
  d.preset = "basic";
  Dataset data = tbr(d);
  ASSERT_EQ(data.x.rows, 1633u);
  EXPECT_EQ(data.dropped, 0u);
  CvOptions cv{5, 1, 0, true};
  PipelineConfig xgb = model("xgb", {{"n_estimators", "200"}});
  CvResult a = cross_validate(data, xgb, cv);
  CvResult b = cross_validate(data, xgb, cv);
  EXPECT_GT(a.r2.mean, 0.75);
  EXPECT_EQ(a.oof, b.oof);  // same seed, same predictions
  PipelineConfig svr = model("svr");
  CvResult s = cross_validate(data, svr, cv);
  EXPECT_GT(s.r2.mean, 0.75);

  DescriptorConfig only_dmm;
  only_dmm.select = {"baseline.log10_dmm_h"};
  CvResult dmm = cross_validate(tbr(only_dmm), model("linear"), cv);
  DescriptorConfig only_amm;
  only_amm.select = {"baseline.log10_amm_h"};
  CvResult amm = cross_validate(tbr(only_amm), model("linear"), cv);
  EXPECT_GT(amm.r2.mean, 0.1);  // the physics carries some signal
  EXPECT_GT(a.r2.mean, amm.r2.mean + 0.3);
  EXPECT_GT(s.r2.mean, dmm.r2.mean + 0.3);
}

}  // namespace
}  // namespace pb::ml
