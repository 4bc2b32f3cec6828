// The workflow controller. Every transition is one UPDATE committed before the next side effect
// (a submission, a kill), and the side effects leave marks in the job directory (pid,
// slurm_array, exit_code), so a controller killed between any two statements finds each job
// again on restart: a 'submitting' job is adopted if the runner knows it, else queued again.
#include "calc/workflow.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>

#include "calc/outputs.hpp"
#include "chem/element.hpp"
#include "store/sqlite_repositories.hpp"
#include "store/structure_record.hpp"
#include "util/error.hpp"
#include "util/sha256.hpp"

namespace pb::calc {

namespace fs = std::filesystem;

namespace {

constexpr const char* kJobColumns =
    "j.id, j.batch, j.structure_id, j.substance_id, j.code, j.task, j.settings_hash, "
    "j.parameters, j.state, j.attempts, j.max_attempts, j.runner, j.runner_job_id, j.workdir, "
    "j.reason, j.history, coalesce(s.chemical_formula_reduced, '')";

JobRow read_job(store::Statement& st) {
  JobRow j;
  j.id = st.column_int64(0);
  j.batch = st.column_text(1);
  j.structure_id = st.column_optional_int64(2);
  j.substance_id = st.column_optional_text(3);
  j.code = st.column_text(4);
  j.task = st.column_text(5);
  j.settings_hash = st.column_text(6);
  j.parameters = nlohmann::json::parse(st.column_text(7));
  j.state = st.column_text(8);
  j.attempts = static_cast<int>(st.column_int64(9));
  j.max_attempts = static_cast<int>(st.column_int64(10));
  j.runner = st.column_text(11);
  j.runner_job_id = st.column_optional_text(12).value_or("");
  j.workdir = st.column_optional_text(13).value_or("");
  j.reason = st.column_optional_text(14).value_or("");
  j.history = nlohmann::json::parse(st.column_text(15));
  j.formula = st.column_text(16);
  return j;
}

std::string where_clause(const JobFilter& f) {
  std::vector<std::string> parts;
  if (!f.batch.empty()) parts.emplace_back("j.batch = :batch");
  if (!f.ids.empty()) {
    std::string ids;
    for (auto id : f.ids) ids += (ids.empty() ? "" : ",") + std::to_string(id);
    parts.push_back("j.id IN (" + ids + ")");  // integers only: no injection possible
  }
  if (!f.states.empty()) {
    std::string states;
    for (std::size_t i = 0; i < f.states.size(); ++i) {
      states += fmt::format("{}:state{}", i ? "," : "", i);
    }
    parts.push_back("j.state IN (" + states + ")");
  }
  std::string w;
  for (const auto& p : parts) w += (w.empty() ? " WHERE " : " AND ") + p;
  return w;
}

void bind_filter(store::Statement& st, const JobFilter& f) {
  if (!f.batch.empty()) st.bind(":batch", f.batch);
  for (std::size_t i = 0; i < f.states.size(); ++i)
    st.bind(fmt::format(":state{}", i), f.states[i]);
}

// Parameters that describe the physics; handlers change the others between attempts.
bool is_setting(const std::string& name) {
  return name != "mixing_beta" && name != "electron_maxstep" && name != "walltime_s" &&
         name != "restart" && name != "command";
}

}  // namespace

nlohmann::ordered_json to_json(const JobRow& j) {
  using nlohmann::ordered_json;
  return {{"id", j.id},
          {"batch", j.batch},
          {"structure_id", j.structure_id ? ordered_json(*j.structure_id) : ordered_json()},
          {"substance_id", j.substance_id ? ordered_json(*j.substance_id) : ordered_json()},
          {"formula", j.formula},
          {"code", j.code},
          {"task", j.task},
          {"state", j.state},
          {"attempts", j.attempts},
          {"max_attempts", j.max_attempts},
          {"runner", j.runner},
          {"runner_job_id", j.runner_job_id},
          {"workdir", j.workdir},
          {"reason", j.reason},
          {"settings_hash", j.settings_hash},
          {"parameters", j.parameters},
          {"history", j.history}};
}

std::vector<JobRow> list_jobs(store::Database& db, const JobFilter& f) {
  auto st = db.connection().prepare(
      fmt::format("SELECT {} FROM calc_job j LEFT JOIN structure s ON s.id = j.structure_id{} "
                  "ORDER BY j.id",
                  kJobColumns, where_clause(f)));
  bind_filter(st, f);
  std::vector<JobRow> out;
  while (st.step()) out.push_back(read_job(st));
  return out;
}

std::string settings_hash(std::string_view code, std::string_view task, const Parameters& p) {
  nlohmann::json kept = nlohmann::json::object();
  for (const auto& [k, v] : p.items()) {
    if (is_setting(k)) kept[k] = v;
  }
  return sha256_hex(fmt::format("{}|{}|{}", code, task, kept.dump()));
}

Workflow::Workflow(store::Database& db, fs::path workroot, Runner& runner, TemplateSource templates,
                   HandlerLimits limits)
    : db_(db),
      workroot_(fs::absolute(workroot)),
      runner_(runner),
      templates_(std::move(templates)),
      limits_(limits) {
  fs::create_directories(workroot_);
}

int Workflow::enqueue(const std::vector<std::int64_t>& structure_ids, const std::string& code,
                      const std::string& task, const Parameters& p, const std::string& batch,
                      int max_attempts) {
  find_code(code);
  parse_task(task);
  std::string hash = settings_hash(code, task, p);
  auto& c = db_.connection();
  store::Transaction tx(c);
  auto st = c.prepare(
      "INSERT OR IGNORE INTO calc_job(batch, structure_id, substance_id, code, task, "
      "settings_hash, parameters, state, max_attempts, runner) "
      "SELECT :batch, id, substance_id, :code, :task, :hash, :params, 'queued', :max, :runner "
      "FROM structure WHERE id = :id");
  int added = 0;
  for (auto id : structure_ids) {
    st.bind(":batch", batch).bind(":code", code).bind(":task", task).bind(":hash", hash);
    st.bind(":params", p.dump()).bind(":max", max_attempts).bind(":runner", runner_.name());
    st.bind(":id", id);
    st.run();
    added += static_cast<int>(c.changes());
  }
  tx.commit();
  return added;
}

std::string Workflow::token(const JobRow& j) const {
  // Unique across databases sharing one Slurm: job ids restart at 1 in every database.
  return fmt::format("pb{}-{}-a{}", sha256_hex(workroot_.string()).substr(0, 8), j.id, j.attempts);
}

void Workflow::update(const JobRow& j) {
  auto st = db_.connection().prepare(
      "UPDATE calc_job SET parameters = :p, state = :state, attempts = :attempts, "
      "runner_job_id = :rid, workdir = :dir, reason = :reason, history = :history, "
      "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = :id");
  st.bind(":p", j.parameters.dump()).bind(":state", j.state).bind(":attempts", j.attempts);
  st.bind(":rid", j.runner_job_id.empty() ? std::optional<std::string>() : j.runner_job_id);
  st.bind(":dir", j.workdir.empty() ? std::optional<std::string>() : j.workdir);
  st.bind(":reason", j.reason.empty() ? std::optional<std::string>() : j.reason);
  st.bind(":history", j.history.dump()).bind(":id", j.id);
  st.run();
}

void Workflow::recover() {
  for (JobRow& j : list_jobs(db_, {{}, {}, {"submitting"}})) {
    if (j.runner != runner_.name()) continue;
    RunnerJob rj{token(j), j.workdir};
    if (auto id = runner_.find(rj)) {
      j.state = "submitted";
      j.runner_job_id = *id;
    } else {
      j.state = "queued";
      j.attempts -= 1;  // the attempt never started
    }
    update(j);
  }
}

void Workflow::poll() {
  auto jobs = list_jobs(db_, {{}, {}, {"submitted", "running"}});
  std::erase_if(jobs, [&](const JobRow& j) { return j.runner != runner_.name(); });
  if (jobs.empty()) return;
  std::vector<std::pair<std::string, fs::path>> ids;
  for (const auto& j : jobs) ids.emplace_back(j.runner_job_id, j.workdir);
  auto statuses = runner_.status(ids);
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    JobRow& j = jobs[i];
    const JobStatus& s = statuses[i];
    if (s.phase == JobStatus::Phase::kPending || s.phase == JobStatus::Phase::kRunning) {
      std::string state = s.phase == JobStatus::Phase::kRunning ? "running" : "submitted";
      if (state != j.state) {
        j.state = state;
        update(j);
      }
      continue;
    }
    finish(j, s);
  }
}

