#pragma once
/// Reference lists in BibTeX (.bib) and RIS (.ris) into ReferenceRecords. Errors are ParseErrors
/// located at file:line:column; docs/database.md lists the fields read.
#include <filesystem>
#include <string_view>
#include <vector>

#include "store/repositories.hpp"

namespace pb::store {

/// Parses BibTeX: @string macros, month names, '#' concatenation, braces and quotes, LaTeX
/// accents and escapes; @comment and @preamble are skipped.
std::vector<ReferenceRecord> parse_bibtex(std::string_view text, std::string_view file = {});

/// Parses RIS (TY ... ER records; AU/A1, TI/T1, JO/JF/T2/JA, PY/Y1/DA, VL, IS, SP, EP, DO, UR).
std::vector<ReferenceRecord> parse_ris(std::string_view text, std::string_view file = {});

/// Reads a .bib or .ris file (chosen by extension, else by content).
std::vector<ReferenceRecord> read_references(const std::filesystem::path& path);

}  // namespace pb::store
