// Lists that structures responses derive from the stored sites (species_at_sites,
// elements_ratios), offered to SQL so that filters compare exactly the values a response shows:
// both come from crystal::optimade_attributes over the same sites.
#include <sqlite3.h>

#include <nlohmann/json.hpp>
#include <string>

#include "crystal/optimade_json.hpp"
#include "optimade/filter.hpp"
#include "store/sqlite.hpp"

namespace pb::optimade {

namespace {

using nlohmann::json;

// The derived lists of one sites text, as JSON text.
struct Lists {
  std::string species_at_sites;
  std::string elements_ratios;
  std::string element_ratio_pairs;  // [[element, ratio], ...], for elements:elements_ratios
};

// The stored sites ([{frac, species: [{element, occupancy, ...}]}], store::sites_json) as a
// structure, the way store::to_structure builds it; only the occupants matter here.
crystal::Structure structure_of(const std::string& sites_text) {
  crystal::Structure s;
  s.lattice = crystal::Lattice::from_vectors({{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}});
  for (const json& site : json::parse(sites_text)) {
    crystal::Site out;
    for (const json& sp : site.at("species")) {
      crystal::Occupant o;
      o.species = crystal::parse_type_symbol(sp.at("element").get<std::string>());
      o.occupancy = chem::Number::approximate(sp.at("occupancy").get<double>());
      out.occupants.push_back(std::move(o));
    }
    s.sites.push_back(std::move(out));
  }
  return s;
}

Lists derive(const std::string& sites_text) {
  const json a = crystal::optimade_attributes(structure_of(sites_text));
  Lists out;
  out.species_at_sites = a.at("species_at_sites").dump();
  const json elements = a.value("elements", json::array());
  const json ratios = a.value("elements_ratios", json::array());
  out.elements_ratios = ratios.dump();
  json pairs = json::array();
  for (std::size_t i = 0; i < elements.size() && i < ratios.size(); ++i)
    pairs.push_back({elements[i], ratios[i]});
  out.element_ratio_pairs = pairs.dump();
  return out;
}

// A filter such as `species_at_sites HAS ALL "Li","O"` calls the function once per value for
// the same row: the last row's lists are kept per thread (SQLite runs a statement on the
// thread that steps it).
const Lists& derive_cached(const char* text, int size) {
  thread_local std::string last_text;
  thread_local Lists last;
  thread_local bool valid = false;
  if (!valid || last_text.size() != static_cast<std::size_t>(size) ||
      last_text.compare(0, last_text.size(), text, static_cast<std::size_t>(size)) != 0) {
    valid = false;
    last_text.assign(text, static_cast<std::size_t>(size));
    last = derive(last_text);
    valid = true;
  }
  return last;
}

// pb_optimade_list(name, sites): NULL for NULL sites or sites that cannot be read (the list is
// then unknown), an error for an unknown name (a bug in fields.cpp, not in a filter).
void list_function(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[1]) == SQLITE_NULL) {
    sqlite3_result_null(ctx);
    return;
  }
  const auto* name = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
  const int size = sqlite3_value_bytes(argv[1]);
  const std::string_view which = name == nullptr ? "" : name;
  try {
    const Lists& lists = derive_cached(text == nullptr ? "" : text, size);
    const std::string* value = nullptr;
    if (which == "species_at_sites") {
      value = &lists.species_at_sites;
    } else if (which == "elements_ratios") {
      value = &lists.elements_ratios;
    } else if (which == "elements:elements_ratios") {
      value = &lists.element_ratio_pairs;
    } else {
      sqlite3_result_error(ctx, "pb_optimade_list: unknown list name", -1);
      return;
    }
    sqlite3_result_text(ctx, value->data(), static_cast<int>(value->size()), SQLITE_TRANSIENT);
  } catch (const std::exception&) {
    sqlite3_result_null(ctx);
  }
}

}  // namespace

void register_sql_functions(store::Connection& connection) {
  const int rc = sqlite3_create_function_v2(connection.handle(), "pb_optimade_list", 2,
                                            SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                            nullptr, list_function, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK)
    throw store::SqliteError(
        rc, std::string("registering pb_optimade_list: ") + sqlite3_errmsg(connection.handle()));
}

}  // namespace pb::optimade
