#include "query/search.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>

#include "../store/temp_dir.hpp"
#include "chem/element.hpp"
#include "chem/formula.hpp"
#include "crystal/symmetry.hpp"
#include "query/record_json.hpp"
#include "store/repositories.hpp"
#include "store/sqlite_repositories.hpp"
#include "util/error.hpp"
#include "util/sha256.hpp"

using namespace pb::query;
using pb::store::Database;

namespace {

// The fixture as plain data: what was inserted, kept beside the database so that every expected
// result below is computed with loops over these vectors, not with SQL.
struct FixtureReference {
  std::int64_t id = 0;
  std::string authors;  // joined, for substring checks
  std::string journal;
  std::string doi;
  int year = 0;
  std::string title;
};

struct FixtureProperty {
  std::string substance;
  double value_si;
  double temperature_K;
};

struct FixtureStructure {
  std::int64_t id = 0;
  std::string formula_text;
  std::string reduced, anonymous;
  std::set<std::string> elements;
  int space_group = 0;
  std::string crystal_system, pearson;
  double cell[6] = {};
  std::string substance, structure_type, source_file;
  int reference = -1;  // index into references, -1 for none
};

class Search : public ::testing::Test {
 protected:
  static constexpr int kStructures = 30;
  pb::test::TempDir dir;
  Database db = Database::open(dir / "search.db");
  std::vector<FixtureReference> references;
  std::vector<FixtureStructure> structures;
  std::vector<FixtureProperty> properties;

  void SetUp() override {
    auto repos = pb::store::make_repositories(db);
    const char* families[] = {"Thangadurai", "Murugan", "O'Neil", "Kanno", "Zhang_Li"};
    const char* journals[] = {"Chem. Soc. Rev.", "Angew. Chem.", "J. Mater. Chem. A",
                              "Solid State Ionics", "Nature"};
    const char* titles[] = {"Garnet-type lithium conductors", "Fast lithium ion conduction",
                            "Sodium superionic frameworks", "Thio-LISICON electrolytes",
                            "Perovskite niobates"};
    for (int i = 0; i < 5; ++i) {
      pb::store::ReferenceRecord r;
      r.authors = {std::string(families[i]) + ", A.", "Weppner, W."};
      r.title = titles[i];
      r.journal = journals[i];
      r.year = 1998 + 4 * i;
      r.doi = "10.1000/test." + std::to_string(i);
      FixtureReference f{repos.references->insert(r).id,
                         r.authors[0] + "; " + r.authors[1],
                         r.journal,
                         r.doi,
                         *r.year,
                         r.title};
      references.push_back(f);
    }
    const char* cations[] = {"Li", "Na", "Fe", "Zr", "La"};
    const char* seconds[] = {"Nb", "Ti", "P", "", "Li"};
    const char* anions[] = {"O", "S"};
    const int space_groups[] = {161, 148, 225, 62, 14, 2, 194, 230, 141, 167};
    const char* types[] = {"LiNbO3", "ilmenite", "rocksalt", "perovskite", ""};
    for (int i = 0; i < kStructures; ++i) {
      FixtureStructure f;
      std::string second = seconds[(i / 5) % 5];
      if (second == cations[i % 5]) second = "Ti";
      f.formula_text =
          std::string(cations[i % 5]) + second + anions[i % 2] + std::to_string(1 + i % 4);
      auto parsed = pb::chem::parse_formula(f.formula_text);
      f.reduced = parsed.composition.formula_reduced_optimade();
      f.anonymous = parsed.composition.formula_anonymous();
      for (const auto& e : parsed.composition.element_amounts())
        f.elements.insert(std::string(pb::chem::find_element(e.z)->symbol));
      f.space_group = space_groups[i % 10];
      f.crystal_system = pb::crystal::crystal_system(f.space_group);
      f.pearson = (i % 3 == 0 ? "hR" : "oP") + std::to_string(10 + i % 7);
      f.cell[0] = 3.0 + 0.25 * i;
      f.cell[1] = 4.0 + 0.1 * (i % 11);
      f.cell[2] = 5.0 + 0.5 * (i % 13);
      f.cell[3] = 90;
      f.cell[4] = i % 4 == 0 ? 100 + i : 90;
      f.cell[5] = i % 5 == 0 ? 120 : 90;
      f.substance = "sub-" + std::to_string(i % 8);
      f.structure_type = types[i % 8 % 5];
      f.source_file = "cod/file_" + std::to_string(i) + ".cif";
      f.reference = i % 6 == 5 ? -1 : i % 6;
      pb::store::SubstanceRecord sub;
      sub.id = f.substance;
      sub.host_formula = f.reduced;
      sub.structure_type = f.structure_type;
      repos.substances->insert(sub);
      pb::store::StructureRecord s;
      s.source_file = f.source_file;
      s.source_block = "block_" + std::to_string(i);
      s.content_hash = pb::sha256_hex(s.source_file);
      double* cell[] = {&s.a, &s.b, &s.c, &s.alpha, &s.beta, &s.gamma};
      for (int k = 0; k < 6; ++k) *cell[k] = f.cell[k];
      s.chemical_formula_reduced = f.reduced;
      s.chemical_formula_anonymous = f.anonymous;
      s.elements.assign(f.elements.begin(), f.elements.end());
      s.space_group_number = f.space_group;
      s.crystal_system = f.crystal_system;
      s.pearson_symbol = f.pearson;
      s.sites = {pb::store::SiteRecord{{0, 0, 0}, {{*f.elements.begin(), 1.0, 1.0, "X1"}}}};
      if (f.reference >= 0) s.reference_id = references[f.reference].id;
      f.id = repos.structures->insert(s).id;
      repos.substances->set_member(
          {f.substance, pb::store::EntityKind::kStructure, f.id, "test", "{}"});
      structures.push_back(f);
    }
    // Conductivities 1e-1 .. 1e-6 S/m at 280-330 K, one or two per substance.
    for (int i = 0; i < 12; ++i) {
      FixtureProperty f{"sub-" + std::to_string(i % 8), std::pow(10.0, -(1 + i % 6)),
                        280.0 + 10 * (i % 6)};
      pb::store::PropertyRecord p;
      p.kind = "ionic_conductivity";
      p.substance_id = f.substance;
      p.value_si = f.value_si;
      p.value_as_given = std::to_string(f.value_si);
      p.unit_as_given = "S/m";
      p.temperature_K = f.temperature_K;
      p.reference_id = references[i % 5].id;
      repos.properties->insert(p);
      properties.push_back(f);
    }
  }

