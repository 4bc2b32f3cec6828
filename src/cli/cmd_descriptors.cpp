// `phasebook descriptors`: Magpie-style composition features for formulas, as CSV or JSON.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>

#include "chem/descriptors.hpp"
#include "chem/formula.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"

namespace pb::cli {

namespace {

struct DescriptorArgs {
  std::vector<std::string> formulas;
  std::string file;
  std::string preset = "magpie";
  std::vector<std::string> properties;
  std::vector<std::string> set;
  bool json = false;
};

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

Runner add_descriptors_command(CLI::App& app) {
  auto args = std::make_shared<DescriptorArgs>();
  CLI::App* cmd = app.add_subcommand(
      "descriptors",
      "Composition descriptors (fraction-weighted mean, min, max, range, mode, average "
      "deviation of element properties) as CSV, one row per formula");
  cmd->add_option("formulas", args->formulas, "Formulas");
  cmd->add_option("-f,--file", args->file, "Formulas from a file, one per line")
      ->check(CLI::ExistingFile);
  cmd->add_option("--preset", args->preset, "Property set: magpie (22 properties) or basic")
      ->capture_default_str();
  cmd->add_option("-p,--properties", args->properties,
                  "Element properties instead of a preset (keys as in `phasebook element`)")
      ->delimiter(',')
      ->allow_extra_args(false);
  cmd->add_option("-s,--set", args->set, "Value of a composition variable, e.g. x=0.3")
      ->allow_extra_args(false);
  cmd->add_flag("--json", args->json, "Print JSON objects (name -> value) instead of CSV");
  return [args]() {
    chem::CompositionDescriptors d = args->properties.empty()
                                         ? chem::CompositionDescriptors::preset(args->preset)
                                         : chem::CompositionDescriptors(args->properties);
    chem::FormulaOptions options;
    for (const auto& s : args->set) options.values.insert(chem::parse_binding(s));
    std::vector<InputLine> inputs;
    for (const auto& f : args->formulas) inputs.push_back(InputLine{f, 0});
    if (!args->file.empty()) {
      for (auto& l : read_formula_lines(args->file)) inputs.push_back(std::move(l));
    }
    if (inputs.empty()) throw InvalidArgument("give a formula or --file");
    if (!args->json) {
      std::string header = "formula";
      for (const auto& n : d.names()) header += "," + n;
      fmt::print("{}\n", header);
    }
    bool ok = true;
    std::vector<double> values(d.names().size());
    for (const auto& [text, line] : inputs) {
      try {
        chem::ParsedFormula f = chem::parse_formula(text, options);
        d.compute(f.composition, values);
      } catch (const ParseError& e) {
        std::cerr << error_text(e, text, args->file, line);
        ok = false;
        continue;
      } catch (const InvalidArgument& e) {
        fmt::print(stderr, "{}: error: {}\n", text, e.what());
        ok = false;
        continue;
      }
      if (args->json) {
        nlohmann::json out = {{"formula", text}};
        for (std::size_t i = 0; i < values.size(); ++i) {
          out[d.names()[i]] =
              std::isnan(values[i]) ? nlohmann::json(nullptr) : nlohmann::json(values[i]);
        }
        fmt::print("{}\n", out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      } else {
        std::string row = csv_field(text);
        for (double v : values) row += std::isnan(v) ? "," : fmt::format(",{:.10g}", v);
        fmt::print("{}\n", row);
      }
    }
    return ok ? kExitOk : kExitFailed;
  };
}

}  // namespace pb::cli
