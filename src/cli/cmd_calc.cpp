// `phasebook calc ...`: DFT inputs from structures (prepare), the parameter table (params),
// batches run through the workflow controller (run, status, results, cancel) and output parsing
// (parse). docs/calc.md describes them.
#include <fcntl.h>
#include <fmt/core.h>
#include <sys/file.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "calc/inputs.hpp"
#include "calc/outputs.hpp"
#include "calc/parameters.hpp"
#include "calc/workflow.hpp"
#include "cli/commands.hpp"
#include "cli/db_option.hpp"
#include "cli/search_options.hpp"
#include "cli/structure_input.hpp"
#include "query/search.hpp"
#include "store/sqlite_repositories.hpp"
#include "store/structure_record.hpp"
#include "util/error.hpp"

namespace pb::cli {

namespace {

namespace fs = std::filesystem;

struct PrepareArgs {
  std::string code = "qe";
  std::string task = "scf";
  std::vector<std::string> files;
  std::string out;
  std::vector<std::string> sets;
  std::vector<std::string> template_dirs;
  bool dry_run = false;
  int repeat = 1;
  std::string db, query;  // structures from a database search instead of (or beside) files
};

calc::Parameters parameters_from(const std::vector<std::string>& sets) {
  calc::Parameters p = calc::default_parameters();
  for (const auto& s : sets) calc::set_parameter(p, s);
  return p;
}

int run_prepare(const PrepareArgs& a) {
  const calc::CodeWriter& writer = calc::find_code(a.code);
  calc::Task task = calc::parse_task(a.task);
  calc::Parameters p = parameters_from(a.sets);
  calc::TemplateSource templates;
  for (const auto& d : a.template_dirs) templates.user_dirs.emplace_back(d);
  if (a.files.empty() && a.db.empty()) {
    throw InvalidArgument(
        "give structure files, or --db (with --query) to take them from a database");
  }
  if (a.out.empty() && !a.dry_run) throw InvalidArgument("give -o DIR (or --dry-run)");
  bool ok = true;
  auto loaded = load_structures(a.files, "", ok);
  // Database structures are read one at a time, as they are needed (thousands of them would
  // otherwise sit in memory together).
  std::optional<store::Database> db;
  std::optional<store::Repositories> repos;
  std::vector<std::int64_t> ids;
  if (!a.db.empty()) {
    // --query holds search options as one string, like `calc run --query`.
    SearchOptions search;
    if (!a.query.empty()) {
      CLI::App sub{"query"};
      add_search_options(sub, search);
      sub.parse(a.query, false);
    }
    db.emplace(open_database(a.db));
    repos.emplace(store::make_repositories(*db));
    for (const auto& row : query::search_structures(*db, search.to_query()).rows)
      ids.push_back(row.id);
  }
  std::size_t total = loaded.size() + ids.size(), written = 0, generated = 0, refused = 0;
  double seconds = 0;
  crystal::LoadedStructure from_db;
  for (std::size_t i = 0; i < total; ++i) {
    const crystal::LoadedStructure* l = i < loaded.size() ? &loaded[i] : &from_db;
    if (i >= loaded.size()) {
      std::int64_t id = ids[i - loaded.size()];
      auto record = repos->structures->get(id);
      if (!record) continue;  // deleted since the search
      from_db.structure = store::to_structure(*record);
      from_db.source = fmt::format("{} structure {}", a.db, id);
    }
    fs::path dir = a.out;
    if (total > 1) {
      dir /= fmt::format("{:04}-{}", i + 1, l->structure.cell_composition().reduced_formula());
    }
    try {
      // --repeat times the generation alone (benchmarks); the files are written once.
      auto start = std::chrono::steady_clock::now();
      calc::InputSet in;
      for (int r = 0; r < a.repeat; ++r) in = writer.prepare(l->structure, task, p, templates);
      seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      generated += static_cast<std::size_t>(a.repeat);
      if (a.dry_run) continue;
      in.info["source"] = l->source;
      in.info["steps"] = in.steps;
      calc::write_input_set(in, dir);
      fmt::print("{}: {} {} -> {}\n", l->source, a.code, a.task, dir.string());
      ++written;
    } catch (const NotFound& e) {
      fmt::print(stderr, "{}: error: {}\n", l->source, e.what());
      ok = false;
      ++refused;
    } catch (const InvalidArgument& e) {
      fmt::print(stderr, "{}: error: {}\n", l->source, e.what());
      ok = false;
      ++refused;
    }
  }
  if (a.dry_run) {
    fmt::print("{} inputs generated ({} structures, {} refused) in {:.4f} s: {:.0f} structures/s\n",
               generated, total - refused, refused, seconds,
               seconds > 0 ? static_cast<double>(generated) / seconds : 0.0);
    return ok && generated > 0 ? kExitOk : kExitFailed;
  }
  return ok && written > 0 ? kExitOk : kExitFailed;
}

int run_params() {
  fmt::print("{:<18} {:<10} {:<12} {}\n", "name", "default", "codes", "help");
  for (const auto& s : calc::parameter_specs()) {
    fmt::print("{:<18} {:<10} {:<12} {}\n", s.name, s.default_text.empty() ? "-" : s.default_text,
               s.codes, s.help);
  }
  fmt::print("{:<18} {:<10} {:<12} {}\n", "pseudo.<El>", "-", "all",
             "pseudopotential file of one element, inside pseudo_dir");
  return kExitOk;
}

/// Default directory of job directories, beside the database file.
std::string default_workdir(const std::string& db) { return resolve_db_path(db) + ".calc"; }

struct RunArgs {
  std::string db, runner = "local", code = "qe", task = "scf", workdir, batch, query;
  std::vector<std::string> sets;
  SearchOptions search;
  int max_attempts = 3, max_jobs = 0;
  double poll_s = 1, timeout_s = 0;
  bool no_wait = false;
  std::string partition, sbatch_options;
};

// Holds an exclusive lock on the job directory for the controller's lifetime: one controller
// per workdir, so two never submit the same queued job.
class ControllerLock {
 public:
  explicit ControllerLock(const fs::path& dir) {
    fs::create_directories(dir);
    fd_ = ::open((dir / "controller.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0 || ::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      throw std::runtime_error(
          fmt::format("another controller is running on {} (lock {}/controller.lock)", dir.string(),
                      dir.string()));
    }
  }
  ~ControllerLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  ControllerLock(const ControllerLock&) = delete;
  ControllerLock& operator=(const ControllerLock&) = delete;

