// Latency of a fixed mix of 20 realistic searches on a database (make bench runs it on an
// AtomWork-scale `phasebook synth` database): each query runs `rounds` times after one warm-up;
// prints p50 and p99 per query and over the whole mix, in milliseconds. Every condition names
// values that occur in a synth database, so that no query is fast by matching nothing.
//   query_latency DB [rounds] [name-substring]   (the substring runs only the matching queries)
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "query/record_json.hpp"
#include "query/search.hpp"
#include "store/database.hpp"
#include "store/sqlite.hpp"

namespace {

using pb::query::PropertyCondition;
using pb::query::PropertyQuery;
using pb::query::Range;
using pb::query::StructureQuery;

struct Case {
  std::string name;
  std::function<std::int64_t()> run;  // returns the number of matches, to print
};

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  std::size_t i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

std::string first_text(pb::store::Database& db, const char* sql) {
  pb::store::Statement s(db.connection().handle(), sql);
  std::string out = s.step() ? s.column_text(0) : "";
  return out;
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc < 2) {
    std::fputs("usage: query_latency DB [rounds] [name-substring]\n", stderr);
    return 2;
  }
  int rounds = argc > 2 ? std::stoi(argv[2]) : 50;
  const std::string only = argc > 3 ? argv[3] : "";
  pb::store::Database db = pb::store::Database::open(argv[1], {.create = false});
  // The page cache of `phasebook serve`'s read connections (server/db_pool.cpp); PB_CACHE_MIB
  // sets another size (2 is SQLite's default).
  const char* cache = std::getenv("PB_CACHE_MIB");
  db.connection().exec("PRAGMA cache_size = -" +
                       std::to_string((cache ? std::stoi(cache) : 64) * 1024));
  // Ids that exist in this database: the biggest substance and its structure type.
  std::string big = first_text(db,
                               "SELECT substance_id FROM substance_member GROUP BY substance_id "
                               "ORDER BY count(*) DESC LIMIT 1");
  std::string type =
      first_text(db,
                 "SELECT structure_type FROM substance WHERE structure_type IS NOT NULL "
                 "ORDER BY id LIMIT 1");
  std::string some = first_text(db, "SELECT id FROM substance ORDER BY id LIMIT 1 OFFSET 1000");

  auto page = [](StructureQuery q) {
    q.paging.limit = 20;
    return q;
  };
  auto structures = [&db](StructureQuery q) {
    return [&db, q]() { return pb::query::search_structures(db, q).total; };
  };
  auto properties = [&db](PropertyQuery q) {
    q.paging.limit = 20;
    return [&db, q]() { return pb::query::search_properties(db, q).total; };
  };
  auto range = [](std::optional<double> lo, std::optional<double> hi) { return Range{lo, hi}; };

  std::vector<Case> cases;
  auto add = [&](std::string name, std::function<std::int64_t()> f) {
    cases.push_back({std::move(name), std::move(f)});
  };
  {
    StructureQuery q;
    q.elements_all = {"Li", "O"};
    add("elements has all Li,O", structures(page(q)));
    q.elements_all = {"Li", "Nb", "O"};
    add("elements has all Li,Nb,O", structures(page(q)));
  }
  {
    StructureQuery q;
    q.elements_only = {"Fe", "P"};
    add("elements only Fe,P", structures(page(q)));
  }
  {
    StructureQuery q;
    q.elements_any = {"S", "Se"};
    q.elements_none = {"O"};
    add("any S,Se and no O", structures(page(q)));
  }
  {
    StructureQuery q;
    q.formula = "LiNbO3";
    add("formula LiNbO3", structures(page(q)));
  }
  {
    StructureQuery q;
    q.formula_anonymous = "A2BC";
    add("anonymous A2BC", structures(page(q)));
  }
  {
    StructureQuery q;
    q.formula_contains = "SiO2";
    add("contains SiO2", structures(page(q)));
  }
  {
    StructureQuery q;
    q.nelements = range(3, 3);
    q.space_group_number = 225;
    add("3 elements in Fm-3m", structures(page(q)));
  }
  {
    StructureQuery q;
    q.crystal_system = "cubic";
    q.sort = {"volume", true};
    add("cubic by volume desc", structures(page(q)));
  }
  {
    StructureQuery q;
    q.pearson_symbol = "cF8";
    add("Pearson cF8", structures(page(q)));
  }
  {
    StructureQuery q;
    q.structure_type = type;
    add("structure type", structures(page(q)));
  }
  {
    StructureQuery q;
    q.a = range(5.0, 6.0);
    q.c = range(10.0, 14.0);
    add("a 5-6 and c 10-14 A", structures(page(q)));
  }
  {
    StructureQuery q;
    q.elements_all = {"Li"};
    q.property =
        PropertyCondition{"ionic_conductivity", range(1e-2, std::nullopt), range(290.0, 310.0)};
    add("Li, sigma > 1e-4 S/cm at 290-310 K", structures(page(q)));
  }
  {
    StructureQuery q;
    q.reference.year = range(2010, 2015);
    q.reference.journal = "Chem. Mater.";
    add("journal and years", structures(page(q)));
  }
  {
    StructureQuery q;
    q.reference.author = "Author1234";
    add("author", structures(page(q)));
  }
  {
    StructureQuery q;
    q.text = "LiNbO3";
    add("free text", structures(page(q)));
  }
  {
    StructureQuery q;
    q.substance_id = some;
    add("substance id", structures(page(q)));
  }
  {
    StructureQuery q;
    q.elements_all = {"O"};
    q.paging = {20, 5000};
    add("elements O, page at offset 5000", structures(q));
  }
  {
    PropertyQuery q;
    q.kind = "band_gap";
    q.value_si = range(1.0, 3.0);
    q.sort = {"value", false};
    add("band gap 1-3 eV sorted", properties(q));
  }
  add("substance page (show)", [&db, big]() {
    auto j = pb::query::substance_json(db, big);
    return static_cast<std::int64_t>(j ? (*j)["members"].size() : 0);
  });

  std::vector<double> all;
  fmt::print("{:<38} {:>9} {:>9} {:>9}\n", "query", "matches", "p50 ms", "p99 ms");
  for (const Case& c : cases) {
    if (!only.empty() && c.name.find(only) == std::string::npos) continue;
    std::int64_t matches = c.run();  // warm-up
    std::vector<double> ms;
    for (int i = 0; i < rounds; ++i) {
      auto t0 = std::chrono::steady_clock::now();
      c.run();
      ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    all.insert(all.end(), ms.begin(), ms.end());
    fmt::print("{:<38} {:>9} {:>9.2f} {:>9.2f}\n", c.name, matches, percentile(ms, 0.5),
               percentile(ms, 0.99));
  }
  fmt::print("{:<38} {:>9} {:>9.2f} {:>9.2f}\n", "all 20 queries", "", percentile(all, 0.5),
             percentile(all, 0.99));
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "query_latency: %s\n", e.what());
  return 1;
}
