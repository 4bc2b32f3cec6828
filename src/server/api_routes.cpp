// The native API under /api (docs/api.md): substance pages, the search model of pb_query,
// property and phase-diagram listings, exports, accounts, and editor write endpoints. Reads go
// through the caller's pooled connection (guests cannot see restricted rows there); writes go
// through the single writer connection after a role and CSRF check.
#include <algorithm>
#include <charconv>
#include <sstream>
#include <thread>

#include "crystal/cif_writer.hpp"
#include "crystal/optimade_json.hpp"
#include "crystal/poscar.hpp"
#include "query/record_json.hpp"
#include "query/search.hpp"
#include "server/api_common.hpp"
#include "server/http.hpp"
#include "server/zip_archive.hpp"
#include "store/property_kinds.hpp"
#include "store/structure_record.hpp"
#include "util/error.hpp"
#include "util/units.hpp"

namespace pb::server {

using nlohmann::ordered_json;

ordered_json json_body(const Context& ctx) {
  const std::string type = ctx.req.get_header_value("Content-Type");
  // A JSON content type cannot be sent by a plain HTML form, which keeps cross-site forms out.
  if (type.rfind("application/json", 0) != 0) {
    throw HttpError(415, "send the body as application/json");
  }
  auto body = ordered_json::parse(ctx.req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    throw HttpError(400, "the request body must be a JSON object");
  }
  return body;
}

std::string string_field(const ordered_json& body, const std::string& name, bool required) {
  if (!body.contains(name) || body[name].is_null()) {
    if (required) throw HttpError(400, "'" + name + "' is required");
    return {};
  }
  if (!body[name].is_string()) throw HttpError(400, "'" + name + "' must be a string");
  return body[name].get<std::string>();
}

void require(Context& ctx, Role role, bool write) {
  if (ctx.who.user_id == 0) throw HttpError(401, "sign in first (POST /api/login)");
  if (write && ctx.who.via_cookie &&
      ctx.req.get_header_value("X-CSRF-Token") != csrf_token(ctx.who.token)) {
    throw HttpError(403, "missing or wrong X-CSRF-Token header (it comes with the login response)");
  }
  if (ctx.who.role < role) {
    throw HttpError(403, "this needs the " + std::string(to_string(role)) + " role; you are " +
                             std::string(to_string(ctx.who.role)));
  }
}

std::int64_t path_id(const Context& ctx, int group, const char* what) {
  const std::string text = ctx.req.matches[group];
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw HttpError(404, std::string("no ") + what + " '" + text + "'");
  }
  return id;
}

namespace {

// Results of one page of a search at most; a client pages with offset for more.
constexpr std::int64_t kMaxRows = 10000;
constexpr std::int64_t kDefaultRows = 100;
// A signed-in browser session lasts this long.
constexpr std::int64_t kSessionSeconds = 12 * 3600;

// Search conditions come as query parameters (GET) or as one JSON object (POST) with the same
// names; both are read through this view.
class Params {
 public:
  explicit Params(const Context& ctx) : ctx_(ctx) {
    if (ctx.req.method == "POST" && !ctx.req.body.empty()) {
      body_ = ordered_json::parse(ctx.req.body, nullptr, false);
      if (body_.is_discarded() || !body_.is_object()) {
        throw HttpError(400, "the request body must be a JSON object");
      }
    }
  }
  std::string text(const std::string& name) const {
    if (body_.is_object() && body_.contains(name)) {
      const auto& v = body_[name];
      if (v.is_string()) return v.get<std::string>();
      if (v.is_number() || v.is_boolean()) return v.dump();
      if (v.is_null()) return {};
      throw HttpError(400, "'" + name + "' must be a string or a number");
    }
    return ctx_.req.has_param(name) ? ctx_.req.get_param_value(name) : std::string();
  }
  // A list: a JSON array, or comma-separated text.
  std::vector<std::string> list(const std::string& name) const {
    std::vector<std::string> out;
    if (body_.is_object() && body_.contains(name) && body_[name].is_array()) {
      for (const auto& v : body_[name]) {
        if (!v.is_string()) throw HttpError(400, "'" + name + "' must be a list of strings");
        out.push_back(v.get<std::string>());
      }
      return out;
    }
    std::stringstream ss(text(name));
    for (std::string item; std::getline(ss, item, ',');) {
      if (!item.empty()) out.push_back(item);
    }
    return out;
  }
  query::Range range(const std::string& name) const {
    std::string t = text(name);
    if (t.empty()) return {};
    try {
      return query::parse_range(t);
    } catch (const InvalidArgument& e) {
      throw HttpError(400, name + ": " + e.what());
    }
  }
  std::optional<double> number(const std::string& name) const {
    std::string t = text(name);
    if (t.empty()) return std::nullopt;
    double v = 0;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc() || end != t.data() + t.size()) {
      throw HttpError(400, name + " must be a number, got '" + t + "'");
    }
    return v;
  }
  std::optional<std::int64_t> integer(const std::string& name) const {
    std::string t = text(name);
    if (t.empty()) return std::nullopt;
    return int_param(name, t);
  }
  query::Paging paging() const {
    query::Paging p;
    p.limit = integer("limit").value_or(kDefaultRows);
    if (*p.limit > kMaxRows) {
      throw HttpError(400, "limit is at most " + std::to_string(kMaxRows) + "; page with offset");
    }
    p.offset = integer("offset").value_or(0);
    return p;
  }