void Workflow::finish(JobRow& j, const JobStatus& s) {
  CalcResult r;
  std::string parse_error;
  try {
    r = parse_job_directory(j.code, j.workdir);
  } catch (const std::exception& e) {
    parse_error = e.what();
  }
  bool walltime =
      (s.exit_code && *s.exit_code == 124) || r.walltime_exceeded || s.scheduler_state == "TIMEOUT";
  Task task = parse_task(j.task);
  bool ok = s.phase == JobStatus::Phase::kFinished && s.exit_code == 0 && r.completed &&
            !r.scf_not_converged && r.energy_ev.has_value() &&
            (r.converged || task == Task::kDos || task == Task::kBands);
  nlohmann::json entry = {
      {"attempt", j.attempts},
      {"workdir", j.workdir},
      {"exit_code", s.exit_code ? nlohmann::json(*s.exit_code) : nlohmann::json()},
      {"scheduler_state", s.scheduler_state}};
  if (ok) {
    entry["diagnosis"] = "ok";
    j.history.push_back(entry);
    j.state = "done";
    j.reason.clear();
    store::Transaction tx(db_.connection());
    store_result(j, r);
    update(j);
    tx.commit();
    return;
  }
  // Diagnose from the parsed output first; message wording is only a fallback.
  std::string diagnosis, action;
  Parameters next = j.parameters;
  if (r.scf_not_converged) {
    double beta = param_real(j.parameters, "mixing_beta");
    int steps = param_int(j.parameters, "electron_maxstep");
    next["mixing_beta"] = std::max(limits_.min_mixing_beta, beta * limits_.mixing_factor);
    next["electron_maxstep"] = std::min<long long>(
        limits_.max_electron_maxstep, std::llround(std::max(1, steps) * limits_.maxstep_factor));
    diagnosis = fmt::format("SCF not converged in {} steps", r.scf_steps ? r.scf_steps : steps);
    action = fmt::format("mixing_beta {} -> {}, electron_maxstep {} -> {}", beta,
                         next["mixing_beta"].get<double>(), steps,
                         next["electron_maxstep"].get<long long>());
  } else if (walltime) {
    int limit = param_int(j.parameters, "walltime_s");
    next["walltime_s"] = static_cast<long long>(std::llround(limit * limits_.walltime_factor));
    // pw.x that stopped itself at max_seconds saved its SCF (and relaxation) state: the next
    // attempt continues from it (restart_mode = 'restart'). Killed from outside, it saved
    // nothing usable, and the next attempt starts afresh with more time.
    bool stopped_itself =
        r.walltime_exceeded && s.exit_code && *s.exit_code != 124 && s.scheduler_state != "TIMEOUT";
    bool resumable = j.code == "qe" && stopped_itself;
    if (j.code == "qe") next["restart"] = resumable ? 1 : 0;
    diagnosis =
        fmt::format("time limit of {} s reached{}", limit, stopped_itself ? "" : " (killed)");
    action = fmt::format("walltime_s {} -> {}{}", limit, next["walltime_s"].get<long long>(),
                         resumable ? ", restart from the saved state" : "");
  } else if (s.phase == JobStatus::Phase::kLost) {
    diagnosis = s.reason;
    action = "resubmit unchanged";
  } else {
    // A failure no handler knows: retrying the same input would fail the same way.
    diagnosis = !parse_error.empty() ? parse_error
                : !r.errors.empty()  ? r.errors.front()
                : s.exit_code        ? fmt::format("exit code {}", *s.exit_code)
                                     : "no result";
    if (s.exit_code == 0 && !r.energy_ev) diagnosis = "the output holds no total energy";
    entry["diagnosis"] = diagnosis;
    j.history.push_back(entry);
    j.state = "failed";
    j.reason = diagnosis;
    update(j);
    return;
  }
  entry["diagnosis"] = diagnosis;
  if (j.attempts >= j.max_attempts) {
    entry["action"] = "none: no attempts left";
    j.history.push_back(entry);
    j.state = "failed";
    j.reason = fmt::format("{} (after {} attempts)", diagnosis, j.attempts);
  } else {
    entry["action"] = action;
    j.history.push_back(entry);
    j.parameters = next;
    j.state = "queued";
    j.reason = fmt::format("attempt {}: {}; {}", j.attempts, diagnosis, action);
  }
  update(j);
}

