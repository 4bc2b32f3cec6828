// Editorial endpoints of the native API: splitting a substance and reading the audit trail.
// Merge and property entry live in api_routes.cpp; every change goes through the repositories
// of pb_store, which audit it.
#include <algorithm>

#include "query/record_json.hpp"
#include "query/search.hpp"
#include "server/api_common.hpp"
#include "store/sqlite.hpp"

namespace pb::server {

using nlohmann::ordered_json;

namespace {

constexpr std::int64_t kDefaultAuditRows = 50;
constexpr std::int64_t kMaxAuditRows = 1000;

// A list of entry ids in a JSON body ("structures": [12, 13]); 400 naming the member otherwise.
std::vector<std::int64_t> id_list(const ordered_json& body, const char* name) {
  std::vector<std::int64_t> out;
  if (!body.contains(name) || body[name].is_null()) return out;
  if (!body[name].is_array())
    throw HttpError(400, std::string("'") + name + "' must be a list of ids");
  for (const auto& v : body[name]) {
    if (!v.is_number_integer() || v.get<std::int64_t>() <= 0) {
      throw HttpError(
          400, std::string("'") + name + "' must hold positive integer ids, got " + v.dump());
    }
    out.push_back(v.get<std::int64_t>());
  }
  return out;
}

// POST /api/substances/{id}/split {"structures": [...], "properties": [...], "phases": [...]}:
// the named members move to a new substance with the same identity fields.
void split(Context& ctx) {
  require(ctx, Role::kEditor);
  const std::string from = ctx.req.matches[1];
  ordered_json body = json_body(ctx);
  std::vector<std::pair<store::EntityKind, std::int64_t>> entries;
  const std::pair<const char*, store::EntityKind> kinds[] = {
      {"structures", store::EntityKind::kStructure},
      {"properties", store::EntityKind::kProperty},
      {"phases", store::EntityKind::kPhase}};
  for (const auto& [name, kind] : kinds) {
    for (std::int64_t id : id_list(body, name)) entries.emplace_back(kind, id);
  }
  if (entries.empty()) {
    throw HttpError(400, "name the members to move in 'structures', 'properties' or 'phases'");
  }
  auto writer = ctx.state.pool.write();
  auto& repos = writer.db->repos;
  if (!repos.substances->get(from)) throw HttpError(404, "no substance '" + from + "'");
  // split() checks membership and that one member stays (InvalidArgument -> 400); it works in a
  // savepoint, so a refused split changes nothing.
  store::Transaction tx(writer.db->db.connection());
  std::string into = repos.substances->split(from, entries, ctx.who.name);
  std::int64_t audit_id = repos.substances->audit_log({1, 0}).at(0).id;
  tx.commit();
  send_json(ctx, 201,
            {{"split", from}, {"into", into}, {"moved", entries.size()}, {"audit_id", audit_id}});
}

ordered_json audit_row(store::Statement& s) {
  ordered_json details = query::embedded_json(s.column_text(4));
  return {{"id", s.column_int64(0)},
          {"time", s.column_text(1)},
          {"user", s.column_text(2)},
          {"action", s.column_text(3)},
          {"details", details}};
}

query::Paging audit_paging(const Context& ctx) {
  query::Paging p;
  p.limit = kDefaultAuditRows;
  if (auto l = ctx.param("limit")) {
    p.limit = std::clamp<std::int64_t>(int_param("limit", *l), 1, kMaxAuditRows);
  }
  if (auto o = ctx.param("offset")) p.offset = int_param("offset", *o);
  return p;
}

// The changes that name a substance: merges from or into it (also of ids merged into it
// before), splits from or into it, values added to it.
constexpr const char* kSubstanceAudit = R"sql(
WITH ids(id) AS (SELECT ?1 UNION SELECT id FROM substance_redirect WHERE target = ?1)
SELECT id, time, user, action, details FROM audit_log
WHERE json_valid(details) AND (json_extract(details, '$.from') IN (SELECT id FROM ids)
   OR json_extract(details, '$.into') IN (SELECT id FROM ids)
   OR json_extract(details, '$.substance_id') IN (SELECT id FROM ids)))sql";

// GET /api/substances/{id}/audit: members and above (the audit log is hidden from guests).
void substance_audit(Context& ctx) {
  require(ctx, Role::kMember, false);
  const std::string requested = ctx.req.matches[1];
  query::Paging paging = audit_paging(ctx);
  auto db = ctx.read();
  auto id = db.repos().substances->resolve(requested);
  if (!id) throw HttpError(404, "no substance '" + requested + "'");
  auto& c = db.db().connection();
  auto count = c.prepare(std::string("SELECT count(*) FROM (") + kSubstanceAudit + ")");
  count.bind(1, *id);
  count.step();
  auto rows = c.prepare(std::string(kSubstanceAudit) + " ORDER BY id DESC LIMIT ?2 OFFSET ?3");
  rows.bind(1, *id).bind(2, *paging.limit).bind(3, paging.offset);
  ordered_json out = ordered_json::array();
  while (rows.step()) out.push_back(audit_row(rows));
  send_json(ctx, 200,
            {{"substance_id", *id},
             {"total", count.column_int64(0)},
             {"offset", paging.offset},
             {"rows", out}});
}

// GET /api/audit?action=merge&user=erin: every editorial change, newest first.
void audit_log(Context& ctx) {
  require(ctx, Role::kMember, false);
  query::Paging paging = audit_paging(ctx);
  const std::string action = ctx.param("action").value_or("");
  const std::string user = ctx.param("user").value_or("");
  const std::string where = " WHERE (?1 = '' OR action = ?1) AND (?2 = '' OR user = ?2)";
  auto db = ctx.read();
  auto& c = db.db().connection();
  auto count = c.prepare("SELECT count(*) FROM audit_log" + where);
  count.bind(1, action).bind(2, user);
  count.step();
  auto rows = c.prepare("SELECT id, time, user, action, details FROM audit_log" + where +
                        " ORDER BY id DESC LIMIT ?3 OFFSET ?4");
  rows.bind(1, action).bind(2, user).bind(3, *paging.limit).bind(4, paging.offset);
  ordered_json out = ordered_json::array();
  while (rows.step()) out.push_back(audit_row(rows));
  send_json(ctx, 200, {{"total", count.column_int64(0)}, {"offset", paging.offset}, {"rows", out}});
}

}  // namespace

void add_editing_routes(httplib::Server& http, ServerState& state) {
  http.Post(R"(/api/substances/([^/]+)/split)", guarded(state, false, split));
  http.Get(R"(/api/substances/([^/]+)/audit)", guarded(state, false, substance_audit));
  http.Get("/api/audit", guarded(state, false, audit_log));
}

ordered_json editing_openapi_paths() {
  auto op = [](const char* summary) { return ordered_json{{"summary", summary}}; };
  return {
      {"/api/substances/{id}/split",
       {{"post", op("Move the given members ({\"structures\": [ids], \"properties\": [ids], "
                    "\"phases\": [ids]}) into a new substance (editor)")}}},
      {"/api/substances/{id}/audit",
       {{"get", op("The audited changes that name a substance, newest first (member)")}}},
      {"/api/audit", {{"get", op("Every audited change, newest first; action, user (member)")}}},
  };
}

}  // namespace pb::server
