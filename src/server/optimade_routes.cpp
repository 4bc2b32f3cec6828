// OPTIMADE v1.2 under /optimade (spec: ../shared/optimade/optimade-spec-v1.3.rst): versions,
// info, links, and the entry types structures, references and _phasebook_substances. Filters,
// sort columns and field values all come from pb_optimade, so a filter and the response it
// produces read the same SQL expressions. Access control is in the connection (db_pool.cpp):
// a guest's connection has no restricted rows to count, filter or return.
#include <algorithm>
#include <charconv>
#include <ctime>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <set>
#include <unordered_map>

#include "crystal/optimade_json.hpp"
#include "optimade/element_sets.hpp"
#include "optimade/filter.hpp"
#include "server/http.hpp"
#include "store/structure_record.hpp"

namespace pb::server {

using nlohmann::ordered_json;
using optimade::EntryType;

namespace {

constexpr const char* kApiVersion = "1.2.0";
constexpr const char* kJsonApi = "application/vnd.api+json";
constexpr const char* kPrefix = "/optimade";

const EntryType kEntryTypes[] = {EntryType::structures, EntryType::references,
                                 EntryType::substances};

// Query parameters of the standard (§"Entry Listing URL Query Parameters"); any other name
// without a leading '_' (a provider prefix) is a 400.
const std::set<std::string> kStandardParams = {
    "filter",     "response_format", "email_address", "response_fields", "sort",
    "page_limit", "page_offset",     "page_number",   "page_cursor",     "page_above",
    "page_below", "include",         "api_hint"};

// The part of the URL after the (versioned or unversioned) base URL, for meta.query.
thread_local std::string t_representation;

ordered_json provider() {
  return {{"name", "Phasebook"},
          {"description",
           "Crystal structures, properties, phase diagrams and references grouped by substance"},
          {"prefix", "phasebook"},
          {"homepage", nullptr}};
}

ordered_json base_meta(Context& ctx) {
  ordered_json meta;
  meta["query"] = {{"representation", t_representation}};
  meta["api_version"] = kApiVersion;
  meta["more_data_available"] = false;
  meta["time_stamp"] = utc_now();
  meta["provider"] = provider();
  meta["implementation"] = {{"name", "phasebook"}, {"version", "0.1.0"}};
  // The OpenAPI schema the responses follow (OPTIONAL since v1.2, checked by the validator).
  meta["schema"] = "https://schemas.optimade.org/openapi/v1.2/optimade.json";
  if (ctx.who.role != Role::kGuest) meta["_phasebook_user"] = ctx.who.name;
  return meta;
}

void add_warnings(ordered_json& meta, const std::vector<std::string>& warnings) {
  if (warnings.empty()) return;
  meta["warnings"] = ordered_json::array();
  for (const auto& w : warnings) meta["warnings"].push_back({{"type", "warning"}, {"detail", w}});
}

void send(Context& ctx, const ordered_json& body) { send_json(ctx, 200, body, kJsonApi); }

std::string percent_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// The request's parameters with some replaced, as a query string (for links.next).
std::string query_with(const httplib::Request& req,
                       const std::vector<std::pair<std::string, std::string>>& replace) {
  std::string out;
  auto add = [&out](const std::string& k, const std::string& v) {
    out += out.empty() ? "?" : "&";
    out += percent_encode(k) + "=" + percent_encode(v);
  };
  for (const auto& [k, v] : req.params) {
    bool replaced = std::any_of(replace.begin(), replace.end(),
                                [&k = k](const auto& r) { return r.first == k; });
    if (!replaced) add(k, v);
  }
  for (const auto& [k, v] : replace) add(k, v);
  return out;
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find(',', pos);
    if (end == std::string::npos) end = text.size();
    std::string item = text.substr(pos, end - pos);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out.push_back(item);
    pos = end + 1;
  }
  return out;
}

const optimade::FieldInfo* find_field(EntryType type, std::string_view name) {
  for (const auto& f : optimade::fields(type)) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

// "s" from "structure AS s".
std::string table_alias(EntryType type) {
  std::string from(optimade::from_clause(type));
  std::size_t as = from.rfind(' ');
  return from.substr(as + 1);
}

// A column value as the field's OPTIMADE type.
ordered_json column_value(store::Statement& st, int col, optimade::FieldType type) {
  if (st.is_null(col)) return nullptr;
  switch (type) {
    case optimade::FieldType::integer:
      return st.column_int64(col);
    case optimade::FieldType::floating:
      return st.column_double(col);
    case optimade::FieldType::boolean:
      return st.column_int64(col) != 0;
    case optimade::FieldType::list:
    case optimade::FieldType::dictionary: {
      auto parsed = ordered_json::parse(st.column_text(col), nullptr, false);
      return parsed.is_discarded() ? ordered_json(nullptr) : parsed;
    }
    default:
      return st.column_text(col);
  }
}

// What a request asks for, read and checked once.
struct Listing {
  std::optional<optimade::Filter> filter;
  std::vector<std::string> order;  // ORDER BY terms
  long long limit = 20;
  long long offset = 0;
  std::vector<const optimade::FieldInfo*> fields;  // attributes to return
  std::vector<std::string> unknown_fields;         // requested, unknown: returned as null
  bool include_references = false;
  std::vector<std::string> warnings;
};

void check_common_params(Context& ctx) {
  for (const auto& [name, value] : ctx.req.params) {
    if (name.empty() || name[0] == '_') continue;
    if (!kStandardParams.count(name)) {
      throw HttpError(400, "unknown query parameter '" + name +
                               "' (custom parameters need a provider prefix such as _phasebook_)");
    }
  }
  if (auto f = ctx.param("response_format"); f && *f != "json") {
    throw HttpError(400, "response_format '" + *f + "' is not supported; use json");
  }
}

Listing read_listing(Context& ctx, EntryType type, bool single) {
  check_common_params(ctx);
  Listing l;
  l.limit = ctx.state.options.default_page_limit;
  if (auto v = ctx.param("page_limit")) {
    l.limit = int_param("page_limit", *v);
    if (l.limit > ctx.state.options.max_page_limit) {
      throw HttpError(403, "page_limit " + *v + " is above the maximum of " +
                               std::to_string(ctx.state.options.max_page_limit));
    }
  }
  if (auto v = ctx.param("page_offset")) l.offset = int_param("page_offset", *v);
  if (auto v = ctx.param("page_number")) {
    long long n = int_param("page_number", *v);
    if (n < 1) throw HttpError(400, "page_number counts from 1");
    l.offset = (n - 1) * l.limit;
  }
  for (const char* p : {"page_cursor", "page_above", "page_below"}) {
    if (ctx.param(p)) {
      throw HttpError(501, std::string(p) + " is not implemented; use page_offset or page_number");
    }
  }
  if (!single) {
    if (auto f = ctx.param("filter"); f && !f->empty()) {
      try {
        l.filter = optimade::parse_filter(*f);
      } catch (const optimade::NotImplementedError& e) {
        throw HttpError(501, e.what());
      } catch (const optimade::FilterError& e) {
        throw HttpError(400, std::string("filter: ") + e.what());
      }
    }
    if (auto s = ctx.param("sort")) {
      for (std::string item : split_list(*s)) {
        bool desc = item[0] == '-';
        if (desc) item.erase(0, 1);
        auto column = optimade::sort_column(type, item);
        if (!column) throw HttpError(400, "sort: '" + item + "' is not a sortable field");
        l.order.push_back(*column + (desc ? " DESC" : " ASC"));
      }
    }
  }
  if (auto rf = ctx.param("response_fields")) {
    for (const std::string& name : split_list(*rf)) {
      if (name == "id" || name == "type") continue;
      if (const auto* f = find_field(type, name)) {
        l.fields.push_back(f);
      } else {
        l.unknown_fields.push_back(name);
        if (name[0] != '_') l.warnings.push_back("unknown response field '" + name + "'");
      }
    }
  } else {
    // By default every field Phasebook stores or derives, and the linked values of the property
    // kinds the database holds; standard fields it never has are left out (they are null when
    // asked for), as are the empty lists of the other property kinds.
    std::set<std::string> kinds;
    {
      auto db = ctx.read();
      for (const auto& kind : db.cached_texts(
               "SELECT name FROM property_kind k WHERE EXISTS (SELECT 1 FROM property p WHERE "
               "p.kind = k.name)"))
        kinds.insert("_phasebook_property_" + kind);
    }
    for (const auto& f : optimade::fields(type)) {
      if (f.name == "id" || f.name == "type" || f.sql == "NULL") continue;
      if (f.name.rfind("_phasebook_property_", 0) == 0 && !kinds.count(f.name)) continue;
      l.fields.push_back(&f);
    }
  }
  std::vector<std::string> include = {"references"};
  if (auto inc = ctx.param("include")) include = split_list(*inc);
  for (const auto& name : include) {
    if (name == "references") {
      l.include_references = type == EntryType::structures;
    } else if (!optimade::entry_type_from_name(name)) {
      throw HttpError(400, "include: '" + name + "' is not an entry type");
    }
  }
  return l;
}

// nlohmann::json -> ordered_json without going through text.
ordered_json ordered(const nlohmann::json& v) {
  if (v.is_object()) {
    ordered_json out = ordered_json::object();
    for (auto it = v.begin(); it != v.end(); ++it) out[it.key()] = ordered(it.value());
    return out;
  }
  if (v.is_array()) {
    ordered_json out = ordered_json::array();
    for (const auto& x : v) out.push_back(ordered(x));
    return out;
  }
  if (v.is_number_float()) return v.get<double>();
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>();
  return nullptr;
}

// Structures need the crystal code for fields the SQL does not hold (positions, species...).
// Computing them costs more than the rest of an entry, and a stored structure never changes
// (it is keyed by the hash of its source text), so they are cached by id and content hash.
// Access control is not affected: an entry reaches this point only after the caller's
// connection returned its row.
class DerivedCache {
 public:
  using Value = std::shared_ptr<const ordered_json>;

  Value get(DbPool::Lease& db, std::int64_t id, const std::string& hash) {
    {
      std::lock_guard lock(mutex_);
      auto it = entries_.find(id);
      if (it != entries_.end() && it->second.hash == hash) return it->second.value;
    }
    auto record = db.repos().structures->get(id);
    Value value = std::make_shared<const ordered_json>(
        record ? ordered(crystal::optimade_attributes(store::to_structure(*record)))
               : ordered_json::object());
    std::lock_guard lock(mutex_);
    // Bounded by dropping everything at the limit: simple, and a page refills it cheaply.
    if (entries_.size() >= kCapacity) entries_.clear();
    entries_[id] = {hash, value};
    return value;
  }

 private:
  static constexpr std::size_t kCapacity = 4096;
  struct Entry {
    std::string hash;
    Value value;
  };
  std::mutex mutex_;
  std::unordered_map<std::int64_t, Entry> entries_;
};

DerivedCache& derived_cache() {
  static DerivedCache cache;
  return cache;
}

// How many entries match: counted, or unknown when counting took longer than the server's count
// time limit (then `more` says whether a row follows the page).
struct Returned {
  std::int64_t count = 0;
  bool known = true;
  bool more = false;
};

// One page of entries (or the entries named by `ids`), with relationships and included refs.
ordered_json entries(Context& ctx, DbPool::Lease& db, EntryType type, const Listing& l,
                     const std::vector<std::string>* ids, Returned& returned,
                     ordered_json& included) {
  const std::string alias = table_alias(type);
  optimade::SqlWhere where;
  if (l.filter) {
    try {
      where = optimade::to_sql(*l.filter, type);
    } catch (const optimade::NotImplementedError& e) {
      throw HttpError(501, e.what());
    } catch (const optimade::FilterError& e) {
      throw HttpError(400, std::string("filter: ") + e.what());
    }
  }
  if (ids) {
    // Entries with an integer key are looked up by that key (its index) rather than by the
    // text of the id, which would read every row: an id that is not the key's decimal text
    // names no entry.
    const std::string key = optimade::sort_column(type, "id").value_or("");
    const bool integer_key = !key.empty() && key != optimade::id_sql(type);
    where.sql = (integer_key ? key : std::string(optimade::id_sql(type))) + " IN (";
    std::size_t n = 0;
    for (const std::string& id : *ids) {
      std::int64_t value = 0;
      if (integer_key) {
        auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), value);
        if (ec != std::errc() || end != id.data() + id.size() || std::to_string(value) != id)
          continue;
      }
      where.sql += n++ ? ", ?" : "?";
      if (integer_key)
        where.params.emplace_back(value);
      else
        where.params.emplace_back(id);
    }
    where.sql = n == 0 ? "0" : where.sql + ")";
  }
  const std::string from = " FROM " + std::string(optimade::from_clause(type));
  const std::string cond = where.sql.empty() ? "" : " WHERE (" + where.sql + ")";

