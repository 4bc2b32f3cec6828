// Mining tables in a real SQLite file: idempotent add and extract, curation with audit, and
// publication of curated records as substance-linked properties.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "mining/mining_store.hpp"
#include "mining/overview.hpp"
#include "store/sqlite_repositories.hpp"
#include "util/error.hpp"

namespace pb::mining {
namespace {

const std::filesystem::path kData = std::filesystem::path(PB_SOURCE_DIR) / "tests/data/mining";

class MiningStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("pb-mining-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(MiningStoreTest, AddIsIdempotentByContentHash) {
  store::Database db = store::Database::open(dir_ / "m.db");
  std::size_t inserted = 0;
  for (int round = 0; round < 2; ++round) {
    for (const auto& p : collect_document_files({kData})) {
      if (p.extension() == ".py" || p.extension() == ".md") continue;
      inserted += add_document(db, read_document_file(p)).inserted;
    }
  }
  EXPECT_EQ(inserted, 5u);
  EXPECT_EQ(list_documents(db).size(), 5u);
  // The same bytes under another name are the same document.
  const Document again = read_document_file(kData / "llzo_jats.xml");
  Document renamed = again;
  renamed.source = "elsewhere/copy.xml";
  EXPECT_FALSE(add_document(db, renamed).inserted);
  // Blocks round-trip.
  const auto docs = list_documents(db);
  for (const auto& d : docs) {
    if (d.meta.doi == "10.5555/pb.mining.0003") {
      const Document loaded = load_document(db, d.id);
      ASSERT_EQ(loaded.blocks.size(), again.blocks.size());
      EXPECT_EQ(loaded.blocks[1].text, again.blocks[1].text);
      EXPECT_EQ(loaded.meta.authors, again.meta.authors);
      EXPECT_EQ(loaded.meta.year, 2022);
    }
  }
}

TEST_F(MiningStoreTest, ExtractCurateAndPublish) {
  store::Database db = store::Database::open(dir_ / "m.db");
  add_document(db, read_document_file(kData / "llzo_jats.xml"));
  add_document(db, read_document_file(kData / "nasicon_cathode_note.html"));
  const ExtractReport first = extract_documents(db);
  EXPECT_GT(first.records, 3u);
  EXPECT_EQ(first.new_records, first.records);
  const ExtractReport second = extract_documents(db);
  EXPECT_EQ(second.records, first.records);
  EXPECT_EQ(second.new_records, 0u);

  RecordFilter f;
  f.property = "activation_energy";
  auto rows = list_records(db, f);
  ASSERT_EQ(rows.size(), 1u);
  const RecordRow ea = rows[0];
  EXPECT_EQ(ea.state, "pending");
  EXPECT_EQ(ea.record.material_formula, "Li7La3Zr2O12");
  EXPECT_EQ(ea.doi, "10.5555/pb.mining.0003");
  EXPECT_EQ(ea.sentence.substr(0, 26), "The activation energy of L");

  set_record_state(db, ea.id, "accepted", "ada", "checked against Fig. 1");
  edit_record(db, ea.id, "condition.sintering_temperature", "1473 K", "ben");
  edit_record(db, ea.id, "restricted", "true", "ben");
  EXPECT_THROW(edit_record(db, ea.id, "colour", "red", "ben"), InvalidArgument);
  EXPECT_THROW(edit_record(db, ea.id, "unit", "mAh/g", "ben"), InvalidArgument);
  EXPECT_THROW(set_record_state(db, ea.id, "maybe", "ben"), InvalidArgument);
  const RecordRow edited = get_record(db, ea.id);
  EXPECT_EQ(edited.state, "edited");
  EXPECT_TRUE(edited.restricted);
  EXPECT_NE(edited.conditions_json.find("\"sintering_temperature\":\"1473 K\""), std::string::npos);
  const auto audit = record_audit(db, ea.id);
  ASSERT_EQ(audit.size(), 3u);
  EXPECT_EQ(audit[0].user, "ada");
  EXPECT_EQ(audit[0].action, "accept");
  EXPECT_EQ(audit[0].note, "checked against Fig. 1");
  EXPECT_EQ(audit[1].action, "edit condition.sintering_temperature");
  EXPECT_NE(audit[1].before.find("\"state\":\"accepted\""), std::string::npos);
  EXPECT_NE(audit[1].after.find("\"state\":\"edited\""), std::string::npos);

  // A rejected record is never published.
  f.property = "ionic_conductivity";
  rows = list_records(db, f);
  ASSERT_FALSE(rows.empty());
  set_record_state(db, rows[0].id, "rejected", "ada");

  const PublishReport pub = publish_records(db);
  EXPECT_EQ(pub.published, 1u);
  EXPECT_EQ(publish_records(db).already, 1u);
  store::Repositories repos = store::make_repositories(db);
  const RecordRow published = get_record(db, ea.id);
  ASSERT_TRUE(published.property_id);
  const auto p = repos.properties->get(*published.property_id);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->kind, "activation_energy");
  EXPECT_NEAR(*p->value_si, 0.34, 1e-12);
  EXPECT_EQ(p->dataset, kRestrictedDataset);
  EXPECT_EQ(p->formula, "Li7La3Zr2O12");
  EXPECT_TRUE(p->reference_id);
  EXPECT_NE(p->conditions_json.find("sintering_temperature"), std::string::npos);
}

// The curation the web review queue uses too (POST /api/mining/records/{id}/edit, /publish):
// several fields in one transaction, refused values leave the record as it was, the substance
// must exist, and publishing chosen records audits each one.
TEST_F(MiningStoreTest, EditsAreAllOrNoneAndPublishIsAudited) {
  store::Database db = store::Database::open(dir_ / "m.db");
  add_document(db, read_document_file(kData / "llzo_jats.xml"));
  extract_documents(db);
  RecordFilter f;
  f.property = "activation_energy";
  const RecordRow ea = list_records(db, f).at(0);
  db.connection().exec(
      "INSERT INTO substance(id, host_formula) VALUES ('pbs-llzo', 'Li7La3Zr2O12')");

  // The third field is refused: nothing of the first two is written, no audit row.
  using Edits = std::vector<std::pair<std::string, std::string>>;
  EXPECT_THROW(
      edit_record(db, ea.id,
                  Edits{{"value", "0.40"}, {"temperature", "300"}, {"substance", "pbs-x"}}, "ben"),
      InvalidArgument);
  for (const auto& [field, value] : Edits{{"value", "abc"},
                                          {"temperature", "300 K"},
                                          {"temperature", "-4"},
                                          {"condition.sintering_temperature", "12 mm"},
                                          {"condition.sintering_time", "1473 K"},
                                          {"condition.pellet_diameter", "ten"},
                                          {"condition.Not A Name", "1"},
                                          {"property", "ionic_conductivity"}}) {
    EXPECT_THROW(edit_record(db, ea.id, field, value, "ben"), InvalidArgument) << field;
  }
  EXPECT_EQ(get_record(db, ea.id).record.value_as_given, ea.record.value_as_given);
  EXPECT_EQ(get_record(db, ea.id).state, "pending");
  EXPECT_TRUE(record_audit(db, ea.id).empty());

  edit_record(db, ea.id,
              Edits{{"value", "0.40"},
                    {"temperature", "300"},
                    {"substance", "pbs-llzo"},
                    {"condition.sintering_temperature", "1200 °C"},
                    {"condition.sintering_time", "12 h"},
                    {"condition.pellet_diameter", "10 mm"}},
              "ben");
  const RecordRow edited = get_record(db, ea.id);
  EXPECT_EQ(edited.state, "edited");
  EXPECT_NEAR(*edited.record.value_si, 0.40, 1e-12);
  EXPECT_NEAR(*edited.record.temperature_K, 300, 1e-12);
  EXPECT_EQ(edited.substance_id, "pbs-llzo");
  EXPECT_EQ(record_audit(db, ea.id).size(), 6u);
  // Visibility is not a data edit: an accepted record stays accepted.
  set_record_state(db, ea.id, "accepted", "ada");
  edit_record(db, ea.id, "restricted", "true", "ada");
  EXPECT_EQ(get_record(db, ea.id).state, "accepted");

  // Only the named records; a pending one is refused before anything is written.
  f.property = "ionic_conductivity";
  const RecordRow pending = list_records(db, f).at(0);
  EXPECT_THROW(publish_records(db, {ea.id, pending.id}, "ada"), InvalidArgument);
  EXPECT_FALSE(get_record(db, ea.id).property_id);
  EXPECT_THROW(publish_records(db, {999999}, "ada"), NotFound);
  const PublishReport pub = publish_records(db, {ea.id}, "ada");
  EXPECT_EQ(pub.published, 1u);
  const RecordRow published = get_record(db, ea.id);
  ASSERT_TRUE(published.property_id);
  const auto p = store::make_repositories(db).properties->get(*published.property_id);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->substance_id, "pbs-llzo");
  EXPECT_EQ(p->dataset, kRestrictedDataset);
  EXPECT_EQ(p->temperature_K, 300);
  const auto audit = record_audit(db, ea.id);
  EXPECT_EQ(audit.back().action, "publish");
  EXPECT_EQ(audit.back().user, "ada");
  EXPECT_EQ(audit.back().note, "property " + std::to_string(*published.property_id) +
                                   " in dataset " + std::string(kRestrictedDataset));
}