  std::set<std::int64_t> run(StructureQuery q) {
    std::set<std::int64_t> ids;
    auto res = search_structures(db, q);
    for (const auto& r : res.rows) ids.insert(r.id);
    EXPECT_EQ(res.total, static_cast<std::int64_t>(res.rows.size()));
    return ids;
  }

  std::set<std::int64_t> expected(const std::function<bool(const FixtureStructure&)>& keep) {
    std::set<std::int64_t> ids;
    for (const auto& s : structures)
      if (keep(s)) ids.insert(s.id);
    return ids;
  }

  const FixtureReference* reference_of(const FixtureStructure& s) const {
    return s.reference < 0 ? nullptr : &references[s.reference];
  }
};

bool has(const FixtureStructure& s, const std::string& e) { return s.elements.count(e) > 0; }

bool contains(const std::string& haystack, const std::string& needle) {
  auto lower = [](std::string t) {
    for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return t;
  };
  return lower(haystack).find(lower(needle)) != std::string::npos;
}

}  // namespace

TEST_F(Search, EmptyQueryListsEverything) {
  EXPECT_EQ(run({}), expected([](const auto&) { return true; }));
}

TEST_F(Search, ElementConditionsMatchLoops) {
  StructureQuery q;
  q.elements_all = {"li", "O"};
  EXPECT_EQ(run(q), expected([](const auto& s) { return has(s, "Li") && has(s, "O"); }));
  q = {};
  q.elements_any = {"Nb", "P"};
  auto any = expected([](const auto& s) { return has(s, "Nb") || has(s, "P"); });
  EXPECT_FALSE(any.empty());
  EXPECT_EQ(run(q), any);
  q = {};
  q.elements_only = {"Li", "Nb", "O"};
  EXPECT_EQ(run(q), expected([](const auto& s) {
              return s.elements == std::set<std::string>{"Li", "Nb", "O"};
            }));
  EXPECT_FALSE(run(q).empty());
  q = {};
  q.elements_none = {"S", "Fe"};
  EXPECT_EQ(run(q), expected([](const auto& s) { return !has(s, "S") && !has(s, "Fe"); }));
  q = {};
  q.elements_all = {"Xx"};
  EXPECT_THROW(search_structures(db, q), pb::InvalidArgument);
}