 private:
  const Context& ctx_;
  ordered_json body_;
};

// The same conditions as `phasebook search` (src/cli/search_options.cpp), named without "--".
query::StructureQuery structure_query(const Params& p) {
  query::StructureQuery q;
  q.elements_all = p.list("elements");
  q.elements_any = p.list("elements_any");
  q.elements_only = p.list("elements_only");
  q.elements_none = p.list("exclude");
  q.nelements = p.range("nelements");
  q.formula = p.text("formula");
  q.formula_anonymous = p.text("anonymous");
  q.formula_contains = p.text("contains");
  if (auto sg = p.integer("space_group")) {
    if (*sg < 1 || *sg > 230) throw HttpError(400, "space_group must be 1-230");
    q.space_group_number = static_cast<int>(*sg);
  }
  q.crystal_system = p.text("crystal_system");
  q.pearson_symbol = p.text("pearson");
  q.structure_type = p.text("structure_type");
  q.a = p.range("a");
  q.b = p.range("b");
  q.c = p.range("c");
  q.alpha = p.range("alpha");
  q.beta = p.range("beta");
  q.gamma = p.range("gamma");
  const std::string property = p.text("property");
  const std::string unit = p.text("unit");
  const auto min = p.number("min"), max = p.number("max");
  const query::Range temperature = p.range("temperature");
  if (!property.empty()) {
    query::PropertyCondition c{property, {min, max}, temperature};
    if (!unit.empty()) c.value_si = query::range_to_si(c.value_si, property, unit);
    q.property = c;
  } else if (min || max || !unit.empty() || !temperature.empty()) {
    throw HttpError(400, "min, max, unit and temperature need property");
  }
  q.reference.author = p.text("author");
  q.reference.journal = p.text("journal");
  q.reference.doi = p.text("doi");
  q.reference.year = p.range("year");
  q.text = p.text("text");
  q.substance_id = p.text("substance");
  std::string sort = p.text("sort");
  q.sort = query::parse_sort(sort.empty() ? "id" : sort, query::structure_sort_fields());
  q.paging = p.paging();
  return q;
}

query::PropertyQuery property_query(const Params& p) {
  query::PropertyQuery q;
  q.kind = p.text("kind");
  q.value_si = {p.number("min"), p.number("max")};
  if (std::string unit = p.text("unit"); !unit.empty()) {
    if (q.kind.empty()) throw HttpError(400, "unit needs kind");
    q.value_si = query::range_to_si(q.value_si, q.kind, unit);
  }
  q.temperature_K = p.range("temperature");
  q.formula = p.text("formula");
  q.substance_id = p.text("substance");
  q.reference.author = p.text("author");
  q.reference.journal = p.text("journal");
  q.reference.doi = p.text("doi");
  q.reference.year = p.range("year");
  std::string sort = p.text("sort");
  q.sort = query::parse_sort(sort.empty() ? "id" : sort, query::property_sort_fields());
  q.paging = p.paging();
  return q;
}

std::string csv_field(const ordered_json& v) {
  std::string s = v.is_null() ? "" : v.is_string() ? v.get<std::string>() : v.dump();
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// Rows of flat JSON objects as CSV with a header from the first row's keys.
std::string to_csv(const ordered_json& rows) {
  std::string out;
  if (rows.empty()) return out;
  std::vector<std::string> keys;
  for (auto it = rows[0].begin(); it != rows[0].end(); ++it) keys.push_back(it.key());
  for (std::size_t i = 0; i < keys.size(); ++i) out += (i ? "," : "") + csv_field(keys[i]);
  out += "\r\n";
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const auto& v = row.contains(keys[i]) ? row[keys[i]] : ordered_json(nullptr);
      out += (i ? "," : "") + csv_field(v.is_object() || v.is_array() ? ordered_json(v.dump()) : v);
    }
    out += "\r\n";
  }
  return out;
}

