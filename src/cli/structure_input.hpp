#pragma once
/// Structures named on the command line: every structure of every file, with located errors
/// and warnings printed to stderr as they are found.
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "crystal/describe.hpp"
#include "crystal/structure_io.hpp"

namespace CLI {
class App;
}

namespace pb::cli {

/// Reads the files (format from each name unless `format` is given); sets `ok` false when a
/// file or block could not be read.
std::vector<crystal::LoadedStructure> load_structures(const std::vector<std::string>& files,
                                                      const std::string& format, bool& ok,
                                                      bool print_warnings = true);

/// Adds --symprec and --angle-tolerance to a command.
void add_symmetry_options(CLI::App& cmd, crystal::SymmetryOptions& options);

/// A Description as JSON (the fields documented in docs/structures.md).
nlohmann::ordered_json description_json(const crystal::Description& d);

}  // namespace pb::cli
