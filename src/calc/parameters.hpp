#pragma once
/// Calculation parameters, each declared once with its type, default, bounds, the codes it
/// applies to and a help line; `calc prepare --help`, `calc params` and docs/calc.md derive
/// from this table (parameters.cpp).
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pb::calc {

/// One declared parameter.
struct ParameterSpec {
  std::string_view name;
  enum class Type { kInt, kReal, kText } type;
  std::string_view default_text;  ///< parsed with `type`; "" for text means "unset"
  std::string_view codes;         ///< "all" or a comma list: "qe,abinit"
  std::string_view help;
  double min = -1e300, max = 1e300;
};

/// The declared parameters.
const std::vector<ParameterSpec>& parameter_specs();

/// Resolved values: every declared name (defaults filled in) plus `pseudo.<Element>` file
/// overrides. A JSON object so that it is stored with a job and changed by error handlers.
using Parameters = nlohmann::json;

/// The defaults of every parameter.
Parameters default_parameters();

/// Applies one "name=value" assignment; throws pb::InvalidArgument for an unknown name, a
/// value of the wrong type or out of bounds (naming the parameter and its bounds).
void set_parameter(Parameters& p, std::string_view assignment);

/// The value as a number or text.
double param_real(const Parameters& p, std::string_view name);
int param_int(const Parameters& p, std::string_view name);
std::string param_text(const Parameters& p, std::string_view name);

}  // namespace pb::calc
