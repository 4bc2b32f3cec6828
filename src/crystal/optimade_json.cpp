#include "crystal/optimade_json.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

#include "chem/element.hpp"
#include "util/error.hpp"

namespace pb::crystal {

using nlohmann::json;

json optimade_attributes(const Structure& s) {
  json a;
  json vectors = json::array();
  for (const Vec3& v : s.lattice.vectors()) vectors.push_back({v[0], v[1], v[2]});
  a["lattice_vectors"] = vectors;
  a["dimension_types"] = {1, 1, 1};
  a["nperiodic_dimensions"] = 3;
  // One species per distinct occupant set, named after its element(s); charges are folded.
  std::map<std::vector<std::pair<int, double>>, std::string> name_of;
  std::map<std::string, int> name_uses;
  json species = json::array();
  json at_sites = json::array();
  json positions = json::array();
  bool disorder = false;
  for (const Site& site : s.sites) {
    std::map<int, double> by_element;
    for (const Occupant& o : site.occupants) by_element[o.species.z] += o.occupancy.value();
    std::vector<std::pair<int, double>> key(by_element.begin(), by_element.end());
    auto it = name_of.find(key);
    if (it == name_of.end()) {
      std::string base;
      json symbols = json::array();
      json concentration = json::array();
      json mass = json::array();
      double total = 0;
      for (auto [z, occupancy] : key) {
        std::string symbol(chem::find_element(z)->symbol);
        base += symbol;
        symbols.push_back(symbol);
        concentration.push_back(occupancy);
        mass.push_back(chem::find_element(z)->atomic_mass());
        total += occupancy;
      }
      if (total < 1 - 1e-6) {
        symbols.push_back("vacancy");
        concentration.push_back(1 - total);
        mass.push_back(0.0);
      }
      if (key.size() > 1 || total < 1 - 1e-6) disorder = true;
      int uses = ++name_uses[base];
      std::string name = uses == 1 ? base : base + std::to_string(uses);
      species.push_back({{"name", name},
                         {"chemical_symbols", symbols},
                         {"concentration", concentration},
                         {"mass", mass}});
      it = name_of.emplace(key, name).first;
    }
    at_sites.push_back(it->second);
    Vec3 c = s.lattice.to_cartesian(site.frac);
    positions.push_back({c[0], c[1], c[2]});
  }
  a["cartesian_site_positions"] = positions;
  a["species_at_sites"] = at_sites;
  a["species"] = species;
  a["nsites"] = s.sites.size();
  a["structure_features"] = disorder ? json::array({"disorder"}) : json::array();
  chem::Composition cell = s.cell_composition();
  if (!cell.empty()) {
    std::vector<std::pair<std::string, double>> fractions;
    for (auto [z, f] : cell.atomic_fractions()) {
      fractions.emplace_back(chem::find_element(z)->symbol, f);
    }
    std::sort(fractions.begin(), fractions.end());
    json elements = json::array();
    json ratios = json::array();
    for (const auto& [symbol, f] : fractions) {
      elements.push_back(symbol);
      ratios.push_back(f);
    }
    a["elements"] = elements;
    a["nelements"] = elements.size();
    a["elements_ratios"] = ratios;
    a["chemical_formula_reduced"] = cell.formula_reduced_optimade();
    a["chemical_formula_anonymous"] = cell.formula_anonymous();
    a["chemical_formula_descriptive"] = cell.formula_plain();
  }
  return a;
}

namespace {

[[noreturn]] void fail(const std::string& where, const std::string& message) {
  throw ParseError({where, 0, 0}, message);
}

Vec3 vec3(const json& v, const std::string& where, const std::string& field) {
  if (!v.is_array() || v.size() != 3) fail(where, field + ": expected 3 numbers");
  Vec3 out;
  for (int k = 0; k < 3; ++k) {
    if (!v[k].is_number()) fail(where, field + ": expected 3 numbers (null is not a position)");
    out[k] = v[k].get<double>();
    if (!std::isfinite(out[k])) fail(where, field + ": not a finite number");
  }
  return out;
}

}  // namespace

Structure structure_from_optimade(const json& a, const std::string& where) {
  if (!a.is_object()) fail(where, "attributes: expected an object");
  for (const char* field : {"lattice_vectors", "cartesian_site_positions", "species_at_sites"}) {
    if (!a.contains(field) || a[field].is_null()) fail(where, std::string("no ") + field);
  }
  const json& lv = a["lattice_vectors"];
  if (!lv.is_array() || lv.size() != 3) fail(where, "lattice_vectors: expected 3 vectors");
  std::array<Vec3, 3> vectors{};
  for (int i = 0; i < 3; ++i) {
    vectors[i] = vec3(lv[i], where, "lattice_vectors[" + std::to_string(i) + "]");
  }
  Structure s;
  s.lattice = Lattice::from_vectors(vectors);
  if (!(s.lattice.volume() > 1e-6)) fail(where, "lattice_vectors span no volume");
  // species by name: element symbols and concentrations ("vacancy" leaves occupancy below 1).
  std::map<std::string, std::vector<Occupant>> by_name;
  if (a.contains("species") && a["species"].is_array()) {
    for (const json& sp : a["species"]) {
      if (!sp.is_object() || !sp.contains("name") || !sp["name"].is_string() ||
          !sp.contains("chemical_symbols") || !sp["chemical_symbols"].is_array()) {
        fail(where, "species: each needs a name and chemical_symbols");
      }
      const json& symbols = sp["chemical_symbols"];
      const json* conc = sp.contains("concentration") ? &sp["concentration"] : nullptr;
      if (conc && (!conc->is_array() || conc->size() != symbols.size())) {
        fail(where, "species " + sp["name"].get<std::string>() +
                        ": concentration must match chemical_symbols");
      }
      std::vector<Occupant> occupants;
      for (std::size_t k = 0; k < symbols.size(); ++k) {
        if (!symbols[k].is_string()) fail(where, "chemical_symbols: expected strings");
        std::string symbol = symbols[k].get<std::string>();
        if (symbol == "vacancy") continue;
        const chem::Element* e = chem::find_element(symbol);
        if (e == nullptr) fail(where, "species: unknown chemical symbol '" + symbol + "'");
        double c = 1;
        if (conc) {
          if (!(*conc)[k].is_number()) fail(where, "concentration: expected numbers");
          c = (*conc)[k].get<double>();
          if (!(c > 0 && c <= 1 + 1e-6)) fail(where, "concentration out of (0, 1]");
        }
        chem::Species species;
        species.z = static_cast<std::uint8_t>(e->z);
        occupants.push_back({species, chem::Number::approximate(c), {}});
      }
      by_name[sp["name"].get<std::string>()] = std::move(occupants);
    }
  }
  const json& pos = a["cartesian_site_positions"];
  const json& names = a["species_at_sites"];
  if (!pos.is_array() || !names.is_array() || pos.size() != names.size()) {
    fail(where, "cartesian_site_positions and species_at_sites differ in length");
  }
  for (std::size_t i = 0; i < pos.size(); ++i) {
    if (!names[i].is_string()) fail(where, "species_at_sites: expected strings");
    std::string name = names[i].get<std::string>();
    Site site;
    Vec3 cart = vec3(pos[i], where, "cartesian_site_positions[" + std::to_string(i) + "]");
    site.frac = s.lattice.to_fractional(cart);
    for (double& x : site.frac) x -= std::floor(x);
    if (auto it = by_name.find(name); it != by_name.end()) {
      site.occupants = it->second;
    } else if (const chem::Element* e = chem::find_element(name)) {  // no species list
      chem::Species species;
      species.z = static_cast<std::uint8_t>(e->z);
      site.occupants.push_back({species, chem::Number(1), {}});
    } else {
      fail(where, "species_at_sites[" + std::to_string(i) + "]: no species named '" + name + "'");
    }
    s.sites.push_back(std::move(site));
  }
  return s;
}

std::vector<Structure> read_optimade_json(const std::string& text, const std::string& source) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    // Byte offset -> line and column.
    std::size_t line = 1, col = 1;
    for (std::size_t i = 0; i + 1 < e.byte && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    std::string what = e.what();
    throw ParseError({source, line, col}, "invalid JSON: " + what.substr(what.find("parse error")));
  } catch (const json::exception& e) {
    // A number beyond double range ("1e999") is out_of_range, not parse_error (fuzzing).
    throw ParseError({source, 0, 0}, std::string("invalid JSON: ") + e.what());
  }
  std::vector<Structure> out;
  auto one = [&](const json& entry) {
    const json& attributes = entry.contains("attributes") ? entry["attributes"] : entry;
    Structure s = structure_from_optimade(attributes, source);
    if (entry.contains("id")) {
      s.name = entry["id"].is_string() ? entry["id"].get<std::string>() : entry["id"].dump();
    }
    out.push_back(std::move(s));
  };
  if (!doc.is_object()) fail(source, "expected a JSON object");
  if (doc.contains("data")) {
    const json& data = doc["data"];
    if (data.is_array()) {
      for (const json& entry : data) one(entry);
    } else {
      one(data);
    }
  } else {
    one(doc);
  }
  return out;
}

std::string write_optimade_json(const Structure& s, const std::string& id) {
  json entry = {{"id", id.empty() ? (s.name.empty() ? "structure" : s.name) : id},
                {"type", "structures"},
                {"attributes", optimade_attributes(s)}};
  return entry.dump(2) + "\n";
}

}  // namespace pb::crystal
