#include "store/ingest.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "store/phase_diagram_json.hpp"
#include "store/sqlite_repositories.hpp"
#include "temp_dir.hpp"

using namespace pb::store;

namespace {

const std::string kData = std::string(PB_SOURCE_DIR) + "/tests/data/store/";

std::int64_t count(Database& db, const std::string& table) {
  return db.connection().query_int64("SELECT count(*) FROM " + table).value_or(-1);
}

class Ingest : public ::testing::Test {
 protected:
  pb::test::TempDir dir;
  Database db = Database::open(dir / "ingest.db");

  std::filesystem::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir / name, std::ios::binary) << text;
    return dir / name;
  }
};

}  // namespace

TEST_F(Ingest, PropertiesCsvConvertsUnitsAndIsIdempotent) {
  IngestReport r = ingest_properties_csv(db, kData + "properties.csv", {});
  for (const auto& e : r.errors) ADD_FAILURE() << e.describe();
  EXPECT_TRUE(r.written);
  EXPECT_EQ(r.rows, 6u);
  EXPECT_EQ(r.inserted, 6u);
  EXPECT_EQ(r.references_added, 1u);  // three spellings of one DOI
  Repositories repos = make_repositories(db);
  auto rows = repos.properties->list({});
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_DOUBLE_EQ(*rows[0].value_si, 0.04);  // 4e-4 S/cm
  EXPECT_DOUBLE_EQ(*rows[0].temperature_K, 298);
  EXPECT_EQ(rows[0].conditions_json, R"({"grain":"total"})");
  EXPECT_EQ(rows[0].formula_reduced, "Li7La3Zr2O12");
  EXPECT_DOUBLE_EQ(*rows[1].value_si, 1.2);  // 12 mS/cm
  EXPECT_EQ(rows[0].reference_id, rows[1].reference_id);
  EXPECT_DOUBLE_EQ(*rows[2].value_si, 0.36);
  EXPECT_DOUBLE_EQ(*rows[2].uncertainty_si, 0.02);
  EXPECT_NEAR(*rows[3].value_si, 0.3596, 1e-4);   // 34.7 kJ/mol in eV
  EXPECT_DOUBLE_EQ(*rows[4].value_si, 504000.0);  // 140 mAh/g in C/kg
  EXPECT_FALSE(rows[5].value_si);
  EXPECT_DOUBLE_EQ(*rows[5].max_si, 1e-8);       // <1E-10 S cm−1
  EXPECT_DOUBLE_EQ(*rows[5].temperature_K, 25);  // the header says T (K)

  IngestReport again = ingest_properties_csv(db, kData + "properties.csv", {});
  EXPECT_EQ(again.inserted, 0u);
  EXPECT_EQ(again.existing, 6u);
  EXPECT_EQ(count(db, "property"), 6);
  EXPECT_EQ(count(db, "reference"), 1);
}

TEST_F(Ingest, BadRowsAreReportedWithRowNumbersAndNothingIsWritten) {
  IngestReport r = ingest_properties_csv(db, kData + "properties_bad.csv", {});
  EXPECT_FALSE(r.written);
  std::vector<std::string> lines;
  for (const auto& e : r.errors) lines.push_back(e.describe());
  ASSERT_EQ(lines.size(), 6u) << ::testing::PrintToString(lines);
  const std::string file = kData + "properties_bad.csv";
  EXPECT_EQ(lines[0], file + ":3: error: column 'value': 'abc' is not a number, bound or range");
  EXPECT_EQ(lines[1], file +
                          ":4: error: column 'property': unknown property 'hardness_of_feeling' "
                          "(see data/property_kinds.csv)");
  EXPECT_NE(lines[2].find(":5: error: column 'unit': unit 'eV'"), std::string::npos) << lines[2];
  EXPECT_NE(lines[3].find(":6: error: column 'formula': formula 'Li3(PS4'"), std::string::npos);
  EXPECT_NE(lines[4].find(":7: error: column 'unit': unknown unit 'furlong'"), std::string::npos);
  EXPECT_NE(lines[5].find(":8: error: column 'temperature': 'warm' is not a number"),
            std::string::npos);
  EXPECT_EQ(count(db, "property"), 0);
  EXPECT_EQ(count(db, "reference"), 0);

  PropertyCsvOptions skip;
  skip.skip_bad = true;
  IngestReport s = ingest_properties_csv(db, kData + "properties_bad.csv", skip);
  EXPECT_TRUE(s.written);
  EXPECT_EQ(s.inserted, 1u);
  EXPECT_EQ(s.skipped, 6u);
  EXPECT_DOUBLE_EQ(*make_repositories(db).properties->list({}).at(0).temperature_K, 298.15);
}

