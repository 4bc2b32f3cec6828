#include "ml/featurizer.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>

#include "chem/descriptors.hpp"
#include "chem/formula.hpp"
#include "crystal/structure_io.hpp"
#include "ml/miedema.hpp"
#include "ml/physics.hpp"
#include "util/error.hpp"

namespace pb::ml {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const std::vector<DescriptorGroupInfo> kGroups = {
    {"composition",
     "statistics of element properties: a.<stat>_<property> (side A or the material), b.* and "
     "diff.* (A minus B) for interfaces"},
    {"structure", "from the side-A structure file: density, volume per atom, sites in the cell"},
    {"acoustic",
     "mean atomic mass, density, number density, melting point, Debye temperature and sound "
     "velocity of each side (given columns, else estimated)"},
    {"pair", "interface pairs: ratios and mismatches of A and B, Miedema enthalpy"},
    {"baseline", "interface pairs: acoustic and diffuse mismatch transmission and conductance"},
    {"conditions", "condition columns as given (cond.<column>, cond.<column>=<level>)"},
};

// Acoustic keys in feature order, with the units that end the feature names.
const char* const kAcousticKeys[] = {"mass", "density", "melting", "debye", "velocity"};
const char* const kAcousticNames[] = {"mean_atomic_mass_u",  "density_g_cm3",
                                      "number_density_nm3",  "melting_point_K",
                                      "debye_temperature_K", "sound_velocity_m_s"};
const char* const kPairNames[] = {
    "pair.mass_ratio",       "pair.mass_mismatch",       "pair.density_ratio",
    "pair.density_mismatch", "pair.melting_point_ratio", "pair.debye_ratio",
    "pair.velocity_ratio",   "pair.impedance_ratio",     "pair.miedema_enthalpy_kj_mol",
    "pair.miedema_coverage"};
const char* const kBaselineNames[] = {"baseline.amm_transmission", "baseline.dmm_transmission",
                                      "baseline.log10_amm_h", "baseline.log10_dmm_h"};
const char* const kStructureNames[] = {"a.structure_density_g_cm3", "a.volume_per_atom_A3",
                                       "a.sites_in_cell"};

chem::CompositionDescriptors make_descriptors(const DescriptorConfig& c) {
  return c.properties.empty() ? chem::CompositionDescriptors::preset(c.preset)
                              : chem::CompositionDescriptors(c.properties);
}

bool matches(const std::string& name, const std::string& pattern) {
  if (!pattern.empty() && pattern.back() == '*') {
    return name.starts_with(std::string_view(pattern).substr(0, pattern.size() - 1));
  }
  return name == pattern;
}

int column_of(const std::vector<std::string>& header, const std::string& name, bool required) {
  auto it = std::find(header.begin(), header.end(), name);
  if (it != header.end()) return static_cast<int>(it - header.begin());
  if (!required) return -1;
  std::string known;
  for (const auto& h : header) known += (known.empty() ? "" : ", ") + h;
  throw InvalidArgument("no column '" + name + "' in the CSV header (columns: " + known + ")");
}

bool is_number(const std::string& s) {
  double v;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size();
}

double ratio(double a, double b) { return b != 0 ? a / b : kNaN; }
double mismatch_of(double a, double b) { return a + b != 0 ? (a - b) / (a + b) : kNaN; }

}  // namespace

/// What one material contributes, before per-row acoustic overrides.
struct MaterialCache::Entry {
  std::vector<double> composition;
  std::vector<std::pair<int, double>> fractions;
  double structure_density = kNaN, volume_per_atom = kNaN, sites = kNaN;
  std::string reduced;  // reduced formula: the default grouped-CV key
};

MaterialCache::MaterialCache() = default;
MaterialCache::~MaterialCache() = default;

double parse_number(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  if (text.empty() || text == "NA" || text == "?" || text == "-" || text == "." || text == "nan" ||
      text == "NaN") {
    return kNaN;
  }
  if (text.front() == '+') text.remove_prefix(1);
  double v = kNaN;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size()) return kNaN;
  return v;
}

const std::vector<DescriptorGroupInfo>& descriptor_groups() { return kGroups; }

