// Ingest uploads (editors): POST /api/ingest takes structure files (CIF, POSCAR, extended XYZ,
// OPTIMADE JSON) or zip archives of them as multipart/form-data and answers at once with a job;
// one background worker parses and stores the files one by one through pb_store (the same
// prepare_text / store_prepared steps as `phasebook ingest cif`), and GET /api/ingest/{job}
// reports progress and, per file, ingested / duplicate / error with the located messages.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

#include "crystal/structure_io.hpp"
#include "server/api_common.hpp"
#include "server/zip_archive.hpp"
#include "store/ingest_cif.hpp"

namespace pb::server {

using nlohmann::ordered_json;

namespace {

// Finished jobs kept for their owners to read; older ones are forgotten.
constexpr std::size_t kKeptJobs = 50;
// Files in one upload, archives expanded.
constexpr std::size_t kMaxFiles = 10000;

struct Job {
  std::string id;
  std::string user;
  std::string dataset;
  std::vector<store::StructureText> files;  // emptied once stored
  std::vector<ordered_json> results;        // one per file, "pending" until done
  std::size_t done = 0;
  std::string state = "queued";  // queued, running, done, cancelled
  std::string created = utc_now(), finished;
};

class IngestJobs {
 public:
  explicit IngestJobs(ServerState& state) : state_(state), worker_([this] { run(); }) {}

  // Stops after the file in progress (each file is its own transaction) and joins the worker;
  // runs when the HTTP server, which owns the routes holding this object, is destroyed.
  ~IngestJobs() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    worker_.join();
  }

  std::shared_ptr<Job> submit(std::shared_ptr<Job> job) {
    std::lock_guard lock(mutex_);
    jobs_[job->id] = job;
    queue_.push_back(job);
    order_.push_back(job->id);
    // Forget the oldest finished jobs beyond the limit.
    for (auto it = order_.begin(); order_.size() > kKeptJobs && it != order_.end();) {
      auto j = jobs_.find(*it);
      if (j != jobs_.end() && (j->second->state == "done" || j->second->state == "cancelled")) {
        jobs_.erase(j);
        it = order_.erase(it);
      } else {
        ++it;
      }
    }
    wake_.notify_all();
    return job;
  }

  // The job's state as JSON, if the job exists and belongs to `user` (or `admin`).
  std::optional<ordered_json> snapshot(const std::string& id, const Identity& who) {
    std::lock_guard lock(mutex_);
    auto it = jobs_.find(id);
    if (it == jobs_.end() || (it->second->user != who.name && who.role < Role::kAdmin)) {
      return std::nullopt;
    }
    const Job& j = *it->second;
    std::map<std::string, std::size_t> counts{
        {"ingested", 0}, {"duplicate", 0}, {"error", 0}, {"skipped", 0}};
    for (const auto& r : j.results) {
      if (r["status"] != "pending") ++counts[r["status"].get<std::string>()];
    }
    ordered_json c;
    for (const auto& [k, v] : counts) c[k] = v;
    return ordered_json{
        {"job", j.id},
        {"state", j.state},
        {"user", j.user},
        {"dataset", j.dataset},
        {"total", j.results.size()},
        {"done", j.done},
        {"counts", c},
        {"created", j.created},
        {"finished", j.finished.empty() ? ordered_json() : ordered_json(j.finished)},
        {"files", j.results}};
  }

 private:
  void run() {
    for (;;) {
      std::shared_ptr<Job> job;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return stop_ || !queue_.empty(); });
        if (stop_) return;
        job = queue_.front();
        queue_.pop_front();
        job->state = "running";
      }
      process(*job);
    }
  }

  void process(Job& job) {
    store::StructureIngestOptions options;
    options.dataset = job.dataset;
    for (std::size_t i = 0; i < job.files.size(); ++i) {
      {
        std::lock_guard lock(mutex_);
        if (stop_) {
          job.state = "cancelled";
          job.finished = utc_now();
          return;
        }
      }
      if (job.results[i]["status"] != "pending") {  // skipped when the upload was read
        std::lock_guard lock(mutex_);
        ++job.done;
        continue;
      }
      ordered_json result = ingest_one(job.files[i], options);
      job.files[i].text.clear();
      job.files[i].text.shrink_to_fit();
      std::lock_guard lock(mutex_);
      result["file"] = job.results[i]["file"];
      job.results[i] = std::move(result);
      ++job.done;
    }
    {
      // Properties waiting for a substance may find one among the new structures.
      auto writer = state_.pool.write();
      store::link_properties(writer.db->db);
    }
    std::lock_guard lock(mutex_);
    job.state = "done";
    job.finished = utc_now();
  }

  // Parses (without the writer lock) and stores one file; the result names what happened.
  ordered_json ingest_one(const store::StructureText& file,
                          const store::StructureIngestOptions& o) {
    std::vector<store::PreparedFile> prepared{store::prepare_text(file, o)};
    std::vector<std::string> errors = prepared[0].errors;
    std::vector<std::string> hashes;
    for (const auto& s : prepared[0].structures) hashes.push_back(s.record.content_hash);
    store::IngestReport report;
    ordered_json structures = ordered_json::array();
    ordered_json substances = ordered_json::array();
    try {
      auto writer = state_.pool.write();
      report = store::store_prepared(writer.db->db, prepared, o);
      auto& repos = writer.db->repos;
      for (const std::string& h : hashes) {
        auto id = repos.structures->find_by_hash(h);
        if (!id) continue;
        structures.push_back(*id);
        auto m = repos.substances->membership(store::EntityKind::kStructure, *id);
        if (m &&
            std::find(substances.begin(), substances.end(), m->substance_id) == substances.end()) {
          substances.push_back(m->substance_id);
        }
      }
    } catch (const std::exception& e) {
      errors.push_back(file.name + ": error: not stored: " + e.what());
      report.inserted = report.existing = 0;
    }
    std::string status;
    if (report.inserted > 0) {
      status = "ingested";
    } else if (report.existing > 0) {
      status = "duplicate";
    } else {
      status = "error";
      if (errors.empty()) errors.push_back(file.name + ": error: no structure in the file");
    }
    return {{"file", file.name},
            {"status", status},
            {"structures", hashes.size()},
            {"inserted", report.inserted},
            {"existing", report.existing},
            {"references_added", report.references_added},
            {"structure_ids", structures},
            {"substance_ids", substances},
            {"errors", errors}};
  }

  ServerState& state_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::map<std::string, std::shared_ptr<Job>> jobs_;
  std::deque<std::shared_ptr<Job>> queue_;
  std::deque<std::string> order_;
  std::thread worker_;  // last: starts once the members above exist
};

