#pragma once
/// Where jobs run: `local` (detached processes on this machine, one per core by default) and
/// `slurm` (sbatch job arrays, polled with squeue). A job is a directory holding job.sh, which
/// writes `pid` when it starts and `exit_code` when it ends, so a restarted controller can
/// find every job again without the runner's help.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pb::calc {

/// One job to submit.
struct RunnerJob {
  std::string token;  ///< unique per attempt, e.g. "pb-12-a1"; how a lost submission is found
  std::filesystem::path dir;
};

/// What the runner knows about a job.
struct JobStatus {
  enum class Phase { kPending, kRunning, kFinished, kLost } phase = Phase::kPending;
  std::optional<int> exit_code;  ///< from the job's exit_code file
  std::string scheduler_state;   ///< e.g. Slurm's "TIMEOUT", "CANCELLED"
  std::string reason;            ///< why a job is lost
};

/// A place to run jobs.
class Runner {
 public:
  virtual ~Runner() = default;
  virtual std::string name() const = 0;
  /// How many more jobs may start now, given how many of this runner's jobs are active.
  virtual int capacity(int active) const = 0;
  /// Submits jobs (as one batch where the runner can); returns one runner id per job.
  virtual std::vector<std::string> submit(const std::vector<RunnerJob>& jobs) = 0;
  /// The runner id of a job whose submission may have happened before a crash.
  virtual std::optional<std::string> find(const RunnerJob& job) = 0;
  /// Status of many jobs (id, directory) at once.
  virtual std::vector<JobStatus> status(
      const std::vector<std::pair<std::string, std::filesystem::path>>& jobs) = 0;
  virtual void cancel(const std::string& id, const std::filesystem::path& dir) = 0;
};

/// Options of the runners, with their defaults.
struct RunnerOptions {
  int max_jobs = 0;            ///< local: at most this many at once (0 = one per core)
  std::string partition;       ///< slurm: -p (empty: the default partition)
  std::string sbatch_options;  ///< slurm: extra options, split on spaces
  int walltime_s = 3600;       ///< slurm: --time is this rounded up to minutes, plus one
};

/// "local" or "slurm"; throws pb::InvalidArgument otherwise.
std::unique_ptr<Runner> make_runner(const std::string& name, const RunnerOptions& options = {});

/// Writes job.sh and steps.sh into the job directory (templates runner/job.sh, runner/steps.sh).
void write_job_scripts(const std::filesystem::path& dir, const std::string& name,
                       const std::vector<std::string>& steps, int walltime_s);

/// Runs a command and returns its standard output; throws std::runtime_error with its
/// standard error when it exits non-zero.
std::string run_command(const std::vector<std::string>& argv);

}  // namespace pb::calc
