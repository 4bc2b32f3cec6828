// Property records on written sentences (each notation) and on real sentences read in place
// from the shared corpora (file and line cited).
#include "mining/extract.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace pb::mining {
namespace {

std::string condition(const MinedRecord& r, std::string_view key) {
  for (const auto& [k, v] : r.conditions) {
    if (k == key) return v;
  }
  return {};
}

const MinedRecord& only(const Extraction& ex, std::string_view property) {
  const MinedRecord* found = nullptr;
  for (const auto& r : ex.records) {
    if (r.property == property) {
      if (found) throw std::runtime_error("two records of " + std::string(property));
      found = &r;
    }
  }
  if (!found) throw std::runtime_error("no record of " + std::string(property));
  return *found;
}

TEST(MiningExtract, ConductivityWithTemperatureAndAbbreviation) {
  const std::string text =
      "Cubic Li7La3Zr2O12 (LLZO) was sintered in air. The total ionic conductivity of LLZO was "
      "4.0 \u00D7 10\u22124 S cm\u22121 at 25 \u00B0C, and the activation energy was 0.34 \u00B1 "
      "0.02 eV.";
  const Extraction ex = extract_text(text);
  const MinedRecord& s = only(ex, "ionic_conductivity");
  EXPECT_EQ(s.material, "LLZO");
  EXPECT_EQ(s.material_formula, "Li7La3Zr2O12");
  EXPECT_NEAR(*s.value_si, 4.0e-2, 1e-12);  // S/m
  EXPECT_EQ(s.unit_si, "S/m");
  EXPECT_EQ(s.unit_as_given, "S cm\u22121");
  EXPECT_NEAR(*s.temperature_K, 298.15, 1e-9);
  EXPECT_EQ(condition(s, "component"), "total");
  EXPECT_EQ(text.substr(s.span.begin, s.span.end - s.span.begin),
            "4.0 \u00D7 10\u22124 S cm\u22121");
  EXPECT_EQ(s.material_source, "sentence");
  EXPECT_GT(s.confidence, 0.8);
  const MinedRecord& ea = only(ex, "activation_energy");
  EXPECT_NEAR(*ea.value_si, 0.34, 1e-12);
  EXPECT_NEAR(*ea.uncertainty_si, 0.02, 1e-12);
  EXPECT_EQ(ea.material, "LLZO");
  EXPECT_EQ(ea.extractor_version, kExtractorVersion);
}

TEST(MiningExtract, BulkAndGrainBoundaryAreToldApart) {
  const Extraction ex = extract_text(
      "For Li0.33La0.56TiO3 the bulk conductivity was 1 mS/cm whereas the grain boundary "
      "conductivity was 2 \u00D7 10\u22125 S/cm at room temperature.");
  const MinedRecord& bulk = only(ex, "bulk_ionic_conductivity");
  EXPECT_NEAR(*bulk.value_si, 0.1, 1e-12);
  const MinedRecord& gb = only(ex, "grain_boundary_ionic_conductivity");
  EXPECT_NEAR(*gb.value_si, 2e-3, 1e-15);
  EXPECT_NEAR(*gb.temperature_K, 298.15, 1e-9);
  EXPECT_EQ(gb.material, "Li0.33La0.56TiO3");
}

TEST(MiningExtract, CapacityCycleRateAndRetention) {
  const Extraction ex = extract_text(
      "LiFePO4 delivered an initial discharge capacity of 162 mAh g\u22121 at 0.1C in a coin "
      "cell. After 500 cycles at 1C, LiFePO4 retained 96.5% of its capacity with a coulombic "
      "efficiency of 99.8%.");
  const MinedRecord& cap = only(ex, "specific_capacity");
  EXPECT_NEAR(*cap.value_si, 162 * 3600.0, 1e-6);  // C/kg
  EXPECT_EQ(condition(cap, "mode"), "discharge");
  EXPECT_EQ(condition(cap, "cycle"), "1");
  EXPECT_EQ(condition(cap, "c_rate"), "0.1C");
  EXPECT_EQ(condition(cap, "cell"), "coin cell");
  const MinedRecord& ret = only(ex, "capacity_retention");
  EXPECT_NEAR(*ret.value_si, 0.965, 1e-12);
  EXPECT_EQ(condition(ret, "cycle"), "500");
  EXPECT_EQ(condition(ret, "c_rate"), "1C");
  const MinedRecord& ce = only(ex, "coulombic_efficiency");
  EXPECT_NEAR(*ce.value_si, 0.998, 1e-12);
}

TEST(MiningExtract, VoltageWindowEnergyAndPower) {
  const Extraction ex = extract_text(
      "NMC811 cells were cycled between 2.8 and 4.3 V; the average voltage was 3.7 V, giving a "
      "specific energy of 250 Wh kg\u22121 and a power density of 1.2 kW kg\u22121.");
  const MinedRecord& w = only(ex, "voltage_window");
  EXPECT_DOUBLE_EQ(*w.min_si, 2.8);
  EXPECT_DOUBLE_EQ(*w.max_si, 4.3);
  EXPECT_EQ(w.material, "NMC811");
  EXPECT_DOUBLE_EQ(*only(ex, "average_voltage").value_si, 3.7);
  EXPECT_NEAR(*only(ex, "specific_energy").value_si, 250 * 3600.0, 1e-6);
  EXPECT_NEAR(*only(ex, "specific_power").value_si, 1200, 1e-9);
}

TEST(MiningExtract, NoRecordsFromUnrelatedNumbers) {
  const Extraction ex = extract_text(
      "The powder was ball-milled for 2 h at 300 rpm with 5 mm balls in NSW, Australia.");
  EXPECT_TRUE(ex.records.empty());
}

std::string shared_line(const std::string& relative, std::string_view contains) {
  const std::filesystem::path p = std::filesystem::path(PB_SHARED_DIR) / relative;
  std::ifstream in(p);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find(contains) != std::string::npos) return line;
  }
  return {};
}

