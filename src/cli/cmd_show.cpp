// `phasebook show SUBSTANCE_ID`: everything linked to one substance, as text or JSON.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/db_option.hpp"
#include "query/record_json.hpp"
#include "util/error.hpp"

namespace pb::cli {

namespace {

using nlohmann::ordered_json;

std::string text_of(const ordered_json& v) {
  if (v.is_null()) return "-";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_float()) return fmt::format("{:.6g}", v.get<double>());
  return v.dump();
}

void print_substance(const ordered_json& j) {
  fmt::print("substance {}", text_of(j["id"]));
  if (j["requested_id"] != j["id"]) fmt::print("  (merged from {})", text_of(j["requested_id"]));
  fmt::print("\n  host formula    {}\n  space group     {}\n  Pearson symbol  {}\n",
             text_of(j["host_formula"]), text_of(j["space_group_number"]),
             text_of(j["pearson_symbol"]));
  fmt::print("  structure type  {}\n  dataset         {}\n", text_of(j["structure_type"]),
             text_of(j["dataset"]));

  fmt::print("\nmembers ({}), and why they belong\n", j["members"].size());
  for (const auto& m : j["members"])
    fmt::print("  {:<9} {:>7}  {}\n", text_of(m["entity_kind"]), text_of(m["entity_id"]),
               text_of(m["rule"]));

  fmt::print("\nstructures ({})\n", j["structures"].size());
  for (const auto& s : j["structures"]) {
    const auto& l = s["lattice"];
    fmt::print(
        "  {:>7}  {:<14} {:<10} a={:.4f} b={:.4f} c={:.4f} al={:.2f} be={:.2f} ga={:.2f}  {}{}\n",
        text_of(s["id"]), text_of(s["chemical_formula_reduced"]), text_of(s["space_group_symbol"]),
        l["a"].get<double>(), l["b"].get<double>(), l["c"].get<double>(), l["alpha"].get<double>(),
        l["beta"].get<double>(), l["gamma"].get<double>(), text_of(s["source_file"]),
        s["source_block"].get<std::string>().empty() ? "" : ":" + text_of(s["source_block"]));
  }

  fmt::print("\nproperties ({})\n", j["properties"].size());
  for (const auto& p : j["properties"]) {
    fmt::print("  {:>7}  {:<22} {:<16} {} {}  (as given: {} {})  T={} K  ref {}\n",
               text_of(p["id"]), text_of(p["kind"]), text_of(p["formula"]), text_of(p["value_si"]),
               text_of(p["unit_si"]), text_of(p["value_as_given"]), text_of(p["unit_as_given"]),
               text_of(p["temperature_K"]), text_of(p["reference_id"]));
  }

  fmt::print("\nphase diagrams ({})\n", j["phase_diagrams"].size());
  for (const auto& d : j["phase_diagrams"])
    fmt::print("  {:>7}  {} {}  {}\n", text_of(d["id"]), text_of(d["system"]), text_of(d["kind"]),
               text_of(d["title"]));

  fmt::print("\nreferences ({})\n", j["references"].size());
  for (const auto& r : j["references"]) {
    std::string line;
    for (const auto& a : r["authors"]) line += (line.empty() ? "" : "; ") + text_of(a);
    if (!r["year"].is_null()) line += " (" + text_of(r["year"]) + ")";
    for (const char* key : {"title", "journal"}) {
      if (!r[key].get<std::string>().empty()) line += (line.empty() ? "" : ". ") + text_of(r[key]);
    }
    if (!r["doi"].get<std::string>().empty()) {
      line += (line.empty() ? "" : "  ") + std::string("https://doi.org/") + text_of(r["doi"]);
    }
    fmt::print("  {:>7}  {}\n", text_of(r["id"]), line);
  }
}

}  // namespace

Runner add_show_command(CLI::App& app) {
  auto db = std::make_shared<std::string>();
  auto id = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto sites = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "show",
      "Everything linked to one substance: members and why, structures, properties, "
      "phase diagrams, references");
  add_db_option(*cmd, *db);
  cmd->add_option("substance_id", *id, "A substance id (pbs-...); merged ids resolve")->required();
  cmd->add_flag("--json", *json, "One JSON document");
  cmd->add_flag("--sites", *sites, "With every structure's sites (JSON only)");
  return [db, id, json, sites]() {
    store::Database database = open_database(*db);
    std::optional<ordered_json> j = query::substance_json(database, *id, *sites);
    if (!j) throw NotFound("no substance " + *id + " in " + database.path().string());
    if (*json) {
      fmt::print("{}\n", j->dump(2, ' ', false, ordered_json::error_handler_t::replace));
    } else {
      print_substance(*j);
    }
    return kExitOk;
  };
}

}  // namespace pb::cli
