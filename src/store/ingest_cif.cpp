#include "store/ingest_cif.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "chem/formula.hpp"
#include "crystal/describe.hpp"
#include "crystal/structure_io.hpp"
#include "store/sqlite_repositories.hpp"
#include "store/structure_record.hpp"
#include "util/sha256.hpp"
#include "util/utf8.hpp"

namespace pb::store {

namespace {

using Parsed = PreparedStructure;

ReferenceRecord reference_of(const crystal::Citation& c) {
  ReferenceRecord r;
  r.authors = c.authors;
  r.title = c.title;
  r.journal = c.journal;
  if (c.year) r.year = c.year;
  r.volume = c.volume;
  r.issue = c.issue;
  r.pages = c.first_page + (c.last_page.empty() ? "" : "-" + c.last_page);
  r.doi = c.doi;
  r.kind = "article";
  return r;
}

Parsed build(const crystal::LoadedStructure& l, const std::string& file_hash,
             const StructureIngestOptions& o) {
  Parsed p;
  const crystal::Structure& s = l.structure;
  chem::Composition published;
  if (l.cif && !l.cif->formula_sum.empty()) {
    try {
      published = chem::parse_formula(l.cif->formula_sum).composition;
    } catch (const ParseError&) {  // kept as written; Z then counts the cell formula
    }
  }
  p.description = crystal::describe(s, o.symmetry, {}, published.empty() ? nullptr : &published);
  const crystal::Description& d = p.description;
  StructureRecord& r = p.record;
  std::string block = l.source.substr(
      l.source.find(' ') == std::string::npos ? l.source.size() : l.source.find(' ') + 1);
  r.source_block = block;
  r.content_hash = sha256_hex(file_hash + "\n" + block);
  const crystal::Lattice& lat = s.lattice;
  r.a = lat.a(), r.b = lat.b(), r.c = lat.c();
  r.alpha = lat.alpha(), r.beta = lat.beta(), r.gamma = lat.gamma();
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) r.vectors[i][j] = lat.vectors()[i][j];
  }
  for (const crystal::Site& site : s.sites) {
    SiteRecord sr;
    for (int k = 0; k < 3; ++k) sr.frac[k] = site.frac[k];
    for (const crystal::Occupant& oc : site.occupants) {
      SpeciesRecord sp;
      sp.element = oc.species.symbol();
      if (oc.species.has_charge) sp.oxidation = oc.species.charge;
      sp.occupancy = oc.occupancy.value();
      sp.label = oc.label;
      sr.species.push_back(std::move(sp));
    }
    r.sites.push_back(std::move(sr));
  }
  r.chemical_formula_reduced = d.formula_optimade;
  r.chemical_formula_anonymous = d.formula_anonymous;
  r.chemical_formula_descriptive = d.formula_cell;
  r.elements = d.elements;
  r.volume = d.volume;
  r.density = d.density;
  r.dataset = o.dataset;
  r.warnings = l.warnings;
  std::optional<int> sg;
  if (d.symmetry) {
    sg = d.symmetry->number;
    r.space_group_number = d.symmetry->number;
    r.hall_symbol = d.symmetry->hall;
    r.space_group_symbol = d.symmetry->international;
    r.pearson_symbol = d.symmetry->pearson;
    r.wyckoff_sequence = d.wyckoff_sequence;
    r.crystal_system = d.symmetry->crystal_system;
  }
  if (l.cif) {
    r.chemical_formula_published = l.cif->formula_sum;
    if (l.cif->conditions.temperature_K) r.temperature_K = l.cif->conditions.temperature_K->value;
    if (l.cif->conditions.pressure_kPa) r.pressure_kPa = l.cif->conditions.pressure_kPa->value;
    if (!l.cif->citation.empty()) p.reference = reference_of(l.cif->citation);
    if (!sg && l.cif->space_group_number > 0) sg = l.cif->space_group_number;  // spglib failed
  }
  p.identity =
      substance::identify(substance::site_host_composition(s), sg, r.pearson_symbol, o.identity);
  p.framework = substance::host_framework(s, p.identity.host);
  // Text from files that are not UTF-8 (Latin-1 author names) is stored as UTF-8.
  auto clean = [](std::string& t) { t = utf8::from_latin1_fallback(t); };
  clean(r.source_block);
  clean(r.chemical_formula_published);
  for (auto& w : r.warnings) clean(w);
  for (auto& site : r.sites) {
    for (auto& sp : site.species) clean(sp.label);
  }
  if (p.reference) {
    for (auto& a : p.reference->authors) clean(a);
    clean(p.reference->title);
    clean(p.reference->journal);
    clean(p.reference->volume);
    clean(p.reference->issue);
    clean(p.reference->pages);
    clean(p.reference->doi);
  }
  return p;
}

