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

ordered_json record_json(const mining::RecordRow& row) {
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
                           " AND (?5 = 0 OR r.document_id = ?5) AND r.confidence >= ?6";
  auto db = ctx.read();
  auto& c = db.db().connection();
  auto bind = [&](store::Statement& s) {
    s.bind(1, static_cast<std::int64_t>(ctx.access() == Access::kMember));
    s.bind(2, property).bind(3, material).bind(4, substance).bind(5, document);
    s.bind(6, min_confidence);
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
  auto ids = c.prepare("SELECT r.id" + from + " AND (?7 = '' OR r.state = ?7)" +
                       " ORDER BY r.id LIMIT ?8 OFFSET ?9");
  bind(ids);
  ids.bind(7, state).bind(8, limit).bind(9, offset);
  ordered_json rows = ordered_json::array();
  while (ids.step()) rows.push_back(record_json(mining::get_record(db.db(), ids.column_int64(0))));
  send_json(ctx, 200, {{"total", total}, {"offset", offset}, {"states", states}, {"rows", rows}});
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

}  // namespace

void add_mining_routes(httplib::Server& http, ServerState& state) {
  http.Get("/api/mining/records", guarded(state, false, list_mining_records));
  http.Get(R"(/api/mining/records/([^/]+))", guarded(state, false, mining_record));
  http.Post(R"(/api/mining/records/([^/]+)/(accept|reject|reset))",
            guarded(state, false, review_record));
}

ordered_json mining_openapi_paths() {
  auto op = [](const char* summary) { return ordered_json{{"summary", summary}}; };
  return {
      {"/api/mining/records",
       {{"get", op("Mined property records: state, property, material, substance_id, "
                   "document_id, min_confidence, limit, offset; counts per state")}}},
      {"/api/mining/records/{id}",
       {{"get", op("One mined record with its sentence; its audit trail for members")}}},
      {"/api/mining/records/{id}/accept",
       {{"post", op("Accept a record ({\"note\": ..., \"restricted\": bool}); audited (editor)")}}},
      {"/api/mining/records/{id}/reject",
       {{"post", op("Reject a record ({\"note\": ...}); audited (editor)")}}},
      {"/api/mining/records/{id}/reset",
       {{"post", op("Put a record back to pending ({\"note\": ...}); audited (editor)")}}},
  };
}

}  // namespace pb::server