void Workflow::prepare_attempt(JobRow& j) {
  fs::path dir = workroot_ / fmt::format("job-{}", j.id) / fmt::format("attempt-{}", j.attempts);
  fs::path previous = j.workdir;
  fs::remove_all(dir);  // a half-written attempt from a crash before submission
  fs::create_directories(dir);
  if (!j.structure_id) throw NotFound(fmt::format("job {}: its structure was deleted", j.id));
  auto repos = store::make_repositories(db_);
  auto record = repos.structures->get(*j.structure_id);
  if (!record) throw NotFound(fmt::format("job {}: structure {} not found", j.id, *j.structure_id));
  crystal::Structure s = store::to_structure(*record);
  const CodeWriter& writer = find_code(j.code);
  InputSet in = writer.prepare(s, parse_task(j.task), j.parameters, templates_);
  in.info["job_id"] = j.id;
  in.info["attempt"] = j.attempts;
  in.info["structure_id"] = *j.structure_id;
  in.info["steps"] = in.steps;
  write_input_set(in, dir);
  if (param_int(j.parameters, "restart") == 1 && !previous.empty() &&
      fs::exists(previous / "out")) {
    fs::copy(previous / "out", dir / "out", fs::copy_options::recursive);
  }
  write_job_scripts(dir, token(j), in.steps, param_int(j.parameters, "walltime_s"));
  j.workdir = dir.string();
}

