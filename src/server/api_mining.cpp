// Mined records and their review queue in the native API (docs/api.md, "Mined records"): the
// property records `phasebook mine extract` found in stored papers (docs/mining.md), filtered by
// curation state, property and material, and accept / reject / reset for editors through the
// same pb_mining functions as `phasebook mine review`, which audit every change.
//
// Visibility follows the mining datasets: a guest sees the records of documents in a public
// dataset (the guest connection's mining_document view) that are not marked restricted (the
// records `mine publish` puts into the members-only dataset); members see every record. The
// per-record audit trail is for members, like the audit log.
#include <algorithm>
#include <cstdlib>
#include <utility>
#include <vector>

#include "mining/mining_store.hpp"
#include "server/api_common.hpp"
#include "store/sqlite.hpp"

namespace pb::server {

using nlohmann::ordered_json;

namespace {

constexpr std::int64_t kDefaultRows = 50;
constexpr std::int64_t kMaxRows = 1000;

ordered_json optional_number(const std::optional<double>& v) {
  return v ? ordered_json(*v) : ordered_json();
}

// The sentence split around the value's span (UTF-8 byte offsets into the block text), so that
// a page can mark the value without counting bytes.
ordered_json sentence_parts(const mining::RecordRow& row) {
  const auto& r = row.record;
  const std::size_t s = r.sentence.begin;
  if (r.span.begin < s || r.span.end < r.span.begin || r.span.end - s > row.sentence.size()) {
    return nullptr;
  }
  const std::string& t = row.sentence;
  return {t.substr(0, r.span.begin - s), t.substr(r.span.begin - s, r.span.end - r.span.begin),
          t.substr(r.span.end - s)};
}

ordered_json record_json(const mining::RecordRow& row, const std::string& document_class = "") {
  const mining::MinedRecord& r = row.record;
  ordered_json conditions = ordered_json::parse(row.conditions_json, nullptr, false);
  if (conditions.is_discarded()) conditions = ordered_json::object();
  return {{"id", row.id},
          {"state", row.state},
          {"restricted", row.restricted},
          {"property", r.property},
          {"material", r.material},
          {"material_formula", r.material_formula},
          {"material_reduced", r.material_reduced},
          {"material_source", r.material_source},
          {"value", r.value_as_given},
          {"unit", r.unit_as_given},
          {"qualifier", r.qualifier},
          {"value_si", optional_number(r.value_si)},
          {"uncertainty_si", optional_number(r.uncertainty_si)},
          {"min_si", optional_number(r.min_si)},
          {"max_si", optional_number(r.max_si)},
          {"unit_si", r.unit_si},
          {"temperature_K", optional_number(r.temperature_K)},
          {"conditions", conditions},
          {"confidence", r.confidence},
          {"extractor_version", r.extractor_version},
          {"sentence", row.sentence},
          {"sentence_parts", sentence_parts(row)},
          {"document_id", row.document_id},
          {"document_class", document_class},
          {"source", row.document_source},
          {"doi", row.doi},
          {"substance_id", row.substance_id ? ordered_json(*row.substance_id) : ordered_json()},
          {"property_id", row.property_id ? ordered_json(*row.property_id) : ordered_json()}};
}

ordered_json audit_json(store::Database& db, std::int64_t id) {
  ordered_json out = ordered_json::array();
  for (const auto& a : mining::record_audit(db, id)) {
    auto parse = [](const std::string& text) {
      ordered_json j = ordered_json::parse(text, nullptr, false);
      return j.is_discarded() ? ordered_json(text) : j;
    };
    out.push_back({{"time", a.time},
                   {"user", a.user},
                   {"action", a.action},
                   {"before", a.before.empty() ? ordered_json() : parse(a.before)},
                   {"after", a.after.empty() ? ordered_json() : parse(a.after)},
                   {"note", a.note}});
  }
  return out;
}

// Rows a caller may see (with mining_document d joined: on a guest connection it holds public
// documents only).
constexpr const char* kVisible = "(?1 OR r.restricted = 0)";

// GET /api/mining/records?state=pending&property=ionic_conductivity&material=LLZO
void list_mining_records(Context& ctx) {
  const std::string state = ctx.param("state").value_or("");
  if (!state.empty() && std::find(std::begin(mining::kStates), std::end(mining::kStates), state) ==
                            std::end(mining::kStates)) {
    throw HttpError(400,
                    "state must be pending, accepted, rejected or edited, got '" + state + "'");
  }
  const std::string property = ctx.param("property").value_or("");
  const std::string material = ctx.param("material").value_or("");
  const std::string substance = ctx.param("substance_id").value_or("");
  std::int64_t document = 0;
  if (auto d = ctx.param("document_id")) document = int_param("document_id", *d);
  const std::string doc_class = ctx.param("class").value_or("");
  double min_confidence = 0;
  if (auto m = ctx.param("min_confidence")) {
    char* end = nullptr;
    min_confidence = std::strtod(m->c_str(), &end);
    if (m->empty() || *end != '\0' || !(min_confidence >= 0 && min_confidence <= 1)) {
      throw HttpError(400, "min_confidence must be a number from 0 to 1, got '" + *m + "'");
    }
  }
  std::int64_t limit = kDefaultRows, offset = 0;
  if (auto l = ctx.param("limit"))
    limit = std::clamp<std::int64_t>(int_param("limit", *l), 1, kMaxRows);
  if (auto o = ctx.param("offset")) offset = int_param("offset", *o);

  // Every filter but the state, so that the counts per state can be shown beside the list.
  const std::string from = std::string(
                               " FROM mining_record r JOIN mining_document d ON d.id = "
                               "r.document_id WHERE ") +
                           kVisible +
                           " AND (?2 = '' OR r.property = ?2)"
                           " AND (?3 = '' OR r.material = ?3 OR r.material_formula = ?3"
                           " OR r.material_reduced = ?3) AND (?4 = '' OR r.substance_id = ?4)"
                           " AND (?5 = 0 OR r.document_id = ?5) AND r.confidence >= ?6"
                           " AND (?10 = '' OR d.class_label = ?10)";
  auto db = ctx.read();
  auto& c = db.db().connection();
  auto bind = [&](store::Statement& s) {
    s.bind(1, static_cast<std::int64_t>(ctx.access() == Access::kMember));
    s.bind(2, property).bind(3, material).bind(4, substance).bind(5, document);
    s.bind(6, min_confidence).bind(10, doc_class);
  };
  auto counts = c.prepare("SELECT r.state, count(*)" + from + " GROUP BY r.state");
  bind(counts);
  ordered_json states = ordered_json::object();
  for (auto s : mining::kStates) states[std::string(s)] = 0;
  std::int64_t total = 0;
  while (counts.step()) {
    states[counts.column_text(0)] = counts.column_int64(1);
    if (state.empty() || counts.column_text(0) == state) total += counts.column_int64(1);
  }
  auto ids = c.prepare("SELECT r.id, d.class_label" + from + " AND (?7 = '' OR r.state = ?7)" +
                       " ORDER BY r.id LIMIT ?8 OFFSET ?9");
  bind(ids);
  ids.bind(7, state).bind(8, limit).bind(9, offset);
  ordered_json rows = ordered_json::array();
  while (ids.step()) {
    rows.push_back(record_json(mining::get_record(db.db(), ids.column_int64(0)),
                               ids.column_optional_text(1).value_or("")));
  }
  // The choices of the queue's filters: the visible documents (with their class) and property
  // kinds, each with its number of records.
  const bool member = ctx.access() == Access::kMember;
  auto docs = c.prepare(std::string("SELECT d.id, d.source, d.title, d.class_label, count(*) FROM "
                                    "mining_record r JOIN mining_document d ON d.id = "
                                    "r.document_id WHERE ") +
                        kVisible + " GROUP BY d.id ORDER BY d.id");
  docs.bind(1, static_cast<std::int64_t>(member));
  ordered_json documents = ordered_json::array();
  while (docs.step()) {
    documents.push_back({{"id", docs.column_int64(0)},
                         {"source", docs.column_text(1)},
                         {"title", docs.column_optional_text(2).value_or("")},
                         {"class", docs.column_optional_text(3).value_or("")},
                         {"records", docs.column_int64(4)}});
  }
  auto kinds = c.prepare(std::string("SELECT r.property, count(*) FROM mining_record r JOIN "
                                     "mining_document d ON d.id = r.document_id WHERE ") +
                         kVisible + " GROUP BY r.property ORDER BY r.property");
  kinds.bind(1, static_cast<std::int64_t>(member));
  ordered_json properties = ordered_json::object();
  while (kinds.step()) properties[kinds.column_text(0)] = kinds.column_int64(1);
  send_json(ctx, 200,
            {{"total", total},
             {"offset", offset},
             {"states", states},
             {"documents", documents},
             {"properties", properties},
             {"rows", rows}});
}

// The record if the caller may see it, else 404 (the same answer as for a missing id).
mining::RecordRow visible_record(Context& ctx, store::Database& db, std::int64_t id) {
  auto st = db.connection().prepare(
      std::string("SELECT count(*) FROM mining_record r JOIN mining_document d ON d.id = "
                  "r.document_id WHERE r.id = ?2 AND ") +
      kVisible);
  st.bind(1, static_cast<std::int64_t>(ctx.access() == Access::kMember)).bind(2, id);
  st.step();
  if (st.column_int64(0) == 0)
    throw HttpError(404, "no mined record with id " + std::to_string(id));
  return mining::get_record(db, id);
}

// GET /api/mining/records/{id}: the record, and for members its audit trail.
void mining_record(Context& ctx) {
  const std::int64_t id = path_id(ctx, 1, "mined record");
  auto db = ctx.read();
  ordered_json out = record_json(visible_record(ctx, db.db(), id));
  if (ctx.who.role >= Role::kMember) out["audit"] = audit_json(db.db(), id);
  send_json(ctx, 200, out);
}

// POST /api/mining/records/{id}/accept|reject|reset {"note": "...", "restricted": true}
// (editors): `mine review accept|reject|reset`, audited under the signed-in user's name.
void review_record(Context& ctx) {
  require(ctx, Role::kEditor);
  const std::int64_t id = path_id(ctx, 1, "mined record");
  const std::string action = ctx.req.matches[2];
  ordered_json body = json_body(ctx);
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (it.key() != "note" && it.key() != "restricted") {
      throw HttpError(400, "unknown field '" + it.key() + "' (expected 'note' and 'restricted')");
    }
  }
  const std::string note = string_field(body, "note", false);
  bool restricted = false;
  if (body.contains("restricted")) {
    if (!body["restricted"].is_boolean())
      throw HttpError(400, "'restricted' must be true or false");
    restricted = body["restricted"].get<bool>();
    if (restricted && action != "accept") {
      throw HttpError(400, "'restricted' goes with accept only");
    }
  }
  const std::string state = action == "accept"   ? "accepted"
                            : action == "reject" ? "rejected"
                                                 : "pending";
  auto writer = ctx.state.pool.write();
  store::Database& db = writer.db->db;
  mining::set_record_state(db, id, state, ctx.who.name, note);
  if (restricted) mining::edit_record(db, id, "restricted", "true", ctx.who.name);
  ordered_json out = record_json(mining::get_record(db, id));
  out["audit"] = audit_json(db, id);
  send_json(ctx, 200, out);
}

// The fields of POST /api/mining/records/{id}/edit, in the order they are applied, with the
// `mine review edit` field each becomes.
constexpr std::pair<const char*, const char*> kEditFields[] = {
    {"material", "material"},
    {"material_formula", "formula"},
    {"property", "property"},
    {"value", "value"},
    {"unit", "unit"},
    {"temperature_K", "temperature"},
    {"substance_id", "substance"},
    {"restricted", "restricted"},
};

// A JSON member as the text `mine review edit` takes: strings as they are, numbers in full
// precision, true/false, null clears.
std::string edit_text(const std::string& name, const ordered_json& v) {
  if (name == "restricted") {
    if (!v.is_boolean()) throw HttpError(400, "'restricted' must be true or false");
    return v.get<bool>() ? "true" : "false";
  }
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number() && (name == "temperature_K" || name == "value")) return v.dump();
  throw HttpError(400, "'" + name + "' must be a string" +
                           (name == "temperature_K" ? " or a number" : "") + " or null");
}