 private:
  int fd_ = -1;
};

int run_run(RunArgs& a) {
  if (!a.query.empty()) {
    // --query holds search options as one string: "--elements Si --nelements 1".
    CLI::App sub{"query"};
    add_search_options(sub, a.search);
    sub.parse(a.query, false);
  }
  query::StructureQuery q = a.search.to_query();
  calc::Parameters p = parameters_from(a.sets);
  store::Database db = open_database(a.db);
  std::string workdir = a.workdir.empty() ? default_workdir(a.db) : a.workdir;
  ControllerLock lock(workdir);
  calc::RunnerOptions ro;
  ro.max_jobs = a.max_jobs;
  ro.partition = a.partition;
  ro.sbatch_options = a.sbatch_options;
  ro.walltime_s = calc::param_int(p, "walltime_s");
  auto runner = calc::make_runner(a.runner, ro);
  calc::TemplateSource templates;
  calc::Workflow wf(db, workdir, *runner, templates);
  auto found = query::search_structures(db, q);
  std::vector<std::int64_t> ids;
  for (const auto& r : found.rows) ids.push_back(r.id);
  std::string batch = a.batch.empty() ? fmt::format("{}-{}", a.code, a.task) : a.batch;
  int added = wf.enqueue(ids, a.code, a.task, p, batch, a.max_attempts);
  fmt::print(stderr, "{} structures matched; {} jobs queued in batch '{}' ({} already known)\n",
             ids.size(), added, batch, ids.size() - static_cast<std::size_t>(added));
  auto start = std::chrono::steady_clock::now();
  for (;;) {
    int open = wf.step();
    if (open == 0 || a.no_wait) {
      fmt::print(stderr, "{} jobs still open\n", open);
      break;
    }
    double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (a.timeout_s > 0 && elapsed > a.timeout_s) {
      fmt::print(stderr, "stopping after {:.0f} s with {} jobs open; run again to resume\n",
                 elapsed, open);
      return kExitFailed;
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(a.poll_s));
  }
  auto jobs = calc::list_jobs(db, {batch, {}, {}});
  int failed = 0;
  for (const auto& j : jobs) failed += j.state == "failed";
  return failed ? kExitFailed : kExitOk;
}

struct ListArgs {
  std::string db, batch, workdir, runner = "local";
  std::vector<std::int64_t> ids;
  bool json = false;
};

int run_status(const ListArgs& a) {
  store::Database db = open_database(a.db);
  auto jobs = calc::list_jobs(db, {a.batch, a.ids, {}});
  if (a.json) {
    for (const auto& j : jobs) {
      fmt::print("{}\n", calc::to_json(j).dump());
    }
    return kExitOk;
  }
  std::map<std::string, int> counts;
  fmt::print("{:>5}  {:<12} {:<10} {:<6} {:<6} {:<10} {:>8}  {:<12} {}\n", "id", "batch", "formula",
             "code", "task", "state", "attempts", "runner id", "reason");
  for (const auto& j : jobs) {
    ++counts[j.state];
    fmt::print("{:>5}  {:<12} {:<10} {:<6} {:<6} {:<10} {:>5}/{:<2}  {:<12} {}\n", j.id, j.batch,
               j.formula, j.code, j.task, j.state, j.attempts, j.max_attempts,
               j.runner_job_id.empty() ? "-" : j.runner_job_id, j.reason);
  }
  std::string summary;
  for (const auto& [state, n] : counts)
    summary += fmt::format("{}{} {}", summary.empty() ? "" : ", ", n, state);
  fmt::print(stderr, "{} jobs: {}\n", jobs.size(), summary.empty() ? "none" : summary);
  return kExitOk;
}

nlohmann::ordered_json result_json(const calc::StoredResult& r) {
  auto opt = [](const std::optional<double>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json();
  };
  nlohmann::ordered_json o = {
      {"job_id", r.job.id},
      {"structure_id", r.job.structure_id ? nlohmann::json(*r.job.structure_id) : nlohmann::json()},
      {"substance_id", r.job.substance_id ? nlohmann::json(*r.job.substance_id) : nlohmann::json()},
      {"formula", r.job.formula},
      {"code", r.job.code},
      {"task", r.job.task},
      {"energy_ev", opt(r.result.energy_ev)},
      {"energy_per_atom_ev", opt(r.result.energy_per_atom_ev())},
      {"formation_energy_ev_per_atom", opt(r.formation_energy_ev_per_atom)},
      {"formation_note", r.formation_note},
      {"fermi_ev", opt(r.result.fermi_ev)},
      {"magnetization", opt(r.result.magnetization)},
      {"converged", r.result.converged},
      {"scf_steps", r.result.scf_steps},
      {"attempts", r.job.attempts}};
  if (auto g = calc::result_gap(r.result)) {
    o["band_gap_ev"] = g->gap_ev;
    o["gap_direct"] = g->direct;
    o["metal"] = g->metal;
  }
  return o;
}

int run_results(const ListArgs& a) {
  store::Database db = open_database(a.db);
  auto results = calc::list_results(db, {a.batch, a.ids, {}});
  if (a.json) {
    for (const auto& r : results) fmt::print("{}\n", result_json(r).dump());
    return kExitOk;
  }
  fmt::print("{:>5}  {:<10} {:<6} {:<6} {:>14} {:>12} {:>10} {:>9}  {:<8} {:>7}\n", "job",
             "formula", "code", "task", "E (eV)", "E/atom (eV)", "Ef (eV/at)", "gap (eV)",
             "gap kind", "M (uB)");
  for (const auto& r : results) {
    auto g = calc::result_gap(r.result);
    fmt::print("{:>5}  {:<10} {:<6} {:<6} {:>14.6f} {:>12.6f} {:>10} {:>9}  {:<8} {:>7}\n",
               r.job.id, r.job.formula, r.job.code, r.job.task, r.result.energy_ev.value_or(NAN),
               r.result.energy_per_atom_ev().value_or(NAN),
               r.formation_energy_ev_per_atom
                   ? fmt::format("{:.4f}", *r.formation_energy_ev_per_atom)
                   : "-",
               g ? fmt::format("{:.4f}", g->gap_ev) : "-",
               !g          ? "-"
               : g->metal  ? "metal"
               : g->direct ? "direct"
                           : "indirect",
               r.result.magnetization ? fmt::format("{:.3f}", *r.result.magnetization) : "-");
  }
  return kExitOk;
}

int run_cancel(const ListArgs& a) {
  if (a.batch.empty() && a.ids.empty()) throw InvalidArgument("give --batch NAME or job ids");
  store::Database db = open_database(a.db);
  auto runner = calc::make_runner(a.runner);
  std::string workdir = a.workdir.empty() ? default_workdir(a.db) : a.workdir;
  calc::Workflow wf(db, workdir, *runner);
  int n = wf.cancel({a.batch, a.ids, {}});
  fmt::print(stderr, "{} jobs cancelled\n", n);
  return kExitOk;
}

struct ParseArgs {
  std::string path, kind, code = "qe";
  bool full = false;
};

int run_parse(const ParseArgs& a) {
  calc::CalcResult r;
  if (fs::is_directory(a.path)) {
    r = calc::parse_job_directory(a.code, a.path);
  } else {
    std::ifstream in(a.path, std::ios::binary);
    if (!in) throw NotFound(fmt::format("cannot open {}", a.path));
    std::string text((std::istreambuf_iterator<char>(in)), {});
    r = calc::parse_output(a.kind.empty() ? calc::guess_output_kind(a.path) : a.kind, text, a.path);
  }
  nlohmann::json j = calc::to_json(r);
  if (!a.full) {  // large; `plot` draws them
    j.erase("bands");
    j.erase("dos");
  }
  fmt::print("{}\n", j.dump(2));
  return kExitOk;
}

}  // namespace

Runner add_calc_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("calc", "DFT calculations: inputs, runs, results");
  cmd->require_subcommand(1);

