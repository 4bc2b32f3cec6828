// `phasebook ingest`: load files into the database. One function per kind of file and one line
// in kIngestCommands; `ingest cif` joins the same way.
#include <fmt/core.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/db_option.hpp"
#include "store/ingest.hpp"
#include "store/ingest_cif.hpp"

namespace pb::cli {

namespace {

// Options every ingest subcommand shares.
struct IngestOptions {
  std::string db;
  std::vector<std::string> files;
  bool json = false;
};

void add_common(CLI::App& cmd, IngestOptions& o, const char* files_help) {
  add_db_option(cmd, o.db);
  cmd.add_option("files", o.files, files_help)->required()->check(CLI::ExistingFile);
  cmd.add_flag("--json", o.json, "Print one JSON report per file");
}

// A one-line progress display with rate and ETA on a terminal; silent otherwise.
store::Progress progress_line(const std::string& file) {
  if (isatty(STDERR_FILENO) == 0) return {};
  auto start = std::chrono::steady_clock::now();
  return [file, start](std::size_t done, std::size_t total) {
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double rate = s > 0 ? static_cast<double>(done) / s : 0.0;
    double eta = rate > 0 ? static_cast<double>(total - done) / rate : 0.0;
    fmt::print(stderr, "\r{}: {}/{} ({:.0f}/s, ETA {:.0f} s)   {}", file, done, total, rate, eta,
               done == total ? "\n" : "");
  };
}

// Prints the report; returns the exit code (failed when rows were rejected and nothing written).
int report(const std::string& file, const store::IngestReport& r, bool json, const char* noun) {
  for (const auto& e : r.errors) fmt::print(stderr, "{}\n", e.describe());
  for (const auto& w : r.warnings) fmt::print(stderr, "{}\n", w.describe("warning"));
  if (json) {
    nlohmann::ordered_json out = {{"file", file},
                                  {"rows", r.rows},
                                  {"records", r.records},
                                  {"inserted", r.inserted},
                                  {"existing", r.existing},
                                  {"skipped", r.skipped},
                                  {"references_added", r.references_added},
                                  {"errors", r.errors.size()},
                                  {"warnings", r.warnings.size()},
                                  {"written", r.written}};
    fmt::print("{}\n", out.dump());
  } else if (!r.written) {
    fmt::print(stderr, "{}: {} bad row{} of {}; nothing written (fix them or use --skip-bad)\n",
               file, r.skipped, r.skipped == 1 ? "" : "s", r.rows);
  } else {
    fmt::print("{}: {} {}: {} new, {} already present", file, r.records, noun, r.inserted,
               r.existing);
    if (r.references_added > 0) fmt::print(", {} references added", r.references_added);
    if (r.skipped > 0) fmt::print(", {} bad rows skipped", r.skipped);
    fmt::print("\n");
  }
  return r.written ? kExitOk : kExitFailed;
}

// "col=field" pairs from --map and --set.
std::vector<std::pair<std::string, std::string>> pairs(const std::vector<std::string>& items,
                                                       const char* option) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& item : items) {
    std::size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw InvalidArgument(std::string(option) + " " + item + ": expected NAME=VALUE");
    }
    out.emplace_back(item.substr(0, eq), item.substr(eq + 1));
  }
  return out;
}

