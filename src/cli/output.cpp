#include "cli/output.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "chem/element.hpp"

namespace pb::cli {

using chem::Composition;
using chem::ParsedFormula;
// Insertion-ordered objects: the fields come out in the order documented in docs/formulas.md.
using json = nlohmann::ordered_json;

namespace {

std::string_view symbol(int z) { return chem::find_element(z)->symbol; }

json number_json(const chem::Number& n) {
  if (n.is_integer()) return n.num();
  return n.value();
}

// Element -> amount as numbers, plus exact text ("1/3") where that says more than a double.
void amounts_json(const Composition& c, json& out, const char* key) {
  json amounts = json::object();
  json exact = json::object();
  for (const auto& a : c.element_amounts()) {
    amounts[std::string(symbol(a.z))] = number_json(a.amount);
    if (a.amount.exact()) exact[std::string(symbol(a.z))] = a.amount.to_string();
  }
  out[key] = amounts;
  if (c.exact()) out[std::string(key) + "_exact"] = exact;
}

json composition_json(const Composition& c) {
  json out = json::object();
  if (c.symbolic()) {
    json amounts = json::object();
    for (const auto& e : c.entries()) amounts[e.species.to_string()] = e.amount.to_string();
    out["composition_symbolic"] = amounts;
    out["variables"] = c.variables();
    return out;
  }
  amounts_json(c, out, "composition");
  return out;
}

}  // namespace

std::vector<InputLine> read_formula_lines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<InputLine> out;
  std::string line;
  for (std::size_t n = 1; std::getline(in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    out.push_back(InputLine{line, n});
  }
  return out;
}

json error_json(const ParseError& e) {
  json out = {{"message", e.message()}, {"column", e.where().column}};
  if (!e.hint().empty()) out["hint"] = e.hint();
  return out;
}

json formula_json(const ParsedFormula& f) {
  const Composition& c = f.composition;
  json out = {{"input", f.input}};
  out.update(composition_json(c));
  out["formula"] = c.formula();
  if (!c.symbolic()) {
    out["reduced_formula"] = c.reduced_formula();
    out["formula_units"] = number_json(c.formula_units());
    out["molar_mass"] = c.molar_mass();
    out["total_atoms"] = number_json(c.total_atoms());
    auto fractions = c.atomic_fractions();
    json atomic = json::object();
    for (auto [z, x] : fractions) atomic[std::string(symbol(z))] = x;
    out["atomic_fractions"] = atomic;
    json weight = json::object();
    for (auto [z, x] : c.weight_fractions()) weight[std::string(symbol(z))] = x;
    out["weight_fractions"] = weight;
    // OPTIMADE fields (spec v1.2 §7.2): elements alphabetical, ratios in the same order.
    std::sort(fractions.begin(), fractions.end(),
              [](const auto& a, const auto& b) { return symbol(a.first) < symbol(b.first); });
    json elements = json::array(), ratios = json::array();
    for (auto [z, x] : fractions) {
      elements.push_back(symbol(z));
      ratios.push_back(x);
    }
    out["elements"] = elements;
    out["nelements"] = elements.size();
    out["elements_ratios"] = ratios;
    out["chemical_formula_reduced"] = c.formula_reduced_optimade();
    auto hill = f.formula_hill();
    out["chemical_formula_hill"] = hill ? json(*hill) : json(nullptr);
    out["chemical_formula_anonymous"] = c.formula_anonymous();
    out["chemical_formula_descriptive"] = f.descriptive();
  }
  bool special = std::any_of(c.entries().begin(), c.entries().end(), [](const auto& e) {
    return e.species.has_charge || e.species.mass_number != 0;
  });
  if (special) {
    json species = json::array();
    for (const auto& e : c.entries()) {
      species.push_back({{"species", e.species.to_string()}, {"amount", e.amount.to_string()}});
    }
    out["species"] = species;
  }
  if (!f.values.empty()) {
    json values = json::object();
    for (const auto& [k, v] : f.values) values[k] = number_json(v);
    out["values"] = values;
  }
  if (!f.components.empty()) {
    json comps = json::array();
    for (const auto& comp : f.components) {
      json j = {{"text", comp.text}, {"basis", chem::to_string(comp.basis)}};
      auto coef = comp.coefficient.number();
      j["coefficient"] = coef ? number_json(*coef) : json(comp.coefficient.to_string());
      auto moles = comp.moles.number();
      j["moles"] = moles ? number_json(*moles) : json(comp.moles.to_string());
      if (!comp.composition.symbolic()) j["formula"] = comp.composition.formula();
      j.update(composition_json(comp.composition));
      comps.push_back(j);
    }
    out["components"] = comps;
  }
  if (!f.mixed_sites.empty()) {
    json sites = json::array();
    for (const auto& s : f.mixed_sites) {
      json els = json::array();
      for (int z : s.elements) els.push_back(symbol(z));
      sites.push_back({{"elements", els}, {"total", s.total.to_string()}, {"split", "unknown"}});
    }
    out["mixed_sites"] = sites;
  }
  if (!f.aliases.empty()) {
    json aliases = json::array();
    for (const auto* a : f.aliases) {
      aliases.push_back({{"alias", a->name},
                         {"formula", a->formula},
                         {"status", chem::to_string(a->status)},
                         {"source", a->source}});
    }
    out["aliases"] = aliases;
  }
  if (!f.phase.empty()) out["phase"] = f.phase;
  out["approximate"] = f.approximate;
  out["warnings"] = f.warnings;
  return out;
}

std::string formula_text(const ParsedFormula& f) {
  const Composition& c = f.composition;
  std::string out;
  auto line = [&](std::string_view label, const std::string& value) {
    out += fmt::format("{:<26}{}\n", std::string(label) + ":", value);
  };
  line("input", f.input);
  std::string amounts;
  if (c.symbolic()) {
    for (const auto& e : c.entries()) {
      amounts += (amounts.empty() ? "" : ", ") + e.species.to_string() + " " + e.amount.to_string();
    }
    line("composition", amounts);
    std::string vars;
    for (const auto& v : c.variables()) vars += (vars.empty() ? "" : ", ") + v;
    line("variables", vars + " (give values with --set " + c.variables().front() + "=...)");
  } else {
    for (const auto& a : c.element_amounts()) {
      amounts += fmt::format(
          "{}{} {}", amounts.empty() ? "" : ", ", symbol(a.z),
          a.amount.exact() ? a.amount.to_string() : fmt::format("{:.6g}", a.amount.value()));
    }
    line("composition", amounts);
  }
  line("formula", c.formula());
  if (!f.values.empty()) {
    std::string v;
    for (const auto& [k, n] : f.values) v += (v.empty() ? "" : ", ") + k + " = " + n.to_string();
    line("values", v);
  }
  if (!c.symbolic()) {
    chem::Number units = c.formula_units();
    line("reduced formula",
         units == chem::Number(1)
             ? c.reduced_formula()
             : fmt::format(
                   "{} (x {})", c.reduced_formula(),
                   units.exact() ? units.to_string() : fmt::format("{:.6g}", units.value())));
    line("molar mass", fmt::format("{:.4f} g/mol", c.molar_mass()));
    std::string fr;
    for (auto [z, x] : c.atomic_fractions()) {
      fr += fmt::format("{}{} {:.4f}", fr.empty() ? "" : ", ", symbol(z), x);
    }
    line("atomic fractions", fr);
    line("optimade reduced", c.formula_reduced_optimade());
    auto hill = f.formula_hill();
    line("optimade hill", hill ? *hill : "(unset: no integer formula unit)");
    line("optimade anonymous", c.formula_anonymous());
    line("optimade descriptive", f.descriptive());
  }
  for (const auto& comp : f.components) {
    auto coef = comp.coefficient.number();
    std::string coef_text =
        coef ? (coef->exact() ? coef->to_string() : fmt::format("{:.6g}", coef->value()))
             : comp.coefficient.to_string();
    std::string basis = comp.basis == chem::ComponentBasis::kMole
                            ? ""
                            : std::string(" ") + std::string(chem::to_string(comp.basis));
    line("component", fmt::format("{}{} {}", coef_text, basis, comp.text));
  }
  for (const auto* a : f.aliases) {
    line("abbreviation", fmt::format("{} = {} ({}; {})", a->name, a->formula,
                                     chem::to_string(a->status), a->source));
  }
  if (!f.phase.empty()) line("phase", f.phase);
  for (const auto& w : f.warnings) line("warning", w);
  return out;
}

std::string error_text(const ParseError& e, std::string_view input, std::string_view file,
                       std::size_t line) {
  std::string out = ParseError({std::string(file), line, e.where().column}, e.message()).what();
  out += "\n";
  if (e.where().column > 0) {
    out += "  " + ParseError::caret_line(input, e.where().column);
    // Indent the caret line as well as the input line.
    auto nl = out.rfind('\n');
    out.insert(nl + 1, "  ");
    out += "\n";
  }
  if (!e.hint().empty()) out += "  hint: " + e.hint() + "\n";
  return out;
}

}  // namespace pb::cli