  auto prepare = std::make_shared<PrepareArgs>();
  CLI::App* prep = cmd->add_subcommand(
      "prepare", "Write Quantum ESPRESSO / VASP / ABINIT inputs for structure files");
  prep->add_option("--code", prepare->code, "qe | vasp | abinit")->capture_default_str();
  prep->add_option("--task", prepare->task, "scf | relax | dos | bands")->capture_default_str();
  prep->add_option("files", prepare->files, "Structure files (CIF, POSCAR, ...)");
  add_db_option(*prep, prepare->db);
  prep->add_option("--query", prepare->query,
                   "With --db: search options as one string selecting the structures, e.g. "
                   "'--elements Li,O' (default: every structure)");
  prep->add_option("-o,--out", prepare->out,
                   "Output directory (one sub-directory per structure "
                   "when several); required unless --dry-run");
  prep->add_option("--set", prepare->sets, "NAME=VALUE parameter (see `calc params`); repeatable");
  prep->add_flag("--dry-run", prepare->dry_run,
                 "Generate the inputs without writing them; print the generation rate");
  prep->add_option("--repeat", prepare->repeat, "Generate each input this many times (timing)")
      ->check(CLI::PositiveNumber);
  prep->add_option("--templates", prepare->template_dirs,
                   "Directory with <code>/<file> templates overriding the built-in ones");