  // A structure filter on elements, nelements and the space group alone is decided in memory
  // over the groups of structures that share them (optimade/element_sets.hpp; about 150k groups
  // for 365k structures at AtomWork scale), instead of counting structures in SQL.
  std::optional<optimade::ElementSetTest> set_test;
  if (type == EntryType::structures && !ids && l.filter)
    set_test = optimade::element_set_test(*l.filter);
  std::shared_ptr<const optimade::ElementSets> sets;
  if (set_test) {
    sets = ctx.state.pool.shared_object<optimade::ElementSets>(
        ctx.access(), "element_sets",
        [](store::Connection& c) { return optimade::ElementSets::load(c); });
  }
  if (where.sql.empty()) {
    returned.count = db.cached_int("SELECT count(*)" + from);
  } else if (sets) {
    returned.count = sets->count(*set_test);
  } else {
    // A filter that tests values derived from every structure's sites (species_at_sites,
    // elements_ratios) can take longer to count than to page through: past the count time
    // limit the count is left out (data_returned is a SHOULD of the spec) and the page still
    // answers.
    auto& count = db.statement("SELECT count(*)" + from + cond);
    optimade::bind_params(count, where.params);
    returned.known =
        db.within(std::chrono::milliseconds(ctx.state.options.count_time_limit_ms), [&] {
          count.step();
          returned.count = count.column_int64(0);
        });
    count.reset();
  }
  // The count is known before the page is read. In id order, walking the table reads about
  // (offset + limit) * all / returned rows before the page is full, while an index on a filtered
  // column reads all `returned` rows and sorts them: take the smaller. SQLite does not know the
  // count and takes an index whenever one applies, so the walk hides the condition from it
  // (unary +); the other way, filters decided over element sets name the element masks of the
  // matching groups for the element-mask index (docs/database.md, "Performance at AtomWork
  // scale").
  std::string page_cond = cond;
  std::vector<optimade::SqlParam> page_params = where.params;
  if (!where.sql.empty() && returned.known) {
    const double all = static_cast<double>(db.cached_int("SELECT count(*)" + from));
    const double n = static_cast<double>(returned.count);
    const bool walk = n * n >= static_cast<double>(l.offset + l.limit) * all;
    if (walk && l.order.empty()) {
      page_cond = " WHERE +(" + where.sql + ")";
    } else if (!walk && sets) {
      page_cond += " AND (" + alias + ".elements_mask_low, " + alias +
                   ".elements_mask_high) IN (SELECT json_extract(j.value, '$[0]'), "
                   "json_extract(j.value, '$[1]') FROM json_each(?) AS j)";
      page_params.emplace_back(sets->matching_masks_json(*set_test));
    }
  }
  std::string select = "SELECT " + std::string(optimade::id_sql(type));
  const bool structures = type == EntryType::structures;
  if (structures) select += ", " + alias + ".reference_id, " + alias + ".content_hash";
  bool need_derived = false;
  std::vector<const optimade::FieldInfo*> from_sql;
  for (const auto* f : l.fields) {
    if (f->sql.empty()) {
      need_derived = true;
    } else {
      select += ", " + f->sql;
      from_sql.push_back(f);
    }
  }
  std::string order;
  for (const auto& o : l.order) order += (order.empty() ? " ORDER BY " : ", ") + o;
  order += (order.empty() ? " ORDER BY " : ", ") + alias + ".id";
  ordered_json data = ordered_json::array();
  // The count is exact: a page past its end needs no reading. Without a count, one row more
  // than the page tells whether more follow.
  if (returned.known && returned.count <= l.offset) return data;
  auto& st = db.statement(select + from + page_cond + order + " LIMIT ? OFFSET ?");
  int next = optimade::bind_params(st, page_params);
  st.bind(next, static_cast<std::int64_t>(l.limit + (returned.known ? 0 : 1)))
      .bind(next + 1, static_cast<std::int64_t>(l.offset));

