// The local and Slurm runners. Both rely on the job directory protocol of job.sh: `pid` when it
// starts, `exit_code` when it ends; the local runner also records the timeout process, whose
// SIGTERM stops the whole attempt (GNU timeout forwards it to its command's process group).
#include "calc/runner.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "calc/inputs.hpp"
#include "calc/template.hpp"
#include "util/error.hpp"

namespace pb::calc {

namespace fs = std::filesystem;

namespace {

std::optional<std::string> read_small(const fs::path& p) {
  std::ifstream in(p);
  if (!in) return std::nullopt;
  std::string s((std::istreambuf_iterator<char>(in)), {});
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

std::optional<int> read_int(const fs::path& p) {
  auto s = read_small(p);
  if (!s || s->empty()) return std::nullopt;
  try {
    return std::stoi(*s);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// A process that exists and is not a zombie.
bool alive(int pid) {
  if (pid <= 0 || ::kill(pid, 0) != 0) return false;
  auto stat = read_small(fs::path("/proc") / std::to_string(pid) / "stat");
  if (!stat) return false;
  std::size_t close = stat->rfind(')');
  return close == std::string::npos || close + 2 >= stat->size() || (*stat)[close + 2] != 'Z';
}

class LocalRunner : public Runner {
 public:
  explicit LocalRunner(const RunnerOptions& o) : options_(o) {}
  std::string name() const override { return "local"; }

  int capacity(int active) const override {
    int slots = options_.max_jobs > 0
                    ? options_.max_jobs
                    : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    return std::max(0, slots - active);
  }

  std::vector<std::string> submit(const std::vector<RunnerJob>& jobs) override {
    std::vector<std::string> ids;
    for (const auto& j : jobs) {
      std::string script = (j.dir / "job.sh").string();
      pid_t pid = ::fork();
      if (pid < 0) throw std::runtime_error(fmt::format("fork: {}", std::strerror(errno)));
      if (pid == 0) {
        // Detached: its own session, so it outlives the controller; no inherited terminal.
        ::setsid();
        int null = ::open("/dev/null", O_RDWR);
        if (null >= 0) {
          ::dup2(null, 0);
          ::dup2(null, 1);
          ::dup2(null, 2);
        }
        // Double fork: the job is reparented to init and never becomes our zombie.
        if (::fork() != 0) ::_exit(0);
        ::execl("/bin/sh", "sh", script.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
      }
      int status = 0;
      ::waitpid(pid, &status, 0);
      // The job writes its pid first thing; wait briefly so the id is the real one.
      std::optional<int> job_pid;
      for (int i = 0; i < 200 && !(job_pid = read_int(j.dir / "pid")); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      ids.push_back(job_pid ? std::to_string(*job_pid) : "starting");
    }
    return ids;
  }

  std::optional<std::string> find(const RunnerJob& job) override {
    if (auto pid = read_int(job.dir / "pid")) return std::to_string(*pid);
    return std::nullopt;
  }

  std::vector<JobStatus> status(
      const std::vector<std::pair<std::string, fs::path>>& jobs) override {
    std::vector<JobStatus> out;
    for (const auto& [id, dir] : jobs) {
      JobStatus s;
      if (auto code = read_int(dir / "exit_code")) {
        s.phase = JobStatus::Phase::kFinished;
        s.exit_code = code;
      } else if (auto pid = read_int(dir / "pid"); pid && alive(*pid)) {
        s.phase = JobStatus::Phase::kRunning;
      } else if (auto again = read_int(dir / "exit_code")) {  // finished meanwhile
        s.phase = JobStatus::Phase::kFinished;
        s.exit_code = again;
      } else if (!pid) {
        s.phase = JobStatus::Phase::kPending;
      } else {
        s.phase = JobStatus::Phase::kLost;
        s.reason = fmt::format("process {} ended without recording an exit status (killed?)", *pid);
      }
      out.push_back(std::move(s));
    }
    return out;
  }

  void cancel(const std::string&, const fs::path& dir) override {
    if (auto t = read_int(dir / "timeout.pid"); t && alive(*t)) ::kill(*t, SIGTERM);
  }

 private:
  RunnerOptions options_;
};

std::vector<std::string> split_words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

class SlurmRunner : public Runner {
 public:
  explicit SlurmRunner(const RunnerOptions& o) : options_(o) {}
  std::string name() const override { return "slurm"; }
  int capacity(int) const override { return 1 << 20; }  // the scheduler queues

  std::vector<std::string> submit(const std::vector<RunnerJob>& jobs) override {
    if (jobs.empty()) return {};
    // One array per call: line i of array.list is the job script of task i.
    fs::path batch_dir = jobs.front().dir.parent_path().parent_path() / "slurm";
    fs::create_directories(batch_dir);
    std::string token = jobs.front().token + "-x" + std::to_string(jobs.size());
    fs::path list = batch_dir / (token + ".list");
    {
      std::ofstream out(list);
      for (const auto& j : jobs) out << (j.dir / "job.sh").string() << '\n';
    }
    auto [text, source] = TemplateSource{}.get("runner", "array.sh");
    fs::path script = batch_dir / (token + ".sh");
    {
      std::ofstream out(script);
      out << render_template(text, {{"name", token}, {"list", list.string()}}, source);
    }
    std::vector<std::string> argv = {"sbatch",
                                     "--parsable",
                                     "--job-name=" + token,
                                     fmt::format("--array=0-{}", jobs.size() - 1),
                                     fmt::format("--time={}", (options_.walltime_s + 59) / 60 + 1),
                                     "--ntasks=1",
                                     "--output=" + (batch_dir / (token + "_%a.out")).string(),
                                     "--chdir=" + batch_dir.string()};
    if (!options_.partition.empty()) argv.push_back("--partition=" + options_.partition);
    for (auto& w : split_words(options_.sbatch_options)) argv.push_back(w);
    argv.push_back(script.string());
    std::string out = run_command(argv);
    std::string id = out.substr(0, out.find_first_of(";\n"));
    // Each job remembers the array token so that a crash right after sbatch loses nothing.
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      std::ofstream(jobs[i].dir / "slurm_array") << token << ' ' << i << '\n';
    }
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < jobs.size(); ++i) ids.push_back(fmt::format("{}_{}", id, i));
    return ids;
  }

  std::optional<std::string> find(const RunnerJob& job) override {
    // The array token and index are written before sbatch returns only if sbatch succeeded;
    // also look the job's token up by name in case the crash came before that.
    auto marker = read_small(job.dir / "slurm_array");
    std::vector<std::pair<std::string, std::string>> names;  // token, index
    if (marker) {
      std::istringstream in(*marker);
      std::string t, i;
      in >> t >> i;
      names.emplace_back(t, i);
    }
    fs::path batch_dir = job.dir.parent_path().parent_path() / "slurm";
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(batch_dir, ec)) {
      if (e.path().extension() != ".list") continue;
      std::ifstream in(e.path());
      std::size_t index = 0;
      for (std::string line; std::getline(in, line); ++index) {
        if (line == (job.dir / "job.sh").string()) {
          names.emplace_back(e.path().stem().string(), std::to_string(index));
        }
      }
    }
    for (const auto& [token, index] : names) {
      std::string out = run_command({"squeue", "-h", "-r", "-t", "all", "-n", token, "-o", "%i"});
      for (const auto& id : split_words(out)) {
        if (id.ends_with("_" + index)) return id;
      }
    }
    return std::nullopt;
  }

  std::vector<JobStatus> status(
      const std::vector<std::pair<std::string, fs::path>>& jobs) override {
    std::map<std::string, std::string> states;
    if (!jobs.empty()) {
      std::string out;
      try {
        out = run_command({"squeue", "-h", "-r", "-t", "all", "-o", "%i|%T"});
      } catch (const std::exception&) {
        // slurmctld may be restarting: report what the directories say and ask again later.
        std::vector<JobStatus> unknown;
        for (const auto& [id, dir] : jobs) {
          JobStatus u;
          u.exit_code = read_int(dir / "exit_code");
          u.phase = u.exit_code ? JobStatus::Phase::kFinished : JobStatus::Phase::kRunning;
          unknown.push_back(u);
        }
        return unknown;
      }
      std::istringstream in(out);
      for (std::string line; std::getline(in, line);) {
        std::size_t bar = line.find('|');
        if (bar != std::string::npos) states[line.substr(0, bar)] = line.substr(bar + 1);
      }
    }
    std::vector<JobStatus> result;
    for (const auto& [id, dir] : jobs) {
      JobStatus s;
      auto it = states.find(id);
      s.scheduler_state = it == states.end() ? "" : it->second;
      const std::string& st = s.scheduler_state;
      auto code = read_int(dir / "exit_code");
      if (st == "PENDING" || st == "CONFIGURING" || st == "REQUEUED" || st == "SUSPENDED") {
        s.phase = JobStatus::Phase::kPending;
      } else if (st == "RUNNING" || st == "COMPLETING") {
        s.phase = JobStatus::Phase::kRunning;
      } else if (code && (st == "COMPLETED" || st == "FAILED" || st.empty())) {
        s.phase = JobStatus::Phase::kFinished;
        s.exit_code = code;
      } else {
        // Killed by the scheduler (CANCELLED, TIMEOUT, NODE_FAIL, OUT_OF_MEMORY, PREEMPTED...)
        // or gone from squeue without an exit status.
        s.phase = JobStatus::Phase::kLost;
        s.exit_code = code;
        s.reason = st.empty()
                       ? fmt::format("job {} is unknown to Slurm and left no exit status", id)
                       : fmt::format("Slurm ended job {} with state {}", id, st);
      }
      result.push_back(std::move(s));
    }
    return result;
  }

  void cancel(const std::string& id, const fs::path&) override { run_command({"scancel", id}); }

 private:
  RunnerOptions options_;
};

}  // namespace

std::unique_ptr<Runner> make_runner(const std::string& name, const RunnerOptions& options) {
  if (name == "local") return std::make_unique<LocalRunner>(options);
  if (name == "slurm") return std::make_unique<SlurmRunner>(options);
  throw InvalidArgument(fmt::format("unknown runner '{}' (local, slurm)", name));
}

void write_job_scripts(const fs::path& dir, const std::string& name,
                       const std::vector<std::string>& steps, int walltime_s) {
  TemplateSource templates;
  nlohmann::json c = {{"name", name},
                      {"dir", fs::absolute(dir).string()},
                      {"walltime_s", walltime_s},
                      {"steps", steps}};
  for (const char* file : {"job.sh", "steps.sh"}) {
    auto [text, source] = templates.get("runner", file);
    std::ofstream out(dir / file);
    out << render_template(text, c, source);
  }
}

std::string run_command(const std::vector<std::string>& argv) {
  int out_pipe[2], err_pipe[2];
  if (::pipe(out_pipe) != 0 || ::pipe(err_pipe) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  std::string out, err;
  char buf[4096];
  // stdout first, then stderr: the commands used here print little.
  for (ssize_t n; (n = ::read(out_pipe[0], buf, sizeof buf)) > 0;)
    out.append(buf, static_cast<std::size_t>(n));
  for (ssize_t n; (n = ::read(err_pipe[0], buf, sizeof buf)) > 0;)
    err.append(buf, static_cast<std::size_t>(n));
  ::close(out_pipe[0]);
  ::close(err_pipe[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error(fmt::format("{} failed: {}", argv[0], err.empty() ? out : err));
  }
  return out;
}

}  // namespace pb::calc