void Workflow::submit() {
  auto active = list_jobs(db_, {{}, {}, {"submitting", "submitted", "running"}});
  int n_active = static_cast<int>(std::count_if(
      active.begin(), active.end(), [&](const JobRow& j) { return j.runner == runner_.name(); }));
  int room = runner_.capacity(n_active);
  if (room <= 0) return;
  auto queued = list_jobs(db_, {{}, {}, {"queued"}});
  std::vector<JobRow> batch;
  std::vector<RunnerJob> submit;
  for (JobRow& j : queued) {
    if (j.runner != runner_.name()) continue;
    if (static_cast<int>(batch.size()) >= room) break;
    j.attempts += 1;
    try {
      prepare_attempt(j);
    } catch (const std::exception& e) {
      j.state = "failed";
      j.reason = fmt::format("cannot prepare inputs: {}", e.what());
      update(j);
      continue;
    }
    // Committed before the runner hears of it: a crash from here on is resolved by recover().
    j.state = "submitting";
    j.runner_job_id.clear();
    update(j);
    submit.push_back({token(j), j.workdir});
    batch.push_back(j);
  }
  if (batch.empty()) return;
  std::vector<std::string> ids;
  try {
    ids = runner_.submit(submit);
    // Test hook (tests/calc/test_calc_restart.py): die where a crash is most harmful, after
    // the runner took the jobs and before the database knows their ids.
    if (const char* hook = std::getenv("PB_CALC_TEST_CRASH");
        hook && std::string_view(hook) == "after-submit") {
      std::_Exit(137);
    }
  } catch (const std::exception& e) {
    for (JobRow& j : batch) {
      j.state = "queued";
      j.attempts -= 1;
      j.reason = fmt::format("submission failed: {}", e.what());
      update(j);
    }
    throw;
  }
  store::Transaction tx(db_.connection());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    batch[i].state = "submitted";
    batch[i].runner_job_id = ids[i];
    update(batch[i]);
  }
  tx.commit();
}

int Workflow::step() {
  recover();
  poll();
  submit();
  auto open = list_jobs(db_, {{}, {}, {"queued", "submitting", "submitted", "running"}});
  return static_cast<int>(std::count_if(
      open.begin(), open.end(), [&](const JobRow& j) { return j.runner == runner_.name(); }));
}