Runner add_properties(CLI::App& ingest) {
  struct Options : IngestOptions {
    std::vector<std::string> map, set;
    bool skip_bad = false;
    std::size_t batch = 5000;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = ingest.add_subcommand(
      "properties", "Property values from CSV (columns and units: docs/database.md)");
  add_common(*cmd, *o, "CSV files");
  cmd->add_option("--map", o->map,
                  "COLUMN=FIELD: read a column as a field (formula, value, temperature, doi, "
                  "-, condition, ...) or as values of a property kind")
      ->allow_extra_args(false);
  cmd->add_option("--set", o->set,
                  "FIELD=VALUE: a value for every row (unit=S/cm, temperature_unit=°C, "
                  "property=ionic_conductivity)")
      ->allow_extra_args(false);
  cmd->add_flag("--skip-bad", o->skip_bad, "Write the good rows and report the bad ones");
  cmd->add_option("--batch", o->batch, "Rows per transaction")->capture_default_str();
  return [o]() {
    store::Database db = open_database(o->db);
    store::PropertyCsvOptions options;
    options.map = pairs(o->map, "--map");
    options.set = pairs(o->set, "--set");
    options.skip_bad = o->skip_bad;
    options.batch_rows = o->batch;
    int status = kExitOk;
    for (const auto& file : o->files) {
      options.progress = o->json ? store::Progress{} : progress_line(file);
      status = std::max(status, report(file, store::ingest_properties_csv(db, file, options),
                                       o->json, "properties"));
    }
    store::LinkReport link = store::link_properties(db);
    if (!o->json) {
      fmt::print("properties linked to substances: {} (ambiguous {}, no substance yet {})\n",
                 link.linked, link.ambiguous, link.unmatched);
    }
    return status;
  };
}

Runner add_references(CLI::App& ingest) {
  auto o = std::make_shared<IngestOptions>();
  CLI::App* cmd =
      ingest.add_subcommand("references", "Literature references from BibTeX (.bib) or RIS (.ris)");
  add_common(*cmd, *o, ".bib or .ris files");
  return [o]() {
    store::Database db = open_database(o->db);
    int status = kExitOk;
    for (const auto& file : o->files) {
      status =
          std::max(status, report(file, store::ingest_references(db, file), o->json, "references"));
    }
    return status;
  };
}

Runner add_phase_diagrams(CLI::App& ingest) {
  auto o = std::make_shared<IngestOptions>();
  CLI::App* cmd =
      ingest.add_subcommand("phase-diagrams", "Phase diagrams from JSON (shape: docs/database.md)");
  add_common(*cmd, *o, "JSON files");
  return [o]() {
    store::Database db = open_database(o->db);
    int status = kExitOk;
    for (const auto& file : o->files) {
      status = std::max(
          status, report(file, store::ingest_phase_diagrams(db, file), o->json, "phase diagrams"));
    }
    return status;
  };
}

Runner add_structures(CLI::App& ingest) {
  struct CifOptions {
    std::string db;
    std::vector<std::string> paths;
    std::string report_file;
    unsigned threads = 0;
    std::size_t batch = store::StructureIngestOptions{}.batch_files;
    double symprec = crystal::SymmetryOptions{}.symprec;
    bool json = false;
  };
  auto o = std::make_shared<CifOptions>();
  CLI::App* cmd = ingest.add_subcommand(
      "cif",
      "Crystal structures from CIF, POSCAR, extended XYZ or OPTIMADE JSON files or directories "
      "(searched recursively), linked to references and substances");
  add_db_option(*cmd, o->db);
  cmd->add_option("paths", o->paths, "Files or directories")->required()->check(CLI::ExistingPath);
  cmd->add_option("--report", o->report_file,
                  "Write every file or block that failed, with its located error, to this file");
  cmd->add_option("--threads", o->threads, "Parser threads (0 = one per core)")
      ->capture_default_str();
  cmd->add_option("--batch", o->batch, "Files per transaction")->capture_default_str();
  cmd->add_option("--symprec", o->symprec, "Symmetry tolerance in Å (spglib)")
      ->capture_default_str();
  cmd->add_flag("--json", o->json, "Print a JSON report");
  return [o]() {
    store::Database db = open_database(o->db);
    std::vector<std::filesystem::path> inputs(o->paths.begin(), o->paths.end());
    auto files = store::structure_files(inputs);
    store::StructureIngestOptions options;
    options.threads = o->threads;
    options.batch_files = o->batch;
    options.symmetry.symprec = o->symprec;
    options.progress = o->json ? store::Progress{} : progress_line("structures");
    store::IngestReport r = store::ingest_structures(db, files, options);
    store::LinkReport link = store::link_properties(db);
    for (const auto& e : r.errors) fmt::print(stderr, "{}\n", e.message);
    if (!o->report_file.empty()) {
      std::ofstream out(o->report_file, std::ios::binary);
      for (const auto& e : r.errors) out << e.message << "\n";
    }
    if (o->json) {
      nlohmann::ordered_json out = {{"files", r.rows},
                                    {"structures", r.records},
                                    {"inserted", r.inserted},
                                    {"existing", r.existing},
                                    {"references_added", r.references_added},
                                    {"errors", r.errors.size()},
                                    {"properties_linked", link.linked}};
      fmt::print("{}\n", out.dump());
    } else {
      fmt::print(
          "{} files: {} structures: {} new, {} already present, {} references added, {} "
          "failed files or blocks\n",
          r.rows, r.records, r.inserted, r.existing, r.references_added, r.errors.size());
      if (link.linked > 0) fmt::print("{} properties linked to substances\n", link.linked);
    }
    return r.errors.empty() ? kExitOk : kExitFailed;
  };
}

// One line per kind of input file.
const std::pair<const char*, Runner (*)(CLI::App&)> kIngestCommands[] = {
    {"cif", add_structures},
    {"properties", add_properties},
    {"references", add_references},
    {"phase-diagrams", add_phase_diagrams},
};

}  // namespace

Runner add_ingest_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("ingest", "Load files into the database (idempotent)");
  cmd->require_subcommand(1);
  auto runners = std::make_shared<std::map<CLI::App*, Runner>>();
  for (const auto& [name, add] : kIngestCommands) {
    Runner run = add(*cmd);
    runners->emplace(cmd->get_subcommand(name), std::move(run));
  }
  return [cmd, runners]() {
    for (CLI::App* sub : cmd->get_subcommands()) return runners->at(sub)();
    return kExitUsage;
  };
}

}  // namespace pb::cli
