// `phasebook formula`: parse literature formulas and print compositions and formula fields.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/output.hpp"

namespace pb::cli {

namespace {

struct FormulaArgs {
  std::vector<std::string> formulas;
  std::string file;
  std::vector<std::string> set;
  bool json = false;
  std::vector<std::string> fields;
  bool table = false;
  bool no_aliases = false;
};

// Display width in terminal columns, counting each code point once.
std::size_t width(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string pad(std::string s, std::size_t w) {
  std::size_t have = width(s);
  if (have > w) {
    while (width(s) > w - 1) s.pop_back();
    while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80) s.pop_back();
    if (!s.empty() && static_cast<unsigned char>(s.back()) >= 0xC0) s.pop_back();
    return s + "~" + std::string(w - width(s) - 1, ' ');
  }
  return s + std::string(w - have, ' ');
}

// One row of `--table`: input, reduced formula, molar mass, OPTIMADE reduced formula, notes.
bool table_row(const std::string& text, const chem::FormulaOptions& options) {
  std::string reduced, mass, optimade, notes;
  bool ok = true;
  try {
    chem::ParsedFormula f = chem::parse_formula(text, options);
    const chem::Composition& c = f.composition;
    if (c.symbolic()) {
      reduced = c.formula();
      notes = "symbolic in";
      for (const auto& v : c.variables()) notes += " " + v;
    } else {
      reduced = c.reduced_formula();
      mass = fmt::format("{:.3f}", c.molar_mass());
      optimade = c.formula_reduced_optimade();
      if (!f.components.empty()) notes = fmt::format("{} components", f.components.size());
    }
    for (const auto* a : f.aliases) {
      notes += (notes.empty() ? "" : "; ") + a->name + " (" +
               std::string(chem::to_string(a->status)) + ")";
    }
    if (!f.mixed_sites.empty()) notes += (notes.empty() ? "" : "; ") + std::string("mixed site");
    if (!f.phase.empty()) notes += (notes.empty() ? "" : "; ") + f.phase + " phase";
    if (f.approximate && notes.find("approx") == std::string::npos) {
      notes += (notes.empty() ? "" : "; ") + std::string("approximate");
    }
  } catch (const ParseError& e) {
    ok = false;
    notes = fmt::format("error at column {}: {}", e.where().column, e.message());
  }
  fmt::print("{} {} {} {} {}\n", pad(text, 34), pad(reduced, 24), pad(mass, 10), pad(optimade, 24),
             notes);
  return ok;
}

// Parses one formula and prints it; returns false (after printing the error) when it fails.
// `line` is the line number in `file` (0 for formulas given as arguments); `first` tells whether
// this is the first human-readable block, which is not preceded by a blank line.
bool run_one(const std::string& text, const chem::FormulaOptions& options, const FormulaArgs& args,
             std::string_view file, std::size_t line, bool& first) {
  bool json = args.json || !args.fields.empty();
  if (args.table) return table_row(text, options);
  try {
    chem::ParsedFormula f = chem::parse_formula(text, options);
    if (json) {
      nlohmann::ordered_json out = formula_json(f);
      if (!args.fields.empty()) {
        nlohmann::ordered_json picked = {{"input", f.input}};
        for (const auto& name : args.fields) {
          if (out.contains(name)) picked[name] = out[name];
        }
        out = std::move(picked);
      }
      fmt::print("{}\n",
                 out.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
    } else {
      fmt::print("{}{}", first ? "" : "\n", formula_text(f));
      first = false;
    }
    return true;
  } catch (const ParseError& e) {
    if (json) {
      nlohmann::ordered_json out = {{"input", text}, {"error", error_json(e)}};
      if (line > 0) out["line"] = line;
      fmt::print("{}\n",
                 out.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
    }
    std::cerr << error_text(e, text, file, line);
    return false;
  }
}

}  // namespace

Runner add_formula_command(CLI::App& app) {
  auto args = std::make_shared<FormulaArgs>();
  CLI::App* cmd = app.add_subcommand(
      "formula",
      "Parse chemical formulas as the literature writes them and print the composition, molar "
      "mass and OPTIMADE formula fields");
  cmd->add_option("formulas", args->formulas, "Formulas to parse (quote them in the shell)");
  cmd->add_option("-f,--file", args->file,
                  "Read formulas from a file, one per line (blank lines and lines starting "
                  "with # are skipped); errors are reported as file:line:col")
      ->check(CLI::ExistingFile);
  cmd->add_option("-s,--set", args->set,
                  "Value of a composition variable, e.g. --set x=0.3 (repeatable); overrides "
                  "values written after the formula")
      ->allow_extra_args(false);
  cmd->add_flag("--json", args->json, "Print one JSON object per formula (JSON Lines)");
  cmd->add_option("--fields", args->fields,
                  "With --json: keep only these fields (and input), e.g. "
                  "--fields composition,chemical_formula_reduced")
      ->delimiter(',')
      ->allow_extra_args(false);
  cmd->add_flag("--table", args->table,
                "Print one table row per formula (reduced formula, molar mass, OPTIMADE reduced "
                "formula, notes; errors in the notes)");
  cmd->add_flag("--no-aliases", args->no_aliases,
                "Do not expand abbreviations such as LLZO or NMC811");
  cmd->footer(
      "Examples:\n"
      "  phasebook formula \"Li6.4La3Zr1.4Ta0.6O12\"\n"
      "  phasebook formula \"Li1+xAlxTi2-x(PO4)3\" --set x=0.3\n"
      "  phasebook formula --json \"0.75Li2S-0.25P2S5\" \"CuSO4·5H2O\"\n"
      "  phasebook formula --file list.txt\n"
      "Exit status: 0 when every formula parsed, 1 when any failed, 2 on bad usage.");
  return [args]() {
    if (args->formulas.empty() && args->file.empty()) {
      throw InvalidArgument("give a formula or --file (see phasebook formula --help)");
    }
    chem::FormulaOptions options;
    options.aliases = !args->no_aliases;
    for (const auto& s : args->set) options.values.insert(chem::parse_binding(s));
    bool ok = true;
    if (args->table) {
      fmt::print("{} {} {} {} {}\n", pad("formula", 34), pad("reduced formula", 24),
                 pad("g/mol", 10), pad("OPTIMADE reduced", 24), "notes");
    }
    bool first = true;
    for (const auto& f : args->formulas) ok = run_one(f, options, *args, {}, 0, first) && ok;
    if (!args->file.empty()) {
      for (const auto& [text, line] : read_formula_lines(args->file)) {
        ok = run_one(text, options, *args, args->file, line, first) && ok;
      }
    }
    return ok ? kExitOk : kExitFailed;
  };
}

}  // namespace pb::cli