TEST_F(MiningStoreTest, FrequenciesWordCloudAndSetCover) {
  store::Database db = store::Database::open(dir_ / "m.db");
  for (const char* f : {"llzo_jats.xml", "nasicon_cathode_note.html", "elsevier_fulltext.xml",
                        "solid_electrolyte_note.pdf"}) {
    add_document(db, read_document_file(kData / f));
  }
  extract_documents(db);
  const auto freq = material_frequencies(db);
  ASSERT_FALSE(freq.empty());
  EXPECT_EQ(freq[0].reduced, "Li7La3Zr2O12");
  EXPECT_GE(freq[0].documents, 2);
  const std::string csv = frequencies_csv(freq);
  EXPECT_TRUE(csv.starts_with("reduced,example,documents,mentions,records\nLi7La3Zr2O12,LLZO,"));
  const std::string svg = word_cloud_svg(freq);
  EXPECT_TRUE(svg.starts_with("<svg"));
  // Font size is proportional to the count: the top word has max_font_px.
  EXPECT_NE(svg.find("font-size=\"72.00\""), std::string::npos);
  const double ratio =
      static_cast<double>(freq[1].mentions) / static_cast<double>(freq[0].mentions);
  char expected[64];
  std::snprintf(expected, sizeof expected, "font-size=\"%.2f\"", 72 * ratio);
  EXPECT_NE(svg.find(expected), std::string::npos) << expected;

  const Cover cover = select_documents(db);
  ASSERT_FALSE(cover.steps.empty());
  EXPECT_EQ(cover.steps.back().covered, cover.pairs);
  for (std::size_t i = 1; i < cover.steps.size(); ++i) {
    EXPECT_LE(cover.steps[i].gain, cover.steps[i - 1].gain);  // greedy order
  }
  EXPECT_EQ(select_documents(db, 1).steps.size(), 1u);
}

}  // namespace
}  // namespace pb::mining
