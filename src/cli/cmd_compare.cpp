// `phasebook compare A B` and `phasebook group FILES...`: structure matching with
// pymatgen-StructureMatcher-like tolerances, saying why two structures differ.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/structure_input.hpp"
#include "crystal/matcher.hpp"
#include "substance/identity.hpp"

namespace pb::cli {

namespace {

struct MatchArgs {
  std::vector<std::string> files;
  std::string format;
  std::string comparator = "species";
  bool no_scale = false;
  bool json = false;
  bool host = false;
  crystal::MatchOptions options;
};

void add_match_options(CLI::App& cmd, MatchArgs& a) {
  cmd.add_option("--from", a.format, "Input format when the names do not tell");
  cmd.add_option("--ltol", a.options.ltol, "Fractional tolerance on lattice lengths")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd.add_option("--stol", a.options.stol, "Site tolerance in units of (V/n)^(1/3)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd.add_option("--angle-tol", a.options.angle_tol, "Angle tolerance in degrees")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd.add_option("--comparator", a.comparator, "What makes sites alike")
      ->check(CLI::IsMember({"species", "element", "framework"}))
      ->capture_default_str();
  cmd.add_option("--ignore", a.options.ignored_species,
                 "Element(s) to leave out of both, e.g. --ignore Li");
  cmd.add_flag("--no-scale", a.no_scale, "Do not scale volumes to each other");
  cmd.add_flag("--json", a.json, "JSON output");
  add_symmetry_options(cmd, a.options.symmetry);
}

void finish_options(MatchArgs& a) {
  a.options.comparator = crystal::comparator_from_name(a.comparator);
  a.options.scale = !a.no_scale;
}

int compare(MatchArgs& a) {
  finish_options(a);
  bool ok = true;
  auto loaded = load_structures(a.files, a.format, ok, false);
  if (!ok || loaded.size() != 2) {
    fmt::print(stderr, "error: compare needs exactly two structures, the files hold {}\n",
               loaded.size());
    return kExitFailed;
  }
  crystal::MatchResult r;
  if (a.host) {
    // As the substance rule compares them: host frameworks, partly occupied elements left out.
    auto framework = [](const crystal::Structure& s) {
      return substance::host_framework(s, substance::host_of(substance::site_host_composition(s)));
    };
    substance::IdentityOptions io;
    io.framework = a.options;
    auto v = substance::compare_frameworks(framework(loaded[0].structure),
                                           framework(loaded[1].structure), io);
    r.match = v.compared && v.match;
    r.reason = v.reason;
    r.rms = v.rms;
    r.max_distance = v.max_distance;
    for (const std::string& e : v.ignored)
      r.reason += (r.reason.empty() ? "" : "; ") + ("left out " + e);
  } else {
    r = crystal::compare_structures(loaded[0].structure, loaded[1].structure, a.options);
  }
  if (a.json) {
    nlohmann::ordered_json out = {
        {"a", loaded[0].source}, {"b", loaded[1].source}, {"match", r.match}, {"reason", r.reason}};
    if (r.match || std::isfinite(r.max_distance)) {
      out["rms"] = r.rms;
      out["max_distance"] = r.max_distance;
    }
    fmt::print("{}\n", out.dump());
  } else if (r.match) {
    fmt::print("same structure (rms {:.4f}, max {:.4f} in units of (V/n)^(1/3))\n", r.rms,
               r.max_distance);
  } else {
    fmt::print("different: {}\n", r.reason);
  }
  // Exit 0 either way: "different" is an answer, not a failure.
  return kExitOk;
}

int group(MatchArgs& a) {
  finish_options(a);
  bool ok = true;
  auto loaded = load_structures(a.files, a.format, ok, false);
  std::vector<crystal::Structure> structures;
  for (const auto& l : loaded) structures.push_back(l.structure);
  auto groups = crystal::group_structures(structures, a.options);
  if (a.json) {
    auto out = nlohmann::ordered_json::array();
    for (const auto& g : groups) {
      nlohmann::ordered_json members = nlohmann::ordered_json::array();
      for (std::size_t i : g) members.push_back(loaded[i].source);
      out.push_back({{"formula", structures[g[0]].cell_composition().reduced_formula()},
                     {"members", members}});
    }
    fmt::print("{}\n", out.dump());
  } else {
    for (std::size_t k = 0; k < groups.size(); ++k) {
      fmt::print("group {} ({} member{}): {}\n", k + 1, groups[k].size(),
                 groups[k].size() == 1 ? "" : "s",
                 structures[groups[k][0]].cell_composition().reduced_formula());
      for (std::size_t i : groups[k]) fmt::print("  {}\n", loaded[i].source);
    }
  }
  return ok ? kExitOk : kExitFailed;
}

}  // namespace

Runner add_compare_command(CLI::App& app) {
  auto args = std::make_shared<MatchArgs>();
  CLI::App* cmd = app.add_subcommand(
      "compare", "Whether two structures are the same crystal (like pymatgen's StructureMatcher)");
  cmd->add_option("files", args->files, "Two structure files (or one file with two blocks)")
      ->required()
      ->check(CLI::ExistingFile);
  add_match_options(*cmd, *args);
  cmd->add_flag("--host", args->host,
                "Compare the host frameworks as the substance rule does: dopants folded, "
                "occupancies ignored, partly occupied elements left out, inversion allowed");
  return [args] { return compare(*args); };
}

Runner add_group_command(CLI::App& app) {
  auto args = std::make_shared<MatchArgs>();
  CLI::App* cmd =
      app.add_subcommand("group", "Group structures into classes of matching structures");
  cmd->add_option("files", args->files, "Structure files (every block of every file)")
      ->required()
      ->check(CLI::ExistingFile);
  add_match_options(*cmd, *args);
  return [args] { return group(*args); };
}

}  // namespace pb::cli