ordered_json property_row_json(const query::PropertyRow& r) {
  auto opt = [](const auto& v) { return v ? ordered_json(*v) : ordered_json(nullptr); };
  return {{"id", r.id},
          {"kind", r.kind},
          {"substance_id", opt(r.substance_id)},
          {"formula", r.formula},
          {"value_si", opt(r.value_si)},
          {"min_si", opt(r.min_si)},
          {"max_si", opt(r.max_si)},
          {"uncertainty_si", opt(r.uncertainty_si)},
          {"unit_si", r.unit},
          {"value_as_given", r.value_as_given},
          {"unit_as_given", r.unit_as_given},
          {"temperature_K", opt(r.temperature_K)},
          {"pressure_kPa", opt(r.pressure_kPa)},
          {"method", r.method},
          {"conditions", query::embedded_json(r.conditions_json)},
          {"reference_id", opt(r.reference_id)},
          {"source_file", r.source_file}};
}

// Sends a result page as JSON ({"total", "offset", "rows"}) or, with format=csv, as CSV.
void send_rows(Context& ctx, const Params& p, std::int64_t total, std::int64_t offset,
               const ordered_json& rows, const std::string& name) {
  const std::string format = p.text("format");
  if (format == "csv") {
    ctx.res.set_header("Content-Disposition", "attachment; filename=\"" + name + ".csv\"");
    ctx.res.set_header("X-Total-Count", std::to_string(total));
    send_text(ctx, 200, to_csv(rows), "text/csv; charset=utf-8");
  } else if (format.empty() || format == "json") {
    send_json(ctx, 200, {{"total", total}, {"offset", offset}, {"rows", rows}});
  } else {
    throw HttpError(400, std::string(name == "structures" ? "format must be json, csv, cif or zip"
                                                          : "format must be json or csv") +
                             ", got '" + format + "'");
  }
}

// The structures of a result page as CIF: one multi-block file (format=cif) or a zip with
// one file per structure (format=zip). Each block is named phasebook_ID, as `phasebook export`.
void send_cifs(Context& ctx, DbPool::Lease& db, const query::Results<query::StructureRow>& results,
               const std::string& format) {
  std::string multi;
  std::vector<ZipEntry> entries;
  for (const auto& row : results.rows) {
    auto record = db.repos().structures->get(row.id);
    if (!record) continue;
    crystal::Structure s = store::to_structure(*record);
    s.name = "phasebook_" + std::to_string(record->id);
    std::string cif = "# structure " + std::to_string(record->id) + " of substance " +
                      record->substance_id.value_or("-") + "\n" + crystal::write_cif(s);
    if (format == "cif") {
      multi += cif + "\n";
    } else {
      entries.push_back({"structure-" + std::to_string(record->id) + ".cif", std::move(cif)});
    }
  }
  ctx.res.set_header("X-Total-Count", std::to_string(results.total));
  if (format == "cif") {
    ctx.res.set_header("Content-Disposition", "attachment; filename=\"structures.cif\"");
    send_text(ctx, 200, std::move(multi), "chemical/x-cif");
  } else {
    ctx.res.set_header("Content-Disposition", "attachment; filename=\"structures.zip\"");
    send_text(ctx, 200, write_zip(entries), "application/zip");
  }
}

void search(Context& ctx) {
  Params p(ctx);
  query::StructureQuery q = structure_query(p);
  const std::string format = p.text("format");
  auto db = ctx.read();
  auto results = query::search_structures(db.db(), q);
  if (format == "cif" || format == "zip") {
    send_cifs(ctx, db, results, format);
    return;
  }
  ordered_json rows = ordered_json::array();
  for (const auto& r : results.rows) rows.push_back(query::structure_row_json(r));
  send_rows(ctx, p, results.total, q.paging.offset, rows, "structures");
}

void properties(Context& ctx) {
  Params p(ctx);
  query::PropertyQuery q = property_query(p);
  auto db = ctx.read();
  auto results = query::search_properties(db.db(), q);
  ordered_json rows = ordered_json::array();
  for (const auto& r : results.rows) rows.push_back(property_row_json(r));
  send_rows(ctx, p, results.total, q.paging.offset, rows, "properties");
}