  std::set<std::int64_t> reference_ids;
  const std::string type_name(optimade::entry_type_name(type));
  while (st.step()) {
    if (static_cast<long long>(data.size()) == l.limit) {
      returned.more = true;
      break;
    }
    ordered_json e;
    e["id"] = st.column_text(0);
    e["type"] = type_name;
    ordered_json attributes = ordered_json::object();
    int col = structures ? 3 : 1;
    for (const auto* f : from_sql) attributes[f->name] = column_value(st, col++, f->type);
    if (need_derived) {
      auto derived = derived_cache().get(db, st.column_int64(0), st.column_text(2));
      for (const auto* f : l.fields) {
        if (!f->sql.empty()) continue;
        auto it = derived->find(f->name);
        attributes[f->name] = it == derived->end() ? ordered_json(nullptr) : *it;
      }
    }
    for (const auto& name : l.unknown_fields) attributes[name] = nullptr;
    // Keep the order of fields() in the output, whatever order the SQL produced.
    ordered_json sorted = ordered_json::object();
    for (const auto* f : l.fields) sorted[f->name] = std::move(attributes[f->name]);
    for (const auto& name : l.unknown_fields) sorted[name] = nullptr;
    e["attributes"] = std::move(sorted);
    if (structures && !st.is_null(1)) {
      std::int64_t ref = st.column_int64(1);
      e["relationships"]["references"]["data"] =
          ordered_json::array({{{"type", "references"}, {"id", std::to_string(ref)}}});
      reference_ids.insert(ref);
    }
    data.push_back(std::move(e));
  }
  if (l.include_references && !reference_ids.empty()) {
    Listing refs;
    for (const auto& f : optimade::fields(EntryType::references)) {
      if (f.name != "id" && f.name != "type" && f.sql != "NULL") refs.fields.push_back(&f);
    }
    std::vector<std::string> ref_ids;
    for (std::int64_t ref : reference_ids) ref_ids.push_back(std::to_string(ref));
    refs.limit = static_cast<long long>(ref_ids.size());
    Returned n;
    ordered_json unused;
    included = entries(ctx, db, EntryType::references, refs, &ref_ids, n, unused);
  }
  return data;
}