Featurizer::Featurizer(ColumnSpec columns, DescriptorConfig config)
    : columns_(std::move(columns)), config_(std::move(config)) {
  if (columns_.formula.empty() && columns_.structure.empty()) {
    throw InvalidArgument("give a formula column (--formula) or a structure file (--structure)");
  }
  for (const auto& g : config_.groups) {
    if (std::none_of(kGroups.begin(), kGroups.end(), [&](auto& i) { return i.name == g; })) {
      throw InvalidArgument("unknown descriptor group '" + g +
                            "' (known: composition, structure, acoustic, pair, baseline, "
                            "conditions)");
    }
  }
  for (const auto* side : {&columns_.side_a, &columns_.side_b}) {
    for (const auto& [key, value] : *side) {
      if (std::find_if(std::begin(kAcousticKeys), std::end(kAcousticKeys),
                       [&](const char* k) { return key == k; }) == std::end(kAcousticKeys)) {
        throw InvalidArgument("unknown acoustic input '" + key +
                              "' (known: mass, density, melting, debye, velocity)");
      }
    }
  }
  descriptors_ = std::make_shared<const chem::CompositionDescriptors>(make_descriptors(config_));
  composition_names_ = descriptors_->names();
  build_names();
}

void Featurizer::prepare(const std::vector<std::string>& header,
                         const std::vector<std::vector<std::string>>& rows) {
  levels_.clear();
  for (const auto& c : columns_.categorical) {
    int i = column_of(header, c, true);
    std::set<std::string> seen;
    for (const auto& r : rows) {
      if (static_cast<std::size_t>(i) < r.size() && !r[i].empty()) seen.insert(r[i]);
    }
    levels_[c] = {seen.begin(), seen.end()};
  }
  build_names();
}

void Featurizer::build_names() {
  all_names_.clear();
  all_groups_.clear();
  auto add = [&](std::string name, const char* group) {
    all_names_.push_back(std::move(name));
    all_groups_.push_back(group);
  };
  bool pair = columns_.pair();
  for (const auto& n : composition_names_) add("a." + n, "composition");
  if (pair) {
    for (const auto& n : composition_names_) add("b." + n, "composition");
    for (const auto& n : composition_names_) add("diff." + n, "composition");
  }
  if (!columns_.structure.empty()) {
    for (const char* n : kStructureNames) add(n, "structure");
  }
  for (const char* n : kAcousticNames) add(std::string("a.") + n, "acoustic");
  if (pair) {
    for (const char* n : kAcousticNames) add(std::string("b.") + n, "acoustic");
    for (const char* n : kPairNames) add(n, "pair");
    for (const char* n : kBaselineNames) add(n, "baseline");
  }
  for (const auto& c : columns_.numeric) add("cond." + c, "conditions");
  for (const auto& c : columns_.categorical) {
    auto it = levels_.find(c);
    if (it == levels_.end()) continue;
    for (const auto& level : it->second) add("cond." + c + "=" + level, "conditions");
  }
  selected_.clear();
  names_.clear();
  groups_.clear();
  for (std::size_t i = 0; i < all_names_.size(); ++i) {
    const auto& g = config_.groups;
    if (!g.empty() && std::find(g.begin(), g.end(), all_groups_[i]) == g.end()) continue;
    const auto& s = config_.select;
    if (!s.empty() &&
        std::none_of(s.begin(), s.end(), [&](auto& p) { return matches(all_names_[i], p); })) {
      continue;
    }
    selected_.push_back(i);
    names_.push_back(all_names_[i]);
    groups_.push_back(all_groups_[i]);
  }
}

Featurizer::Layout Featurizer::bind(const std::vector<std::string>& header,
                                    const std::string& base_dir, bool need_target) const {
  Layout l;
  l.base_dir = base_dir;
  if (!columns_.formula.empty()) l.formula = column_of(header, columns_.formula, true);
  if (!columns_.formula_b.empty()) l.formula_b = column_of(header, columns_.formula_b, true);
  if (!columns_.group.empty()) l.group = column_of(header, columns_.group, true);
  if (!columns_.target.empty()) l.target = column_of(header, columns_.target, need_target);
  // Training needs every condition column; when predicting, an absent one is missing in every
  // row (the model's missing-value policy fills it) and is reported.
  auto condition = [&](const std::string& c) {
    int i = column_of(header, c, need_target);
    if (i < 0) l.absent.push_back(c);
    return i;
  };
  for (const auto& c : columns_.numeric) l.numeric.push_back(condition(c));
  for (const auto& c : columns_.categorical) l.categorical.push_back(condition(c));
  auto bind_side = [&](const std::map<std::string, std::string>& in,
                       std::map<std::string, int>& out) {
    for (const auto& [key, value] : in)
      out[key] = is_number(value) ? -1 : column_of(header, value, true);
  };
  bind_side(columns_.side_a, l.side_a);
  bind_side(columns_.side_b, l.side_b);
  // "substrate_poscars/{id}.POSCAR": literal parts (-1) and column references.
  const std::string& t = columns_.structure;
  std::size_t pos = 0;
  while (pos < t.size()) {
    auto open = t.find('{', pos);
    if (open == std::string::npos) {
      l.structure_parts.emplace_back(t.substr(pos), -1);
      break;
    }
    if (open > pos) l.structure_parts.emplace_back(t.substr(pos, open - pos), -1);
    auto close = t.find('}', open);
    if (close == std::string::npos) {
      throw InvalidArgument("structure template '" + t + "' has an unclosed '{'");
    }
    l.structure_parts.emplace_back("",
                                   column_of(header, t.substr(open + 1, close - open - 1), true));
    pos = close + 1;
  }
  return l;
}