TEST_F(Search, CountAndFormulaConditionsMatchLoops) {
  StructureQuery q;
  q.nelements = parse_range("3");
  EXPECT_EQ(run(q), expected([](const auto& s) { return s.elements.size() == 3; }));
  q = {};
  q.formula = "PO3Li";  // normalised by the formula parser to OPTIMADE order
  auto linbo3 = expected([](const auto& s) { return s.reduced == "LiO3P"; });
  EXPECT_FALSE(linbo3.empty());
  EXPECT_EQ(run(q), linbo3);
  q = {};
  q.formula_anonymous = "ABC2";
  EXPECT_EQ(run(q), expected([](const auto& s) { return s.anonymous == "ABC2"; }));
  q = {};
  q.formula_contains = "Li2O";
  EXPECT_EQ(run(q), expected([](const auto& s) { return has(s, "Li") && has(s, "O"); }));
  q = {};
  q.formula = "Li(";
  EXPECT_THROW(search_structures(db, q), pb::InvalidArgument);
}

TEST_F(Search, SymmetryAndTypeConditionsMatchLoops) {
  StructureQuery q;
  q.space_group_number = 161;
  EXPECT_EQ(run(q), expected([](const auto& s) { return s.space_group == 161; }));
  q = {};
  q.crystal_system = "Trigonal";
  EXPECT_EQ(run(q), expected([](const auto& s) { return s.crystal_system == "trigonal"; }));
  q = {};
  q.pearson_symbol = "hR12";
  EXPECT_EQ(run(q), expected([](const auto& s) { return s.pearson == "hR12"; }));
  q = {};
  q.structure_type = "perovskite";
  EXPECT_EQ(run(q), expected([](const auto& s) { return s.structure_type == "perovskite"; }));
  q = {};
  q.crystal_system = "rhombic";
  EXPECT_THROW(search_structures(db, q), pb::InvalidArgument);
  q = {};
  q.space_group_number = 231;
  EXPECT_THROW(search_structures(db, q), pb::InvalidArgument);
}

TEST_F(Search, LatticeRangesMatchLoops) {
  for (int axis = 0; axis < 6; ++axis) {
    Range r = axis < 3 ? Range{4.5, 7.25} : Range{95.0, std::nullopt};
    StructureQuery q;
    Range* fields[] = {&q.a, &q.b, &q.c, &q.alpha, &q.beta, &q.gamma};
    *fields[axis] = r;
    EXPECT_EQ(run(q), expected([&](const auto& s) {
                double v = s.cell[axis];
                return (!r.min || v >= *r.min) && (!r.max || v <= *r.max);
              }))
        << "axis " << axis;
  }
}

TEST_F(Search, PropertyConditionMatchesLoops) {
  StructureQuery q;
  // 1e-4 S/cm = 1e-2 S/m, at 290-310 K.
  q.property = PropertyCondition{"ionic conductivity",
                                 range_to_si(parse_range(">=1e-4"), "ionic_conductivity", "S/cm"),
                                 parse_range("290-310")};
  const double lo = *q.property->value_si.min;
  EXPECT_NEAR(lo, 1e-2, 1e-15);
  std::set<std::string> substances;
  for (const auto& p : properties)
    if (p.value_si >= lo && p.temperature_K >= 290 && p.temperature_K <= 310)
      substances.insert(p.substance);
  auto want = expected([&](const auto& s) { return substances.count(s.substance) > 0; });
  EXPECT_FALSE(want.empty());
  EXPECT_EQ(run(q), want);
  EXPECT_THROW(range_to_si({1.0, 2.0}, "ionic_conductivity", "furlong"), pb::InvalidArgument);
  EXPECT_THROW(range_to_si({1.0, 2.0}, "ionic_conductivity", "eV"), pb::InvalidArgument);
  q.property->kind = "no_such_kind";
  EXPECT_THROW(search_structures(db, q), pb::InvalidArgument);
}