void list_entries(Context& ctx, EntryType type) {
  Listing l = read_listing(ctx, type, false);
  auto db = ctx.read();
  Returned returned;
  ordered_json included = ordered_json::array();
  ordered_json data = entries(ctx, db, type, l, nullptr, returned, included);

  ordered_json body;
  body["data"] = std::move(data);
  ordered_json meta = base_meta(ctx);
  const bool more = returned.known
                        ? l.offset + static_cast<long long>(body["data"].size()) < returned.count
                        : returned.more;
  meta["more_data_available"] = more;
  if (returned.known) {
    meta["data_returned"] = returned.count;
  } else {
    l.warnings.push_back(
        "data_returned is left out: counting the matches of this filter takes "
        "longer than " +
        std::to_string(ctx.state.options.count_time_limit_ms) + " ms");
  }
  meta["data_available"] =
      db.cached_int("SELECT count(*) FROM " + std::string(optimade::from_clause(type)));
  if (l.filter) {
    // Warnings from the translation (unknown provider prefixes) are only known after to_sql;
    // translate again cheaply to collect them.
    for (const auto& w : optimade::to_sql(*l.filter, type).warnings) l.warnings.push_back(w);
  }
  add_warnings(meta, l.warnings);
  body["meta"] = std::move(meta);
  if (more) {
    body["links"]["next"] =
        ctx.base_url() + ctx.req.path +
        query_with(ctx.req, {{"page_offset", std::to_string(l.offset + l.limit)}});
  } else {
    body["links"]["next"] = nullptr;
  }
  if (!included.empty()) body["included"] = std::move(included);
  send(ctx, body);
}