// POST /api/mining/records/{id}/edit {"value": "1.2e-3", "unit": "S/cm", "temperature_K": 873,
// "substance_id": "pbs-...", "conditions": {"sintering_temperature": "1400 °C", "atmosphere":
// null}, ...} (editors): `mine review edit` with the same fields, all or none, one audit row each.
void edit_mined_record(Context& ctx) {
  require(ctx, Role::kEditor);
  const std::int64_t id = path_id(ctx, 1, "mined record");
  ordered_json body = json_body(ctx);
  std::vector<std::pair<std::string, std::string>> edits;
  for (auto it = body.begin(); it != body.end(); ++it) {
    const bool known =
        it.key() == "conditions" || std::any_of(std::begin(kEditFields), std::end(kEditFields),
                                                [&](const auto& f) { return it.key() == f.first; });
    if (!known) {
      throw HttpError(400, "unknown field '" + it.key() +
                               "' (expected material, material_formula, property, value, unit, "
                               "temperature_K, substance_id, restricted, conditions)");
    }
  }
  for (const auto& [name, field] : kEditFields) {
    if (body.contains(name)) edits.emplace_back(field, edit_text(name, body[name]));
  }
  if (body.contains("conditions")) {
    if (!body["conditions"].is_object()) {
      throw HttpError(400, "'conditions' must be an object of name: text (null removes one)");
    }
    for (auto it = body["conditions"].begin(); it != body["conditions"].end(); ++it) {
      if (!it->is_string() && !it->is_null() && !it->is_number()) {
        throw HttpError(400, "condition '" + it.key() + "' must be a string, a number or null");
      }
      edits.emplace_back("condition." + it.key(), it->is_null()     ? ""
                                                  : it->is_string() ? it->get<std::string>()
                                                                    : it->dump());
    }
  }
  if (edits.empty()) throw HttpError(400, "nothing to edit: the body names no field");
  auto writer = ctx.state.pool.write();
  store::Database& db = writer.db->db;
  const mining::RecordRow before = visible_record(ctx, db, id);
  if (before.property_id) {
    throw HttpError(409, "record " + std::to_string(id) + " is published as property " +
                             std::to_string(*before.property_id) +
                             "; a published record is not edited here");
  }
  mining::edit_record(db, id, edits, ctx.who.name);
  ordered_json out = record_json(mining::get_record(db, id));
  out["audit"] = audit_json(db, id);
  send_json(ctx, 200, out);
}

