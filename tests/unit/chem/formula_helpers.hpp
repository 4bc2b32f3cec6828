#pragma once
// Test helpers: a composition as "El:amount" pairs in alphabetical order (the format of
// tests/data/formulas/literature.tsv), and parsing that format back.
#include <algorithm>
#include <map>
#include <sstream>
#include <string>

#include "chem/element.hpp"
#include "chem/formula.hpp"
#include "util/error.hpp"

namespace pb::test {

inline std::string amounts_text(const chem::Composition& c) {
  std::map<std::string, std::string> sorted;
  for (const auto& a : c.element_amounts()) {
    sorted[std::string(chem::find_element(a.z)->symbol)] = a.amount.to_string();
  }
  std::string out;
  for (const auto& [el, amount] : sorted) out += (out.empty() ? "" : " ") + el + ":" + amount;
  return out;
}

/// Parses `text` and returns its composition in that format (symbolic ones via formula()).
inline std::string composition_of(const std::string& text, const chem::FormulaOptions& o = {}) {
  chem::ParsedFormula f = chem::parse_formula(text, o);
  if (f.composition.symbolic()) return f.composition.formula();
  return amounts_text(f.composition);
}

/// The 1-based column of the ParseError that parsing `text` throws, or 0 if it parses.
inline std::size_t error_column(const std::string& text) {
  try {
    chem::parse_formula(text);
  } catch (const ParseError& e) {
    return e.where().column;
  }
  return 0;
}

/// "Li:1.5 P:0.5 S:2" -> {Li: 1.5, ...}
inline std::map<std::string, double> parse_amounts(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream in(text);
  std::string pair;
  while (in >> pair) {
    auto colon = pair.find(':');
    std::string value = pair.substr(colon + 1);
    auto slash = value.find('/');
    out[pair.substr(0, colon)] =
        slash == std::string::npos
            ? std::stod(value)
            : std::stod(value.substr(0, slash)) / std::stod(value.substr(slash + 1));
  }
  return out;
}

}  // namespace pb::test