void single_entry(Context& ctx, EntryType type, const std::string& id) {
  Listing l = read_listing(ctx, type, true);
  auto db = ctx.read();
  Returned returned;
  ordered_json included = ordered_json::array();
  const std::vector<std::string> ids = {id};
  ordered_json data = entries(ctx, db, type, l, &ids, returned, included);
  if (data.empty()) {
    throw HttpError(404,
                    "no " + std::string(optimade::entry_type_name(type)) + " entry '" + id + "'");
  }
  ordered_json body;
  body["data"] = std::move(data[0]);
  ordered_json meta = base_meta(ctx);
  meta["data_returned"] = 1;
  add_warnings(meta, l.warnings);
  body["meta"] = std::move(meta);
  if (!included.empty()) body["included"] = std::move(included);
  send(ctx, body);
}

void info(Context& ctx) {
  check_common_params(ctx);
  ordered_json types = ordered_json::array();
  ordered_json endpoints = {"info", "links"};
  for (EntryType t : kEntryTypes) {
    types.push_back(optimade::entry_type_name(t));
    endpoints.push_back(optimade::entry_type_name(t));
  }
  ordered_json body;
  body["data"] = {
      {"type", "info"},
      {"id", "/"},
      {"attributes",
       {{"api_version", kApiVersion},
        {"available_api_versions", ordered_json::array({{{"url", ctx.base_url() + kPrefix + "/v1/"},
                                                         {"version", kApiVersion}}})},
        {"formats", {"json"}},
        {"available_endpoints", endpoints},
        {"entry_types_by_format", {{"json", types}}},
        {"is_index", false}}}};
  body["meta"] = base_meta(ctx);
  send(ctx, body);
}