// POST /api/mining/publish {"ids": [12], "dataset": "members"} (editors): `mine publish` for
// the named records (all curated ones without ids); `dataset` public or members sets each
// record's visibility first (audited), members meaning the members-only dataset.
void publish_mined_records(Context& ctx) {
  require(ctx, Role::kEditor);
  ordered_json body = json_body(ctx);
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (it.key() != "ids" && it.key() != "dataset") {
      throw HttpError(400, "unknown field '" + it.key() + "' (expected 'ids' and 'dataset')");
    }
  }
  std::vector<std::int64_t> ids;
  if (body.contains("ids")) {
    if (!body["ids"].is_array() || body["ids"].empty()) {
      throw HttpError(400, "'ids' must be a non-empty array of record ids");
    }
    for (const auto& v : body["ids"]) {
      if (!v.is_number_integer()) throw HttpError(400, "'ids' must hold integers");
      ids.push_back(v.get<std::int64_t>());
    }
  }
  const std::string dataset = string_field(body, "dataset", false);
  if (!dataset.empty() && dataset != "public" && dataset != "members") {
    throw HttpError(400, "dataset must be 'public' or 'members', got '" + dataset + "'");
  }
  if (!dataset.empty() && ids.empty()) {
    throw HttpError(400, "'dataset' goes with 'ids' (the records to publish there)");
  }
  auto writer = ctx.state.pool.write();
  store::Database& db = writer.db->db;
  // Checked before anything is written: every record exists, is curated and unpublished.
  std::vector<mining::RecordRow> rows;
  for (std::int64_t id : ids) {
    rows.push_back(visible_record(ctx, db, id));
    const auto& r = rows.back();
    if (r.state != "accepted" && r.state != "edited") {
      throw HttpError(
          409, "record " + std::to_string(id) + " is " + r.state + "; accept it before publishing");
    }
    if (r.property_id) {
      throw HttpError(409, "record " + std::to_string(id) + " is already published as property " +
                               std::to_string(*r.property_id));
    }
  }
  for (const auto& r : rows) {
    if (!dataset.empty() && r.restricted != (dataset == "members")) {
      mining::edit_record(db, r.id, "restricted", dataset == "members" ? "true" : "false",
                          ctx.who.name);
    }
  }
  const mining::PublishReport report = mining::publish_records(db, ids, ctx.who.name);
  ordered_json out = {{"published", report.published},
                      {"already", report.already},
                      {"unsupported", report.unsupported},
                      {"linked", report.linked}};
  ordered_json records = ordered_json::array();
  for (std::int64_t id : ids) records.push_back(record_json(mining::get_record(db, id)));
  out["records"] = records;
  send_json(ctx, 200, out);
}