// Which substance a structure joins. Its identity key names it; an editor's merge of that
// substance is followed as it stands; otherwise, among the substances that share the key
// (framework variants and split-offs), the structure joins the first whose framework matches
// its own, and when none does it founds a framework variant. A substance's framework is that
// of its first structure, cached for the batch (variants founded in it are rows by then).
class SubstanceChooser {
 public:
  SubstanceChooser(Repositories& repos, const substance::IdentityOptions& o)
      : repos_(repos), options_(o) {}

  struct Choice {
    std::string id;
    std::string rule;     ///< appended to the identity rule
    std::string numbers;  ///< JSON object of the framework comparison ("" when none)
  };

  Choice choose(const PreparedStructure& p) {
    const substance::Identity& ident = p.identity;
    Choice c;
    if (auto to = repos_.substances->resolve(ident.id); to && *to != ident.id) {
      c.id = *to;
      c.rule = "; " + ident.id + " was merged into " + *to;
      return c;
    }
    SubstanceRecord key;
    key.host_formula = ident.host.formula;
    key.space_group_number = ident.space_group;
    key.pearson_symbol = ident.pearson;
    std::vector<std::string> candidates = repos_.substances->with_identity(key);
    auto own = std::find(candidates.begin(), candidates.end(), ident.id);
    if (own != candidates.end()) std::rotate(candidates.begin(), own, own + 1);
    if (candidates.empty()) {
      c.id = ident.id;
      return c;
    }
    std::string differs;
    for (const std::string& id : candidates) {
      const substance::Framework* theirs = framework_of(id);
      if (theirs == nullptr) {
        c.id = id;
        c.rule = "; framework not compared: " + id + " has no structure";
        return c;
      }
      substance::FrameworkVerdict v = substance::compare_frameworks(p.framework, *theirs, options_);
      if (!v.compared || v.match) {
        c.id = id;
        c.numbers = numbers(v, id);
        if (!v.compared) {
          c.rule = "; framework not compared: " + v.reason;
        } else {
          std::string left_out;
          for (const std::string& e : v.ignored) left_out += (left_out.empty() ? "" : ", ") + e;
          char buf[320];
          std::snprintf(buf, sizeof buf,
                        "; framework matches that of %s%s (largest site displacement %.3f, "
                        "tolerance %.2f, in units of (V/n)^(1/3)%s%s)",
                        id.c_str(), v.inverted ? " inverted through the origin" : "",
                        v.max_distance, options_.framework.stol,
                        left_out.empty() ? "" : "; partly occupied left out: ", left_out.c_str());
          c.rule = buf;
        }
        return c;
      }
      differs += (differs.empty() ? "" : "; ") + id + ": " + v.reason;
    }
    c.id = substance::framework_variant_id(ident.key, p.record.content_hash);
    c.rule = "; framework differs from every substance of " + ident.key + " (" + differs +
             "), so it founds a framework variant";
    c.numbers = nlohmann::json{{"founded", true},
                               {"differs_from", candidates},
                               {"site_tolerance", options_.framework.stol}}
                    .dump();
    return c;
  }

 private:
  std::string numbers(const substance::FrameworkVerdict& v, const std::string& id) {
    if (!v.compared) return nlohmann::json{{"compared", false}, {"reason", v.reason}}.dump();
    return nlohmann::json{{"compared_with", id},
                          {"structure", founders_[id]},
                          {"max_distance", v.max_distance},
                          {"rms", v.rms},
                          {"ignored_partly_occupied", v.ignored},
                          {"inverted", v.inverted},
                          {"site_tolerance", options_.framework.stol},
                          {"length_tolerance", options_.framework.ltol},
                          {"angle_tolerance", options_.framework.angle_tol}}
        .dump();
  }

  // The framework of a substance (that of its first structure), or null when it has none.
  const substance::Framework* framework_of(const std::string& id) {
    auto [it, fresh] = cache_.try_emplace(id);
    if (fresh) {
      if (auto first = repos_.substances->first_structure(id)) {
        if (auto rec = repos_.structures->get(*first)) {
          crystal::Structure s = to_structure(*rec);
          substance::Host host = substance::host_of(substance::site_host_composition(s), options_);
          it->second = substance::host_framework(s, host);
          founders_[id] = *first;
        }
      }
    }
    if (it->second) return &*it->second;
    cache_.erase(it);  // looked up again once a structure has joined
    return nullptr;
  }