void substance(Context& ctx) {
  const std::string id = ctx.req.matches[1];
  Params p(ctx);
  const bool sites = p.text("sites") == "true" || p.text("sites") == "1";
  auto db = ctx.read();
  auto j = query::substance_json(db.db(), id, sites);
  if (!j) throw HttpError(404, "no substance '" + id + "'");
  send_json(ctx, 200, *j);
}

void phase_diagrams(Context& ctx) {
  Params p(ctx);
  query::Paging paging = p.paging();
  const std::string system = p.text("system");
  auto db = ctx.read();
  auto& c = db.db().connection();
  // Filtering by system is done in SQL so that total and paging agree.
  std::string where = system.empty() ? "" : " WHERE system = ? COLLATE NOCASE";
  auto count = c.prepare("SELECT count(*) FROM phase_diagram" + where);
  if (!system.empty()) count.bind(1, system);
  count.step();
  auto ids = c.prepare("SELECT id FROM phase_diagram" + where + " ORDER BY id LIMIT ? OFFSET ?");
  int i = 1;
  if (!system.empty()) ids.bind(i++, system);
  ids.bind(i, *paging.limit).bind(i + 1, paging.offset);
  ordered_json rows = ordered_json::array();
  while (ids.step()) {
    if (auto d = db.repos().phase_diagrams->get(ids.column_int64(0))) {
      rows.push_back(query::phase_diagram_record_json(*d));
    }
  }
  send_json(ctx, 200,
            {{"total", count.column_int64(0)}, {"offset", paging.offset}, {"rows", rows}});
}

void phase_diagram(Context& ctx) {
  std::int64_t id = path_id(ctx, 1, "phase diagram");
  auto db = ctx.read();
  auto d = db.repos().phase_diagrams->get(id);
  if (!d) throw HttpError(404, "no phase diagram " + std::to_string(id));
  send_json(ctx, 200, query::phase_diagram_record_json(*d));
}

void reference(Context& ctx) {
  std::int64_t id = path_id(ctx, 1, "reference");
  auto db = ctx.read();
  auto r = db.repos().references->get(id);
  if (!r) throw HttpError(404, "no reference " + std::to_string(id));
  send_json(ctx, 200, query::reference_record_json(*r));
}

// /api/structures/{id} (record JSON), .json (OPTIMADE entry), .cif, .poscar.
void structure(Context& ctx) {
  std::int64_t id = path_id(ctx, 1, "structure");
  const std::string ext = ctx.req.matches[2];
  auto db = ctx.read();
  auto record = db.repos().structures->get(id);
  if (!record) throw HttpError(404, "no structure " + std::to_string(id));
  if (ext.empty()) {
    send_json(ctx, 200, query::structure_record_json(*record, true));
    return;
  }
  crystal::Structure s = store::to_structure(*record);
  // The CIF writer adds "data_" itself; stored block names already carry it.
  if (s.name.rfind("data_", 0) == 0) s.name.erase(0, 5);
  const std::string name = "structure-" + std::to_string(id) + ext;
  ctx.res.set_header("Content-Disposition", "attachment; filename=\"" + name + "\"");
  if (ext == ".cif") {
    send_text(ctx, 200, crystal::write_cif(s), "chemical/x-cif");
  } else if (ext == ".poscar") {
    send_text(ctx, 200, crystal::write_poscar(s), "text/plain; charset=utf-8");
  } else {
    send_text(ctx, 200, crystal::write_optimade_json(s, std::to_string(id)), "application/json");
  }
}

// --- accounts ---

ordered_json identity_json(const Identity& who) {
  if (who.user_id == 0) return {{"user", nullptr}, {"role", "guest"}};
  return {{"user", who.name}, {"role", to_string(who.role)}};
}