namespace {

std::shared_ptr<const MaterialCache::Entry> material(
    const chem::CompositionDescriptors& d, const std::string& formula,
    const std::string& structure_path, MaterialCache& cache,
    const std::map<std::string, std::string>* files = nullptr) {
  std::string key = formula + '\x1f' + structure_path;
  if (auto it = cache.entries.find(key); it != cache.entries.end()) return it->second;
  auto e = std::make_shared<MaterialCache::Entry>();
  chem::Composition composition;
  if (!structure_path.empty()) {
    auto held = files != nullptr ? files->find(structure_path) : decltype(files->end()){};
    crystal::LoadResult r =
        files != nullptr && held != files->end()
            ? crystal::read_structures_text(held->second, structure_path,
                                            crystal::guess_format(structure_path).value_or("cif"))
            : crystal::read_structures(structure_path);
    if (r.structures.empty()) {
      throw InvalidArgument(r.errors.empty() ? structure_path + ": no structure"
                                             : r.errors.front());
    }
    const crystal::Structure& s = r.structures.front().structure;
    composition = s.cell_composition();
    double atoms = composition.total_atoms().value();
    e->structure_density = s.density();
    e->volume_per_atom = s.lattice.volume() / atoms;
    e->sites = static_cast<double>(s.sites.size());
  }
  if (!formula.empty()) composition = chem::parse_formula(formula).composition;
  if (composition.symbolic()) {
    throw InvalidArgument("formula '" + formula + "' has variables; give their values");
  }
  if (composition.empty()) throw InvalidArgument("empty formula");
  e->composition = d.compute(composition);
  e->fractions = composition.atomic_fractions();
  e->reduced = composition.reduced_formula();
  cache.entries.emplace(std::move(key), e);
  return e;
}

}  // namespace

void Featurizer::compute(const Layout& l, const std::vector<std::string>& f, std::span<double> out,
                         MaterialCache& cache, std::string* group) const {
  static thread_local std::vector<double> all;
  all.assign(all_names_.size(), kNaN);
  auto at = [&](int i) -> const std::string& {
    static const std::string kEmpty;
    return i >= 0 && static_cast<std::size_t>(i) < f.size() ? f[i] : kEmpty;
  };
  const chem::CompositionDescriptors& descriptors = *descriptors_;
  std::string path;
  if (!l.structure_parts.empty()) {
    for (const auto& [text, col] : l.structure_parts) path += col < 0 ? text : at(col);
    bool held = l.files != nullptr && l.files->contains(path);
    if (!held && !path.empty() && std::filesystem::path(path).is_relative() &&
        !l.base_dir.empty()) {
      path = (std::filesystem::path(l.base_dir) / path).string();
    }
  }
  auto a =
      material(descriptors, l.formula >= 0 ? at(l.formula) : std::string(), path, cache, l.files);
  std::shared_ptr<const MaterialCache::Entry> b;
  bool pair = columns_.pair();
  if (pair) {
    b = material(descriptors, l.formula_b >= 0 ? at(l.formula_b) : columns_.formula_b_value, "",
                 cache);
  }
  std::size_t k = 0, nc = composition_names_.size();
  for (std::size_t i = 0; i < nc; ++i) all[k++] = a->composition[i];
  if (pair) {
    for (std::size_t i = 0; i < nc; ++i) all[k++] = b->composition[i];
    for (std::size_t i = 0; i < nc; ++i) all[k++] = a->composition[i] - b->composition[i];
  }
  if (!columns_.structure.empty()) {
    all[k++] = a->structure_density;
    all[k++] = a->volume_per_atom;
    all[k++] = a->sites;
  }
  auto acoustic_of = [&](const MaterialCache::Entry& m, const std::map<std::string, int>& cols,
                         const std::map<std::string, std::string>& spec, bool structured) {
    Acoustic known{kNaN, kNaN, kNaN, kNaN, kNaN, kNaN};
    if (structured) known.density = m.structure_density;
    for (const auto& [key, col] : cols) {
      double v = col < 0 ? parse_number(spec.at(key)) : parse_number(at(col));
      if (std::isnan(v)) continue;
      if (key == "mass") known.mass_u = v;
      if (key == "density") known.density = v;
      if (key == "melting") known.melting_point = v;
      if (key == "debye") known.debye = v;
      if (key == "velocity") known.velocity = v;
    }
    return complete_acoustic(m.fractions, known);
  };
  Acoustic aa = acoustic_of(*a, l.side_a, columns_.side_a, !path.empty());
  auto put_acoustic = [&](const Acoustic& x) {
    for (double v : {x.mass_u, x.density, x.number_density, x.melting_point, x.debye, x.velocity}) {
      all[k++] = v;
    }
  };
  put_acoustic(aa);
  if (pair) {
    Acoustic ab = acoustic_of(*b, l.side_b, columns_.side_b, false);
    put_acoustic(ab);
    MiedemaPair mp = miedema_pair(a->fractions, b->fractions);
    for (double v :
         {ratio(aa.mass_u, ab.mass_u), mismatch_of(aa.mass_u, ab.mass_u),
          ratio(aa.density, ab.density), mismatch_of(aa.density, ab.density),
          ratio(aa.melting_point, ab.melting_point), ratio(aa.debye, ab.debye),
          ratio(aa.velocity, ab.velocity),
          ratio(aa.density * aa.velocity, ab.density * ab.velocity), mp.enthalpy, mp.coverage}) {
      all[k++] = v;
    }
    Mismatch m = mismatch(aa, ab);
    all[k++] = m.amm_transmission;
    all[k++] = m.dmm_transmission;
    all[k++] = std::log10(m.amm_conductance);
    all[k++] = std::log10(m.dmm_conductance);
  }
  for (int col : l.numeric) all[k++] = parse_number(at(col));
  for (std::size_t c = 0; c < columns_.categorical.size(); ++c) {
    auto it = levels_.find(columns_.categorical[c]);
    if (it == levels_.end()) continue;
    const std::string& v = at(l.categorical[c]);
    for (const auto& level : it->second) all[k++] = v == level ? 1.0 : 0.0;
  }
  for (std::size_t i = 0; i < selected_.size(); ++i) out[i] = all[selected_[i]];
  if (group != nullptr)
    *group = l.group >= 0 ? at(l.group) : a->reduced + (b ? "|" + b->reduced : "");
}

