#pragma once
/// A tiny template language for DFT input files (docs/calc.md, "Templates"):
///   {{name}} or {{a.b}}     the value (strings as they are, numbers in shortest form)
///   {{#name}}...{{/name}}   once per item of a list (inside, an item's keys come first and
///                           {{.}} is the item itself); once when a value is true or an object;
///                           not at all when missing, false, null, empty or zero
///   {{^name}}...{{/name}}   when the section above would not render
///   {{! comment }}          nothing
/// A line holding only a section tag or a comment leaves no blank line behind. An unknown
/// name is an error (a typo must not silently drop a keyword from an input file).
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace pb::calc {

/// Renders `text` with the values of `context`; throws pb::ParseError located in `source`
/// (file:line:column) for an unclosed or mismatched section or an unknown name.
std::string render_template(std::string_view text, const nlohmann::json& context,
                            std::string_view source = "template");

}  // namespace pb::calc
