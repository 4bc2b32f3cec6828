// `phasebook symmetry FILE...`: the space group spglib finds in each CIF block or POSCAR.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/commands.hpp"
#include "crystal/cif_structure.hpp"
#include "crystal/poscar.hpp"
#include "crystal/symmetry.hpp"
#include "util/error.hpp"

namespace pb::cli {

namespace {

struct SymmetryArgs {
  std::vector<std::string> files;
  double symprec = crystal::SymmetryOptions{}.symprec;
  double angle_tolerance = crystal::SymmetryOptions{}.angle_tolerance;
  bool json = false;
};

bool is_cif(const std::string& path) {
  return path.size() >= 4 && (path.compare(path.size() - 4, 4, ".cif") == 0 ||
                              path.compare(path.size() - 4, 4, ".CIF") == 0);
}

// (name, cell) pairs of a file: every readable block of a CIF, or the one cell of a POSCAR.
std::vector<std::pair<std::string, crystal::TypedCell>> cells_of(const std::string& path,
                                                                 bool& ok) {
  std::vector<std::pair<std::string, crystal::TypedCell>> out;
  if (is_cif(path)) {
    auto doc = crystal::cif::read_file(path);
    for (const auto& e : doc.errors) fmt::print(stderr, "{}\n", e.describe()), ok = false;
    for (const auto& b : doc.blocks) {
      try {
        auto s = crystal::read_structure(b, path);
        out.emplace_back("data_" + std::string(b.name), crystal::typed_cell(s.structure));
      } catch (const ParseError& e) {
        fmt::print(stderr, "{}\n", e.what());
        ok = false;
      }
    }
    return out;
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  try {
    out.emplace_back("", crystal::read_poscar(text.str(), path).typed_cell());
  } catch (const ParseError& e) {
    fmt::print(stderr, "{}\n", e.what());
    ok = false;
  }
  return out;
}

}  // namespace

Runner add_symmetry_command(CLI::App& app) {
  auto args = std::make_shared<SymmetryArgs>();
  CLI::App* cmd = app.add_subcommand(
      "symmetry",
      "Space group, Hall symbol, crystal system, Pearson symbol and Wyckoff letters "
      "(spglib) of CIF blocks and POSCAR files");
  cmd->add_option("files", args->files, "CIF files (*.cif) or POSCAR files (anything else)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--symprec", args->symprec, "Distance tolerance in Å (spglib's symprec)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--angle-tolerance", args->angle_tolerance,
                  "Angle tolerance in degrees (-1: spglib's own choice)")
      ->capture_default_str();
  cmd->add_flag("--json", args->json, "One JSON object per structure");
  return [args] {
    bool ok = true;
    crystal::SymmetryOptions options{args->symprec, args->angle_tolerance};
    for (const auto& path : args->files) {
      for (const auto& [name, cell] : cells_of(path, ok)) {
        std::string where = name.empty() ? path : path + " " + name;
        std::string error;
        auto info = crystal::analyse_symmetry(cell, options, &error);
        if (!info) {
          fmt::print(stderr, "{}: error: spglib found no symmetry ({})\n", where, error);
          ok = false;
          continue;
        }
        if (args->json) {
          nlohmann::ordered_json out = {
              {"file", path},
              {"structure", name},
              {"number", info->number},
              {"international", info->international},
              {"hall", info->hall},
              {"hall_number", info->hall_number},
              {"crystal_system", info->crystal_system},
              {"pearson", info->pearson},
              {"point_group", info->point_group},
              {"operations", info->operations},
              {"wyckoffs", std::string(info->wyckoffs.begin(), info->wyckoffs.end())},
              {"symprec", args->symprec}};
          fmt::print("{}\n", out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        } else {
          fmt::print("{}: {} (No. {}), Hall {}, {}, Pearson {}, point group {}, {} operations\n",
                     where, info->international, info->number, info->hall, info->crystal_system,
                     info->pearson, info->point_group, info->operations);
        }
      }
    }
    return ok ? kExitOk : kExitFailed;
  };
}

}  // namespace pb::cli