TEST_F(Search, ReferenceConditionsMatchLoops) {
  StructureQuery q;
  q.reference.author = "murugan";
  EXPECT_EQ(run(q), expected([&](const auto& s) {
              auto r = reference_of(s);
              return r && contains(r->authors, "murugan");
            }));
  q = {};
  q.reference.author = "Zhang_";  // '_' is literal, not a LIKE wildcard
  EXPECT_EQ(run(q), expected([&](const auto& s) {
              auto r = reference_of(s);
              return r && contains(r->authors, "Zhang_");
            }));
  q = {};
  q.reference.year = parse_range("2000-2010");
  EXPECT_EQ(run(q), expected([&](const auto& s) {
              auto r = reference_of(s);
              return r && r->year >= 2000 && r->year <= 2010;
            }));
  q = {};
  q.reference.journal = "chem";
  EXPECT_EQ(run(q), expected([&](const auto& s) {
              auto r = reference_of(s);
              return r && contains(r->journal, "chem");
            }));
  q = {};
  q.reference.doi = "https://doi.org/10.1000/TEST.3";
  EXPECT_EQ(run(q), expected([&](const auto& s) {
              auto r = reference_of(s);
              return r && r->doi == "10.1000/test.3";
            }));
}

TEST_F(Search, FreeTextAndSubstanceMatchLoops) {
  StructureQuery q;
  q.text = "garnet";
  EXPECT_EQ(run(q), expected([&](const auto& s) {
              auto r = reference_of(s);
              return r && contains(r->title, "garnet");
            }));
  q = {};
  q.text = "file_7";
  EXPECT_EQ(run(q), expected([](const auto& s) { return s.source_file == "cod/file_7.cif"; }));
  q = {};
  q.substance_id = "sub-3";
  EXPECT_EQ(run(q), expected([](const auto& s) { return s.substance == "sub-3"; }));
}

TEST_F(Search, ConditionsCombineWithAnd) {
  StructureQuery q;
  q.elements_all = {"O"};
  q.a = parse_range("3-8");
  q.reference.year = parse_range("<=2006");
  EXPECT_EQ(run(q), expected([&](const auto& s) {
              auto r = reference_of(s);
              return has(s, "O") && s.cell[0] >= 3 && s.cell[0] <= 8 && r && r->year <= 2006;
            }));
}

TEST_F(Search, SortingAndPagingCoverEveryRowOnce) {
  StructureQuery q;
  q.sort = parse_sort("a:desc", structure_sort_fields());
  q.paging.limit = 7;
  std::vector<std::int64_t> seen;
  for (q.paging.offset = 0; q.paging.offset < 40; q.paging.offset += 7) {
    auto page = search_structures(db, q);
    EXPECT_EQ(page.total, kStructures);
    for (const auto& r : page.rows) seen.push_back(r.id);
  }
  std::vector<FixtureStructure> sorted = structures;
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& x, const auto& y) { return x.cell[0] > y.cell[0]; });
  ASSERT_EQ(seen.size(), sorted.size());
  for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], sorted[i].id);
  // Past the end: no rows, the total still right.
  q.paging.offset = 100;
  auto beyond = search_structures(db, q);
  EXPECT_TRUE(beyond.rows.empty());
  EXPECT_EQ(beyond.total, kStructures);
  EXPECT_THROW(parse_sort("a; DROP TABLE structure", structure_sort_fields()), pb::InvalidArgument);
  EXPECT_THROW(parse_sort("a:sideways", structure_sort_fields()), pb::InvalidArgument);
}

TEST_F(Search, InjectionLookingInputMatchesNothingAndChangesNothing) {
  const std::string evil = "'; DROP TABLE structure; --";
  for (int field = 0; field < 6; ++field) {
    StructureQuery q;
    std::string* fields[] = {
        &q.text,           &q.reference.author, &q.reference.journal, &q.formula_anonymous,
        &q.pearson_symbol, &q.substance_id};
    *fields[field] = evil;
    EXPECT_TRUE(run(q).empty()) << field;
  }
  EXPECT_EQ(run({}).size(), static_cast<std::size_t>(kStructures));
  EXPECT_EQ(db.connection().query_int64("SELECT count(*) FROM structure"), kStructures);
}