  CLI::App* params = cmd->add_subcommand("params", "The calculation parameters and defaults");

  auto run = std::make_shared<RunArgs>();
  CLI::App* r = cmd->add_subcommand(
      "run", "Queue jobs for the structures a search selects and run them until all finish");
  add_db_option(*r, run->db);
  add_search_options(*r, run->search);
  r->add_option("--query", run->query, "Search options as one string, e.g. '--elements Si'");
  r->add_option("--runner", run->runner, "local | slurm")->capture_default_str();
  r->add_option("--code", run->code, "qe | vasp | abinit")->capture_default_str();
  r->add_option("--task", run->task, "scf | relax | dos | bands")->capture_default_str();
  r->add_option("--set", run->sets, "NAME=VALUE parameter (see `calc params`); repeatable");
  r->add_option("--workdir", run->workdir,
                "Job directories (default: DB.calc beside the database)");
  r->add_option("--batch", run->batch, "Batch label (default: CODE-TASK)");
  r->add_option("--max-attempts", run->max_attempts, "Attempts per job, error handlers included")
      ->capture_default_str();
  r->add_option("--max-jobs", run->max_jobs, "local: jobs at once (default: one per core)");
  r->add_option("--poll", run->poll_s, "Seconds between polls")->capture_default_str();
  r->add_option("--timeout", run->timeout_s,
                "Stop the controller after this many seconds (jobs go on)");
  r->add_flag("--no-wait", run->no_wait, "Submit what can start now and return");
  r->add_option("--partition", run->partition, "slurm: partition");
  r->add_option("--sbatch-options", run->sbatch_options, "slurm: extra sbatch options");