void login(Context& ctx) {
  ordered_json body = json_body(ctx);
  const std::string name = string_field(body, "name");
  const std::string password = string_field(body, "password");
  std::optional<Identity> who;
  std::string token;
  {
    auto writer = ctx.state.pool.write();
    who = check_login(writer.db->db.connection(), name, password);
    if (who)
      token = issue_token(writer.db->db.connection(), who->user_id, "session", "login",
                          kSessionSeconds);
  }
  if (!who) throw HttpError(401, "wrong user name or password");
  note_user(who->name);
  ctx.res.set_header("Set-Cookie", "pb_session=" + token +
                                       "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                                       std::to_string(kSessionSeconds));
  ordered_json out = identity_json(*who);
  out["token"] = token;
  out["csrf_token"] = csrf_token(token);
  out["expires_in"] = kSessionSeconds;
  send_json(ctx, 200, out);
}

void logout(Context& ctx) {
  if (ctx.who.user_id != 0) {
    require(ctx, Role::kGuest);
    auto writer = ctx.state.pool.write();
    revoke_token(writer.db->db.connection(), ctx.who.token);
  }
  ctx.res.set_header("Set-Cookie", "pb_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
  send_json(ctx, 200, {{"signed_out", true}});
}

void new_api_token(Context& ctx) {
  require(ctx, Role::kMember);
  ordered_json body = json_body(ctx);
  const std::string label = string_field(body, "label", false);
  auto writer = ctx.state.pool.write();
  std::string token = issue_token(writer.db->db.connection(), ctx.who.user_id, "api", label, 0);
  send_json(ctx, 201, {{"token", token}, {"label", label}});
}

// POST /api/properties: one value for a substance, in any unit of the kind's dimension.
void add_property(Context& ctx) {
  require(ctx, Role::kEditor);
  ordered_json body = json_body(ctx);
  const std::string kind_name = string_field(body, "kind");
  const store::PropertyKind* kind = store::find_property_kind(kind_name);
  if (kind == nullptr) throw HttpError(400, "unknown property kind '" + kind_name + "'");
  if (!body.contains("value") || !body["value"].is_number()) {
    throw HttpError(400, "'value' must be a number");
  }
  const double value = body["value"].get<double>();
  const std::string unit_text = string_field(body, "unit", false);
  store::PropertyRecord p;
  p.kind = kind->name;
  p.value_as_given = body["value"].dump();
  p.unit_as_given = unit_text.empty() ? kind->unit.text : unit_text;
  units::Unit unit = units::parse_unit(p.unit_as_given);
  if (!units::convertible(unit, kind->unit)) {
    throw HttpError(400, "unit '" + p.unit_as_given + "' is not a unit of " + kind->name + " (" +
                             kind->unit.text + ")");
  }
  p.value_si = units::convert(value, unit, kind->unit);
  if (body.contains("temperature_K")) {
    if (!body["temperature_K"].is_number())
      throw HttpError(400, "'temperature_K' must be a number");
    p.temperature_K = body["temperature_K"].get<double>();
  }
  p.method = string_field(body, "method", false);
  const std::string dataset = string_field(body, "dataset", false);
  if (!dataset.empty()) p.dataset = dataset;
  p.source_file = "api:" + ctx.who.name;
  const std::string requested = string_field(body, "substance_id");

  auto writer = ctx.state.pool.write();
  store::Database& db = writer.db->db;
  store::Repositories& repos = writer.db->repos;
  auto resolved = repos.substances->resolve(requested);
  if (!resolved) throw HttpError(404, "no substance '" + requested + "'");
  auto sub = repos.substances->get(*resolved);
  p.substance_id = *resolved;
  p.formula = sub->host_formula;
  p.formula_reduced = sub->host_formula;
  if (const std::string doi = string_field(body, "doi", false); !doi.empty()) {
    if (auto ref = repos.references->find_by_doi(doi)) {
      p.reference_id = ref->id;
    } else {
      throw HttpError(400, "no reference with DOI '" + doi + "'; ingest it first");
    }
  }
  store::Transaction tx(db.connection());
  auto [id, inserted] = repos.properties->insert(p);
  if (inserted) {
    ordered_json numbers = {{"user", ctx.who.name}};
    repos.substances->set_member(
        {*resolved, store::EntityKind::kProperty, id, "editor entry", numbers.dump()});
    repos.substances->audit(
        {0, "", ctx.who.name, "property.add",
         ordered_json({{"property_id", id}, {"substance_id", *resolved}}).dump()});
  }
  tx.commit();
  auto stored = repos.properties->get(id);
  send_json(ctx, inserted ? 201 : 200,
            {{"inserted", inserted}, {"property", query::property_record_json(*stored)}});
}

// POST /api/substances/{id}/merge {"into": ID}: moves every member and leaves a redirect.
void merge(Context& ctx) {
  require(ctx, Role::kEditor);
  const std::string from = ctx.req.matches[1];
  ordered_json body = json_body(ctx);
  const std::string into = string_field(body, "into");
  auto writer = ctx.state.pool.write();
  auto& repos = writer.db->repos;
  if (!repos.substances->get(from)) throw HttpError(404, "no substance '" + from + "'");
  if (!repos.substances->get(into)) throw HttpError(404, "no substance '" + into + "'");
  if (from == into) throw HttpError(400, "a substance cannot be merged into itself");
  store::Transaction tx(writer.db->db.connection());
  std::int64_t audit = repos.substances->merge(from, into, ctx.who.name);
  tx.commit();
  send_json(ctx, 200, {{"merged", from}, {"into", into}, {"audit_id", audit}});
}

ordered_json openapi() {
  auto op = [](const char* summary) { return ordered_json{{"summary", summary}}; };
  ordered_json paths = {
      {"/api/search",
       {{"get", op("Structures matching the conditions of `phasebook search`; format=json, csv, "
                   "cif (one multi-block file) or zip (one CIF per structure)")},
        {"post", op("The same, with the conditions as a JSON object")}}},
      {"/api/properties", {{"get", op("Property values by kind, value, temperature, formula")}}},
      {"/api/substances/{id}", {{"get", op("Everything linked to a substance, and why")}}},
      {"/api/substances/{id}/merge", {{"post", op("Merge into another substance (editor)")}}},
      {"/api/structures/{id}", {{"get", op("A stored structure with its sites")}}},
      {"/api/structures/{id}.cif", {{"get", op("CIF export")}}},
      {"/api/structures/{id}.poscar", {{"get", op("POSCAR export")}}},
      {"/api/structures/{id}.json", {{"get", op("OPTIMADE JSON export")}}},
      {"/api/references/{id}", {{"get", op("A literature reference")}}},
      {"/api/phase-diagrams", {{"get", op("Phase diagrams, optionally of one system")}}},
      {"/api/phase-diagrams/{id}", {{"get", op("One phase diagram with phases and boundaries")}}},
      {"/api/properties#post", {{"post", op("Add a property value to a substance (editor)")}}},
      {"/api/login", {{"post", op("Sign in: session cookie, bearer token and CSRF token")}}},
      {"/api/logout", {{"post", op("Sign out")}}},
      {"/api/me", {{"get", op("Who the server thinks you are")}}},
      {"/api/tokens", {{"post", op("A new API token (member and above)")}}},
  };
  for (const auto& extra : {editing_openapi_paths(), ingest_openapi_paths(), calc_openapi_paths(),
                            mining_openapi_paths(), models_openapi_paths()}) {
    for (auto it = extra.begin(); it != extra.end(); ++it) paths[it.key()] = it.value();
  }
  return {{"openapi", "3.0.3"},
          {"info",
           {{"title", "Phasebook native API"},
            {"version", "0.1.0"},
            {"description", "See docs/api.md for parameters and examples."}}},
          {"paths", paths}};
}

}  // namespace

void add_api_routes(httplib::Server& http, ServerState& state) {
  auto get = [&](const std::string& pattern, Handler h) {
    http.Get(pattern, guarded(state, false, std::move(h)));
  };
  auto post = [&](const std::string& pattern, Handler h) {
    http.Post(pattern, guarded(state, false, std::move(h)));
  };
  get("/api/search", search);
  post("/api/search", search);
  get("/api/properties", properties);
  post("/api/properties", add_property);
  get(R"(/api/substances/([^/]+))", substance);
  post(R"(/api/substances/([^/]+)/merge)", merge);
  add_editing_routes(http, state);
  add_ingest_routes(http, state);
  add_calc_routes(http, state);
  add_mining_routes(http, state);
  add_model_routes(http, state);
  get(R"(/api/structures/([^/.]+)(\.cif|\.poscar|\.json)?)", structure);
  get(R"(/api/references/([^/]+))", reference);
  get("/api/phase-diagrams", phase_diagrams);
  get(R"(/api/phase-diagrams/([^/]+))", phase_diagram);
  post("/api/login", login);
  post("/api/logout", logout);
  get("/api/me", [](Context& ctx) { send_json(ctx, 200, identity_json(ctx.who)); });
  post("/api/tokens", new_api_token);
  get("/api/openapi.json", [](Context& ctx) { send_json(ctx, 200, openapi()); });
  if (state.options.test_endpoints) {
    // For the graceful-shutdown test: a request that takes as long as asked.
    get("/api/_test/sleep", [](Context& ctx) {
      long long ms = int_param("ms", ctx.param("ms").value_or("0"));
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min(ms, 60000LL)));
      send_json(ctx, 200, {{"slept_ms", ms}});
    });
  }
}

}  // namespace pb::server