TEST_F(Search, FtsOperatorsAreLiteral) {
  for (std::string text : {"\"", "\"unterminated", "*", "li*", "NEAR(a b)", "a AND OR NOT b", "(",
                           "^file", "col:value", "file_1 NEAR file_2", "-- ''"}) {
    StructureQuery q;
    q.text = text;
    EXPECT_NO_THROW(search_structures(db, q)) << text;
  }
  EXPECT_EQ(fts_literal_query("a \"b\" NEAR *"), "\"a\" \"\"\"b\"\"\" \"NEAR\"");
  EXPECT_EQ(fts_literal_query("  * -- "), "");
}

TEST(Range, ParsesEveryForm) {
  auto r = parse_range("5-6");
  EXPECT_EQ(r.min, 5.0);
  EXPECT_EQ(r.max, 6.0);
  r = parse_range("1e-4-1e-3");
  EXPECT_DOUBLE_EQ(*r.min, 1e-4);
  EXPECT_DOUBLE_EQ(*r.max, 1e-3);
  r = parse_range("-5..-1");
  EXPECT_EQ(r.min, -5.0);
  EXPECT_EQ(r.max, -1.0);
  r = parse_range(">=290");
  EXPECT_EQ(r.min, 290.0);
  EXPECT_FALSE(r.max);
  r = parse_range("3");
  EXPECT_EQ(r.min, 3.0);
  EXPECT_EQ(r.max, 3.0);
  for (const char* bad : {"5-", "-", "", "a-b", "6-5", "5..", ">="})
    EXPECT_THROW(parse_range(bad), pb::InvalidArgument) << bad;
}

TEST_F(Search, PropertySearchMatchesLoops) {
  PropertyQuery q;
  q.kind = "ionic_conductivity";
  q.temperature_K = parse_range("290-310");
  q.value_si = parse_range("<=1e-3");
  auto res = search_properties(db, q);
  std::size_t want = 0;
  for (const auto& p : properties)
    if (p.temperature_K >= 290 && p.temperature_K <= 310 && p.value_si <= 1e-3) ++want;
  EXPECT_EQ(res.rows.size(), want);
  EXPECT_EQ(res.total, static_cast<std::int64_t>(want));
  for (const auto& row : res.rows) EXPECT_EQ(row.unit, "S/m");
}

