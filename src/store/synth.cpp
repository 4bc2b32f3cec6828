#include "store/synth.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include "chem/element.hpp"
#include "crystal/structure.hpp"
#include "store/ingest_cif.hpp"
#include "store/property_kinds.hpp"
#include "store/sqlite_repositories.hpp"
#include "util/error.hpp"
#include "util/sha256.hpp"

namespace pb::store {

namespace {

// Elements that may replace each other: same group and block, stable (Z <= 83, not Tc, Pm).
std::map<int, std::vector<int>> substitutes() {
  std::map<int, std::vector<int>> out;
  auto elements = chem::elements();
  for (const auto& a : elements) {
    for (const auto& b : elements) {
      auto ok = [](const chem::Element& e) { return e.z <= 83 && e.z != 43 && e.z != 61; };
      if (a.z == b.z || !ok(a) || !ok(b) || a.block != b.block) continue;
      double ga = a.get(chem::ElementProperty::kGroup), gb = b.get(chem::ElementProperty::kGroup);
      if (std::isfinite(ga) && ga == gb) out[a.z].push_back(b.z);
    }
  }
  return out;
}

std::string symbol_of(int z) { return std::string(chem::find_element(z)->symbol); }

// The record's composition (element and occupancy per site).
chem::Composition composition_of(const StructureRecord& r) {
  chem::Composition c;
  for (const auto& site : r.sites) {
    for (const auto& sp : site.species) {
      // parse_type_symbol: isotopes such as "D" are not in the element table by symbol.
      chem::Species s = crystal::parse_type_symbol(sp.element);
      s.charge = 0, s.has_charge = false;
      c.add(s, chem::Amount(chem::Number::approximate(sp.occupancy)));
    }
  }
  return c;
}

}  // namespace

SynthReport synthesise(Database& db, const std::vector<std::filesystem::path>& files,
                       const SynthOptions& o) {
  SynthReport report;
  StructureIngestOptions prepare;
  std::vector<PreparedStructure> prototypes;
  for (const auto& f : files) {
    for (auto& p : prepare_file(f, prepare).structures) {
      if (p.record.space_group_number) prototypes.push_back(std::move(p));
    }
  }
  if (prototypes.empty()) throw InvalidArgument("no prototype structure could be read");
  report.prototypes = prototypes.size();
  auto subs = substitutes();
  std::mt19937_64 rng(o.seed);
  Repositories repos = make_repositories(db);
  std::size_t total = o.references + o.structures + o.properties + o.phase_diagrams;
  std::size_t done = 0;
  auto tick = [&] {
    ++done;
    if (o.progress && (done % 10000 == 0 || done == total)) o.progress(done, total);
  };
  // References first: structures, properties and diagrams cite them.
  std::vector<std::int64_t> reference_ids;
  static constexpr const char* kJournals[] = {"J. Solid State Chem.", "Inorg. Chem.",
                                              "Chem. Mater.",         "Acta Crystallogr. B",
                                              "J. Alloys Compd.",     "Solid State Ionics"};
  for (std::size_t start = 0; start < o.references; start += o.batch) {
    Transaction tx(db.connection());
    for (std::size_t i = start; i < std::min(o.references, start + o.batch); ++i) {
      ReferenceRecord r;
      r.authors = {"Author" + std::to_string(i % 5000) + ", A.",
                   "Coauthor" + std::to_string(i % 977) + ", B."};
      r.title = "Synthetic study " + std::to_string(i) + " of substituted prototypes";
      r.journal = kJournals[i % std::size(kJournals)];
      r.year = 1950 + static_cast<int>(i % 75);
      r.volume = std::to_string(1 + i % 300);
      r.pages = std::to_string(1 + i % 900);
      r.doi = "10.5555/pb-synth." + std::to_string(o.seed) + "." + std::to_string(i);
      r.kind = "article";
      r.source = "synth";
      InsertResult ins = repos.references->insert(r);
      reference_ids.push_back(ins.id);
      report.references += ins.inserted;
      tick();
    }
    tx.commit();
  }
  auto any_reference = [&]() -> std::optional<std::int64_t> {
    if (reference_ids.empty()) return std::nullopt;
    return reference_ids[rng() % reference_ids.size()];
  };
  // Structures: a prototype with each element replaced by a random substitute (an injective
  // map, so distinct elements stay distinct); symmetry fields carry over.
  std::vector<std::pair<std::string, std::string>> substances;  // (id, host formula)
  std::map<std::string, bool> seen_substance;
  for (std::size_t start = 0; start < o.structures; start += o.batch) {
    Transaction tx(db.connection());
    for (std::size_t i = start; i < std::min(o.structures, start + o.batch); ++i) {
      const PreparedStructure& proto = prototypes[i % prototypes.size()];
      StructureRecord r = proto.record;
      std::map<std::string, std::string> swap;
      std::vector<std::string> taken;
      for (const auto& e : r.elements) {
        int z = chem::find_element(e)->z;
        std::string to = e;
        auto it = subs.find(z);
        if (i >= prototypes.size() && it != subs.end() && !it->second.empty() && rng() % 2) {
          std::string pick = symbol_of(it->second[rng() % it->second.size()]);
          if (std::find(taken.begin(), taken.end(), pick) == taken.end() &&
              std::find(r.elements.begin(), r.elements.end(), pick) == r.elements.end()) {
            to = pick;
          }
        }
        taken.push_back(to);
        swap[e] = to;
      }
      for (auto& site : r.sites) {
        for (auto& sp : site.species) {
          // Species outside r.elements (an isotope "D" of element H) keep their symbol.
          if (auto it = swap.find(sp.element); it != swap.end()) sp.element = it->second;
        }
      }
      chem::Composition c = composition_of(r);
      r.elements.clear();
      for (const auto& [from, to] : swap) r.elements.push_back(to);
      std::sort(r.elements.begin(), r.elements.end());
      r.chemical_formula_reduced = c.formula_reduced_optimade();
      r.chemical_formula_descriptive = c.formula_plain();
      r.chemical_formula_published.clear();
      if (r.volume) r.density = c.molar_mass() / 6.02214076e23 / (*r.volume * 1e-24);
      r.source_file = "synth:" + proto.record.source_file;
      r.source_block = std::to_string(i);
      r.content_hash = sha256_hex("synth|" + std::to_string(o.seed) + "|" + std::to_string(i));
      r.reference_id = any_reference();
      substance::Identity id =
          substance::identify(c, r.space_group_number, r.pearson_symbol, prepare.identity);
      InsertResult ins = repos.structures->insert(r);
      report.structures += ins.inserted;
      if (!seen_substance[id.id]) {
        seen_substance[id.id] = true;
        SubstanceRecord s;
        s.id = id.id;
        s.host_formula = id.host.formula;
        s.space_group_number = r.space_group_number;
        s.pearson_symbol = r.pearson_symbol;
        s.wyckoff_sequence = r.wyckoff_sequence;
        s.structure_type = proto.description.structure_type;
        report.substances += repos.substances->insert(s).inserted;
        substances.emplace_back(id.id, id.host.formula);
      }
      MemberRecord m{id.id, EntityKind::kStructure, ins.id, id.rule, id.numbers_json};
      repos.substances->set_member(m);
      tick();
    }
    tx.commit();
  }
  // Properties of random substances, in each kind's canonical unit, at 4-1200 K.
  const auto& kinds = property_kinds();
  std::uniform_real_distribution<double> unit(0, 1);
  for (std::size_t start = 0; start < o.properties; start += o.batch) {
    Transaction tx(db.connection());
    for (std::size_t i = start; i < std::min(o.properties, start + o.batch); ++i) {
      if (substances.empty()) break;
      const auto& [sid, host] = substances[rng() % substances.size()];
      const PropertyKind& kind = kinds[i % kinds.size()];
      PropertyRecord p;
      p.kind = kind.name;
      p.substance_id = sid;
      p.formula = host;
      p.formula_reduced = host;
      p.value_si = std::pow(10.0, -6 + 8 * unit(rng));
      p.value_as_given = std::to_string(*p.value_si);
      p.temperature_K = std::round(4 + 1196 * unit(rng));
      p.reference_id = any_reference();
      p.source_file = "synth";
      p.source_row = static_cast<std::int64_t>(i);
      p.content_hash =
          sha256_hex("synth-property|" + std::to_string(o.seed) + "|" + std::to_string(i));
      InsertResult ins = repos.properties->insert(p);
      report.properties += ins.inserted;
      MemberRecord m{sid, EntityKind::kProperty, ins.id, "synthetic: generated for this substance",
                     "{}"};
      repos.substances->set_member(m);
      tick();
    }
    tx.commit();
  }
  // Binary phase diagrams between substance hosts' elements, each with two phases.
  for (std::size_t start = 0; start < o.phase_diagrams; start += o.batch) {
    Transaction tx(db.connection());
    for (std::size_t i = start; i < std::min(o.phase_diagrams, start + o.batch); ++i) {
      if (substances.empty()) break;
      const auto& a = substances[rng() % substances.size()];
      const auto& b = substances[rng() % substances.size()];
      PhaseDiagramRecord d;
      d.system = a.second + "-" + b.second;
      d.kind = "binary";
      d.title = "Synthetic " + d.system;
      d.axes_json = R"([{"name":"x","unit":"1"},{"name":"T","unit":"K"}])";
      d.temperature_min_K = 300;
      d.temperature_max_K = 300 + std::round(1500 * unit(rng));
      d.reference_id = any_reference();
      d.source_file = "synth";
      d.content_hash =
          sha256_hex("synth-diagram|" + std::to_string(o.seed) + "|" + std::to_string(i));
      d.phases = {{a.second, a.second, a.first}, {b.second, b.second, b.first}};
      d.boundaries = {{"liquidus", {{0, *d.temperature_max_K}, {0.5, 900}, {1, 1200}}}};
      report.phase_diagrams += repos.phase_diagrams->insert(d).inserted;
      tick();
    }
    tx.commit();
  }
  return report;
}

}  // namespace pb::store
