// Saved ML models and screening results in the native API (docs/api.md, "Models"): `phasebook
// serve --models DIR` publishes, read-only, the model directories `phasebook learn fit` wrote
// into DIR (model.json, and cv_predictions.csv from `fit --cv`, importance.json from `learn
// importance --json` when present) and the CSV files `learn screen` wrote into DIR. Nothing is
// loaded into a model: the files are read as they are, on each request (a screen's overlap
// counts are kept while its file is unchanged).
//
// Visibility: a model is members-only when its directory holds a file named `members-only`, when
// model.json says `"training": {"members_only": true}`, or when the server runs with
// --models-members-only; a screen is members-only when a `<name>.members-only` file sits beside
// it or one of the models it scores is. A guest gets 404 for them, as for a missing name.
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>
#include <string_view>

#include "server/api_common.hpp"
#include "util/csv.hpp"

namespace pb::server {

using nlohmann::ordered_json;
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kDefaultRows = 100;
constexpr std::int64_t kMaxRows = 1000;
constexpr std::int64_t kMaxSorted = 100000;  // offset + limit of a sorted page (rows held)
constexpr const char* kMarker = "members-only";

// Names are single directory or file names: letters, digits, '.', '_' and '-', not starting with
// a dot (no "..", no hidden files), at most 128 characters.
bool valid_name(const std::string& name) {
  static const std::regex ok(R"([A-Za-z0-9_][A-Za-z0-9._-]{0,127})");
  return std::regex_match(name, ok);
}

std::string checked_name(const std::string& name, const char* what) {
  if (!valid_name(name)) {
    throw HttpError(400, std::string("invalid ") + what + " name '" + name.substr(0, 200) +
                             "': letters, digits, '.', '_' and '-' only, not starting with '.'");
  }
  return name;
}

const fs::path& models_dir(const Context& ctx) {
  const fs::path& dir = ctx.state.options.models_dir;
  if (dir.empty()) {
    throw HttpError(404, "this server publishes no models (start it with --models DIR)");
  }
  return dir;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::optional<nlohmann::json> read_json(const fs::path& p) {
  std::ifstream in(p);
  if (!in) return std::nullopt;
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

std::string utc_of(const fs::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return {};
  std::tm tm{};
  gmtime_r(&st.st_mtime, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// A JSON number, or null for a field that is empty or not a number.
ordered_json number_or_null(const std::string& s) {
  if (s.empty()) return nullptr;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || *end != '\0' || !std::isfinite(v)) return nullptr;
  return v;
}

struct Model {
  std::string name;
  fs::path dir;
  nlohmann::json json;  // model.json
  bool members_only = false;
};

// The model directory `name` when it holds a readable phasebook-ml-model file.
std::optional<Model> read_model(const Context& ctx, const std::string& name) {
  fs::path dir = models_dir(ctx) / name;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return std::nullopt;
  auto j = read_json(dir / "model.json");
  if (!j || !j->is_object() || j->value("format", "").rfind("phasebook-ml-model/", 0) != 0) {
    return std::nullopt;
  }
  Model m{name, dir, std::move(*j), ctx.state.options.models_members_only};
  if (fs::exists(dir / kMarker, ec)) m.members_only = true;
  const auto& training = m.json.value("training", nlohmann::json::object());
  if (training.is_object() && training.value("members_only", false)) m.members_only = true;
  return m;
}

bool may_see(const Context& ctx, bool members_only) {
  return !members_only || ctx.access() == Access::kMember;
}

// Every model the caller may see, by name.
std::vector<Model> visible_models(const Context& ctx, bool include_hidden = false) {
  std::vector<Model> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(models_dir(ctx), ec)) {
    std::string name = e.path().filename().string();
    if (!valid_name(name)) continue;
    auto m = read_model(ctx, name);
    if (m && (include_hidden || may_see(ctx, m->members_only))) out.push_back(std::move(*m));
  }
  std::sort(out.begin(), out.end(), [](const Model& a, const Model& b) { return a.name < b.name; });
  return out;
}

ordered_json spread(const nlohmann::json& metrics, const char* key) {
  if (!metrics.contains(key) || !metrics[key].is_object()) return nullptr;
  return {{"mean", metrics[key].value("mean", 0.0)}, {"sd", metrics[key].value("sd", 0.0)}};
}

// The summary of a model in the list.
ordered_json summary(const Model& m) {
  const nlohmann::json& j = m.json;
  const auto obj = nlohmann::json::object();
  const auto& desc = j.value("descriptors", obj);
  const auto& columns = desc.value("columns", obj);
  const auto& config = desc.value("descriptors", obj);
  const auto& pipeline = j.value("pipeline", obj);
  const auto& training = j.value("training", obj);
  const auto& metrics = j.value("metrics", obj);
  std::error_code ec;
  const bool importance = fs::exists(m.dir / "importance.json", ec);
  ordered_json cv = nullptr;
  if (metrics.is_object() && metrics.contains("r2")) {
    cv = {{"r2", spread(metrics, "r2")},          {"rmse", spread(metrics, "rmse")},
          {"mae", spread(metrics, "mae")},        {"grouped", metrics.value("grouped", false)},
          {"folds", metrics.value("folds_k", 0)}, {"repeats", metrics.value("repeats", 1)}};
  }
  return {{"name", m.name},
          {"kind", pipeline.value("kind", "")},
          {"target", columns.value("target", "")},
          {"log10_target", columns.value("log10_target", false)},
          {"formula", columns.value("formula", "")},
          {"formula_b", columns.value("formula_b", "")},
          {"formula_b_value", columns.value("formula_b_value", "")},
          {"descriptor_version", desc.value("version", "")},
          {"preset", config.value("preset", "")},
          {"features", desc.contains("names") ? desc["names"].size() : 0},
          {"rows", training.value("rows", 0)},
          {"data_sha256", training.value("data_sha256", "")},
          {"cv", cv},
          {"trained_at", utc_of(m.dir / "model.json")},
          {"members_only", m.members_only},
          {"has_cv_predictions", fs::exists(m.dir / "cv_predictions.csv", ec)},
          {"has_importance", importance}};
}

// --- screening results ---------------------------------------------------------------------------

struct ScreenFile {
  std::string name;
  fs::path path;
  std::vector<std::string> header;
};

// A `learn screen` output: a CSV in the models directory whose header has n_agree and kept_by.
std::optional<ScreenFile> read_screen_header(const fs::path& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
  std::vector<std::string> header;
  try {
    header = csv::split(line);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  auto has = [&](const char* c) {
    return std::find(header.begin(), header.end(), c) != header.end();
  };
  if (!has("n_agree") || !has("kept_by")) return std::nullopt;
  return ScreenFile{path.stem().string(), path, std::move(header)};
}

// The model columns of a screen: header names that are model directories.
std::vector<std::string> screen_models(const ScreenFile& s, const std::vector<Model>& all) {
  std::vector<std::string> out;
  for (const auto& c : s.header) {
    for (const auto& m : all) {
      if (m.name == c) out.push_back(c);
    }
  }
  return out;
}

bool screen_members_only(const Context& ctx, const ScreenFile& s, const std::vector<Model>& all) {
  std::error_code ec;
  if (ctx.state.options.models_members_only) return true;
  if (fs::exists(s.path.parent_path() / (s.name + "." + kMarker), ec)) return true;
  for (const auto& name : screen_models(s, all)) {
    for (const auto& m : all) {
      if (m.name == name && m.members_only) return true;
    }
  }
  return false;
}

std::vector<ScreenFile> visible_screens(const Context& ctx, const std::vector<Model>& all) {
  std::vector<ScreenFile> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(models_dir(ctx), ec)) {
    if (!e.is_regular_file(ec) || e.path().extension() != ".csv") continue;
    if (!valid_name(e.path().filename().string())) continue;
    auto s = read_screen_header(e.path());
    if (s && may_see(ctx, screen_members_only(ctx, *s, all))) out.push_back(std::move(*s));
  }
  std::sort(out.begin(), out.end(),
            [](const ScreenFile& a, const ScreenFile& b) { return a.name < b.name; });
  return out;
}

// Calls `fn` with every line after the header of a CSV file whose records are single lines (as
// `learn screen` writes them), without its line end, skipping empty lines, until it returns
// false.
template <class Fn>
void for_each_line(const fs::path& path, Fn&& fn) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty() && !fn(std::string_view(line))) return;
  }
}