int Workflow::cancel(const JobFilter& f) {
  JobFilter g = f;
  g.states = {"queued", "submitting", "submitted", "running"};
  int n = 0;
  for (JobRow& j : list_jobs(db_, g)) {
    if (j.state != "queued" && j.runner == runner_.name() && !j.runner_job_id.empty()) {
      try {
        runner_.cancel(j.runner_job_id, j.workdir);
      } catch (const std::exception& e) {
        j.reason = fmt::format("cancel: {}", e.what());
      }
    }
    j.state = "cancelled";
    if (j.reason.empty() || j.reason.starts_with("attempt")) j.reason = "cancelled by the user";
    update(j);
    ++n;
  }
  return n;
}

void Workflow::store_result(const JobRow& j, const CalcResult& r) {
  nlohmann::json full = to_json(r);
  std::ifstream info(fs::path(j.workdir) / "info.json");
  if (info) full["inputs"] = nlohmann::json::parse(info, nullptr, false);
  auto gap = result_gap(r);
  auto st = db_.connection().prepare(
      "INSERT OR REPLACE INTO calc_result(job_id, energy_ev, energy_per_atom_ev, fermi_ev, "
      "band_gap_ev, gap_direct, metal, magnetization, converged, result) VALUES "
      "(:id, :e, :epa, :ef, :gap, :direct, :metal, :mag, :conv, :json)");
  st.bind(":id", j.id).bind(":e", r.energy_ev).bind(":epa", r.energy_per_atom_ev());
  st.bind(":ef", r.fermi_ev);
  st.bind(":gap", gap ? std::optional<double>(gap->gap_ev) : std::nullopt);
  st.bind(":direct", gap ? std::optional<std::int64_t>(gap->direct) : std::nullopt);
  st.bind(":metal", gap ? std::optional<std::int64_t>(gap->metal) : std::nullopt);
  st.bind(":mag", r.magnetization).bind(":conv", static_cast<std::int64_t>(r.converged));
  st.bind(":json", full.dump());
  st.run();
}

std::vector<StoredResult> list_results(store::Database& db, const JobFilter& f) {
  JobFilter g = f;
  g.states = {"done"};
  auto jobs = list_jobs(db, g);
  auto repos = store::make_repositories(db);
  std::vector<StoredResult> out;
  auto result_st = db.connection().prepare("SELECT result FROM calc_result WHERE job_id = ?");
  // Elemental references: the lowest energy per atom among done one-element structures with
  // the same code, task and settings.
  auto ref_st = db.connection().prepare(
      "SELECT min(r.energy_per_atom_ev), count(*) FROM calc_job j "
      "JOIN calc_result r ON r.job_id = j.id JOIN structure s ON s.id = j.structure_id "
      "WHERE j.state = 'done' AND j.code = ? AND j.task = ? AND j.settings_hash = ? "
      "AND s.nelements = 1 AND s.elements = ?");
  for (auto& j : jobs) {
    StoredResult sr;
    result_st.bind(1, j.id);
    if (result_st.step()) {
      auto full = nlohmann::json::parse(result_st.column_text(0));
      sr.result = result_from_json(full);
      if (full.contains("inputs")) sr.inputs = full["inputs"];
    }
    result_st.reset();
    auto epa = sr.result.energy_per_atom_ev();
    if (epa && j.structure_id) {
      if (auto rec = repos.structures->get(*j.structure_id)) {
        auto fractions = store::to_structure(*rec).cell_composition().atomic_fractions();
        double reference = 0;
        std::vector<std::string> missing, used;
        for (const auto& [z, x] : fractions) {
          std::string el(chem::find_element(z)->symbol);
          ref_st.bind(1, j.code).bind(2, j.task).bind(3, j.settings_hash).bind(4, "," + el + ",");
          if (ref_st.step() && !ref_st.is_null(0)) {
            reference += x * ref_st.column_double(0);
            used.push_back(fmt::format("{} {:.4f} eV/atom", el, ref_st.column_double(0)));
          } else {
            missing.push_back(el);
          }
          ref_st.reset();
        }
        if (missing.empty()) {
          sr.formation_energy_ev_per_atom = *epa - reference;
          sr.formation_note = "references: " + fmt::format("{}", fmt::join(used, ", "));
        } else {
          sr.formation_note = "no elemental reference with the same settings for " +
                              fmt::format("{}", fmt::join(missing, ", "));
        }
      }
    }
    sr.job = std::move(j);
    out.push_back(std::move(sr));
  }
  return out;
}

}  // namespace pb::calc
