// Semantics against a real SQLite database built by the real ingest (the OBELiX demo CIFs and
// conductivities in data/demo): every filter must return exactly the ids that a plain loop over
// the same records computes. Also errors (400 vs 501), null handling and injection attempts.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "../unit/store/temp_dir.hpp"
#include "chem/element.hpp"
#include "optimade/element_sets.hpp"
#include "optimade/filter.hpp"
#include "optimade/schema_map.hpp"
#include "store/database.hpp"
#include "store/ingest.hpp"
#include "store/ingest_cif.hpp"
#include "store/repositories.hpp"
#include "store/sqlite_repositories.hpp"

namespace fs = std::filesystem;
using namespace pb::optimade;
using pb::store::StructureRecord;

namespace {

using Ids = std::set<std::string>;

struct Reference {
  std::int64_t id = 0;
  std::vector<std::pair<std::string, std::string>> authors;  // family, given
  std::string title, doi;
  int year = 0;
};

class OptimadeSql : public ::testing::Test {
 protected:
  static inline pb::test::TempDir* dir = nullptr;
  static inline pb::store::Database* db = nullptr;
  static inline std::vector<StructureRecord> structures;
  static inline std::vector<pb::store::SubstanceRecord> substances;
  static inline std::vector<pb::store::PropertyRecord> properties;
  static inline std::vector<Reference> references;

  static void SetUpTestSuite() {
    dir = new pb::test::TempDir();
    db = new pb::store::Database(pb::store::Database::open(*dir / "optimade.db"));
    register_sql_functions(db->connection());
    const fs::path demo = fs::path(PB_SOURCE_DIR) / "data" / "demo";
    auto files = pb::store::structure_files({demo / "structures"});
    ASSERT_GT(files.size(), 200u);
    auto report = pb::store::ingest_structures(*db, files);
    ASSERT_TRUE(report.errors.empty()) << report.errors.size() << " files failed";
    pb::store::ingest_properties_csv(*db, demo / "ionic_conductivity.csv", {});
    pb::store::link_properties(*db);
    auto repos = pb::store::make_repositories(*db);
    // References with awkward author names, made by hand: the demo ones carry only DOIs.
    const std::vector<Reference> refs = {
        {0,
         {{"O'Neil", "Brian"}, {"Kanno", "Ryoji"}},
         "Thio-LISICON -- a fast conductor",
         "10.1000/pb.1",
         2001},
        {0, {{"Kanno", "R."}}, "Superionic'); DROP TABLE structure; --", "10.1000/pb.2", 2011},
        {0, {{"Murugan", ""}, {"Weppner", "Werner"}}, "Garnet \"LLZO\" conductors", "", 2007},
        {0, {}, "No authors", "10.1000/pb.4", 1999},
    };
    for (Reference r : refs) {
      pb::store::ReferenceRecord rec;
      for (const auto& [family, given] : r.authors)
        rec.authors.push_back(given.empty() ? family : family + ", " + given);
      rec.title = r.title;
      rec.doi = r.doi;
      rec.year = r.year;
      r.id = repos.references->insert(rec).id;
      references.push_back(r);
    }
    structures = repos.structures->list({100000, 0});
    substances = repos.substances->list({100000, 0});
    properties = repos.properties->list({100000, 0});
  }

  static void TearDownTestSuite() {
    delete db;
    delete dir;
    structures.clear();
    substances.clear();
    properties.clear();
    references.clear();
  }

  static Ids query(std::string_view filter, EntryType type = EntryType::structures,
                   const SqlOptions& options = {}) {
    const SqlWhere where = to_sql(parse_filter(filter), type, options);
    auto st = db->connection().prepare("SELECT " + std::string(id_sql(type)) + " FROM " +
                                       std::string(from_clause(type)) + " WHERE " + where.sql);
    bind_params(st, where.params);
    Ids out;
    while (st.step()) out.insert(st.column_text(0));
    return out;
  }

  static Ids expect_structures(const std::function<bool(const StructureRecord&)>& keep) {
    Ids out;
    for (const auto& s : structures) {
      if (keep(s)) out.insert(std::to_string(s.id));
    }
    return out;
  }

  static Ids all_structures() {
    return expect_structures([](const StructureRecord&) { return true; });
  }

  static bool has(const StructureRecord& s, const std::string& element) {
    return std::find(s.elements.begin(), s.elements.end(), element) != s.elements.end();
  }

  static bool disordered(const StructureRecord& s) {
    for (const auto& site : s.sites) {
      std::set<std::string> elements;
      double total = 0;
      for (const auto& sp : site.species) {
        elements.insert(sp.element);
        total += sp.occupancy;
      }
      if (elements.size() > 1 || total < 1 - 1e-6) return true;
    }
    return false;
  }

