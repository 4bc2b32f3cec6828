// `phasebook cif`: CIF files at the syntax level (check, get) and as structures (info).
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "chem/element.hpp"
#include "chem/formula.hpp"
#include "cli/commands.hpp"
#include "cli/structure_input.hpp"
#include "crystal/cif_structure.hpp"
#include "crystal/cif_syntax.hpp"
#include "util/error.hpp"

namespace pb::cli {

namespace {

using crystal::cif::Document;

std::string_view kind_name(crystal::cif::ValueKind k) {
  using crystal::cif::ValueKind;
  switch (k) {
    case ValueKind::kUnknown:
      return "unknown";
    case ValueKind::kInapplicable:
      return "inapplicable";
    case ValueKind::kList:
      return "list";
    case ValueKind::kTable:
      return "table";
    default:
      return "text";
  }
}

int check(const std::vector<std::string>& files, bool json) {
  bool ok = true;
  for (const auto& path : files) {
    Document d = crystal::cif::read_file(path);
    ok = ok && d.errors.empty();
    if (json) {
      nlohmann::ordered_json out = {{"file", path}, {"cif2", d.cif2}};
      auto blocks = nlohmann::ordered_json::array();
      for (const auto& b : d.blocks) {
        blocks.push_back({{"name", b.name},
                          {"line", b.line},
                          {"items", b.items.size()},
                          {"loops", b.loops.size()},
                          {"save_frames", b.frames.size()}});
      }
      out["blocks"] = blocks;
      auto messages = [](const std::vector<crystal::cif::Diagnostic>& list) {
        auto arr = nlohmann::ordered_json::array();
        for (const auto& m : list) arr.push_back({{"line", m.where.line}, {"message", m.message}});
        return arr;
      };
      out["errors"] = messages(d.errors);
      out["warnings"] = messages(d.warnings);
      fmt::print("{}\n", out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      continue;
    }
    std::string names;
    for (const auto& b : d.blocks) names += (names.empty() ? "" : ", ") + std::string(b.name);
    fmt::print("{}: {} block{}{}{}\n", path, d.blocks.size(), d.blocks.size() == 1 ? "" : "s",
               names.empty() ? "" : " (" + names + ")",
               d.errors.empty() ? "" : fmt::format(", {} unreadable", d.errors.size()));
    for (const auto& e : d.errors) fmt::print(stderr, "{}\n", e.describe());
    for (const auto& w : d.warnings) fmt::print(stderr, "{}\n", w.describe());
  }
  return ok ? kExitOk : kExitFailed;
}

int get(const std::string& path, const std::string& tag, bool json) {
  Document d = crystal::cif::read_file(path);
  for (const auto& e : d.errors) fmt::print(stderr, "{}\n", e.describe());
  bool found = false;
  for (const auto& b : d.blocks) {
    std::vector<const crystal::cif::Value*> values;
    if (const auto* v = b.find(tag)) {
      values.push_back(v);
    } else if (const auto* loop = b.find_loop(tag)) {
      int col = loop->column(tag);
      for (std::size_t r = 0; r < loop->rows(); ++r) values.push_back(&loop->at(r, col));
    }
    for (const auto* v : values) {
      found = true;
      if (json) {
        nlohmann::ordered_json out = {
            {"block", b.name}, {"line", v->line}, {"kind", kind_name(v->kind)}};
        out["value"] = v->is_null() ? nlohmann::ordered_json(nullptr)
                                    : nlohmann::ordered_json(std::string(v->text));
        fmt::print("{}\n", out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      } else {
        fmt::print("{}\t{}\n", b.name, v->text);
      }
    }
  }
  if (!found) fmt::print(stderr, "{}: no {} in any block\n", path, tag);
  return found && d.errors.empty() ? kExitOk : kExitFailed;
}

// Structure summary per block: cell, declared symmetry and formula, cell composition, density.
int info(const std::vector<std::string>& files, bool json,
         const crystal::SymmetryOptions& symmetry) {
  bool ok = true;
  for (const auto& path : files) {
    Document d = crystal::cif::read_file(path);
    for (const auto& e : d.errors) fmt::print(stderr, "{}\n", e.describe());
    ok = ok && d.errors.empty();
    for (const auto& b : d.blocks) {
      crystal::CifStructure s;
      try {
        s = crystal::read_structure(b, path);
      } catch (const ParseError& e) {
        fmt::print(stderr, "{}\n", e.what());
        ok = false;
        continue;
      }
      for (const auto& w : s.warnings) fmt::print(stderr, "{}\n", w.describe());
      const auto& st = s.structure;
      chem::Composition c = st.cell_composition();
      // Z against the published formula where it parses (it is what authors count Z by).
      chem::Composition published;
      try {
        if (!s.formula_sum.empty()) published = chem::parse_formula(s.formula_sum).composition;
      } catch (const ParseError&) {
      }
      crystal::Description derived = crystal::describe(st, symmetry, {}, &published);
      if (json) {
        nlohmann::ordered_json out = {{"file", path}, {"block", b.name}};
        out["cell"] = {st.lattice.a(),     st.lattice.b(),    st.lattice.c(),
                       st.lattice.alpha(), st.lattice.beta(), st.lattice.gamma()};
        out["volume"] = st.lattice.volume();
        nlohmann::ordered_json comp = nlohmann::ordered_json::object();
        for (const auto& a : c.element_amounts()) {
          comp[std::string(chem::find_element(a.z)->symbol)] = a.amount.value();
        }
        out["cell_composition"] = comp;
        out["formula"] = c.reduced_formula();
        out["density"] = st.density();
        out["sites"] = st.sites.size();
        out["symmetry_operations"] = s.symops.size();
        out["space_group_hm"] = s.space_group_hm;
        out["space_group_number"] = s.space_group_number;
        out["formula_sum"] = s.formula_sum;
        const auto& ci = s.citation;
        if (!ci.empty()) {
          nlohmann::ordered_json ref = {
              {"authors", ci.authors},
              {"title", ci.title},
              {"journal", ci.journal},
              {"year", ci.year},
              {"volume", ci.volume},
              {"issue", ci.issue},
              {"pages", ci.first_page + (ci.last_page.empty() ? "" : "-" + ci.last_page)},
              {"doi", ci.doi}};
          out["reference"] = ref;
        }
        nlohmann::ordered_json codes = nlohmann::ordered_json::object();
        for (const auto& [db, code] : ci.database_codes) codes[db] = code;
        if (!codes.empty()) out["database_codes"] = codes;
        if (s.conditions.temperature_K) out["temperature_K"] = s.conditions.temperature_K->value;
        if (s.conditions.pressure_kPa) out["pressure_kPa"] = s.conditions.pressure_kPa->value;
        out["derived"] = description_json(derived);
        out["warnings"] = s.warnings.size();
        fmt::print("{}\n", out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      } else {
        fmt::print("{} data_{}\n", path, b.name);
        fmt::print("  formula            {} (cell: {})\n", c.reduced_formula(), c.formula());
        fmt::print("  declared formula   {}\n", s.formula_sum.empty() ? "-" : s.formula_sum);
        fmt::print("  cell               {:.4f} {:.4f} {:.4f}  {:.3f} {:.3f} {:.3f}\n",
                   st.lattice.a(), st.lattice.b(), st.lattice.c(), st.lattice.alpha(),
                   st.lattice.beta(), st.lattice.gamma());
        fmt::print("  volume, density    {:.3f} A^3, {:.4f} g/cm^3\n", st.lattice.volume(),
                   st.density());
        fmt::print("  declared symmetry  {} (No. {}), {} operations\n",
                   s.space_group_hm.empty() ? "-" : s.space_group_hm, s.space_group_number,
                   s.symops.size());
        fmt::print("  sites              {} in the cell\n", st.sites.size());
        fmt::print("  Z                  {:.4g}\n", derived.z);
        if (derived.symmetry) {
          fmt::print("  found symmetry     {} (No. {}), Pearson {}, Wyckoff {} (symprec {})\n",
                     derived.symmetry->international, derived.symmetry->number,
                     derived.symmetry->pearson, derived.wyckoff_sequence, symmetry.symprec);
          fmt::print("  structure type     {}\n", derived.structure_type);
        } else {
          fmt::print("  found symmetry     none ({})\n", derived.symmetry_error);
        }
        std::string cn;
        for (const auto& [el, n] : derived.coordination) cn += fmt::format(" {}:{:.3g}", el, n);
        fmt::print("  shortest distance  {:.4f} A; coordination{}\n", derived.min_distance, cn);
        fmt::print("  warnings           {}\n", s.warnings.size());
      }
    }
  }
  return ok ? kExitOk : kExitFailed;
}

}  // namespace

Runner add_cif_command(CLI::App& app) {
  CLI::App* cmd =
      app.add_subcommand("cif", "Read CIF files: check syntax, show structures, get values");
  cmd->require_subcommand(1);
  auto files = std::make_shared<std::vector<std::string>>();
  auto json = std::make_shared<bool>(false);
  auto tag = std::make_shared<std::string>();
  auto file = std::make_shared<std::string>();
  auto which = std::make_shared<std::string>();
  CLI::App* c = cmd->add_subcommand(
      "check", "Read CIFs and list their blocks; report unreadable blocks as file:line");
  c->add_option("files", *files, "CIF files")->required()->check(CLI::ExistingFile);
  c->add_flag("--json", *json, "One JSON object per file");
  c->callback([which] { *which = "check"; });
  CLI::App* i = cmd->add_subcommand(
      "info",
      "Structure of each block: formula, cell, Z, density, declared and found symmetry, "
      "Wyckoff sequence, structure type, shortest distance, coordination, warnings");
  i->add_option("files", *files, "CIF files")->required()->check(CLI::ExistingFile);
  i->add_flag("--json", *json, "One JSON object per block");
  auto symmetry = std::make_shared<crystal::SymmetryOptions>();
  add_symmetry_options(*i, *symmetry);
  i->callback([which] { *which = "info"; });
  CLI::App* g = cmd->add_subcommand("get", "Print the values of a tag in every block");
  g->add_option("file", *file, "CIF file")->required()->check(CLI::ExistingFile);
  g->add_option("tag", *tag, "Tag, e.g. _cell_length_a (case-insensitive)")->required();
  g->add_flag("--json", *json, "One JSON object per value");
  g->callback([which] { *which = "get"; });
  return [files, file, json, tag, which, symmetry] {
    if (*which == "check") return check(*files, *json);
    if (*which == "info") return info(*files, *json, *symmetry);
    return get(*file, *tag, *json);
  };
}

}  // namespace pb::cli