std::size_t column_index(const std::vector<std::string>& header, const char* name) {
  return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
}

// Field `column` of a line with `columns` fields. A line without quotes (what `learn screen`
// writes for formulas, model names and numbers) is cut at its commas without building the other
// fields, so a 10-million-row screen is counted, filtered and sorted at about the speed of reading
// it; a line with quotes is split as CSV. "" when absent or unreadable.
std::string field_of(std::string_view line, std::size_t column) {
  if (line.find('"') == std::string_view::npos) {
    std::size_t begin = 0;
    for (std::size_t k = 0; k < column; ++k) {
      begin = line.find(',', begin);
      if (begin == std::string_view::npos) return {};
      ++begin;
    }
    return std::string(line.substr(begin, line.find(',', begin) - begin));
  }
  try {
    auto f = csv::split(line);
    return column < f.size() ? f[column] : std::string();
  } catch (const std::exception&) {
    return {};
  }
}

// Counts of a whole screen file: rows, rows per n_agree and per kept_by set. Kept while the file's
// size and modification time stay the same (a 10-million-row screen takes seconds to count).
struct ScreenCounts {
  std::size_t rows = 0;
  std::map<std::int64_t, std::size_t> by_agree;
  std::map<std::string, std::size_t> by_set;
};

ScreenCounts count_screen(const ScreenFile& s) {
  static std::mutex mutex;
  static std::map<std::string, std::pair<std::string, ScreenCounts>> cache;
  struct stat st {};
  ::stat(s.path.c_str(), &st);
  const std::string stamp = std::to_string(st.st_size) + "/" + std::to_string(st.st_mtime);
  {
    std::lock_guard lock(mutex);
    auto it = cache.find(s.path.string());
    if (it != cache.end() && it->second.first == stamp) return it->second.second;
  }
  const auto ia = column_index(s.header, "n_agree");
  const auto ik = column_index(s.header, "kept_by");
  ScreenCounts c;
  for_each_line(s.path, [&](std::string_view line) {
    ++c.rows;
    ++c.by_agree[std::atoll(field_of(line, ia).c_str())];
    std::string set = field_of(line, ik);
    ++c.by_set[set.empty() ? "(none)" : set];
    return true;
  });
  std::lock_guard lock(mutex);
  cache[s.path.string()] = {stamp, c};
  return c;
}

