#include "store/repositories.hpp"

#include <gtest/gtest.h>

#include "store/sqlite_repositories.hpp"
#include "temp_dir.hpp"
#include "util/error.hpp"
#include "util/sha256.hpp"

using namespace pb::store;

namespace {

StructureRecord lithium_niobate(const std::string& block_text) {
  StructureRecord s;
  s.source_file = "LiNbO3.cif";
  s.source_block = "LiNbO3";
  s.content_hash = pb::sha256_hex(block_text);
  s.a = s.b = 5.148;
  s.c = 13.863;
  s.alpha = s.beta = 90;
  s.gamma = 120;
  s.vectors[0][0] = 5.148;
  s.sites = {SiteRecord{{0, 0, 0.2829}, {{"Li", 1.0, 0.95, "Li1"}, {"Nb", 5.0, 0.01, "Li1"}}},
             SiteRecord{{0, 0, 0}, {{"Nb", 5.0, 1.0, "Nb1"}}}};
  s.chemical_formula_reduced = "LiNbO3";
  s.chemical_formula_anonymous = "ABC3";
  s.elements = {"O", "Nb", "Li"};
  s.space_group_number = 161;
  s.space_group_symbol = "R 3 c";
  s.pearson_symbol = "hR10";
  s.crystal_system = "trigonal";
  s.temperature_K = 295.0;
  s.warnings = {"occupancy sum 0.96 on Li1"};
  return s;
}

class Repos : public ::testing::Test {
 protected:
  pb::test::TempDir dir;
  Database db = Database::open(dir / "repos.db");
  Repositories repos = make_repositories(db);
};

}  // namespace

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(pb::sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(pb::sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(pb::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(pb::sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_F(Repos, StructureInsertIsIdempotentAndRoundTrips) {
  StructureRecord s = lithium_niobate("data_LiNbO3 ...");
  InsertResult first = repos.structures->insert(s);
  InsertResult second = repos.structures->insert(s);
  EXPECT_TRUE(first.inserted);
  EXPECT_FALSE(second.inserted);
  EXPECT_EQ(first.id, second.id);
  EXPECT_EQ(repos.structures->count(), 1);
  auto back = repos.structures->get(first.id);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->elements, (std::vector<std::string>{"Li", "Nb", "O"}));
  EXPECT_EQ(back->sites.size(), 2u);
  EXPECT_EQ(back->sites[0].species[1].element, "Nb");
  EXPECT_DOUBLE_EQ(back->sites[0].species[0].occupancy, 0.95);
  EXPECT_DOUBLE_EQ(*back->sites[0].species[0].oxidation, 1.0);
  EXPECT_DOUBLE_EQ(back->sites[0].frac[2], 0.2829);
  EXPECT_EQ(back->space_group_number, 161);
  EXPECT_EQ(back->warnings, s.warnings);
  EXPECT_DOUBLE_EQ(back->gamma, 120);
  EXPECT_EQ(repos.structures->find_by_hash(s.content_hash), first.id);
  // The element table answers "has Nb" without scanning structures.
  EXPECT_EQ(db.connection().query_int64(
                "SELECT structure_id FROM structure_element WHERE element = 'Nb'"),
            first.id);
  EXPECT_EQ(
      db.connection().query_int64("SELECT count(*) FROM structure WHERE elements LIKE '%,Nb,%'"),
      1);
}

TEST_F(Repos, ReferenceDedupByDoiVariants) {
  ReferenceRecord r;
  r.doi = "10.1038/s41524-022-00951-z";
  r.title = "A database of experimentally measured lithium solid electrolyte conductivities";
  r.authors = {"Hargreaves, Cameron J.", "Dyer, Matthew S."};
  r.year = 2023;
  InsertResult first = repos.references->insert(r);
  EXPECT_TRUE(first.inserted);
  for (const char* variant :
       {"10.1038/S41524-022-00951-Z", "https://doi.org/10.1038/s41524-022-00951-z",
        "http://dx.doi.org/10.1038/s41524-022-00951-Z", "doi:10.1038/s41524-022-00951-z",
        " DOI: 10.1038/s41524-022-00951-z. "}) {
    ReferenceRecord v;
    v.doi = variant;
    InsertResult again = repos.references->insert(v);
    EXPECT_FALSE(again.inserted) << variant;
    EXPECT_EQ(again.id, first.id) << variant;
  }
  EXPECT_EQ(repos.references->count(), 1);
  auto found = repos.references->find_by_doi("https://doi.org/10.1038/S41524-022-00951-Z");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->authors.size(), 2u);
  EXPECT_EQ(db.connection().query_text("SELECT family FROM reference_author WHERE position = 1"),
            "Dyer");
}

TEST_F(Repos, ReferenceDedupByCitationAndDoiCompletion) {
  ReferenceRecord a;
  a.authors = {"Ngai, T. L.", "Chang, Y. A."};
  a.title = "A thermodynamic analysis of the Pb-Sn system";
  a.year = 1981;
  ReferenceRecord b = a;
  b.authors = {"T. L. Ngai"};
  b.title = "A Thermodynamic Analysis of the Pb–Sn System.";
  EXPECT_EQ(citation_key(a), citation_key(b));
  InsertResult ia = repos.references->insert(a);
  InsertResult ib = repos.references->insert(b);
  EXPECT_EQ(ia.id, ib.id);
  EXPECT_FALSE(ib.inserted);
  // The same paper arriving with a DOI completes the stored one instead of duplicating it.
  ReferenceRecord c = a;
  c.doi = "10.1016/0364-5916(81)90008-2";
  InsertResult ic = repos.references->insert(c);
  EXPECT_EQ(ic.id, ia.id);
  EXPECT_EQ(repos.references->get(ia.id)->doi, "10.1016/0364-5916(81)90008-2");
  // A bare DOI first, the full record later: the fields are filled in.
  ReferenceRecord bare;
  bare.doi = "10.1039/D2EE03499A";
  InsertResult ibare = repos.references->insert(bare);
  ReferenceRecord full;
  full.doi = "10.1039/d2ee03499a";
  full.title = "Identification of potential solid-state Li-ion conductors";
  full.authors = {"Laskowski, Forrest A. L."};
  full.year = 2023;
  EXPECT_EQ(repos.references->insert(full).id, ibare.id);
  auto got = repos.references->get(ibare.id);
  EXPECT_EQ(got->title, full.title);
  EXPECT_EQ(got->authors, full.authors);
  EXPECT_EQ(got->year, 2023);
}

TEST_F(Repos, PropertiesAreIdempotentByContent) {
  PropertyRecord p;
  p.kind = "ionic_conductivity";
  p.formula = "Li7La3Zr2O12";
  p.value_si = 0.04;
  p.value_as_given = "4e-4";
  p.unit_as_given = "S/cm";
  p.temperature_K = 298;
  InsertResult a = repos.properties->insert(p);
  p.source_row = 99;  // a moved row is the same value
  InsertResult b = repos.properties->insert(p);
  EXPECT_TRUE(a.inserted);
  EXPECT_FALSE(b.inserted);
  p.temperature_K = 373;
  EXPECT_TRUE(repos.properties->insert(p).inserted);
  EXPECT_EQ(repos.properties->count(), 2);
  EXPECT_EQ(repos.properties->list({1, 1}).at(0).temperature_K, 373);
  PropertyRecord unknown = p;
  unknown.kind = "no_such_kind";
  unknown.temperature_K = 1;
  EXPECT_THROW(repos.properties->insert(unknown), SqliteError);
}

TEST_F(Repos, SubstanceMembershipMergeAndAudit) {
  InsertResult s = repos.structures->insert(lithium_niobate("block 1"));
  InsertResult t = repos.structures->insert(lithium_niobate("block 2"));
  ASSERT_TRUE(
      repos.substances->insert({"LiNbO3-R3c", "LiNbO3", 161, "hR10", "", "LiNbO3"}).inserted);
  ASSERT_TRUE(repos.substances->insert({"LiNbO3-R3c-b", "LiNbO3", 161, "hR10", "", ""}).inserted);
  EXPECT_FALSE(repos.substances->insert({"LiNbO3-R3c", "X", {}, "", "", ""}).inserted);
  repos.substances->set_member(
      {"LiNbO3-R3c", EntityKind::kStructure, s.id, "host-formula+sg+pearson", R"({"tol":0.05})"});
  repos.substances->set_member({"LiNbO3-R3c-b", EntityKind::kStructure, t.id, "same", "{}"});
  EXPECT_EQ(repos.structures->get(s.id)->substance_id, "LiNbO3-R3c");
  EXPECT_EQ(repos.structures->list_by_substance("LiNbO3-R3c").size(), 1u);
  EXPECT_THROW(
      repos.substances->set_member({"LiNbO3-R3c", EntityKind::kStructure, 12345, "r", "{}"}),
      pb::NotFound);

  repos.substances->merge("LiNbO3-R3c-b", "LiNbO3-R3c", "editor@example.org");
  EXPECT_FALSE(repos.substances->get("LiNbO3-R3c-b"));
  auto members = repos.substances->members("LiNbO3-R3c");
  ASSERT_EQ(members.size(), 2u);
  EXPECT_EQ(members[1].rule, "merged:same");
  EXPECT_EQ(repos.structures->get(t.id)->substance_id, "LiNbO3-R3c");
  auto log = repos.substances->audit_log({10, 0});
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].action, "merge");
  EXPECT_EQ(log[0].user, "editor@example.org");
  EXPECT_NE(log[0].details_json.find("LiNbO3-R3c-b"), std::string::npos);
  // The merged id keeps resolving, so links from elsewhere survive.
  EXPECT_EQ(repos.substances->resolve("LiNbO3-R3c-b"), "LiNbO3-R3c");
  EXPECT_EQ(repos.substances->resolve("LiNbO3-R3c"), "LiNbO3-R3c");
  EXPECT_FALSE(repos.substances->resolve("nothing"));

  EXPECT_TRUE(repos.substances->remove_member(EntityKind::kStructure, s.id));
  EXPECT_FALSE(repos.structures->get(s.id)->substance_id);
  EXPECT_FALSE(repos.substances->membership(EntityKind::kStructure, s.id));
}

