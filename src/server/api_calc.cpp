// Calculation results in the native API (docs/api.md, "Calculations"): the jobs of the DFT
// workflow (table calc_job, docs/calc.md) with their parsed results, and per job the DOS and the
// band structure as numbers for plotting. A job shows to a guest only when its structure does:
// a guest's connection sees public structures only, so a result computed on a restricted
// structure stays hidden, counts included.
#include <algorithm>
#include <cmath>
#include <set>

#include "calc/result.hpp"
#include "calc/workflow.hpp"
#include "server/api_common.hpp"
#include "store/sqlite.hpp"

namespace pb::server {

using nlohmann::ordered_json;

namespace {

constexpr std::int64_t kDefaultRows = 50;
constexpr std::int64_t kMaxRows = 1000;
constexpr const char* kStates[] = {"queued", "submitting", "submitted", "running",
                                   "done",   "failed",     "cancelled"};

// The jobs a caller may see: every job for members; for guests those whose structure their
// connection shows (public datasets).
constexpr const char* kVisible = "(?1 OR j.structure_id IN (SELECT id FROM structure))";

ordered_json opt(store::Statement& s, int col) {
  if (s.is_null(col)) return nullptr;
  return s.column_double(col);
}

ordered_json opt_bool(store::Statement& s, int col) {
  if (s.is_null(col)) return nullptr;
  return s.column_int64(col) != 0;
}

ordered_json opt_text(store::Statement& s, int col) {
  if (s.is_null(col)) return nullptr;
  return s.column_text(col);
}

std::string checked_choice(const Context& ctx, const char* name, const std::set<std::string>& ok) {
  std::string v = ctx.param(name).value_or("");
  if (!v.empty() && !ok.count(v)) {
    std::string list;
    for (const auto& o : ok) list += (list.empty() ? "" : ", ") + o;
    throw HttpError(400, std::string(name) + " must be one of " + list + ", got '" + v + "'");
  }
  return v;
}

// GET /api/calculations?state=done&code=qe&task=bands&substance_id=...&structure_id=...
void list_calculations(Context& ctx) {
  const std::string state =
      checked_choice(ctx, "state", std::set<std::string>(std::begin(kStates), std::end(kStates)));
  const std::string code = ctx.param("code").value_or("");
  const std::string task = ctx.param("task").value_or("");
  const std::string substance = ctx.param("substance_id").value_or("");
  std::int64_t structure = 0;
  if (auto s = ctx.param("structure_id")) structure = int_param("structure_id", *s);
  std::int64_t limit = kDefaultRows, offset = 0;
  if (auto l = ctx.param("limit"))
    limit = std::clamp<std::int64_t>(int_param("limit", *l), 1, kMaxRows);
  if (auto o = ctx.param("offset")) offset = int_param("offset", *o);

  const std::string where = std::string(" WHERE ") + kVisible +
                            " AND (?2 = '' OR j.state = ?2) AND (?3 = '' OR j.code = ?3)"
                            " AND (?4 = '' OR j.task = ?4) AND (?5 = '' OR j.substance_id = ?5)"
                            " AND (?6 = 0 OR j.structure_id = ?6)";
  auto db = ctx.read();
  auto& c = db.db().connection();
  const bool member = ctx.access() == Access::kMember;
  auto bind = [&](store::Statement& s) {
    s.bind(1, static_cast<std::int64_t>(member)).bind(2, state).bind(3, code).bind(4, task);
    s.bind(5, substance).bind(6, structure);
  };
  auto count = c.prepare("SELECT count(*) FROM calc_job j" + where);
  bind(count);
  count.step();
  auto rows = c.prepare(
      "SELECT j.id, j.batch, j.code, j.task, j.state, j.attempts, j.structure_id, j.substance_id,"
      " s.chemical_formula_reduced, r.energy_ev, r.energy_per_atom_ev, r.fermi_ev, r.band_gap_ev,"
      " r.gap_direct, r.metal, r.converged, j.reason, j.updated_at"
      " FROM calc_job j LEFT JOIN structure s ON s.id = j.structure_id"
      " LEFT JOIN calc_result r ON r.job_id = j.id" +
      where + " ORDER BY j.id LIMIT ?7 OFFSET ?8");
  bind(rows);
  rows.bind(7, limit).bind(8, offset);
  ordered_json out = ordered_json::array();
  while (rows.step()) {
    out.push_back(
        {{"id", rows.column_int64(0)},
         {"batch", rows.column_text(1)},
         {"code", rows.column_text(2)},
         {"task", rows.column_text(3)},
         {"state", rows.column_text(4)},
         {"attempts", rows.column_int64(5)},
         {"structure_id", rows.is_null(6) ? ordered_json() : ordered_json(rows.column_int64(6))},
         {"substance_id", opt_text(rows, 7)},
         {"formula", opt_text(rows, 8)},
         {"energy_ev", opt(rows, 9)},
         {"energy_per_atom_ev", opt(rows, 10)},
         {"fermi_ev", opt(rows, 11)},
         {"band_gap_ev", opt(rows, 12)},
         {"gap_direct", opt_bool(rows, 13)},
         {"metal", opt_bool(rows, 14)},
         {"converged", opt_bool(rows, 15)},
         {"reason", opt_text(rows, 16)},
         {"updated_at", rows.column_text(17)}});
  }
  send_json(ctx, 200, {{"total", count.column_int64(0)}, {"offset", offset}, {"rows", out}});
}

// Distance along the k-path (1/Å): a jump between two path segments (consecutive k-points that
// both carry a label, "X|K") adds nothing, as in `phasebook plot bands`.
std::vector<double> path_distance(const calc::BandData& bands,
                                  const std::set<std::size_t>& marked) {
  std::vector<double> x(bands.kpoints.size(), 0);
  for (std::size_t k = 1; k < x.size(); ++k) {
    const auto& a = bands.kpoints[k - 1];
    const auto& b = bands.kpoints[k];
    const bool jump = marked.count(k) && marked.count(k - 1);
    x[k] = x[k - 1] + (jump ? 0 : std::hypot(b[0] - a[0], b[1] - a[1], b[2] - a[2]));
  }
  return x;
}

// The band structure for plotting: [spin][band] lines over the path distance.
ordered_json bands_json(const calc::BandData& bands, const ordered_json& inputs, double zero) {
  ordered_json labels = ordered_json::array();
  std::set<std::size_t> marked;
  if (inputs.contains("kpath_labels") && inputs["kpath_labels"].is_array()) {
    for (const auto& l : inputs["kpath_labels"]) {
      auto index = l.value("index", std::size_t{0});
      if (index < bands.kpoints.size()) marked.insert(index);
    }
  }
  std::vector<double> x = path_distance(bands, marked);
  if (inputs.contains("kpath_labels") && inputs["kpath_labels"].is_array()) {
    for (const auto& l : inputs["kpath_labels"]) {
      auto index = l.value("index", std::size_t{0});
      if (index >= x.size()) continue;
      labels.push_back({{"index", index}, {"label", l.value("label", "")}, {"distance", x[index]}});
    }
  }
  ordered_json spins = ordered_json::array();
  for (const auto& spin : bands.eigenvalues) {
    std::size_t nbands = 0;
    for (const auto& k : spin) nbands = std::max(nbands, k.size());
    ordered_json lines = ordered_json::array();
    for (std::size_t b = 0; b < nbands; ++b) {
      ordered_json line = ordered_json::array();
      for (const auto& k : spin) line.push_back(b < k.size() ? ordered_json(k[b]) : ordered_json());
      lines.push_back(std::move(line));
    }
    spins.push_back(std::move(lines));
  }
  return {{"zero_ev", zero},
          {"nkpoints", bands.kpoints.size()},
          {"distance", x},
          {"labels", labels},
          {"eigenvalues_ev", spins}};
}

double number_param(const Context& ctx, const char* name, double fallback, double lo, double hi) {
  auto text = ctx.param(name);
  if (!text) return fallback;
  char* end = nullptr;
  double v = std::strtod(text->c_str(), &end);
  if (text->empty() || *end != '\0' || !std::isfinite(v) || v < lo || v > hi) {
    throw HttpError(400, std::string(name) + " must be a number from " + std::to_string(lo) +
                             " to " + std::to_string(hi) + ", got '" + *text + "'");
  }
  return v;
}

// A job as the API shows it: without the places on the server's disk (workdir, runner id) and
// the attempt history.
ordered_json job_json(const calc::JobRow& j) {
  ordered_json o = calc::to_json(j);
  for (const char* local : {"runner_job_id", "workdir", "history"}) o.erase(local);
  return o;
}

// GET /api/calculations/{id}?sigma=0.1&points=1000: the job, its parsed result and, when the
// output holds eigenvalues (or the code's own DOS), the DOS and bands ready to plot.
void calculation(Context& ctx) {
  const std::int64_t id = path_id(ctx, 1, "calculation");
  const double sigma = number_param(ctx, "sigma", 0.1, 0.001, 5);
  const auto points = static_cast<std::size_t>(number_param(ctx, "points", 1000, 10, 20000));
  auto db = ctx.read();
  auto& c = db.db().connection();
  auto visible =
      c.prepare(std::string("SELECT count(*) FROM calc_job j WHERE j.id = ?2 AND ") + kVisible);
  visible.bind(1, static_cast<std::int64_t>(ctx.access() == Access::kMember)).bind(2, id);
  visible.step();
  if (visible.column_int64(0) == 0) {
    throw HttpError(404, "no calculation '" + ctx.req.matches[1].str() + "'");
  }
  auto jobs = calc::list_jobs(db.db(), {{}, {id}, {}});
  if (jobs.empty()) throw HttpError(404, "no calculation '" + ctx.req.matches[1].str() + "'");
  ordered_json out = {{"job", job_json(jobs[0])}, {"result", nullptr}};
  auto results = calc::list_results(db.db(), {{}, {id}, {}});
  if (!results.empty()) {
    const calc::StoredResult& sr = results[0];
    const calc::CalcResult& r = sr.result;
    ordered_json result = calc::to_json(r);
    // The parse's own paths point into the server's work directories; the big arrays come
    // below in plotting form.
    for (const char* k : {"source", "bands", "dos"}) result.erase(k);
    result["formation_energy_ev_per_atom"] = sr.formation_energy_ev_per_atom
                                                 ? ordered_json(*sr.formation_energy_ev_per_atom)
                                                 : ordered_json();
    result["formation_note"] = sr.formation_note;
    result["inputs"] = sr.inputs;
    out["result"] = result;
    // Energies are drawn from the valence-band maximum of an insulator, else the Fermi level.
    auto gap = calc::result_gap(r);
    const double zero = gap && !gap->metal ? gap->vbm_ev : r.fermi_ev.value_or(0);
    if (r.dos || r.bands) {
      const bool own = r.dos.has_value();
      calc::Dos dos = own ? *r.dos : calc::density_of_states(*r.bands, sigma, points);
      out["dos"] = {{"zero_ev", zero},
                    {"source", own ? "code" : "broadened"},
                    {"sigma_ev", own ? ordered_json() : ordered_json(sigma)},
                    {"energies_ev", dos.energies_ev},
                    {"total", dos.total}};
    }
    // A band structure is drawn along a path: the bands task (eigenvalues on a mesh are no
    // path).
    if (r.bands && r.bands->kpoints.size() >= 2 &&
        (sr.job.task == "bands" || sr.inputs.contains("kpath_labels"))) {
      out["bands"] = bands_json(*r.bands, ordered_json(sr.inputs), zero);
    }
  }
  send_json(ctx, 200, out);
}

}  // namespace

void add_calc_routes(httplib::Server& http, ServerState& state) {
  http.Get("/api/calculations", guarded(state, false, list_calculations));
  http.Get(R"(/api/calculations/([^/]+))", guarded(state, false, calculation));
}

ordered_json calc_openapi_paths() {
  auto op = [](const char* summary) { return ordered_json{{"summary", summary}}; };
  return {
      {"/api/calculations",
       {{"get", op("DFT jobs with their results: state, code, task, substance_id, "
                   "structure_id, limit, offset")}}},
      {"/api/calculations/{id}",
       {{"get", op("One job, its parsed result, and the DOS (sigma, points) and band structure "
                   "as numbers to plot (bands along the k-path of a bands job)")}}},
  };
}

}  // namespace pb::server