ordered_json screen_summary(const ScreenFile& s, const std::vector<Model>& all,
                            const ScreenCounts& c) {
  ordered_json agree = ordered_json::array();
  for (auto it = c.by_agree.rbegin(); it != c.by_agree.rend(); ++it) {
    agree.push_back({{"n_agree", it->first}, {"count", it->second}});
  }
  return {{"name", s.name},
          {"file", s.path.filename().string()},
          {"models", screen_models(s, all)},
          {"rows", c.rows},
          {"by_agree", agree},
          {"written_at", utc_of(s.path)}};
}

// --- handlers
// -------------------------------------------------------------------------------------

// GET /api/models
void list_models(Context& ctx) {
  if (ctx.state.options.models_dir.empty()) {
    send_json(ctx, 200,
              {{"published", false},
               {"models", ordered_json::array()},
               {"screens", ordered_json::array()}});
    return;
  }
  auto all = visible_models(ctx, true);
  ordered_json models = ordered_json::array();
  for (const auto& m : all) {
    if (may_see(ctx, m.members_only)) models.push_back(summary(m));
  }
  ordered_json screens = ordered_json::array();
  for (const auto& s : visible_screens(ctx, all)) {
    screens.push_back(screen_summary(s, all, count_screen(s)));
  }
  send_json(ctx, 200, {{"published", true}, {"models", models}, {"screens", screens}});
}