TEST_F(Ingest, MapAndSetReadAWideTable) {
  // The shape of the Laskowski 2023 table: a property column with the unit in its header.
  auto file = write("wide.csv",
                    "Unnamed: 0,Structure,σ(RT)(S cm-1),Ea (eV),space group,DOI\n"
                    "0,Li7BiO6,8.80E-07,0.58,2.0,10.1021/ic030208w\n"
                    "1,LiAlSi3O8,1.30E-10,,2.0,10.1039/c4cp03609c\n");
  PropertyCsvOptions o;
  o.map = {{"Structure", "formula"}, {"σ(RT)(S cm-1)", "ionic_conductivity"}, {"Unnamed: 0", "-"}};
  o.set = {{"temperature", "RT"}};
  IngestReport r = ingest_properties_csv(db, file, o);
  for (const auto& e : r.errors) ADD_FAILURE() << e.describe();
  EXPECT_EQ(r.records, 3u);  // two conductivities and one activation energy
  auto rows = make_repositories(db).properties->list({});
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].kind, "ionic_conductivity");
  EXPECT_DOUBLE_EQ(*rows[0].value_si, 8.8e-5);
  EXPECT_EQ(rows[1].kind, "activation_energy");
  EXPECT_DOUBLE_EQ(*rows[1].temperature_K, 298.15);
  EXPECT_EQ(rows[1].conditions_json, R"({"space group":"2.0"})");

  PropertyCsvOptions wrong;
  wrong.map = {{"No such column", "formula"}};
  EXPECT_THROW(ingest_properties_csv(db, file, wrong), pb::ParseError);
}

TEST_F(Ingest, AMissingTemperatureUnitIsAnError) {
  auto file = write("t.csv", "formula,ionic_conductivity (S/cm),temperature\nLiF,1e-9,25\n");
  IngestReport r = ingest_properties_csv(db, file, {});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].describe().find("t.csv:2: error: column 'temperature': no unit"),
            std::string::npos)
      << r.errors[0].describe();
}

TEST_F(Ingest, ReferencesDedupAcrossBibtexAndRis) {
  IngestReport bib = ingest_references(db, kData + "references.bib");
  EXPECT_EQ(bib.inserted, 4u);
  IngestReport ris = ingest_references(db, kData + "references.ris");
  EXPECT_EQ(ris.inserted, 0u);  // one by DOI, one by citation (no DOI in either file)
  EXPECT_EQ(ris.existing, 2u);
  EXPECT_EQ(count(db, "reference"), 4);
  EXPECT_EQ(ingest_references(db, kData + "references.bib").inserted, 0u);
  auto broken = write("broken.bib", "@article{x, title = {a}}\n@article{y, title = {b\n");
  EXPECT_THROW(ingest_references(db, broken), pb::ParseError);
  EXPECT_EQ(count(db, "reference"), 4);
}

TEST_F(Ingest, PhaseDiagramJson) {
  IngestReport r = ingest_phase_diagrams(db, kData + "pb_sn_phase_diagram.json");
  EXPECT_EQ(r.inserted, 1u);
  EXPECT_EQ(r.references_added, 1u);
  EXPECT_EQ(ingest_phase_diagrams(db, kData + "pb_sn_phase_diagram.json").inserted, 0u);
  auto d = make_repositories(db).phase_diagrams->get(1);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->system, "Pb-Sn");
  EXPECT_EQ(d->phases.size(), 3u);
  EXPECT_EQ(d->boundaries.size(), 5u);
  EXPECT_DOUBLE_EQ(*d->temperature_max_K, 650);
  // The diagram's reference is the same paper as the BibTeX entry.
  EXPECT_EQ(ingest_references(db, kData + "references.bib").inserted, 3u);
  EXPECT_EQ(count(db, "reference"), 4);
}

TEST(PhaseDiagramJson, ErrorsNameThePlace) {
  try {
    parse_phase_diagrams_json("{\n  \"system\": \"Fe-Ni\",\n  \"kind\": binary\n}", "x.json");
    FAIL();
  } catch (const pb::ParseError& e) {
    EXPECT_EQ(e.where().line, 3u);
    EXPECT_EQ(e.where().column, 11u);
  }
  try {
    parse_phase_diagrams_json(R"({"phase_diagrams": [{"system": "Fe-Ni", "kind": "sketch"}]})",
                              "x.json");
    FAIL();
  } catch (const pb::ParseError& e) {
    EXPECT_NE(e.message().find("phase_diagrams[0].kind"), std::string::npos) << e.message();
  }
  EXPECT_THROW(parse_phase_diagrams_json(
                   R"({"system": "A-B", "kind": "binary", "boundaries": [{"points": [[0, 1]]}]})"),
               pb::ParseError);
}