// Pages of two rows make the search count its matches with the count query (the element sets
// of schema 8 for element-only searches): totals and the first page against loops.
TEST_F(Search, TotalsOfPagedSearchesMatchLoops) {
  auto check = [&](StructureQuery q, const std::function<bool(const FixtureStructure&)>& keep,
                   const std::string& what) {
    q.paging.limit = 2;
    auto res = search_structures(db, q);
    auto want = expected(keep);
    EXPECT_EQ(res.total, static_cast<std::int64_t>(want.size())) << what;
    std::vector<std::int64_t> first(want.begin(), want.end());
    first.resize(std::min<std::size_t>(2, first.size()));
    std::vector<std::int64_t> got;
    for (const auto& r : res.rows) got.push_back(r.id);
    EXPECT_EQ(got, first) << what;
  };
  auto ref = [&](const FixtureStructure& s) { return reference_of(s); };
  StructureQuery q;
  check(
      q, [](const auto&) { return true; }, "everything");
  q.elements_all = {"Li", "O"};
  check(
      q, [](const auto& s) { return has(s, "Li") && has(s, "O"); }, "all Li,O");
  q = {};
  q.elements_any = {"Nb", "P"};
  q.elements_none = {"S"};
  check(
      q, [](const auto& s) { return (has(s, "Nb") || has(s, "P")) && !has(s, "S"); },
      "any Nb,P none S");
  q = {};
  q.elements_only = {"Li", "Nb", "O"};
  check(
      q,
      [](const auto& s) {
        return s.elements == std::set<std::string>{"Li", "Nb", "O"};
      },
      "only Li,Nb,O");
  q = {};
  q.nelements = parse_range("2");
  q.formula_contains = "O2";
  check(
      q, [](const auto& s) { return s.elements.size() == 2 && has(s, "O"); }, "2 elements with O");
  q = {};
  q.elements_all = {"O"};
  q.space_group_number = 161;
  check(
      q, [](const auto& s) { return has(s, "O") && s.space_group == 161; }, "O in R3c (no sets)");
  q = {};
  q.a = parse_range("4-8");
  q.c = parse_range("5.5-9");
  check(
      q,
      [](const auto& s) {
        return s.cell[0] >= 4 && s.cell[0] <= 8 && s.cell[2] >= 5.5 && s.cell[2] <= 9;
      },
      "a and c");
  q = {};
  q.b = parse_range("4.2-4.6");
  q.c = parse_range("5-8");
  check(
      q,
      [](const auto& s) {
        return s.cell[1] >= 4.2 && s.cell[1] <= 4.6 && s.cell[2] >= 5 && s.cell[2] <= 8;
      },
      "b and c");
  // Authors: through the trigram index from three characters on, case-insensitive, LIKE
  // characters and quotes literal; shorter text by LIKE alone.
  for (std::string author : {"weppner", "MURUGAN", "Zhang_", "O'Ne", "an", "K", "Kan\"no", "ü"}) {
    q = {};
    q.reference.author = author;
    check(
        q, [&](const auto& s) { return ref(s) && contains(ref(s)->authors, author); },
        "author " + author);
  }
  q = {};
  q.reference.journal = "Chem";
  q.reference.year = parse_range("1998-2010");
  check(
      q,
      [&](const auto& s) {
        return ref(s) && contains(ref(s)->journal, "Chem") && ref(s)->year >= 1998 &&
               ref(s)->year <= 2010;
      },
      "journal and years");
}

// The element sets follow structures that come and go.
TEST_F(Search, ElementSetCountsFollowInsertsAndDeletes) {
  StructureQuery q;
  q.elements_all = {"Li"};
  q.paging.limit = 1;
  auto li = expected([](const auto& s) { return has(s, "Li"); });
  ASSERT_GE(li.size(), 3u);
  EXPECT_EQ(search_structures(db, q).total, static_cast<std::int64_t>(li.size()));
  db.connection().exec("DELETE FROM structure WHERE id = " + std::to_string(*li.begin()));
  EXPECT_EQ(search_structures(db, q).total, static_cast<std::int64_t>(li.size() - 1));
  pb::store::StructureRecord s;
  s.source_file = "new.cif";
  s.content_hash = pb::sha256_hex("new.cif");
  s.elements = {"Li", "Xe"};
  s.sites = {pb::store::SiteRecord{{0, 0, 0}, {{"Li", 1.0, 1.0, "Li1"}}}};
  pb::store::make_repositories(db).structures->insert(s);
  EXPECT_EQ(search_structures(db, q).total, static_cast<std::int64_t>(li.size()));
  q.elements_all = {"Xe"};
  EXPECT_EQ(search_structures(db, q).total, 1);
  db.connection().exec("UPDATE structure SET dataset = 'other' WHERE source_file = 'new.cif'");
  EXPECT_EQ(db.connection().query_int64(
                "SELECT sum(structures) FROM structure_element_set WHERE dataset = 'other'"),
            1);
  EXPECT_EQ(db.connection().query_int64("SELECT sum(structures) FROM structure_element_set"),
            db.connection().query_int64("SELECT count(*) FROM structure"));
}

// The substance page reads the number of sites, not the sites, unless asked for them.
TEST_F(Search, SubstancePageCountsSitesWithoutReadingThem) {
  auto page = substance_json(db, "sub-1");
  ASSERT_TRUE(page);
  ASSERT_FALSE((*page)["structures"].empty());
  for (const auto& s : (*page)["structures"]) {
    EXPECT_EQ(s["nsites"], 1);
    EXPECT_FALSE(s.contains("sites"));
  }
  auto full = substance_json(db, "sub-1", true);
  for (const auto& s : (*full)["structures"]) EXPECT_EQ(s["sites"].size(), 1u);
}