  Repositories& repos_;
  const substance::IdentityOptions& options_;
  std::map<std::string, std::optional<substance::Framework>> cache_;
  std::map<std::string, std::int64_t> founders_;
};

}  // namespace

PreparedFile prepare_text(const StructureText& file, const StructureIngestOptions& o) {
  PreparedFile out;
  try {
    std::string file_hash = sha256_hex(file.text);
    auto format = crystal::guess_format(file.name);
    crystal::LoadResult r =
        crystal::read_structures_text(file.text, file.name, format ? *format : "cif");
    out.errors = r.errors;
    for (const auto& l : r.structures) {
      try {
        Parsed p = build(l, file_hash, o);
        p.record.source_file = utf8::from_latin1_fallback(file.name);
        out.structures.push_back(std::move(p));
      } catch (const std::exception& e) {
        out.errors.push_back(utf8::from_latin1_fallback(l.source + ": error: " + e.what()));
      }
    }
  } catch (const std::exception& e) {
    out.errors.push_back(utf8::from_latin1_fallback(file.name + ": error: " + e.what()));
  }
  return out;
}

PreparedFile prepare_file(const std::filesystem::path& path, const StructureIngestOptions& o) {
  StructureText file{path.string(), {}};
  try {
    file.text = read_file_text(path);
  } catch (const std::exception& e) {
    PreparedFile out;
    out.errors.push_back(path.string() + ": error: " + e.what());
    return out;
  }
  return prepare_text(file, o);
}