std::string_view entry_description(EntryType type) {
  switch (type) {
    case EntryType::structures:
      return "Crystal structures read from CIF and POSCAR files, with the substance they belong to";
    case EntryType::references:
      return "Literature references cited by structures, properties and phase diagrams";
    case EntryType::substances:
      return "Substances (distinct phases): one chemical system in one structure type, grouping "
             "structures and properties";
  }
  return "";
}

void entry_info(Context& ctx, EntryType type) {
  check_common_params(ctx);
  ordered_json properties = ordered_json::object();
  ordered_json output = ordered_json::array();
  for (const auto& f : optimade::fields(type)) {
    ordered_json p = {{"description", f.description},
                      {"type", optimade::field_type_name(f.type)},
                      {"sortable", f.sortable}};
    if (!f.unit.empty()) p["unit"] = f.unit;
    properties[f.name] = std::move(p);
    output.push_back(f.name);
  }
  ordered_json body;
  body["data"] = {{"description", entry_description(type)},
                  {"properties", std::move(properties)},
                  {"formats", {"json"}},
                  {"output_fields_by_format", {{"json", std::move(output)}}}};
  body["meta"] = base_meta(ctx);
  send(ctx, body);
}

void links(Context& ctx) {
  check_common_params(ctx);
  ordered_json body;
  body["data"] = ordered_json::array();
  ordered_json meta = base_meta(ctx);
  meta["data_returned"] = 0;
  meta["data_available"] = 0;
  body["meta"] = std::move(meta);
  body["links"]["next"] = nullptr;
  send(ctx, body);
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < path.size()) {
    std::size_t end = path.find('/', pos);
    if (end == std::string::npos) end = path.size();
    if (end > pos) out.push_back(path.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

// The major version in "v1", "v1.2", "v1.2.0"; nullopt when the segment is not a version.
std::optional<long long> version_major(const std::string& segment) {
  static const std::regex kVersion(R"(v(\d+)(\.\d+){0,2})");
  std::smatch m;
  if (!std::regex_match(segment, m, kVersion)) return std::nullopt;
  return std::stoll(m[1].str().substr(0, 9));
}

void dispatch(Context& ctx) {
  std::string rest = ctx.req.path.substr(std::string_view(kPrefix).size());
  std::vector<std::string> parts = split_path(rest);
  const std::string query = ctx.req.target.find('?') == std::string::npos
                                ? ""
                                : ctx.req.target.substr(ctx.req.target.find('?'));
  bool versioned = false;
  if (!parts.empty() && parts[0].size() > 1 && parts[0][0] == 'v' &&
      std::isdigit(static_cast<unsigned char>(parts[0][1]))) {
    auto major = version_major(parts[0]);
    // §"Versioned base URLs": /v<integer><anything> that we do not serve is a 553.
    if (!major || *major != 1) {
      throw HttpError(553, "version '" + parts[0] +
                               "' is not supported; this server implements "
                               "OPTIMADE v1 at " +
                               std::string(kPrefix) + "/v1");
    }
    if (parts[0] != "v1" && parts[0] != "v1.2" && parts[0] != "v1.2.0" && parts[0] != "v1.0" &&
        parts[0] != "v1.1" && parts[0] != "v1.0.0" && parts[0] != "v1.1.0") {
      throw HttpError(
          553, "version '" + parts[0] + "' is not served; use " + std::string(kPrefix) + "/v1");
    }
    parts.erase(parts.begin());
    versioned = true;
  } else if (auto hint = ctx.param("api_hint")) {
    auto major = version_major(*hint);
    if (!major) throw HttpError(400, "api_hint '" + *hint + "' is not of the form vMAJOR[.MINOR]");
    if (*major != 1) throw HttpError(553, "api_hint " + *hint + ": only v1 is served");
  }
  std::string rel;
  for (const auto& p : parts) rel += "/" + p;
  t_representation = rel + query;

  if (parts.empty()) {
    send_text(ctx, 200,
              "<!doctype html><title>Phasebook OPTIMADE</title><p>This is an OPTIMADE API base "
              "URL, meant for OPTIMADE clients. Start at <a href=\"" +
                  std::string(kPrefix) + "/v1/info\">" + kPrefix + "/v1/info</a>.</p>",
              "text/html");
    return;
  }
  if (parts[0] == "versions" && parts.size() == 1 && !versioned) {
    send_text(ctx, 200, "version\n1\n", "text/csv; header=present");
    return;
  }
  if (parts[0] == "info") {
    if (parts.size() == 1) return info(ctx);
    if (parts.size() == 2) {
      if (auto t = optimade::entry_type_from_name(parts[1])) return entry_info(ctx, *t);
    }
  } else if (parts[0] == "links" && parts.size() == 1) {
    return links(ctx);
  } else if (auto t = optimade::entry_type_from_name(parts[0])) {
    if (parts.size() == 1) return list_entries(ctx, *t);
    if (parts.size() == 2) return single_entry(ctx, *t, parts[1]);
  }
  throw HttpError(404, "no OPTIMADE endpoint '" + rel + "'");
}

}  // namespace

ordered_json optimade_error_body(Context& ctx, int status, const std::string& detail) {
  ordered_json body;
  body["errors"] = ordered_json::array(
      {{{"status", std::to_string(status)}, {"title", status_title(status)}, {"detail", detail}}});
  body["meta"] = base_meta(ctx);
  return body;
}

void add_optimade_routes(httplib::Server& http, ServerState& state) {
  http.Get(R"(/optimade(/.*)?)", guarded(state, true, [](Context& ctx) {
             t_representation = ctx.req.target.substr(std::string_view(kPrefix).size());
             dispatch(ctx);
           }));
}

}  // namespace pb::server