// GET /api/mining/substances?q=CeO2 : substances to link a record to, by id or host formula
// (exact, then prefix), at most 20; what the caller's connection shows.
void find_substances(Context& ctx) {
  const std::string q = ctx.param("q").value_or("");
  if (q.empty() || q.size() > 100) {
    throw HttpError(400, "q must be a substance id or a formula (1-100 characters)");
  }
  auto db = ctx.read();
  auto st = db.db().connection().prepare(
      "SELECT s.id, s.host_formula, s.structure_type, s.space_group_number, "
      "(SELECT count(*) FROM substance_member m WHERE m.substance_id = s.id) FROM substance s "
      "WHERE s.id = ?1 OR s.host_formula = ?1 OR s.host_formula LIKE ?2 ESCAPE '\\' "
      "ORDER BY s.id = ?1 DESC, s.host_formula = ?1 DESC, s.host_formula, s.id LIMIT 20");
  std::string like;
  for (char ch : q) {
    if (ch == '%' || ch == '_' || ch == '\\') like += '\\';
    like += ch;
  }
  st.bind(1, q).bind(2, like + "%");
  ordered_json rows = ordered_json::array();
  while (st.step()) {
    rows.push_back({{"id", st.column_text(0)},
                    {"host_formula", st.column_text(1)},
                    {"structure_type", st.column_optional_text(2).value_or("")},
                    {"space_group_number", st.column_optional_int64(3)
                                               ? ordered_json(*st.column_optional_int64(3))
                                               : ordered_json()},
                    {"members", st.column_int64(4)}});
  }
  send_json(ctx, 200, {{"q", q}, {"rows", rows}});
}

}  // namespace

