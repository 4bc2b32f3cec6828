#pragma once
/// Rendering of parsed formulas for people (aligned text) and scripts (JSON).
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "chem/formula.hpp"
#include "util/error.hpp"

namespace pb::cli {

/// One input line of a --file list: the text and its 1-based line number.
struct InputLine {
  std::string text;
  std::size_t line;
};

/// The lines of a formula list, without CR, blank lines and lines starting with '#'.
std::vector<InputLine> read_formula_lines(const std::string& path);

/// Every derived field of a parsed formula as a JSON object (documented in docs/formulas.md).
nlohmann::ordered_json formula_json(const chem::ParsedFormula& f);
/// The error object used in JSON output: {"message", "column", "hint"}.
nlohmann::ordered_json error_json(const ParseError& e);
/// Multi-line human summary.
std::string formula_text(const chem::ParsedFormula& f);
/// "file:line:col: error: message" followed by the input with a caret, and the hint.
std::string error_text(const ParseError& e, std::string_view input, std::string_view file = {},
                       std::size_t line = 0);

}  // namespace pb::cli