  // Substances with a conductivity above the value (S/m).
  static std::set<std::string> substances_with_conductivity_above(double value) {
    std::set<std::string> out;
    for (const auto& p : properties) {
      if (p.kind == "ionic_conductivity" && p.substance_id && p.value_si && *p.value_si > value)
        out.insert(*p.substance_id);
    }
    return out;
  }
};

#define EXPECT_FILTER(filter, ...)                                                    \
  do {                                                                                \
    const Ids expected = expect_structures(__VA_ARGS__);                              \
    EXPECT_EQ(query(filter), expected) << (filter) << " (" << expected.size() << ")"; \
  } while (0)

TEST_F(OptimadeSql, FixtureIsTheDemoData) {
  EXPECT_GT(structures.size(), 200u);
  EXPECT_GT(substances.size(), 100u);
  EXPECT_EQ(query("id IS KNOWN"), all_structures());
}

TEST_F(OptimadeSql, ElementsHasAllAnyOnly) {
  EXPECT_FILTER("elements HAS \"Li\"", [](auto& s) { return has(s, "Li"); });
  EXPECT_FILTER("elements HAS ALL \"Li\",\"P\",\"S\"",
                [](auto& s) { return has(s, "Li") && has(s, "P") && has(s, "S"); });
  EXPECT_FILTER("elements HAS ANY \"Cl\", \"Br\", \"I\"",
                [](auto& s) { return has(s, "Cl") || has(s, "Br") || has(s, "I"); });
  const std::set<std::string> only = {"Li", "P", "S", "O"};
  EXPECT_FILTER("elements HAS ONLY \"Li\",\"P\",\"S\",\"O\"", [&](auto& s) {
    return std::all_of(s.elements.begin(), s.elements.end(),
                       [&](const std::string& e) { return only.count(e) > 0; });
  });
  const std::set<std::string> garnet = {"Li", "La", "Zr", "O"};
  EXPECT_FILTER(
      "elements HAS ONLY \"Li\",\"La\",\"Zr\",\"O\" AND elements HAS ALL \"Li\","
      "\"La\",\"Zr\",\"O\"",
      [&](auto& s) { return std::set(s.elements.begin(), s.elements.end()) == garnet; });
  EXPECT_FILTER("NOT elements HAS \"O\"", [](auto& s) { return !has(s, "O"); });
  EXPECT_FILTER("elements LENGTH 4", [](auto& s) { return s.elements.size() == 4; });
  EXPECT_FILTER("elements LENGTH >= 5", [](auto& s) { return s.elements.size() >= 5; });
  // Operators and fuzzy tests inside HAS, and a list correlated with itself.
  EXPECT_FILTER("elements HAS STARTS \"S\"", [](auto& s) {
    return std::any_of(s.elements.begin(), s.elements.end(),
                       [](const std::string& e) { return e[0] == 'S'; });
  });
  EXPECT_FILTER("elements:elements HAS >= \"L\":< \"M\"", [](auto& s) {
    return std::any_of(s.elements.begin(), s.elements.end(),
                       [](const std::string& e) { return e[0] == 'L'; });
  });
}

TEST_F(OptimadeSql, HasOnlyIgnoresValuesThatAreNotElements) {
  // Values that are not element symbols allow nothing more; heavy elements live in the high mask.
  const std::set<std::string> only = {"Li", "La", "Zr", "O"};
  EXPECT_FILTER("elements HAS ONLY \"Li\",\"La\",\"Zr\",\"O\",\"Xx\",\"li\"", [&](auto& s) {
    return std::all_of(s.elements.begin(), s.elements.end(),
                       [&](const std::string& e) { return only.count(e) > 0; });
  });
  EXPECT_EQ(query("elements HAS ONLY \"Xx\""),
            expect_structures([](auto& s) { return s.elements.empty(); }));
  EXPECT_FILTER("NOT elements HAS ONLY \"La\", \"Zr\", \"Li\", \"O\", \"Ta\", \"Al\"",
                [&](auto& s) {
                  const std::set<std::string> allowed = {"La", "Zr", "Li", "O", "Ta", "Al"};
                  return !std::all_of(s.elements.begin(), s.elements.end(),
                                      [&](const std::string& e) { return allowed.count(e) > 0; });
                });
}

// The server decides filters on elements and nelements over the element sets in memory: the
// sum over the matching sets must be the number of structures SQL matches, the masks of the
// matching sets must find exactly those structures, and any other condition must keep the
// filter off that path.
TEST_F(OptimadeSql, ElementSetsDecideWhatSqlDecides) {
  // Three structures whose space group is unknown (copies of cubic ones), for SQL's null logic;
  // taken out again at the end.
  auto& c = db->connection();
  c.exec("SAVEPOINT unknown_space_group");
  c.exec(
      "INSERT INTO structure (source_file, content_hash, nelements, elements, "
      "elements_mask_low, elements_mask_high, space_group_number, dataset) SELECT source_file, "
      "content_hash || '-unknown', nelements, elements, elements_mask_low, elements_mask_high, "
      "NULL, dataset FROM structure WHERE space_group_number = 216 LIMIT 3");
  const ElementSets sets = ElementSets::load(c);
  EXPECT_GT(sets.size(), 50u);
  auto by_masks = [](const std::string& json) {
    auto st = db->connection().prepare(
        "SELECT CAST(s.id AS TEXT) FROM structure AS s WHERE (s.elements_mask_low, "
        "s.elements_mask_high) IN (SELECT json_extract(j.value, '$[0]'), "
        "json_extract(j.value, '$[1]') FROM json_each(?) AS j)");
    st.bind(1, json);
    Ids out;
    while (st.step()) out.insert(st.column_text(0));
    return out;
  };
  for (const char* filter : {
           "elements HAS \"Li\"",
           "elements HAS ALL \"Li\",\"P\",\"S\"",
           "elements HAS ANY \"Cl\", \"Br\", \"I\" AND nelements >= 4",
           "elements HAS ONLY \"Li\",\"La\",\"Zr\",\"O\",\"Ta\"",
           "elements HAS ONLY \"Li\",\"La\",\"Zr\",\"O\",\"Xx\"",
           "NOT elements HAS \"O\" OR nelements = 2",
           "elements LENGTH 4 AND NOT elements HAS ANY \"La\", \"Ta\"",
           "3 < nelements AND elements HAS \"Zr\"",
           "elements HAS ONLY \"Li\",\"La\",\"Zr\",\"O\",\"Ta\",\"Al\" AND elements HAS ALL "
           "\"Li\",\"Zr\" AND nelements >= 4 AND elements HAS ANY \"Ta\", \"Al\"",
           "NOT (elements HAS ALL \"Li\", \"Xx\") AND elements HAS ANY \"Xx\", \"S\"",
           "nelements > 2.5 AND (elements HAS \"Ge\" OR elements HAS \"Sn\" OR 4 >= nelements)",
           "_phasebook_space_group_number = 216 AND elements HAS \"Li\"",
           "NOT _phasebook_space_group_number = 216",
           "NOT (_phasebook_space_group_number > 200 AND nelements = 3) OR elements HAS \"Zr\"",
           "_phasebook_space_group_number IS UNKNOWN OR 14 > _phasebook_space_group_number",
           "_phasebook_space_group_number IS KNOWN AND NOT elements HAS ANY \"O\", \"S\"",
           "_phasebook_space_group_number IS UNKNOWN AND elements HAS \"Li\"",
           "nelements != 3 AND elements HAS \"Li\" AND _phasebook_space_group_number <= 200.5",
           "nelements < 3.5 AND 2 <= nelements AND _phasebook_space_group_number > 15.5",
       }) {
    const Ids expected = query(filter);
    const auto test = element_set_test(parse_filter(filter));
    EXPECT_TRUE(test) << filter;
    if (!test) continue;
    EXPECT_EQ(sets.count(*test), static_cast<std::int64_t>(expected.size())) << filter;
    // The masks find the matching structures, and only them when the filter does not look at
    // the space group.
    const Ids found = by_masks(sets.matching_masks_json(*test));
    if (std::string_view(filter).find("space_group") == std::string_view::npos) {
      EXPECT_EQ(found, expected) << filter;
    } else {
      EXPECT_TRUE(std::includes(found.begin(), found.end(), expected.begin(), expected.end()))
          << filter;
    }
    EXPECT_FALSE(expected.empty()) << filter;
  }
  for (const char* filter : {"nelements = 3.5", "elements HAS ALL \"Li\", \"Xx\"",
                             "_phasebook_space_group_number < 0"}) {
    const auto test = element_set_test(parse_filter(filter));
    EXPECT_TRUE(test && sets.count(*test) == 0 && query(filter).empty()) << filter;
  }
  for (const char* filter : {
           "elements HAS \"Li\" AND nsites > 10",
           "elements HAS STARTS \"S\"",
           "elements HAS > \"S\"",
           "chemical_formula_reduced = \"LiNbO3\"",
           "species_at_sites HAS \"Li\"",
           "elements HAS \"Li\" OR id = \"1\"",
           "_phasebook_space_group_number = \"161\" AND elements HAS \"Nb\"",
           "_phasebook_crystal_system = \"cubic\" AND elements HAS \"Nb\"",
           "elements IS KNOWN",
           "nelements = nelements",
           "_phasebook_space_group_number = nelements",
       }) {
    EXPECT_FALSE(element_set_test(parse_filter(filter))) << filter;
  }
  c.exec("ROLLBACK TO unknown_space_group");
  c.exec("RELEASE unknown_space_group");
}

TEST_F(OptimadeSql, NumbersBothOperandOrdersAndPrecedence) {
  EXPECT_FILTER("nelements >= 3 AND nelements <= 4",
                [](auto& s) { return s.elements.size() >= 3 && s.elements.size() <= 4; });
  EXPECT_EQ(query("4 < nelements"), query("nelements > 4"));
  EXPECT_FILTER("4 < nelements", [](auto& s) { return s.elements.size() > 4; });
  EXPECT_FILTER("5 >= nelements", [](auto& s) { return s.elements.size() <= 5; });
  EXPECT_FILTER("nelements = 3 OR nelements = 5 AND elements HAS \"S\"", [](auto& s) {
    return s.elements.size() == 3 || (s.elements.size() == 5 && has(s, "S"));
  });
  EXPECT_FILTER("(nelements = 3 OR nelements = 5) AND elements HAS \"S\"", [](auto& s) {
    return (s.elements.size() == 3 || s.elements.size() == 5) && has(s, "S");
  });
  EXPECT_FILTER("NOT nelements = 4 AND elements HAS \"Ge\"",
                [](auto& s) { return s.elements.size() != 4 && has(s, "Ge"); });
  EXPECT_FILTER("NOT (nelements = 4 AND elements HAS \"Ge\")",
                [](auto& s) { return !(s.elements.size() == 4 && has(s, "Ge")); });
  EXPECT_FILTER("nsites > 100 AND nsites <= 200.5",
                [](auto& s) { return s.sites.size() > 100 && s.sites.size() <= 200; });
  EXPECT_FILTER("species_at_sites LENGTH < 20", [](auto& s) { return s.sites.size() < 20; });
  EXPECT_FILTER("_phasebook_cell_a > 10.0 AND _phasebook_cell_a < 12",
                [](auto& s) { return s.a > 10.0 && s.a < 12; });
  EXPECT_EQ(query("5 < 7"), all_structures());
  EXPECT_EQ(query("7 < 5"), Ids{});
  EXPECT_EQ(query("nperiodic_dimensions = 3 AND dimension_types HAS ALL 1"), all_structures());
  EXPECT_EQ(query("dimension_types HAS 0"), Ids{});
}

// Lists derived from the sites, computed here from the stored records without the crystal
// code: a species is named after the elements of a site in order of atomic number, and a second
// distinct occupancy of the same elements gets "2" (docs/api.md); ratios are the summed
// occupancies of each element over their total.
std::vector<std::string> species_names(const StructureRecord& s) {
  std::map<std::vector<std::pair<int, double>>, std::string> name_of;
  std::map<std::string, int> uses;
  std::vector<std::string> out;
  for (const auto& site : s.sites) {
    std::map<int, double> by_z;
    for (const auto& sp : site.species) by_z[pb::chem::find_element(sp.element)->z] += sp.occupancy;
    std::vector<std::pair<int, double>> key(by_z.begin(), by_z.end());
    auto it = name_of.find(key);
    if (it == name_of.end()) {
      std::string base;
      for (auto [z, occupancy] : key) base += pb::chem::find_element(z)->symbol;
      const int n = ++uses[base];
      it = name_of.emplace(key, n == 1 ? base : base + std::to_string(n)).first;
    }
    out.push_back(it->second);
  }
  return out;
}

std::map<std::string, double> ratios(const StructureRecord& s) {
  std::map<std::string, double> out;
  double total = 0;
  for (const auto& site : s.sites) {
    for (const auto& sp : site.species) {
      out[sp.element] += sp.occupancy;
      total += sp.occupancy;
    }
  }
  for (auto& [element, r] : out) r /= total;
  return out;
}

bool any_name(const StructureRecord& s, const std::function<bool(const std::string&)>& test) {
  const auto names = species_names(s);
  return std::any_of(names.begin(), names.end(), test);
}

bool any_ratio(const StructureRecord& s,
               const std::function<bool(const std::string&, double)>& test) {
  for (const auto& [element, r] : ratios(s)) {
    if (test(element, r)) return true;
  }
  return false;
}

TEST_F(OptimadeSql, SpeciesAtSitesHas) {
  auto named = [](const std::string& name) {
    return [name](const StructureRecord& s) {
      return any_name(s, [&](const std::string& n) { return n == name; });
    };
  };
  EXPECT_FILTER("species_at_sites HAS \"Li\"", named("Li"));
  EXPECT_FILTER("NOT species_at_sites HAS \"O\"", [&](auto& s) { return !named("O")(s); });
  EXPECT_FILTER("species_at_sites HAS ALL \"Li\", \"O\", \"Zr\"",
                [&](auto& s) { return named("Li")(s) && named("O")(s) && named("Zr")(s); });
  EXPECT_FILTER("species_at_sites HAS ANY \"Cl\", \"Br\"",
                [&](auto& s) { return named("Cl")(s) || named("Br")(s); });
  const std::set<std::string> only = {"Li", "P", "S", "O"};
  EXPECT_FILTER("species_at_sites HAS ONLY \"Li\", \"P\", \"S\", \"O\"", [&](auto& s) {
    return !any_name(s, [&](const std::string& n) { return only.count(n) == 0; });
  });
  EXPECT_FILTER("species_at_sites HAS STARTS \"La\"", [](auto& s) {
    return any_name(s, [](const std::string& n) { return n.starts_with("La"); });
  });
  EXPECT_FILTER("species_at_sites HAS > \"Y\"",
                [](auto& s) { return any_name(s, [](const std::string& n) { return n > "Y"; }); });
  EXPECT_FILTER("species_at_sites LENGTH 8", [](auto& s) { return s.sites.size() == 8; });
  // Names of mixed sites and numbered names, taken from the data so that they exist.
  std::map<std::string, int> counts;
  for (const auto& s : structures) {
    for (const auto& n : species_names(s)) ++counts[n];
  }
  std::string mixed, numbered;
  for (const auto& [name, count] : counts) {
    const bool digit = std::isdigit(static_cast<unsigned char>(name.back())) != 0;
    const auto capitals =
        std::count_if(name.begin(), name.end(), [](char c) { return std::isupper(c); });
    if (mixed.empty() && capitals > 1 && !digit) mixed = name;
    if (numbered.empty() && digit) numbered = name;
  }
  ASSERT_FALSE(mixed.empty());
  ASSERT_FALSE(numbered.empty());
  EXPECT_FILTER("species_at_sites HAS \"" + mixed + "\"", named(mixed));
  EXPECT_FILTER("species_at_sites HAS ALL \"" + mixed + "\", \"" + numbered + "\"",
                [&](auto& s) { return named(mixed)(s) && named(numbered)(s); });
  EXPECT_FALSE(query("species_at_sites HAS \"" + numbered + "\"").empty()) << numbered;
  EXPECT_FILTER("species_at_sites HAS \"" + numbered + "\"", named(numbered));
  // A name we never give matches nothing (and must not be taken for an element hint).
  EXPECT_EQ(query("species_at_sites HAS \"li\" OR species_at_sites HAS \"Li-\""), Ids{});
  EXPECT_EQ(query("species_at_sites HAS ONLY \"\""), Ids{});
}

TEST_F(OptimadeSql, ElementsRatiosHas) {
  // Thresholds away from the exact ratios of small formulas (1/2, 1/3, ...).
  EXPECT_FILTER("elements_ratios HAS > 0.6123",
                [](auto& s) { return any_ratio(s, [](auto&, double r) { return r > 0.6123; }); });
  EXPECT_FILTER("elements_ratios HAS ALL < 0.0417, > 0.5123", [](auto& s) {
    return any_ratio(s, [](auto&, double r) { return r < 0.0417; }) &&
           any_ratio(s, [](auto&, double r) { return r > 0.5123; });
  });
  EXPECT_FILTER("elements_ratios HAS ONLY < 0.4123", [](auto& s) {
    return !any_ratio(s, [](auto&, double r) { return !(r < 0.4123); });
  });
  EXPECT_FILTER("elements_ratios HAS ANY > 0.9, < 0.0101", [](auto& s) {
    return any_ratio(s, [](auto&, double r) { return r > 0.9 || r < 0.0101; });
  });
  EXPECT_FILTER("elements_ratios LENGTH 3", [](auto& s) { return s.elements.size() == 3; });
  // Correlated with elements, in both orders (the spec's example has "Al":>0.3333).
  EXPECT_FILTER("elements:elements_ratios HAS \"Li\":>0.2917", [](auto& s) {
    return any_ratio(s, [](auto& e, double r) { return e == "Li" && r > 0.2917; });
  });
  EXPECT_FILTER("elements_ratios:elements HAS <0.2917:\"Li\"", [](auto& s) {
    return any_ratio(s, [](auto& e, double r) { return e == "Li" && r < 0.2917; });
  });
  EXPECT_FILTER("elements:elements_ratios HAS ALL \"Li\":>0.1, \"O\":>0.5123", [](auto& s) {
    return any_ratio(s, [](auto& e, double r) { return e == "Li" && r > 0.1; }) &&
           any_ratio(s, [](auto& e, double r) { return e == "O" && r > 0.5123; });
  });
  EXPECT_FILTER("elements:elements_ratios HAS ANY \"Cl\":>0.0123, STARTS \"B\":<0.1", [](auto& s) {
    return any_ratio(
        s, [](auto& e, double r) { return (e == "Cl" && r > 0.0123) || (e[0] == 'B' && r < 0.1); });
  });
  EXPECT_FILTER("elements:elements_ratios HAS ONLY \"O\":<0.7123, !=\"O\":<0.3123", [](auto& s) {
    return !any_ratio(s, [](auto& e, double r) {
      return !((e == "O" && r < 0.7123) || (e != "O" && r < 0.3123));
    });
  });
  EXPECT_FILTER("elements:elements_ratios:elements HAS \"Zr\":<0.2:\"Zr\"", [](auto& s) {
    return any_ratio(s, [](auto& e, double r) { return e == "Zr" && r < 0.2; });
  });
}

TEST_F(OptimadeSql, ListsOfListsAndDictionariesAnswer501) {
  for (const char* filter :
       {"lattice_vectors HAS 1", "cartesian_site_positions HAS ANY 0", "species HAS \"Li\"",
        "elements:species_at_sites HAS \"Li\":\"Li\"", "elements_ratios HAS \"Li\"",
        "elements_ratios HAS CONTAINS \"1\"", "elements:elements_ratios HAS \"Li\":\"Li\""}) {
    try {
      to_sql(parse_filter(filter), EntryType::structures);
      ADD_FAILURE() << "no error: " << filter;
    } catch (const NotImplementedError& e) {
      EXPECT_NE(std::string(e.what()).find("column"), std::string::npos) << e.what();
    }
  }
}

TEST_F(OptimadeSql, FormulaStrings) {
  const StructureRecord& first = structures.front();
  EXPECT_FILTER(
      "chemical_formula_reduced = \"" + first.chemical_formula_reduced + "\"",
      [&](auto& s) { return s.chemical_formula_reduced == first.chemical_formula_reduced; });
  EXPECT_FILTER("chemical_formula_reduced STARTS WITH \"Li7\"",
                [](auto& s) { return s.chemical_formula_reduced.starts_with("Li7"); });
  EXPECT_EQ(query("chemical_formula_reduced STARTS \"Li7\""),
            query("chemical_formula_reduced STARTS WITH \"Li7\""));
  EXPECT_FILTER("chemical_formula_reduced CONTAINS \"Zr\"",
                [](auto& s) { return s.chemical_formula_reduced.find("Zr") != std::string::npos; });
  EXPECT_FILTER("chemical_formula_descriptive ENDS WITH \"O12\"",
                [](auto& s) { return s.chemical_formula_descriptive.ends_with("O12"); });
  EXPECT_FILTER("chemical_formula_anonymous = \"A12B3C2D\"",
                [](auto& s) { return s.chemical_formula_anonymous == "A12B3C2D"; });
  EXPECT_FILTER("chemical_formula_anonymous != \"A12B3C2D\"",
                [](auto& s) { return s.chemical_formula_anonymous != "A12B3C2D"; });
  EXPECT_FILTER("\"Li\" < chemical_formula_reduced",
                [](auto& s) { return std::string("Li") < s.chemical_formula_reduced; });
  EXPECT_EQ(query("chemical_formula_reduced ENDS \"\""), all_structures());
}

TEST_F(OptimadeSql, PhasebookFields) {
  EXPECT_FILTER("_phasebook_space_group_number = 167",
                [](auto& s) { return s.space_group_number == 167; });
  EXPECT_FILTER("_phasebook_space_group_number >= 200",
                [](auto& s) { return s.space_group_number.value_or(0) >= 200; });
  EXPECT_FILTER(
      "_phasebook_crystal_system = \"cubic\" OR _phasebook_crystal_system = "
      "\"hexagonal\"",
      [](auto& s) { return s.crystal_system == "cubic" || s.crystal_system == "hexagonal"; });
  EXPECT_FILTER("_phasebook_pearson_symbol STARTS \"cF\"",
                [](auto& s) { return s.pearson_symbol.starts_with("cF"); });
  const std::string sub = *structures.front().substance_id;
  EXPECT_FILTER("_phasebook_substance_id = \"" + sub + "\"",
                [&](auto& s) { return s.substance_id == sub; });
  EXPECT_FILTER("_phasebook_space_group_symbol = \"R-3c\"",
                [](auto& s) { return s.space_group_symbol == "R-3c"; });
  const auto fast = substances_with_conductivity_above(0.1);
  ASSERT_FALSE(fast.empty());
  EXPECT_FILTER("_phasebook_property_ionic_conductivity HAS > 0.1",
                [&](auto& s) { return s.substance_id && fast.count(*s.substance_id) > 0; });
  EXPECT_FILTER("structure_features HAS \"disorder\"", [](auto& s) { return disordered(s); });
  EXPECT_FILTER("structure_features LENGTH 0", [](auto& s) { return !disordered(s); });
  EXPECT_FILTER("id = \"" + std::to_string(structures[3].id) + "\" OR id = \"" +
                    std::to_string(structures[7].id) + "\"",
                [&](auto& s) { return s.id == structures[3].id || s.id == structures[7].id; });
  EXPECT_EQ(query("type = \"structures\""), all_structures());
  EXPECT_EQ(query("last_modified > \"2000-01-01T00:00:00Z\""), all_structures());
  EXPECT_EQ(query("last_modified < \"2000-01-01T01:00:00+02:00\""), Ids{});
}

TEST_F(OptimadeSql, UnknownValuesAndOtherProviders) {
  // Unknown prefix: null. Comparisons never match, not even under NOT; IS UNKNOWN matches.
  EXPECT_EQ(query("_exmpl_band_gap < 2"), Ids{});
  EXPECT_EQ(query("NOT _exmpl_band_gap < 2"), Ids{});
  EXPECT_EQ(query("_exmpl_band_gap IS UNKNOWN"), all_structures());
  EXPECT_EQ(query("NOT _exmpl_band_gap IS KNOWN"), all_structures());
  EXPECT_FILTER("_exmpl_x = 1 OR nelements = 3", [](auto& s) { return s.elements.size() == 3; });
  EXPECT_EQ(query("elements:_exmpl_element_counts HAS \"H\":6"), Ids{});
  EXPECT_EQ(
      to_sql(parse_filter("_exmpl_a > 1 AND _other_b < 2"), EntryType::structures).warnings.size(),
      2u);
  // Stored NULLs behave the same way.
  EXPECT_EQ(query("_phasebook_temperature IS UNKNOWN"),
            expect_structures([](auto& s) { return !s.temperature_K; }));
  EXPECT_EQ(query("NOT _phasebook_temperature > 0"),
            expect_structures([](auto& s) { return s.temperature_K && *s.temperature_K <= 0; }));
  EXPECT_EQ(query("chemical_formula_hill IS UNKNOWN"), all_structures());
  EXPECT_EQ(query("chemical_formula_hill = \"H2O\""), Ids{});
}

TEST_F(OptimadeSql, InjectionAttemptsAreData) {
  for (const char* value : {"x' OR '1'='1", "\\\"; DROP TABLE structure; --", "Li'); --", "%", "_",
                            "Li\\\\", "'--", ";"}) {
    const std::string filter = std::string("chemical_formula_reduced = \"") + value + "\" OR " +
                               "chemical_formula_reduced CONTAINS \"" + value + "\"";
    EXPECT_EQ(query(filter), Ids{}) << filter;
    const SqlWhere w = to_sql(parse_filter(filter), EntryType::structures);
    EXPECT_EQ(w.sql.find("DROP"), std::string::npos);
    EXPECT_EQ(w.sql.find("'1'"), std::string::npos);
  }
  EXPECT_EQ(*db->connection().query_int64("SELECT count(*) FROM structure"),
            static_cast<std::int64_t>(structures.size()));
  // References whose titles hold SQL match only as text.
  auto ids = [](std::initializer_list<int> which) {
    Ids out;
    for (int i : which) out.insert(std::to_string(references[i].id));
    return out;
  };
  EXPECT_EQ(query("title CONTAINS \"DROP TABLE structure; --\"", EntryType::references), ids({1}));
  EXPECT_EQ(query("title CONTAINS \"--\"", EntryType::references), ids({0, 1}));
  EXPECT_EQ(query("title = \"Garnet \\\"LLZO\\\" conductors\"", EntryType::references), ids({2}));
}

TEST_F(OptimadeSql, References) {
  auto ids = [](std::initializer_list<int> which) {
    Ids out;
    for (int i : which) out.insert(std::to_string(references[i].id));
    return out;
  };
  const auto R = EntryType::references;
  EXPECT_EQ(query("authors.lastname HAS \"O'Neil\"", R), ids({0}));
  EXPECT_EQ(query("authors HAS \"Brian O'Neil\"", R), ids({0}));
  EXPECT_EQ(query("authors.name HAS \"Murugan\"", R), ids({2}));
  EXPECT_EQ(query("authors.lastname HAS ANY \"Kanno\", \"Weppner\"", R), ids({0, 1, 2}));
  EXPECT_EQ(query("authors.lastname HAS ALL \"Kanno\", \"O'Neil\"", R), ids({0}));
  EXPECT_EQ(query("authors.lastname HAS ONLY \"Kanno\"", R).count(std::to_string(references[1].id)),
            1u);
  EXPECT_EQ(query("authors.lastname HAS ONLY \"Kanno\" AND authors LENGTH > 0", R), ids({1}));
  EXPECT_EQ(query("authors LENGTH 0 AND title IS KNOWN", R), ids({3}));
  EXPECT_EQ(query("year = \"2001\"", R), ids({0}));
  EXPECT_EQ(query("year > 2005 AND title IS KNOWN", R), ids({1, 2}));
  EXPECT_EQ(query("doi = \"10.1000/PB.2\"", R), ids({1}));  // DOIs compare case-insensitively
  EXPECT_EQ(query("authors.name HAS CONTAINS \"Rob\" OR authors.firstname HAS STARTS \"Ryo\"", R),
            ids({0}));
}

TEST_F(OptimadeSql, Substances) {
  const auto S = EntryType::substances;
  std::map<std::string, int> members;
  for (const auto& s : structures) {
    if (s.substance_id) ++members[*s.substance_id];
  }
  Ids expected;
  for (const auto& [id, n] : members) {
    if (n >= 2) expected.insert(id);
  }
  EXPECT_EQ(query("_phasebook_nstructures >= 2", S), expected);
  Ids li_only;
  std::map<std::string, std::set<std::string>> elements;
  for (const auto& s : structures) {
    if (s.substance_id) elements[*s.substance_id].insert(s.elements.begin(), s.elements.end());
  }
  for (const auto& sub : substances) {
    const auto& e = elements[sub.id];
    if (std::all_of(e.begin(), e.end(),
                    [](const std::string& x) { return x == "Li" || x == "P" || x == "S"; }))
      li_only.insert(sub.id);
  }
  EXPECT_EQ(query("_phasebook_elements HAS ONLY \"Li\",\"P\",\"S\"", S), li_only);
  Ids sg;
  for (const auto& sub : substances) {
    if (sub.space_group_number == 167 && sub.host_formula.starts_with("Li")) sg.insert(sub.id);
  }
  EXPECT_EQ(
      query("_phasebook_space_group_number = 167 AND _phasebook_host_formula STARTS \"Li\"", S),
      sg);
  const auto fast = substances_with_conductivity_above(0.1);
  EXPECT_EQ(query("_phasebook_property_ionic_conductivity HAS > 0.1", S),
            Ids(fast.begin(), fast.end()));
  // Linked values from datasets the caller may not see do not count.
  EXPECT_EQ(query("_phasebook_property_ionic_conductivity HAS > 0.1", S, {{"members"}}), Ids{});
  EXPECT_EQ(query("_phasebook_property_ionic_conductivity HAS > 0.1", S, {{"members", "public"}}),
            Ids(fast.begin(), fast.end()));
}

TEST_F(OptimadeSql, BadRequestsAndNotImplemented) {
  auto error_400 = [](std::string_view filter, std::size_t column, EntryType t) {
    try {
      to_sql(parse_filter(filter), t);
      ADD_FAILURE() << "no error: " << filter;
    } catch (const FilterError& e) {
      EXPECT_EQ(e.column(), column) << filter << ": " << e.what();
    }
  };
  error_400("chemical_formula = \"Al\"", 1, EntryType::structures);  // unknown, unprefixed
  error_400("nelements > 1 AND _phasebook_nothing = 1", 19, EntryType::structures);
  error_400("relationships.references.authors.name CONTAINS \"x\"", 1, EntryType::structures);
  error_400("last_modified > \"yesterday\"", 17, EntryType::structures);
  error_400("authors HAS \"x\"", 1, EntryType::structures);
  error_400("nelements = 1", 1, EntryType::references);
  auto error_501 = [](std::string_view filter, EntryType t = EntryType::structures) {
    EXPECT_THROW(to_sql(parse_filter(filter), t), NotImplementedError) << filter;
  };
  error_501("chemical_formula_reduced = 42");
  error_501("nelements = \"3\"");
  error_501("\"a\" = \"b\"");
  error_501("elements = \"Li\"");
  error_501("nelements HAS 3");
  error_501("elements:_phasebook_property_ionic_conductivity HAS \"Li\":1");
  error_501("lattice_vectors HAS > 0.5");
  error_501("references.id HAS \"1\"");
  error_501("nelements < 1e999");
  error_501("elements LENGTH = \"42\"");
  error_501("chemical_formula_reduced CONTAINS nelements");
  error_501("elements CONTAINS \"Li\"");
  error_501("elements HAS nelements");
  error_501("chemical_formula_reduced < nelements");
  // The error derives from the project's ParseError and says where.
  try {
    to_sql(parse_filter("nelements = \"3\""), EntryType::structures);
  } catch (const NotImplementedError& e) {
    EXPECT_EQ(e.column(), 13u);
    EXPECT_NE(std::string(e.what()).find("column 13"), std::string::npos) << e.what();
  }
}

TEST_F(OptimadeSql, LongFiltersStayWithinSqliteLimits) {
  std::string chain = "nelements = 0";
  for (int i = 1; i < 3000; ++i) chain += " OR nelements = " + std::to_string(i);
  EXPECT_EQ(query(chain), all_structures());
  std::string any = "elements HAS ANY \"Li\"";
  for (int i = 0; i < 3000; ++i) any += ", \"X" + std::to_string(i) + "\"";
  EXPECT_FILTER(any, [](auto& s) { return has(s, "Li"); });
}

TEST(OptimadeFields, TablesForInfoAndSort) {
  for (EntryType t : {EntryType::structures, EntryType::references, EntryType::substances}) {
    std::set<std::string> names;
    for (const FieldInfo& f : fields(t)) {
      EXPECT_TRUE(names.insert(f.name).second) << f.name;
      EXPECT_FALSE(f.description.empty()) << f.name;
      EXPECT_TRUE(f.name.starts_with("_phasebook_") || f.name.find('_') != 0) << f.name;
      EXPECT_EQ(f.sql.find("{ds:"), std::string::npos) << f.name;
    }
    for (const char* common : {"id", "type", "last_modified", "immutable_id"})
      EXPECT_TRUE(names.count(common)) << common;
  }
  EXPECT_EQ(sort_column(EntryType::structures, "nelements"), "s.nelements");
  EXPECT_EQ(sort_column(EntryType::structures, "id"), "s.id");
  EXPECT_EQ(sort_column(EntryType::structures, "elements"), std::nullopt);
  EXPECT_EQ(sort_column(EntryType::structures, "nope"), std::nullopt);
  EXPECT_EQ(entry_type_from_name("_phasebook_substances"), EntryType::substances);
  EXPECT_EQ(entry_type_from_name("calculations"), std::nullopt);
  auto linked = field_sql(EntryType::structures, "_phasebook_structure_type", {{"public"}});
  ASSERT_TRUE(linked);
  EXPECT_EQ(linked->params.size(), 1u);
}

TEST(OptimadeTimestamps, Rfc3339ToUtc) {
  EXPECT_EQ(utc_timestamp("2024-05-01T12:00:00Z"), "2024-05-01 12:00:00.000");
  EXPECT_EQ(utc_timestamp("2024-05-01t01:30:00.25+02:00"), "2024-04-30 23:30:00.250");
  EXPECT_EQ(utc_timestamp("2024-12-31T23:00:00-01:00"), "2025-01-01 00:00:00.000");
  EXPECT_EQ(utc_timestamp("2024-02-29"), "2024-02-29 00:00:00.000");
  for (const char* bad : {"2023-02-29", "2024-13-01T00:00:00Z", "2024-05-01T12:00:00",
                          "2024-05-01T25:00:00Z", "yesterday", "2024-05-01T12:00:00Zx", ""})
    EXPECT_EQ(utc_timestamp(bad), std::nullopt) << bad;
}

}  // namespace