TEST_F(Repos, SplitMovesChosenMembersToAStableNewSubstanceAndMergeChainsRedirect) {
  InsertResult s = repos.structures->insert(lithium_niobate("block 1"));
  InsertResult t = repos.structures->insert(lithium_niobate("block 2"));
  InsertResult u = repos.structures->insert(lithium_niobate("block 3"));
  ASSERT_TRUE(repos.substances->insert({"A", "LiNbO3", 161, "hR10", "", ""}).inserted);
  for (std::int64_t id : {s.id, t.id, u.id})
    repos.substances->set_member({"A", EntityKind::kStructure, id, "key", "{}"});
  EXPECT_THROW(repos.substances->split("A", {}, "ed"), pb::InvalidArgument);
  EXPECT_THROW(repos.substances->split("A", {{EntityKind::kStructure, 999}}, "ed"),
               pb::InvalidArgument);
  EXPECT_THROW(repos.substances->split("A",
                                       {{EntityKind::kStructure, s.id},
                                        {EntityKind::kStructure, t.id},
                                        {EntityKind::kStructure, u.id}},
                                       "ed"),
               pb::InvalidArgument);  // nothing would stay
  std::string b = repos.substances->split("A", {{EntityKind::kStructure, u.id}}, "ed");
  EXPECT_EQ(b.rfind("pbs-", 0), 0u);
  EXPECT_EQ(b.size(), 16u);
  EXPECT_EQ(repos.structures->get(u.id)->substance_id, b);
  EXPECT_EQ(repos.substances->members("A").size(), 2u);
  EXPECT_EQ(repos.substances->get(b)->host_formula, "LiNbO3");
  EXPECT_EQ(repos.substances->members(b)[0].rule, "split from A:key");

  // Merge B back, then A into C: B's redirect follows to C.
  repos.substances->merge(b, "A", "ed");
  ASSERT_TRUE(repos.substances->insert({"C", "LiNbO3", 161, "hR10", "", ""}).inserted);
  repos.substances->merge("A", "C", "ed");
  EXPECT_EQ(repos.substances->resolve(b), "C");
  EXPECT_EQ(repos.substances->resolve("A"), "C");
  EXPECT_EQ(repos.substances->members("C").size(), 3u);
  auto log = repos.substances->audit_log({10, 0});
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[2].action, "split");
  // The id is derived from what was split (docs/database.md), not counted: a rebuild that
  // replays the same edit gives the same id.
  EXPECT_EQ(b, "pbs-" + pb::sha256_hex("split|A|structure:" + std::to_string(u.id)).substr(0, 12));
}