std::vector<std::filesystem::path> structure_files(
    const std::vector<std::filesystem::path>& paths) {
  std::vector<std::filesystem::path> out;
  for (const auto& p : paths) {
    if (std::filesystem::is_directory(p)) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(p)) {
        if (e.is_regular_file() && crystal::guess_format(e.path().string())) {
          out.push_back(e.path());
        }
      }
    } else {
      if (!std::filesystem::exists(p)) throw NotFound("no such file: " + p.string());
      out.push_back(p);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

IngestReport store_prepared(Database& db, std::vector<PreparedFile>& parsed,
                            const StructureIngestOptions& o) {
  IngestReport report;
  Repositories repos = make_repositories(db);
  SubstanceChooser chooser(repos, o.identity);
  Transaction tx(db.connection());
  for (PreparedFile& f : parsed) {
    report.rows += 1;
    for (const std::string& e : f.errors) {
      RowError err;
      err.message = e;
      report.errors.push_back(std::move(err));
    }
    for (Parsed& p : f.structures) {
      ++report.records;
      if (repos.structures->find_by_hash(p.record.content_hash)) {
        ++report.existing;
        continue;
      }
      if (p.reference) {
        InsertResult ref = repos.references->insert(*p.reference);
        p.record.reference_id = ref.id;
        report.references_added += ref.inserted;
      }
      InsertResult ins = repos.structures->insert(p.record);
      report.inserted += ins.inserted;
      report.existing += !ins.inserted;
      SubstanceChooser::Choice choice = chooser.choose(p);
      SubstanceRecord sub;
      sub.id = choice.id;
      sub.host_formula = p.identity.host.formula;
      sub.space_group_number = p.identity.space_group;
      sub.pearson_symbol = p.identity.pearson;
      sub.wyckoff_sequence = p.description.wyckoff_sequence;
      sub.structure_type = p.description.structure_type;
      sub.dataset = o.dataset;
      repos.substances->insert(sub);
      MemberRecord m;
      m.substance_id = sub.id;
      m.entity_kind = EntityKind::kStructure;
      m.entity_id = ins.id;
      m.rule = p.identity.rule + choice.rule;
      m.numbers_json = p.identity.numbers_json;
      if (!choice.numbers.empty()) {
        m.numbers_json.pop_back();  // the closing brace of the identity's object
        m.numbers_json += ",\"framework\":" + choice.numbers + "}";
      }
      repos.substances->set_member(m);
    }
  }
  tx.commit();
  report.written = true;
  return report;
}

IngestReport ingest_structures(Database& db, const std::vector<std::filesystem::path>& files,
                               const StructureIngestOptions& o) {
  IngestReport report;
  unsigned threads = o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  std::size_t batch = std::max<std::size_t>(1, o.batch_files);
  for (std::size_t start = 0; start < files.size(); start += batch) {
    std::size_t end = std::min(files.size(), start + batch);
    // Parse the batch on every core; files are claimed one at a time.
    std::vector<PreparedFile> parsed(end - start);
    std::atomic<std::size_t> next{start};
    auto work = [&] {
      for (std::size_t i; (i = next.fetch_add(1)) < end;)
        parsed[i - start] = prepare_file(files[i], o);
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    // Written in one transaction: a kill leaves whole batches only.
    IngestReport part = store_prepared(db, parsed, o);
    report.rows += part.rows;
    report.records += part.records;
    report.inserted += part.inserted;
    report.existing += part.existing;
    report.references_added += part.references_added;
    for (RowError& e : part.errors) report.errors.push_back(std::move(e));
    if (o.progress) o.progress(end, files.size());
  }
  report.written = true;
  return report;
}

}  // namespace pb::store

namespace pb::store {

LinkReport link_properties(Database& db, const substance::IdentityOptions& options) {
  LinkReport report;
  Repositories repos = make_repositories(db);
  Connection& c = db.connection();
  struct Candidate {
    std::int64_t id;
    std::string formula;
    std::optional<int> space_group;
  };
  std::vector<Candidate> todo;
  {
    Statement q = c.prepare(
        "SELECT id, formula, json_extract(conditions, '$.space_group') FROM property "
        "WHERE substance_id IS NULL AND formula <> ''");
    while (q.step()) {
      Candidate cand{q.column_int64(0), q.column_text(1), std::nullopt};
      if (auto sg = q.column_optional_text(2)) {
        try {
          cand.space_group = std::stoi(*sg);
        } catch (const std::exception&) {  // "P -1" and the like: the host alone decides
        }
      }
      todo.push_back(std::move(cand));
    }
  }
  Transaction tx(c);
  Statement by_host =
      c.prepare("SELECT id, space_group_number FROM substance WHERE host_formula = ?");
  // Second rule: the formula is the reduced formula of stored structures of one substance
  // (dopants written out in both), in the stated space group.
  Statement by_structure = c.prepare(
      "SELECT DISTINCT substance_id FROM structure WHERE chemical_formula_reduced = ?1 "
      "AND substance_id IS NOT NULL AND (?2 IS NULL OR space_group_number = ?2)");
  for (const Candidate& p : todo) {
    substance::Host host;
    chem::Composition composition;
    try {
      composition = chem::parse_formula(p.formula).composition;
      host = substance::host_of(composition, options);
    } catch (const std::exception&) {
      ++report.unmatched;
      continue;
    }
    by_host.reset();
    by_host.bind(1, host.formula);
    std::vector<std::string> fits;
    while (by_host.step()) {
      std::optional<std::int64_t> sg = by_host.column_optional_int64(1);
      if (!p.space_group || (sg && *sg == *p.space_group)) fits.push_back(by_host.column_text(0));
    }
    std::string rule = "host";
    if (fits.size() != 1) {
      by_structure.reset();
      by_structure.bind(1, composition.formula_reduced_optimade());
      by_structure.bind(2, p.space_group ? std::optional<std::int64_t>(*p.space_group)
                                         : std::optional<std::int64_t>());
      std::vector<std::string> same;
      while (by_structure.step()) same.push_back(by_structure.column_text(0));
      if (same.size() == 1) {
        fits = same;
        rule = "structure formula";
      }
    }
    if (fits.empty()) {
      ++report.unmatched;
      continue;
    }
    if (fits.size() > 1) {
      ++report.ambiguous;
      continue;
    }
    MemberRecord m;
    m.substance_id = fits[0];
    m.entity_kind = EntityKind::kProperty;
    m.entity_id = p.id;
    std::string in_group = p.space_group ? " in space group " + std::to_string(*p.space_group) : "";
    m.rule = rule == "host" ? "formula " + p.formula + " has host " + host.formula + in_group +
                                  ", which names exactly one substance"
                            : "formula " + p.formula + " is the reduced formula of structures" +
                                  in_group + " of exactly one substance";
    m.numbers_json =
        "{\"host_formula\":\"" + host.formula +
        "\",\"max_deviation\":" + std::to_string(host.max_deviation) +
        ",\"space_group\":" + (p.space_group ? std::to_string(*p.space_group) : "null") + "}";
    repos.substances->set_member(m);
    ++report.linked;
  }
  tx.commit();
  return report;
}

}  // namespace pb::store