// GET /api/models/{name}: everything the model page plots.
void model(Context& ctx) {
  const std::string name = checked_name(ctx.req.matches[1].str(), "model");
  auto m = read_model(ctx, name);
  if (!m || !may_see(ctx, m->members_only)) throw HttpError(404, "no model '" + name + "'");
  const nlohmann::json& j = m->json;
  const auto obj = nlohmann::json::object();
  const auto& pipeline = j.value("pipeline", obj);
  ordered_json out = {{"model", summary(*m)}};
  out["params"] = pipeline.value("params", obj);
  out["fitted"] = j.value("fitted", obj);
  out["missing"] = pipeline.value("missing", obj);
  out["features"] = j.value("descriptors", obj).value("names", nlohmann::json::array());
  out["categorical_levels"] = j.value("descriptors", obj).value("levels", obj);
  out["cv"] = j.value("metrics", obj);

  // Out-of-fold predictions of `fit --cv` (line,group,fold,target,predicted,predicted_std).
  out["cv_predictions"] = nullptr;
  std::error_code ec;
  if (fs::exists(m->dir / "cv_predictions.csv", ec)) {
    std::vector<std::vector<std::string>> rows;
    try {
      rows = csv::parse(read_file(m->dir / "cv_predictions.csv"), "cv_predictions.csv");
    } catch (const std::exception& e) {
      throw HttpError(500, "model '" + name + "': unreadable cv_predictions.csv: " + e.what());
    }
    ordered_json points = ordered_json::array();
    if (!rows.empty()) {
      const auto& h = rows[0];
      auto col = [&](const char* n) {
        auto it = std::find(h.begin(), h.end(), n);
        return it == h.end() ? -1 : static_cast<int>(it - h.begin());
      };
      const int cl = col("line"), cg = col("group"), cf = col("fold"), ct = col("target"),
                cp = col("predicted"), cs = col("predicted_std");
      auto field = [](const std::vector<std::string>& r, int c) {
        return c >= 0 && c < static_cast<int>(r.size()) ? r[c] : std::string();
      };
      for (std::size_t i = 1; i < rows.size(); ++i) {
        const auto& r = rows[i];
        ordered_json fold = number_or_null(field(r, cf));
        ordered_json line = number_or_null(field(r, cl));
        points.push_back({{"line", line.is_null() ? line : ordered_json(line.get<std::int64_t>())},
                          {"group", field(r, cg)},
                          {"fold", fold.is_null() ? fold : ordered_json(fold.get<std::int64_t>())},
                          {"measured", number_or_null(field(r, ct))},
                          {"predicted", number_or_null(field(r, cp))},
                          {"predicted_std", number_or_null(field(r, cs))}});
      }
    }
    out["cv_predictions"] = points;
  }

  // `learn importance --json` (permutation; tree gain and |SHAP|; ablation) when stored.
  out["importance"] = nullptr;
  if (fs::exists(m->dir / "importance.json", ec)) {
    auto imp = read_json(m->dir / "importance.json");
    if (!imp || !imp->is_object()) {
      throw HttpError(500, "model '" + name + "': importance.json is not a JSON object");
    }
    out["importance"] = *imp;
  }

  auto all = visible_models(ctx, true);
  ordered_json screens = ordered_json::array();
  for (const auto& s : visible_screens(ctx, all)) {
    auto names = screen_models(s, all);
    if (std::find(names.begin(), names.end(), name) != names.end()) screens.push_back(s.name);
  }
  out["screens"] = screens;
  send_json(ctx, 200, out);
}

// `sort=COLUMN` or `sort=COLUMN:desc`: a column of the screen (a model's predictions, n_agree,
// ...); 400 naming the columns otherwise.
struct SortSpec {
  int column = -1;
  bool descending = false;
  std::string text;
};

SortSpec sort_spec(const Context& ctx, const std::vector<std::string>& header) {
  SortSpec spec;
  spec.text = ctx.param("sort").value_or("");
  if (spec.text.empty()) return spec;
  std::string name = spec.text;
  if (name.size() > 5 && name.ends_with(":desc")) {
    spec.descending = true;
    name.resize(name.size() - 5);
  } else if (name.size() > 4 && name.ends_with(":asc")) {
    name.resize(name.size() - 4);
  }
  const std::size_t c = column_index(header, name.c_str());
  if (c == header.size()) {
    std::string list;
    for (const auto& h : header) list += (list.empty() ? "" : ", ") + h;
    throw HttpError(400, "sort must be a column of the screen (" + list +
                             "), optionally with "
                             ":desc; got '" +
                             spec.text + "'");
  }
  spec.column = static_cast<int>(c);
  return spec;
}