  auto list = std::make_shared<ListArgs>();
  auto add_list = [&](CLI::App* c) {
    add_db_option(*c, list->db);
    c->add_option("--batch", list->batch, "Only this batch");
    c->add_option("ids", list->ids, "Only these job ids");
    c->add_flag("--json", list->json, "One JSON object per line");
  };
  CLI::App* status = cmd->add_subcommand("status", "Jobs with their state, attempts and reason");
  add_list(status);
  CLI::App* results =
      cmd->add_subcommand("results", "Energies, band gaps and formation energies of finished jobs");
  add_list(results);
  CLI::App* cancel = cmd->add_subcommand("cancel", "Cancel queued and running jobs");
  add_list(cancel);
  cancel->add_option("--runner", list->runner, "local | slurm")->capture_default_str();
  cancel->add_option("--workdir", list->workdir, "Job directories (default: DB.calc)");

  auto parse = std::make_shared<ParseArgs>();
  CLI::App* ps = cmd->add_subcommand("parse", "Parse an output file or a job directory to JSON");
  ps->add_option("path", parse->path, "File or job directory")->required();
  ps->add_option("--kind", parse->kind,
                 "qe-xml | qe-stdout | vasprun | outcar | abinit (default: from the name)");
  ps->add_option("--code", parse->code, "Code of a job directory")->capture_default_str();
  ps->add_flag("--full", parse->full, "Include eigenvalues (bands) and the code's own DOS");

  return [=]() {
    if (prep->parsed()) return run_prepare(*prepare);
    if (params->parsed()) return run_params();
    if (r->parsed()) return run_run(*run);
    if (status->parsed()) return run_status(*list);
    if (results->parsed()) return run_results(*list);
    if (cancel->parsed()) return run_cancel(*list);
    if (ps->parsed()) return run_parse(*parse);
    return kExitUsage;
  };
}

}  // namespace pb::cli
