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