// GET /api/screens/{name}?offset=&limit=&kept_by=&sort=: counts and a page of rows, in file
// order or sorted by a column.
void screen(Context& ctx) {
  const std::string name = checked_name(ctx.req.matches[1].str(), "screen");
  auto all = visible_models(ctx, true);
  const fs::path path = models_dir(ctx) / (name + ".csv");
  std::error_code ec;
  std::optional<ScreenFile> s;
  if (fs::is_regular_file(path, ec)) s = read_screen_header(path);
  if (!s || !may_see(ctx, screen_members_only(ctx, *s, all))) {
    throw HttpError(404, "no screen '" + name + "'");
  }
  std::int64_t limit = kDefaultRows, offset = 0;
  if (auto l = ctx.param("limit"))
    limit = std::clamp<std::int64_t>(int_param("limit", *l), 1, kMaxRows);
  if (auto o = ctx.param("offset")) offset = int_param("offset", *o);
  const std::string only = ctx.param("kept_by").value_or("");
  const SortSpec sort = sort_spec(ctx, s->header);
  if (sort.column >= 0 && offset + limit > kMaxSorted) {
    throw HttpError(400, "offset + limit must be at most " + std::to_string(kMaxSorted) +
                             " with sort (got " + std::to_string(offset + limit) + ")");
  }

  ScreenCounts c = count_screen(*s);
  ordered_json out = screen_summary(*s, all, c);
  ordered_json overlap = ordered_json::array();
  for (const auto& [set, n] : c.by_set) {
    const auto models = set == "(none)" ? 0 : std::count(set.begin(), set.end(), '+') + 1;
    overlap.push_back({{"kept_by", set}, {"models", models}, {"count", n}});
  }
  std::stable_sort(overlap.begin(), overlap.end(), [](const auto& a, const auto& b) {
    return a["models"].template get<int>() > b["models"].template get<int>() ||
           (a["models"] == b["models"] &&
            a["count"].template get<std::size_t>() > b["count"].template get<std::size_t>());
  });
  out["overlap"] = overlap;
  out["columns"] = s->header;

  const auto ik = column_index(s->header, "kept_by");
  ordered_json rows = ordered_json::array();
  auto add_row = [&](std::string_view line) {
    std::vector<std::string> f;
    try {
      f = csv::split(line);
    } catch (const std::exception&) {
      f = {std::string(line)};
    }
    ordered_json row = ordered_json::array();
    for (std::size_t k = 0; k < s->header.size(); ++k) row.push_back(k < f.size() ? f[k] : "");
    rows.push_back(row);
  };
  std::size_t matching = 0;
  if (sort.column < 0) {
    for_each_line(s->path, [&](std::string_view line) {
      if (!only.empty() && field_of(line, ik) != only) return true;
      if (matching++ < static_cast<std::size_t>(offset)) return true;
      // Without a filter the total is c.rows; with one, counting goes on.
      if (static_cast<std::int64_t>(rows.size()) >= limit) return !only.empty();
      add_row(line);
      return true;
    });
  } else {
    // The best offset + limit rows by the sort column (numbers; others last, in file order),
    // kept in a bounded heap whose top is the worst row kept.
    struct Kept {
      double value;
      std::size_t seq;
      std::string line;
    };
    auto better = [&](const Kept& a, const Kept& b) {
      if (std::isnan(a.value) != std::isnan(b.value)) return std::isnan(b.value);
      if (!std::isnan(a.value) && a.value != b.value)
        return sort.descending ? a.value > b.value : a.value < b.value;
      return a.seq < b.seq;
    };
    std::vector<Kept> heap;
    const std::size_t keep = static_cast<std::size_t>(offset + limit);
    for_each_line(s->path, [&](std::string_view line) {
      if (!only.empty() && field_of(line, ik) != only) return true;
      const std::string v = field_of(line, static_cast<std::size_t>(sort.column));
      char* end = nullptr;
      double x = std::strtod(v.c_str(), &end);
      if (v.empty() || *end != '\0' || !std::isfinite(x)) x = std::nan("");
      Kept k{x, matching++, {}};
      if (heap.size() == keep && !better(k, heap.front())) return true;
      k.line = std::string(line);
      heap.push_back(std::move(k));
      std::push_heap(heap.begin(), heap.end(), better);
      if (heap.size() > keep) {
        std::pop_heap(heap.begin(), heap.end(), better);
        heap.pop_back();
      }
      return true;
    });
    std::sort_heap(heap.begin(), heap.end(), better);
    for (std::size_t i = static_cast<std::size_t>(offset); i < heap.size(); ++i) {
      add_row(heap[i].line);
    }
  }
  out["total"] = only.empty() ? c.rows : matching;
  out["sort"] = sort.text;
  out["offset"] = offset;
  out["limit"] = limit;
  out["page"] = rows;
  send_json(ctx, 200, out);
}

}  // namespace

void add_model_routes(httplib::Server& http, ServerState& state) {
  http.Get("/api/models", guarded(state, false, list_models));
  http.Get(R"(/api/models/([^/]*))", guarded(state, false, model));
  http.Get(R"(/api/screens/([^/]*))", guarded(state, false, screen));
}

ordered_json models_openapi_paths() {
  auto op = [](const char* summary) { return ordered_json{{"summary", summary}}; };
  return {
      {"/api/models",
       {{"get", op("Saved ML models published with `serve --models DIR` (kind, target, "
                   "descriptor set and version, rows, CV R2/RMSE/MAE with spread, data hash) and "
                   "the screening results beside them")}}},
      {"/api/models/{name}",
       {{"get", op("One model: parameters, missing-value policy, features, CV figures per fold, "
                   "out-of-fold predictions (measured, predicted, fold, group), importance "
                   "(permutation; gain and |SHAP| for trees; ablation) when stored")}}},
      {"/api/screens/{name}",
       {{"get", op("A `learn screen` result: candidates per n_agree and per set of models "
                   "keeping them, and a page of rows (offset, limit, kept_by)")}}},
  };
}

}  // namespace pb::server