#define REQUIRE_SHARED(line) \
  if ((line).empty()) GTEST_SKIP() << "../shared/data/literature_mining is absent"

// SOFC-Exp, texts/PMC4495617.txt (CC BY): "As reported, the conductivities of SFM reached to
// 310 S cm−1 and 550 S cm−1 at 780 oC in hydrogen and air atmospheres, respectively19."
TEST(MiningExtractReal, SofcExpConductivitiesWithAtmosphere) {
  const std::string text = shared_line(
      "data/literature_mining/sofc-exp-corpus/texts/PMC4495617.txt", "conductivities of SFM");
  REQUIRE_SHARED(text);
  const std::string definition =
      shared_line("data/literature_mining/sofc-exp-corpus/texts/PMC4495617.txt", "(SFM)");
  Document doc;
  doc.blocks.push_back({BlockKind::kParagraph, "", definition});
  doc.blocks.push_back({BlockKind::kParagraph, "", text});
  const Extraction ex = extract(doc);
  std::vector<const MinedRecord*> found;
  for (const auto& r : ex.records) {
    if (r.block == 1 && r.property == "ionic_conductivity") found.push_back(&r);
  }
  ASSERT_EQ(found.size(), 2u);
  EXPECT_NEAR(*found[0]->value_si, 31000, 1e-6);
  EXPECT_NEAR(*found[1]->value_si, 55000, 1e-6);
  for (const MinedRecord* r : found) {
    EXPECT_EQ(r->material, "SFM");
    EXPECT_EQ(r->material_formula, "Sr2Fe1.5Mo0.5Ox");
    EXPECT_NEAR(*r->temperature_K, 1053.15, 1e-9);
    EXPECT_EQ(condition(*r, "atmosphere"), "H2");
  }
}

// SOFC-Exp, texts/PMC4495617.txt: "... good oxide ion conductivity of 10−1 S cm−1 at 800 oC."
TEST(MiningExtractReal, SofcExpLostSuperscript) {
  const std::string text =
      shared_line("data/literature_mining/sofc-exp-corpus/texts/PMC4495617.txt",
                  "oxide ion conductivity of 10");
  REQUIRE_SHARED(text);
  const Extraction ex = extract_text(text);
  const MinedRecord& r = only(ex, "ionic_conductivity");
  EXPECT_NEAR(*r.value_si, 10, 1e-9);
  EXPECT_NEAR(*r.temperature_K, 1073.15, 1e-9);
}

// SOFC-Exp, texts/PMC4313086.txt: "The peak power density of the cell at temperatures between
// 650 and 850°C was in the range from 85 to 522 mW cm−2 ..."
TEST(MiningExtractReal, SofcExpPowerDensityRange) {
  const std::string text =
      shared_line("data/literature_mining/sofc-exp-corpus/texts/PMC4313086.txt",
                  "The peak power density of the cell");
  REQUIRE_SHARED(text);
  const Extraction ex = extract_text(text);
  ASSERT_FALSE(ex.records.empty());
  const MinedRecord& r = ex.records[0];
  EXPECT_EQ(r.property, "power_density");
  EXPECT_NEAR(*r.min_si, 850, 1e-9);  // 85 mW/cm2 = 850 W/m2
  EXPECT_NEAR(*r.max_si, 5220, 1e-9);
  EXPECT_EQ(condition(r, "temperature_range"), "650 and 850 \u00B0C");
}

// Materials Science Procedural Text Corpus, data/101016jjpowsour201006097.txt (MIT):
// "... the highest discharge capacity is 173 mAh g-1 at a constant current of 0..."
TEST(MiningExtractReal, SynthesisCorpusDischargeCapacity) {
  const std::string text = shared_line(
      "data/literature_mining/annotated_materials_syntheses/data/101016jjpowsour201006097.txt",
      "discharge capacity is 173");
  REQUIRE_SHARED(text);
  const Extraction ex = extract_text(text);
  bool found = false;
  for (const auto& r : ex.records) {
    if (r.property == "specific_capacity" && r.value_as_given == "173") {
      found = true;
      EXPECT_EQ(r.unit_as_given, "mAh g-1");
      EXPECT_NEAR(*r.value_si, 173 * 3600.0, 1e-6);
      EXPECT_EQ(condition(r, "mode"), "discharge");
    }
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace pb::mining