void add_mining_routes(httplib::Server& http, ServerState& state) {
  http.Get("/api/mining/records", guarded(state, false, list_mining_records));
  http.Get(R"(/api/mining/records/([^/]+))", guarded(state, false, mining_record));
  http.Post(R"(/api/mining/records/([^/]+)/(accept|reject|reset))",
            guarded(state, false, review_record));
  http.Post(R"(/api/mining/records/([^/]+)/edit)", guarded(state, false, edit_mined_record));
  http.Post("/api/mining/publish", guarded(state, false, publish_mined_records));
  http.Get("/api/mining/substances", guarded(state, false, find_substances));
}

ordered_json mining_openapi_paths() {
  auto op = [](const char* summary) { return ordered_json{{"summary", summary}}; };
  return {
      {"/api/mining/records",
       {{"get", op("Mined property records: state, property, material, substance_id, "
                   "document_id, class, min_confidence, limit, offset; counts per state, the "
                   "documents and property kinds to filter by")}}},
      {"/api/mining/records/{id}",
       {{"get", op("One mined record with its sentence; its audit trail for members")}}},
      {"/api/mining/records/{id}/accept",
       {{"post", op("Accept a record ({\"note\": ..., \"restricted\": bool}); audited (editor)")}}},
      {"/api/mining/records/{id}/reject",
       {{"post", op("Reject a record ({\"note\": ...}); audited (editor)")}}},
      {"/api/mining/records/{id}/reset",
       {{"post", op("Put a record back to pending ({\"note\": ...}); audited (editor)")}}},
      {"/api/mining/records/{id}/edit",
       {{"post", op("Edit fields ({\"value\", \"unit\", \"material\", \"material_formula\", "
                    "\"property\", \"temperature_K\", \"substance_id\", \"restricted\", "
                    "\"conditions\": {name: text|null}}): all or none, one audit row per field "
                    "(editor)")}}},
      {"/api/mining/publish",
       {{"post", op("Publish curated records as properties ({\"ids\": [...], \"dataset\": "
                    "\"public\"|\"members\"}; all curated records without ids); audited "
                    "(editor)")}}},
      {"/api/mining/substances",
       {{"get", op("Substances to link a record to: q = an id or a host formula (exact or "
                   "prefix), at most 20")}}},
  };
}

}  // namespace pb::server