TEST_F(Repos, PhaseDiagramWithChildren) {
  PhaseDiagramRecord d;
  d.system = "Pb-Sn";
  d.kind = "binary";
  d.content_hash = pb::sha256_hex("pb-sn");
  d.phases = {{"LIQUID", "", {}}, {"FCC_A1", "Pb", {}}};
  d.boundaries = {{"eutectic", {{0.29, 456.15}, {0.985, 456.15}}}};
  InsertResult a = repos.phase_diagrams->insert(d);
  EXPECT_FALSE(repos.phase_diagrams->insert(d).inserted);
  auto back = repos.phase_diagrams->get(a.id);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->phases.size(), 2u);
  EXPECT_EQ(back->phases[1].formula, "Pb");
  ASSERT_EQ(back->boundaries.size(), 1u);
  EXPECT_DOUBLE_EQ(back->boundaries[0].points[1].first, 0.985);
  d.kind = "sketch";
  d.content_hash = "other";
  EXPECT_THROW(repos.phase_diagrams->insert(d), SqliteError);
}

// Schema 5 moved the sites out of the structure table: a file written before it keeps every
// site (including the old `"oxidation": null` form) and gains the disorder flag.
TEST(Migration, SitesMoveToTheirOwnTableWithNothingLost) {
  pb::test::TempDir dir;
  const auto path = dir / "v4.db";
  {
    Connection c(path);
    c.exec(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL,"
        " applied_at TEXT NOT NULL DEFAULT '')");
    for (const Migration& m : migrations()) {
      if (m.version > 4) break;
      c.exec(m.sql);
      c.prepare("INSERT INTO schema_migrations(version, description) VALUES (?, ?)")
          .bind(1, m.version)
          .bind(2, m.description)
          .run();
    }
    c.exec(
        "INSERT INTO structure(id, source_file, content_hash, a, b, c, alpha, beta, gamma, sites,"
        " nsites) VALUES (7, 'old.cif', 'h7', 4, 4, 4, 90, 90, 90, '[{\"frac\":[0,0,0],"
        "\"species\":[{\"element\":\"Li\",\"occupancy\":0.5,\"oxidation\":null,\"label\":\"Li1\"},"
        "{\"element\":\"Na\",\"occupancy\":0.5,\"oxidation\":1.0,\"label\":\"Na1\"}]},"
        "{\"frac\":[0.5,0.5,0.5],\"species\":[{\"element\":\"Cl\",\"occupancy\":1.0,"
        "\"oxidation\":null,\"label\":\"Cl1\"}]}]', 2),"
        " (8, 'ordered.cif', 'h8', 4, 4, 4, 90, 90, 90, '[{\"frac\":[0,0,0],\"species\":"
        "[{\"element\":\"Cs\",\"occupancy\":1.0,\"oxidation\":null,\"label\":\"Cs\"}]}]', 1)");
    c.exec(
        "INSERT INTO structure_element(element, structure_id) VALUES ('Li', 7), ('Na', 7),"
        " ('Cl', 7), ('Cs', 8)");
  }
  Database db = Database::open(path);
  EXPECT_EQ(db.schema_version(), Database::latest_schema_version());
  Repositories repos = make_repositories(db);
  auto s = repos.structures->get(7);
  ASSERT_TRUE(s);
  ASSERT_EQ(s->sites.size(), 2u);
  ASSERT_EQ(s->sites[0].species.size(), 2u);
  EXPECT_FALSE(s->sites[0].species[0].oxidation);
  EXPECT_EQ(s->sites[0].species[1].oxidation, 1.0);
  EXPECT_EQ(s->sites[1].species[0].label, "Cl1");
  EXPECT_DOUBLE_EQ(s->sites[1].frac[2], 0.5);
  EXPECT_EQ(db.connection().query_int64("SELECT disordered FROM structure WHERE id = 7"), 1);
  EXPECT_EQ(db.connection().query_int64("SELECT disordered FROM structure WHERE id = 8"), 0);
  EXPECT_THROW(db.connection().exec("SELECT sites FROM structure"), SqliteError);
  // Element masks from the element lists: Li (Z 3), Na (11), Cl (17) low; Cs (55) low too.
  ElementMask m = element_mask({"Li", "Na", "Cl"});
  EXPECT_EQ(m.low, (1 << 2) | (1 << 10) | (1 << 16));
  EXPECT_EQ(db.connection().query_int64("SELECT elements_mask_low FROM structure WHERE id = 7"),
            m.low);
  EXPECT_EQ(db.connection().query_int64("SELECT elements_mask_low FROM structure WHERE id = 8"),
            std::int64_t{1} << 54);
  EXPECT_EQ(element_mask({"U"}).high, std::int64_t{1} << (92 - 63));
  EXPECT_THROW(element_mask({"Xx"}), pb::InvalidArgument);
}