namespace {

// The deepest filters the parser accepts must still pass SQLite's own parser (its stack is
// fixed at 100 entries in Debian's 3.40) and expression-depth limit, with the heaviest
// comparisons at the bottom and the caller's dataset condition around them.
TEST_F(OptimadeSql, DeepestFiltersRunInSqlite) {
  const std::pair<const char*, const char*> levels[] = {
      {"NOT (nelements = 1 OR ", ")"},  {"(nelements = 1 AND NOT ", ")"},
      {"NOT (nelements = 1 AND ", ")"}, {"(NOT ", " OR nelements = 1)"},
      {"(nelements = 1 OR ", ")"},      {"(", " AND nelements = 1)"},
  };
  const char* leaves[] = {
      "_phasebook_property_ionic_conductivity HAS ONLY > 1",
      "elements:elements HAS ONLY \"Li\":\"Li\", STARTS \"O\":ENDS \"x\"",
      "_phasebook_reference_year > 3 AND id = \"7\" AND lattice_vectors IS KNOWN",
      "species_at_sites HAS ALL \"LaZr\", \"O\" AND elements:elements_ratios HAS ONLY "
      "\"Li\":>0.1, \"O\":<0.5",
  };
  for (const auto& [pre, post] : levels) {
    for (const char* leaf : leaves) {
      std::string filter = leaf, deepest;
      for (;;) {
        std::string deeper = pre + filter + post;
        try {
          parse_filter(deeper);
        } catch (const FilterError&) {
          break;
        }
        filter = std::move(deeper);
      }
      const SqlWhere w = to_sql(parse_filter(filter), EntryType::structures, {{"public"}});
      EXPECT_NO_THROW({
        auto st = db->connection().prepare(
            "SELECT count(*) FROM structure AS s WHERE "
            "s.dataset IN (?) AND " +
            w.sql);
        bind_params(st, w.params, bind_params(st, {std::string("public")}));
        st.step();
      }) << filter;
    }
  }
}

TEST_F(OptimadeSql, ParenthesesThatGroupNothingAreFree) {
  std::string parens;
  for (std::size_t i = 0; i + 1 < kMaxFilterDepth; ++i) parens += "(";
  parens += "NOT nelements = 2";
  for (std::size_t i = 0; i + 1 < kMaxFilterDepth; ++i) parens += ")";
  EXPECT_EQ(query(parens), expect_structures([](auto& s) { return s.elements.size() != 2; }));
}

}  // namespace