std::string random_id() {
  static std::mutex m;
  static std::mt19937_64 rng{std::random_device{}()};
  std::lock_guard lock(m);
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

// A file name from the client, without directories or control characters.
std::string clean_name(std::string name) {
  auto slash = name.find_last_of("/\\");
  if (slash != std::string::npos) name.erase(0, slash + 1);
  std::string out;
  for (char c : name) {
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f && c != ':') out += c;
  }
  return out.empty() ? "upload" : out;
}

bool valid_dataset(const std::string& d) {
  if (d.empty() || d.size() > 64) return false;
  for (char c : d) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') {
      return false;
    }
  }
  return true;
}

ordered_json pending(const std::string& name) { return {{"file", name}, {"status", "pending"}}; }

ordered_json skipped(const std::string& name, const std::string& why) {
  return {{"file", name}, {"status", "skipped"}, {"errors", {name + ": " + why}}};
}

// POST /api/ingest (multipart/form-data): parts with a filename are the files; an optional
// "dataset" field names the dataset they join (default public).
void submit(Context& ctx, IngestJobs& jobs) {
  require(ctx, Role::kEditor);
  if (!ctx.req.is_multipart_form_data()) {
    throw HttpError(415,
                    "send the files as multipart/form-data (one part per file, with a "
                    "filename; zip archives are expanded)");
  }
  auto job = std::make_shared<Job>();
  job->id = random_id();
  job->user = ctx.who.name;
  job->dataset = "public";
  for (const auto& [field, part] : ctx.req.files) {
    if (part.filename.empty()) {
      if (field == "dataset") {
        if (!valid_dataset(part.content)) {
          throw HttpError(400, "dataset must be 1-64 letters, digits, '_', '-' or '.', got '" +
                                   part.content + "'");
        }
        job->dataset = part.content;
      } else {
        throw HttpError(400, "unknown form field '" + field + "' (expected files and 'dataset')");
      }
      continue;
    }
    const std::string name = clean_name(part.filename);
    auto add = [&](store::StructureText file, ordered_json result) {
      if (job->files.size() >= kMaxFiles) {
        throw HttpError(413, "more than " + std::to_string(kMaxFiles) + " files in one upload");
      }
      job->files.push_back(std::move(file));
      job->results.push_back(std::move(result));
    };
    if (looks_like_zip(part.content)) {
      for (ZipEntry& e : read_zip(part.content, name)) {
        std::string inner = name + "/" + e.name;
        // macOS resource forks and files that are not structures by their name are left out.
        if (e.name.rfind("__MACOSX/", 0) == 0 || !crystal::guess_format(e.name)) {
          add({inner, {}}, skipped(inner,
                                   "not a structure file by its name (.cif, .vasp, "
                                   "POSCAR, .xyz, .json); left out"));
          continue;
        }
        add({inner, std::move(e.data)}, pending(inner));
      }
    } else {
      add({name, part.content}, pending(name));
    }
  }
  if (job->files.empty()) {
    throw HttpError(400, "no files in the upload (send multipart/form-data parts with a filename)");
  }
  jobs.submit(job);
  ctx.res.set_header("Location", "/api/ingest/" + job->id);
  auto snap = jobs.snapshot(job->id, ctx.who);
  send_json(ctx, 202, *snap);
}

void progress(Context& ctx, IngestJobs& jobs) {
  require(ctx, Role::kEditor, false);
  const std::string id = ctx.req.matches[1];
  auto snap = jobs.snapshot(id, ctx.who);
  if (!snap) throw HttpError(404, "no ingest job '" + id + "' of yours");
  send_json(ctx, 200, *snap);
}

}  // namespace

void add_ingest_routes(httplib::Server& http, ServerState& state) {
  // Owned by the route handlers, so the worker stops before the server state goes.
  auto jobs = std::make_shared<IngestJobs>(state);
  http.Post("/api/ingest", guarded(state, false, [jobs](Context& ctx) { submit(ctx, *jobs); }));
  http.Get(R"(/api/ingest/([0-9a-f]+))",
           guarded(state, false, [jobs](Context& ctx) { progress(ctx, *jobs); }));
}

ordered_json ingest_openapi_paths() {
  auto op = [](const char* summary) { return ordered_json{{"summary", summary}}; };
  return {
      {"/api/ingest",
       {{"post", op("Upload structure files or zip archives of them (multipart/form-data, "
                    "optional field dataset); answers 202 with a job (editor)")}}},
      {"/api/ingest/{job}",
       {{"get", op("Progress of an upload job and per file: ingested, duplicate, error "
                   "(with located messages) or skipped (editor, own jobs)")}}},
  };
}

}  // namespace pb::server