void Featurizer::to_json(nlohmann::json& j) const {
  j = nlohmann::json::object();
  j["version"] = std::string(kDescriptorVersion);
  j["columns"] = {{"target", columns_.target},
                  {"log10_target", columns_.log10_target},
                  {"formula", columns_.formula},
                  {"formula_b", columns_.formula_b},
                  {"formula_b_value", columns_.formula_b_value},
                  {"structure", columns_.structure},
                  {"numeric", columns_.numeric},
                  {"categorical", columns_.categorical},
                  {"group", columns_.group},
                  {"side_a", columns_.side_a},
                  {"side_b", columns_.side_b}};
  j["descriptors"] = {{"preset", config_.preset},
                      {"properties", config_.properties},
                      {"groups", config_.groups},
                      {"select", config_.select}};
  j["levels"] = levels_;
  j["names"] = names_;
}

void Featurizer::from_json(const nlohmann::json& j) {
  if (j.at("version").get<std::string>() != kDescriptorVersion) {
    throw InvalidArgument("model descriptors are " + j.at("version").get<std::string>() +
                          ", this program computes " + std::string(kDescriptorVersion));
  }
  const auto& c = j.at("columns");
  ColumnSpec cols;
  cols.target = c.at("target");
  cols.log10_target = c.at("log10_target");
  cols.formula = c.at("formula");
  cols.formula_b = c.at("formula_b");
  cols.formula_b_value = c.at("formula_b_value");
  cols.structure = c.at("structure");
  cols.numeric = c.at("numeric").get<std::vector<std::string>>();
  cols.categorical = c.at("categorical").get<std::vector<std::string>>();
  cols.group = c.at("group");
  cols.side_a = c.at("side_a").get<std::map<std::string, std::string>>();
  cols.side_b = c.at("side_b").get<std::map<std::string, std::string>>();
  const auto& d = j.at("descriptors");
  DescriptorConfig cfg;
  cfg.preset = d.at("preset");
  cfg.properties = d.at("properties").get<std::vector<std::string>>();
  cfg.groups = d.at("groups").get<std::vector<std::string>>();
  cfg.select = d.at("select").get<std::vector<std::string>>();
  *this = Featurizer(std::move(cols), std::move(cfg));
  levels_ = j.at("levels").get<std::map<std::string, std::vector<std::string>>>();
  build_names();
  if (names_ != j.at("names").get<std::vector<std::string>>()) {
    throw InvalidArgument("the model's feature names differ from the ones this program computes");
  }
}

}  // namespace pb::ml
