// `phasebook element`: look elements up by symbol, name or atomic number.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <cmath>
#include <nlohmann/json.hpp>

#include "chem/element.hpp"
#include "cli/commands.hpp"
#include "util/error.hpp"

namespace pb::cli {

namespace {

const chem::Element& lookup(const std::string& query) {
  const chem::Element* e = nullptr;
  if (!query.empty() && std::all_of(query.begin(), query.end(), ::isdigit)) {
    e = chem::find_element(std::stoi(query.substr(0, 4)));
  } else {
    e = chem::find_element(std::string_view(query));
    if (e == nullptr) e = chem::find_element_by_name(query);
  }
  if (e == nullptr) throw NotFound("no element '" + query + "' (give a symbol, name or number)");
  return *e;
}

}  // namespace

Runner add_element_command(CLI::App& app) {
  auto queries = std::make_shared<std::vector<std::string>>();
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "element", "Show the properties of elements (data/elements.csv; sources in data/SOURCES.md)");
  cmd->add_option("elements", *queries, "Symbols, names or atomic numbers: Li, lithium, 3")
      ->required();
  cmd->add_flag("--json", *json, "Print one JSON object per element");
  return [queries, json]() {
    int status = kExitOk;
    for (const auto& q : *queries) {
      try {
        const chem::Element& e = lookup(q);
        if (*json) {
          nlohmann::json out = {{"z", e.z},
                                {"symbol", e.symbol},
                                {"name", e.name},
                                {"block", std::string(1, e.block)}};
          for (const auto& info : chem::element_property_infos()) {
            double v = e.get(info.id);
            out[std::string(info.column)] =
                std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v);
          }
          fmt::print("{}\n", out.dump());
        } else {
          fmt::print("{} {} (Z = {}, {}-block)\n", e.symbol, e.name, e.z, e.block);
          for (const auto& info : chem::element_property_infos()) {
            double v = e.get(info.id);
            fmt::print("  {:<32}{}\n", info.column, std::isnan(v) ? "NA" : fmt::format("{:g}", v));
          }
        }
      } catch (const NotFound& err) {
        fmt::print(stderr, "error: {}\n", err.what());
        status = kExitFailed;
      }
    }
    return status;
  };
}

}  // namespace pb::cli
