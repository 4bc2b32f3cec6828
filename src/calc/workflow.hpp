#pragma once
/// The calculation workflow persisted in the database (table calc_job, schema 6): every job
/// moves queued -> submitting -> submitted -> running -> done | failed | cancelled, with
/// attempts. The controller is a loop of step() calls; it keeps no state outside the database
/// and the job directories, so it can be killed at any moment and restarted (docs/calc.md).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "calc/inputs.hpp"
#include "calc/result.hpp"
#include "calc/runner.hpp"
#include "store/database.hpp"

namespace pb::calc {

/// Bounds of the error handlers (docs/calc.md, "Error handlers").
struct HandlerLimits {
  double mixing_factor = 0.5;     ///< mixing_beta is multiplied by this on SCF failure
  double min_mixing_beta = 0.05;  ///< ... but not below this
  double maxstep_factor = 2;      ///< electron_maxstep is multiplied by this
  int max_electron_maxstep = 2000;
  double walltime_factor = 2;  ///< the next attempt after a time-out gets this much more time
};

/// One job row.
struct JobRow {
  std::int64_t id = 0;
  std::string batch;
  std::optional<std::int64_t> structure_id;
  std::optional<std::string> substance_id;
  std::string code, task, settings_hash;
  Parameters parameters;
  std::string state;
  int attempts = 0, max_attempts = 3;
  std::string runner;
  std::string runner_job_id, workdir, reason;
  nlohmann::json history;
  std::string formula;  ///< of the structure
};

/// Which jobs a command acts on.
struct JobFilter {
  std::string batch;                ///< empty: every batch
  std::vector<std::int64_t> ids;    ///< empty: every job
  std::vector<std::string> states;  ///< empty: every state
};

std::vector<JobRow> list_jobs(store::Database& db, const JobFilter& f = {});

/// Every field of a job as JSON (`calc status --json`; the API leaves out the local ones).
nlohmann::ordered_json to_json(const JobRow& j);

/// SHA-256 of code, task and the requested parameters: jobs with equal hashes are comparable
/// (formation energies use references with the same hash).
std::string settings_hash(std::string_view code, std::string_view task, const Parameters& p);

/// A job's stored result with the derived values.
struct StoredResult {
  JobRow job;
  CalcResult result;
  nlohmann::json inputs;  ///< info.json of the attempt that succeeded (mesh, cutoffs, k labels)
  std::optional<double> formation_energy_ev_per_atom;
  std::string formation_note;  ///< which references were used, or which are missing
};

/// Results of done jobs, with formation energies from elemental references of the same code,
/// task and settings (the lowest energy per atom among done single-element structures).
std::vector<StoredResult> list_results(store::Database& db, const JobFilter& f = {});

/// The controller.
class Workflow {
 public:
  Workflow(store::Database& db, std::filesystem::path workroot, Runner& runner,
           TemplateSource templates = {}, HandlerLimits limits = {});

  /// Queues one job per structure (idempotent: existing jobs of the same structure, code, task
  /// and settings are left as they are). Returns the number added.
  int enqueue(const std::vector<std::int64_t>& structure_ids, const std::string& code,
              const std::string& task, const Parameters& p, const std::string& batch,
              int max_attempts);

  /// One round: adopt or requeue submissions interrupted by a crash, poll active jobs, apply
  /// the error handlers to finished ones, submit queued jobs up to the runner's capacity.
  /// Returns how many jobs of this runner are not yet done, failed or cancelled.
  int step();

  /// Cancels the jobs (queued ones at once, active ones through the runner); returns how many.
  int cancel(const JobFilter& f);

 private:
  void recover();
  void poll();
  void submit();
  void finish(JobRow& job, const JobStatus& status);
  void prepare_attempt(JobRow& job);
  void update(const JobRow& job);
  std::string token(const JobRow& job) const;
  void store_result(const JobRow& job, const CalcResult& r);

  store::Database& db_;
  std::filesystem::path workroot_;
  Runner& runner_;
  TemplateSource templates_;
  HandlerLimits limits_;
};

}  // namespace pb::calc
