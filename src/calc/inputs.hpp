#pragma once
/// DFT inputs from a structure: the code writers (Quantum ESPRESSO, VASP, ABINIT) registered by
/// name, each rendering the templates of data/templates/<code>/ (or a user directory).
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "calc/parameters.hpp"
#include "crystal/structure.hpp"

namespace pb::calc {

/// What a calculation computes.
enum class Task { kScf, kRelax, kDos, kBands };
std::string_view to_string(Task t);
/// "scf", "relax", "dos", "bands"; throws pb::InvalidArgument otherwise.
Task parse_task(std::string_view text);

/// Where templates come from: user directories first (each holding <code>/<file>), then the
/// templates compiled in from data/templates.
struct TemplateSource {
  std::vector<std::filesystem::path> user_dirs;
  /// The text and a name for messages; throws pb::NotFound when no directory has it.
  std::pair<std::string, std::string> get(std::string_view code, std::string_view file) const;
};

/// The embedded templates: (code/file, text).
const std::vector<std::pair<std::string_view, std::string_view>>& embedded_templates();

/// A job directory's content: files to write and the shell commands that run it, in order.
struct InputSet {
  std::string code;
  Task task = Task::kScf;
  std::vector<std::pair<std::string, std::string>> files;  ///< name, content
  std::vector<std::string> steps;                          ///< e.g. "pw.x -in scf.in > scf.out"
  nlohmann::json info;  ///< the derived settings (mesh, cutoffs, pseudos, spin, path)
};

/// The structure and settings as template values (shared by every code; docs/calc.md lists
/// the names).
nlohmann::json common_context(std::string_view code, const crystal::Structure& s, Task task,
                              const Parameters& p);

/// Bands: the path's lattice and its labelled points (index into the path, label, distance)
/// from a context with a `kpath`, into a job's info (`plot bands` draws the labels); nothing
/// for other tasks.
void add_kpath_info(const nlohmann::json& context, nlohmann::json& info);

/// One DFT code.
struct CodeWriter {
  std::string_view name;  ///< "qe", "vasp", "abinit"
  std::string_view description;
  std::function<InputSet(const crystal::Structure&, Task, const Parameters&, const TemplateSource&)>
      prepare;
};

/// The registered codes.
const std::vector<CodeWriter>& code_writers();
/// Throws pb::InvalidArgument naming the known codes.
const CodeWriter& find_code(std::string_view name);

/// Writes an input set into `dir` (created), with `info.json` beside the inputs.
void write_input_set(const InputSet& in, const std::filesystem::path& dir);

// Registration functions, one per code file.
CodeWriter qe_writer();
CodeWriter vasp_writer();
CodeWriter abinit_writer();

}  // namespace pb::calc
