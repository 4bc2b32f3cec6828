// `phasebook convert IN OUT`: structure files from one format to another (by extension), with an
// optional change of cell (conventional, primitive, Niggli) on the way.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <fstream>

#include "cli/commands.hpp"
#include "cli/structure_input.hpp"
#include "crystal/standard_cell.hpp"
#include "util/error.hpp"

namespace pb::cli {

namespace {

struct ConvertArgs {
  std::string input;
  std::string output;
  std::string from;
  std::string to;
  std::string cell = "as-is";
  bool symmetrize = false;
  crystal::SymmetryOptions symmetry;
};

int run(const ConvertArgs& a) {
  std::string to = a.to;
  if (to.empty()) {
    auto g = a.output == "-" ? std::nullopt : crystal::guess_format(a.output);
    if (!g)
      throw InvalidArgument("cannot tell the output format from '" + a.output + "'; give --to");
    to = *g;
  }
  bool ok = true;
  auto loaded = load_structures({a.input}, a.from, ok);
  if (loaded.empty()) return kExitFailed;
  std::string text;
  for (const auto& l : loaded) {
    crystal::Structure s = l.structure;
    if (a.cell == "conventional") s = crystal::conventional_cell(s, a.symmetry);
    if (a.cell == "primitive") s = crystal::primitive_cell(s, a.symmetry);
    if (a.cell == "niggli") s = crystal::niggli_cell(crystal::primitive_cell(s, a.symmetry));
    crystal::CifWriteOptions cif{a.symmetrize, a.symmetry};
    if (!text.empty() && to != "cif" && to != "xyz") {
      fmt::print(stderr, "{}: {} holds one structure; writing the first of {}\n", a.output, to,
                 loaded.size());
      break;
    }
    text += crystal::write_structure(s, to, cif);
  }
  if (a.output == "-") {
    fmt::print("{}", text);
  } else {
    std::ofstream out(a.output, std::ios::binary);
    if (!out) throw InvalidArgument("cannot write '" + a.output + "'");
    out << text;
  }
  return ok ? kExitOk : kExitFailed;
}

}  // namespace

Runner add_convert_command(CLI::App& app) {
  auto args = std::make_shared<ConvertArgs>();
  CLI::App* cmd = app.add_subcommand(
      "convert",
      "Convert structure files between CIF, POSCAR, extended XYZ and OPTIMADE JSON (formats "
      "from the file names: .cif, POSCAR/CONTCAR/.vasp, .xyz, .json)");
  cmd->add_option("input", args->input, "Input file")->required()->check(CLI::ExistingFile);
  cmd->add_option("output", args->output, "Output file ('-' = standard output, give --to)")
      ->required();
  cmd->add_option("--from", args->from, "Input format (cif, poscar, xyz, optimade)");
  cmd->add_option("--to", args->to, "Output format (cif, poscar, xyz, optimade)");
  cmd->add_option("--cell", args->cell, "Cell to write")
      ->check(CLI::IsMember({"as-is", "conventional", "primitive", "niggli"}))
      ->capture_default_str();
  cmd->add_flag("--symmetrize", args->symmetrize,
                "CIF: write the asymmetric unit of the conventional cell and its symmetry "
                "operations instead of every site in P 1");
  add_symmetry_options(*cmd, args->symmetry);
  return [args] { return run(*args); };
}

}  // namespace pb::cli
