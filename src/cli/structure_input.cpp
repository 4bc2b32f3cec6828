#include "cli/structure_input.hpp"

#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "util/error.hpp"

namespace pb::cli {

std::vector<crystal::LoadedStructure> load_structures(const std::vector<std::string>& files,
                                                      const std::string& format, bool& ok,
                                                      bool print_warnings) {
  std::vector<crystal::LoadedStructure> out;
  for (const std::string& path : files) {
    crystal::LoadResult r = crystal::read_structures(path, format);
    for (const auto& e : r.errors) fmt::print(stderr, "{}\n", e);
    ok = ok && r.errors.empty();
    if (print_warnings) {
      for (const auto& w : r.warnings) fmt::print(stderr, "{}\n", w);
    }
    for (auto& s : r.structures) {
      if (print_warnings) {
        for (const auto& w : s.warnings) fmt::print(stderr, "{}\n", w);
      }
      out.push_back(std::move(s));
    }
  }
  return out;
}

void add_symmetry_options(CLI::App& cmd, crystal::SymmetryOptions& options) {
  cmd.add_option("--symprec", options.symprec, "Distance tolerance in Å (spglib's symprec)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd.add_option("--angle-tolerance", options.angle_tolerance,
                 "Angle tolerance in degrees (-1: spglib's own choice)")
      ->capture_default_str();
}

nlohmann::ordered_json description_json(const crystal::Description& d) {
  nlohmann::ordered_json out;
  out["formula"] = d.formula_reduced;
  out["chemical_formula_reduced"] = d.formula_optimade;
  out["chemical_formula_anonymous"] = d.formula_anonymous;
  out["cell_formula"] = d.formula_cell;
  out["elements"] = d.elements;
  out["nsites"] = d.nsites;
  out["disordered"] = d.disordered;
  out["volume"] = d.volume;
  out["volume_per_atom"] = d.volume_per_atom;
  out["density"] = d.density;
  out["z"] = d.z;
  if (d.symmetry) {
    const auto& s = *d.symmetry;
    out["space_group"] = {{"number", s.number},
                          {"international", s.international},
                          {"hall", s.hall},
                          {"hall_number", s.hall_number},
                          {"crystal_system", s.crystal_system},
                          {"point_group", s.point_group}};
    out["pearson"] = s.pearson;
    out["wyckoff_sequence"] = d.wyckoff_sequence;
    out["structure_type"] = d.structure_type;
  } else {
    out["space_group"] = nullptr;
    out["symmetry_error"] = d.symmetry_error;
  }
  out["min_distance"] = d.min_distance;
  out["coordination"] = d.coordination;
  return out;
}

}  // namespace pb::cli
