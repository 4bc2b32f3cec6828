// Mining tables (schema migration 3 in src/store/schema.cpp): documents, blocks, mentions,
// records with their curation state, and the audit of every editorial change.
#include "mining/mining_store.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <utility>

#include "store/ingest_cif.hpp"
#include "store/property_kinds.hpp"
#include "store/sqlite_repositories.hpp"
#include "util/error.hpp"
#include "util/sha256.hpp"

namespace pb::mining {

namespace {

using nlohmann::ordered_json;

std::string conditions_json(const MinedRecord& r) {
  ordered_json j = ordered_json::object();
  for (const auto& [k, v] : r.conditions) {
    if (!j.contains(k)) j[k] = v;
  }
  return j.dump();
}

std::string record_hash(const std::string& document_hash, std::int64_t block,
                        const MinedRecord& r) {
  Sha256 h;
  h.update(document_hash).update("|").update(std::to_string(block)).update("|");
  h.update(std::to_string(r.span.begin)).update("|").update(std::to_string(r.span.end)).update("|");
  h.update(r.property).update("|").update(r.value_as_given).update("|").update(r.unit_as_given);
  h.update("|").update(r.extractor_version);
  return h.hex();
}

constexpr std::string_view kRecordColumns =
    "r.id, r.document_id, d.source, d.doi, b.position, b.text, r.sentence_begin, "
    "r.sentence_end, r.span_begin, r.span_end, r.material_begin, r.material_end, r.property, "
    "r.material, r.material_formula, r.material_reduced, r.material_source, r.value_as_given, "
    "r.unit_as_given, r.unit_si, r.value_si, r.uncertainty_si, r.min_si, r.max_si, r.qualifier, "
    "r.temperature_K, r.conditions, r.extractor_version, r.confidence, r.state, r.restricted, "
    "r.substance_id, r.property_id";

RecordRow read_record(store::Statement& st) {
  RecordRow row;
  int c = 0;
  row.id = st.column_int64(c++);
  row.document_id = st.column_int64(c++);
  row.document_source = st.column_text(c++);
  row.doi = st.column_optional_text(c++).value_or("");
  row.block_position = st.column_int64(c++);
  const std::string block_text = st.column_text(c++);
  MinedRecord& r = row.record;
  r.block = static_cast<std::size_t>(row.block_position);
  r.sentence.begin = static_cast<std::size_t>(st.column_int64(c++));
  r.sentence.end = static_cast<std::size_t>(st.column_int64(c++));
  r.span.begin = static_cast<std::size_t>(st.column_int64(c++));
  r.span.end = static_cast<std::size_t>(st.column_int64(c++));
  auto mb = st.column_optional_int64(c++);
  auto me = st.column_optional_int64(c++);
  if (mb && me)
    r.material_span = Span{static_cast<std::size_t>(*mb), static_cast<std::size_t>(*me)};
  r.property = st.column_text(c++);
  r.material = st.column_text(c++);
  r.material_formula = st.column_text(c++);
  r.material_reduced = st.column_text(c++);
  r.material_source = st.column_text(c++);
  r.value_as_given = st.column_text(c++);
  r.unit_as_given = st.column_text(c++);
  r.unit_si = st.column_text(c++);
  r.value_si = st.column_optional_double(c++);
  r.uncertainty_si = st.column_optional_double(c++);
  r.min_si = st.column_optional_double(c++);
  r.max_si = st.column_optional_double(c++);
  r.qualifier = st.column_text(c++);
  r.temperature_K = st.column_optional_double(c++);
  row.conditions_json = st.column_text(c++);
  r.extractor_version = st.column_text(c++);
  r.confidence = st.column_double(c++);
  row.state = st.column_text(c++);
  row.restricted = st.column_int64(c++) != 0;
  row.substance_id = st.column_optional_text(c++);
  row.property_id = st.column_optional_int64(c++);
  try {
    const ordered_json conditions = ordered_json::parse(row.conditions_json);
    for (const auto& [k, v] : conditions.items()) {
      r.conditions.emplace_back(k, v.is_string() ? v.get<std::string>() : v.dump());
    }
  } catch (const std::exception&) {
  }
  if (r.sentence.end <= block_text.size() && r.sentence.begin <= r.sentence.end) {
    row.sentence = block_text.substr(r.sentence.begin, r.sentence.end - r.sentence.begin);
  }
  return row;
}

ordered_json record_state_json(const RecordRow& row) {
  ordered_json j;
  j["state"] = row.state;
  j["property"] = row.record.property;
  j["material"] = row.record.material;
  j["material_formula"] = row.record.material_formula;
  j["value_as_given"] = row.record.value_as_given;
  j["unit_as_given"] = row.record.unit_as_given;
  j["value_si"] = row.record.value_si ? ordered_json(*row.record.value_si) : ordered_json();
  j["temperature_K"] =
      row.record.temperature_K ? ordered_json(*row.record.temperature_K) : ordered_json();
  j["conditions"] = ordered_json::parse(row.conditions_json, nullptr, false);
  j["restricted"] = row.restricted;
  j["substance_id"] = row.substance_id ? ordered_json(*row.substance_id) : ordered_json();
  j["property_id"] = row.property_id ? ordered_json(*row.property_id) : ordered_json();
  return j;
}

void audit(store::Connection& c, std::int64_t id, std::string_view user, std::string_view action,
           const std::string& before, const std::string& after, std::string_view note) {
  store::Statement st = c.prepare(
      "INSERT INTO mining_record_audit(record_id, user, action, before, after, note) "
      "VALUES (?, ?, ?, ?, ?, ?)");
  st.bind(1, id).bind(2, user).bind(3, action).bind(4, before).bind(5, after).bind(6, note);
  st.run();
}

}  // namespace

AddResult add_document(store::Database& db, const Document& doc) {
  store::Connection& c = db.connection();
  store::Transaction tx(c);
  store::Statement find = c.prepare("SELECT id FROM mining_document WHERE content_hash = ?");
  find.bind(1, doc.content_hash);
  if (find.step()) return {find.column_int64(0), false};
  store::Statement ins = c.prepare(
      "INSERT INTO mining_document(content_hash, source, format, title, authors, journal, year, "
      "doi, warnings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  ins.bind(1, doc.content_hash).bind(2, doc.source).bind(3, to_string(doc.format));
  ins.bind(4, doc.meta.title).bind(5, ordered_json(doc.meta.authors).dump());
  ins.bind(6, doc.meta.journal);
  if (doc.meta.year) {
    ins.bind(7, *doc.meta.year);
  } else {
    ins.bind(7, nullptr);
  }
  ins.bind(8, doc.meta.doi).bind(9, ordered_json(doc.warnings).dump());
  ins.run();
  const std::int64_t id = c.last_insert_rowid();
  store::Statement block = c.prepare(
      "INSERT INTO mining_block(document_id, position, kind, section, text) VALUES (?, ?, ?, ?, "
      "?)");
  for (std::size_t i = 0; i < doc.blocks.size(); ++i) {
    const Block& b = doc.blocks[i];
    block.bind(1, id).bind(2, static_cast<std::int64_t>(i)).bind(3, to_string(b.kind));
    block.bind(4, b.section).bind(5, b.text);
    block.run();
  }
  tx.commit();
  return {id, true};
}

std::vector<DocumentRow> list_documents(store::Database& db) {
  std::vector<DocumentRow> out;
  store::Statement st = db.connection().prepare(
      "SELECT id, content_hash, source, format, title, authors, journal, year, doi, "
      "class_label, class_score, class_source, extractor_version FROM mining_document ORDER BY id");
  while (st.step()) {
    DocumentRow d;
    d.id = st.column_int64(0);
    d.content_hash = st.column_text(1);
    d.source = st.column_text(2);
    d.format = st.column_text(3);
    d.meta.title = st.column_optional_text(4).value_or("");
    try {
      d.meta.authors = ordered_json::parse(st.column_text(5)).get<std::vector<std::string>>();
    } catch (const std::exception&) {
    }
    d.meta.journal = st.column_optional_text(6).value_or("");
    if (auto y = st.column_optional_int64(7)) d.meta.year = static_cast<int>(*y);
    d.meta.doi = st.column_optional_text(8).value_or("");
    d.class_label = st.column_optional_text(9).value_or("");
    d.class_score = st.column_optional_double(10).value_or(0);
    d.class_source = st.column_optional_text(11).value_or("");
    d.extractor_version = st.column_optional_text(12).value_or("");
    out.push_back(std::move(d));
  }
  return out;
}

Document load_document(store::Database& db, std::int64_t id) {
  store::Connection& c = db.connection();
  Document doc;
  store::Statement st = c.prepare(
      "SELECT content_hash, source, format, title, authors, journal, year, doi FROM "
      "mining_document WHERE id = ?");
  st.bind(1, id);
  if (!st.step()) throw NotFound("no mined document with id " + std::to_string(id));
  doc.content_hash = st.column_text(0);
  doc.source = st.column_text(1);
  const std::string format = st.column_text(2);
  for (DocumentFormat f : {DocumentFormat::kText, DocumentFormat::kHtml, DocumentFormat::kJats,
                           DocumentFormat::kElsevier, DocumentFormat::kPdf}) {
    if (to_string(f) == format) doc.format = f;
  }
  doc.meta.title = st.column_optional_text(3).value_or("");
  try {
    doc.meta.authors = ordered_json::parse(st.column_text(4)).get<std::vector<std::string>>();
  } catch (const std::exception&) {
  }
  doc.meta.journal = st.column_optional_text(5).value_or("");
  if (auto y = st.column_optional_int64(6)) doc.meta.year = static_cast<int>(*y);
  doc.meta.doi = st.column_optional_text(7).value_or("");
  store::Statement blocks = c.prepare(
      "SELECT kind, section, text FROM mining_block WHERE document_id = ? ORDER BY position");
  blocks.bind(1, id);
  while (blocks.step()) {
    doc.blocks.push_back({block_kind_from_string(blocks.column_text(0)), blocks.column_text(1),
                          blocks.column_text(2)});
  }
  return doc;
}

ExtractReport extract_documents(store::Database& db, const std::vector<std::int64_t>& ids,
                                const MentionTagger* tagger) {
  ExtractReport report;
  std::vector<std::int64_t> todo = ids;
  if (todo.empty()) {
    for (const DocumentRow& d : list_documents(db)) todo.push_back(d.id);
  }
  store::Connection& c = db.connection();
  for (std::int64_t id : todo) {
    const Document doc = load_document(db, id);
    const Extraction ex = extract(doc, tagger);
    store::Transaction tx(c);
    std::vector<std::int64_t> block_ids;
    store::Statement blocks =
        c.prepare("SELECT id FROM mining_block WHERE document_id = ? ORDER BY position");
    blocks.bind(1, id);
    while (blocks.step()) block_ids.push_back(blocks.column_int64(0));
    store::Statement previous = c.prepare(
        "DELETE FROM mining_mention WHERE extractor_version = ? AND block_id IN "
        "(SELECT id FROM mining_block WHERE document_id = ?)");
    previous.bind(1, kExtractorVersion).bind(2, id);
    previous.run();
    store::Statement mention = c.prepare(
        "INSERT INTO mining_mention(block_id, begin, end, text, formula, reduced, kind, elements, "
        "extractor_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
    for (std::size_t b = 0; b < ex.mentions.size() && b < block_ids.size(); ++b) {
      for (const Mention& m : ex.mentions[b]) {
        mention.bind(1, block_ids[b]).bind(2, static_cast<std::int64_t>(m.begin));
        mention.bind(3, static_cast<std::int64_t>(m.end)).bind(4, m.text).bind(5, m.formula);
        mention.bind(6, m.reduced).bind(7, to_string(m.kind)).bind(8, m.elements);
        mention.bind(9, kExtractorVersion);
        mention.run();
        ++report.mentions;
      }
    }
    store::Statement rec = c.prepare(
        "INSERT INTO mining_record(document_id, block_id, sentence_begin, sentence_end, "
        "span_begin, span_end, material_begin, material_end, property, material, "
        "material_formula, material_reduced, material_source, value_as_given, unit_as_given, "
        "unit_si, value_si, uncertainty_si, min_si, max_si, qualifier, temperature_K, "
        "conditions, extractor_version, confidence, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?, "
        "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(content_hash) DO NOTHING");
    for (const MinedRecord& r : ex.records) {
      if (r.block >= block_ids.size()) continue;
      int k = 1;
      auto bind = [&](const auto& v) { rec.bind(k++, v); };
      bind(id);
      bind(block_ids[r.block]);
      bind(static_cast<std::int64_t>(r.sentence.begin));
      bind(static_cast<std::int64_t>(r.sentence.end));
      bind(static_cast<std::int64_t>(r.span.begin));
      bind(static_cast<std::int64_t>(r.span.end));
      if (r.material_span) {
        bind(static_cast<std::int64_t>(r.material_span->begin));
        bind(static_cast<std::int64_t>(r.material_span->end));
      } else {
        bind(nullptr);
        bind(nullptr);
      }
      for (const std::string* s :
           {&r.property, &r.material, &r.material_formula, &r.material_reduced, &r.material_source,
            &r.value_as_given, &r.unit_as_given, &r.unit_si}) {
        bind(*s);
      }
      bind(r.value_si);
      bind(r.uncertainty_si);
      bind(r.min_si);
      bind(r.max_si);
      bind(r.qualifier);
      bind(r.temperature_K);
      bind(conditions_json(r));
      bind(r.extractor_version);
      bind(r.confidence);
      bind(record_hash(doc.content_hash, static_cast<std::int64_t>(r.block), r));
      rec.run();
      report.new_records += static_cast<std::size_t>(c.changes());
      ++report.records;
    }
    store::Statement mark =
        c.prepare("UPDATE mining_document SET extractor_version = ? WHERE id = ?");
    mark.bind(1, kExtractorVersion).bind(2, id);
    mark.run();
    tx.commit();
    ++report.documents;
  }
  return report;
}

std::vector<RecordRow> list_records(store::Database& db, const RecordFilter& filter) {
  std::string sql = "SELECT " + std::string(kRecordColumns) +
                    " FROM mining_record r JOIN mining_document d ON d.id = r.document_id "
                    "JOIN mining_block b ON b.id = r.block_id WHERE r.confidence >= ?";
  if (!filter.state.empty()) sql += " AND r.state = ?";
  if (!filter.property.empty()) sql += " AND r.property = ?";
  if (filter.document_id) sql += " AND r.document_id = ?";
  sql += " ORDER BY r.id LIMIT ?";
  store::Statement st = db.connection().prepare(sql);
  int k = 1;
  st.bind(k++, filter.min_confidence);
  if (!filter.state.empty()) st.bind(k++, filter.state);
  if (!filter.property.empty()) st.bind(k++, filter.property);
  if (filter.document_id) st.bind(k++, *filter.document_id);
  st.bind(k++, filter.limit);
  std::vector<RecordRow> out;
  while (st.step()) out.push_back(read_record(st));
  return out;
}

RecordRow get_record(store::Database& db, std::int64_t id) {
  store::Statement st = db.connection().prepare(
      "SELECT " + std::string(kRecordColumns) +
      " FROM mining_record r JOIN mining_document d ON d.id = r.document_id "
      "JOIN mining_block b ON b.id = r.block_id WHERE r.id = ?");
  st.bind(1, id);
  if (!st.step()) throw NotFound("no mined record with id " + std::to_string(id));
  return read_record(st);
}

void set_record_state(store::Database& db, std::int64_t id, std::string_view state,
                      std::string_view user, std::string_view note) {
  if (state != "pending" && state != "accepted" && state != "rejected") {
    throw InvalidArgument("state must be pending, accepted or rejected, not '" +
                          std::string(state) + "'");
  }
  store::Connection& c = db.connection();
  store::Transaction tx(c);
  const RecordRow before = get_record(db, id);
  store::Statement st = c.prepare(
      "UPDATE mining_record SET state = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') "
      "WHERE id = ?");
  st.bind(1, state).bind(2, id);
  st.run();
  const RecordRow after = get_record(db, id);
  audit(c, id, user,
        state == "accepted"   ? "accept"
        : state == "rejected" ? "reject"
                              : "reset",
        record_state_json(before).dump(), record_state_json(after).dump(), note);
  tx.commit();
}

namespace {

// Processing and set-up conditions with a known dimension: their value must be a quantity of that
// dimension ("1473 K", "1200 °C", "12 h", "10 mm"), so a typo is refused instead of stored.
constexpr std::pair<std::string_view, std::string_view> kConditionUnits[] = {
    {"sintering_temperature", "K"}, {"sintering_time", "s"},  {"calcination_temperature", "K"},
    {"calcination_time", "s"},      {"pellet_diameter", "m"}, {"pellet_thickness", "m"},
    {"annealing_temperature", "K"}, {"annealing_time", "s"},
};

void check_condition(std::string_view key, const std::string& value) {
  if (key.empty() || !(key[0] >= 'a' && key[0] <= 'z') ||
      key.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string_view::npos) {
    throw InvalidArgument(
        "condition names are lower-case words with '_' (e.g. "
        "condition.sintering_temperature), not '" +
        std::string(key) + "'");
  }
  if (value.empty()) return;
  for (const auto& [name, unit] : kConditionUnits) {
    if (name != key) continue;
    const std::vector<Quantity> q = find_quantities(value, tokenize(value));
    if (q.empty() || !q[0].unit || !units::convertible(*q[0].unit, units::parse_unit(unit))) {
      throw InvalidArgument(std::string(key) + " must be a value with a unit of " +
                            (unit == "K"   ? "temperature (K or °C)"
                             : unit == "s" ? "time (h, min, s)"
                                           : "length (mm, cm, µm)") +
                            ", got '" + value + "'");
    }
  }
}

double parse_temperature(const std::string& v) {
  std::size_t used = 0;
  double t = 0;
  try {
    t = std::stod(v, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != v.size() || !(t > 0 && t < 1e5)) {
    throw InvalidArgument("temperature is a number of kelvin above 0, got '" + v + "'");
  }
  return t;
}

// A value as written, re-read with the extraction rules (so that "1.2 × 10−3" works here too),
// in the property's canonical unit; refused when it is not a number with a unit of that dimension.
double si_value(const std::string& value_text, const std::string& unit_text,
                std::string_view property) {
  const std::string text = value_text + " " + unit_text;
  const std::vector<Quantity> q = find_quantities(text, tokenize(text));
  if (q.empty() || !q[0].unit || q[0].value_text.empty()) {
    throw InvalidArgument("'" + text + "' is not a value with a unit");
  }
  const units::Unit target = units::parse_unit(canonical_unit(property));
  if (!units::convertible(*q[0].unit, target)) {
    throw InvalidArgument("'" + unit_text + "' is not a unit of " + std::string(property) + " (" +
                          std::string(canonical_unit(property)) + ")");
  }
  return units::convert(q[0].value, *q[0].unit, target);
}

// One field of edit_record inside the caller's transaction; returns false when the field is not
// a data edit (the visibility flag), which leaves the curation state as it is.
bool edit_field(store::Database& db, std::int64_t id, const RecordRow& before,
                std::string_view field, const std::string& v) {
  store::Connection& c = db.connection();
  auto update = [&](const std::string& sql, auto&&... args) {
    store::Statement st = c.prepare(sql);
    int k = 1;
    (st.bind(k++, args), ...);
    st.bind(k, id);
    st.run();
  };
  if (field == "material") {
    update("UPDATE mining_record SET material = ? WHERE id = ?", v);
  } else if (field == "formula") {
    const FormulaCheck f = check_formula_word(v);
    update("UPDATE mining_record SET material_formula = ?, material_reduced = ? WHERE id = ?", v,
           f.accepted ? f.reduced : v);
  } else if (field == "property") {
    if (v.empty() || v.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") != std::string::npos) {
      throw InvalidArgument("property is a kind name such as ionic_conductivity, got '" + v + "'");
    }
    // The value moves to the new kind's unit; a kind of another dimension is refused.
    update("UPDATE mining_record SET property = ?, unit_si = ?, value_si = ? WHERE id = ?", v,
           std::string(canonical_unit(v)),
           si_value(before.record.value_as_given, before.record.unit_as_given, v));
  } else if (field == "value" || field == "unit") {
    const std::string value_text = field == "value" ? v : before.record.value_as_given;
    const std::string unit_text = field == "unit" ? v : before.record.unit_as_given;
    update(
        "UPDATE mining_record SET value_as_given = ?, unit_as_given = ?, value_si = ? WHERE id = ?",
        value_text, unit_text, si_value(value_text, unit_text, before.record.property));
  } else if (field == "temperature") {
    // The temperature as the sentence wrote it (condition "temperature") goes with the old value.
    ordered_json j = ordered_json::parse(before.conditions_json, nullptr, false);
    if (!j.is_object()) j = ordered_json::object();
    j.erase("temperature");
    if (v.empty()) {
      update("UPDATE mining_record SET temperature_K = NULL, conditions = ? WHERE id = ?",
             j.dump());
    } else {
      update("UPDATE mining_record SET temperature_K = ?, conditions = ? WHERE id = ?",
             parse_temperature(v), j.dump());
    }
  } else if (field == "substance") {
    if (v.empty()) {
      update("UPDATE mining_record SET substance_id = NULL WHERE id = ?");
    } else {
      store::Statement known = c.prepare("SELECT count(*) FROM substance WHERE id = ?");
      known.bind(1, v);
      known.step();
      if (known.column_int64(0) == 0) throw InvalidArgument("no substance '" + v + "'");
      update("UPDATE mining_record SET substance_id = ? WHERE id = ?", v);
    }
  } else if (field == "restricted") {
    if (v != "true" && v != "false") throw InvalidArgument("restricted is true or false");
    update("UPDATE mining_record SET restricted = ? WHERE id = ?", std::int64_t{v == "true"});
    return false;
  } else if (field.starts_with("condition.")) {
    const std::string key(field.substr(10));
    check_condition(key, v);
    ordered_json j = ordered_json::parse(before.conditions_json, nullptr, false);
    if (!j.is_object()) j = ordered_json::object();
    if (v.empty()) {
      j.erase(key);
    } else {
      j[key] = v;
    }
    update("UPDATE mining_record SET conditions = ? WHERE id = ?", j.dump());
  } else {
    throw InvalidArgument("cannot edit '" + std::string(field) +
                          "'; fields: material, formula, property, value, unit, temperature, "
                          "substance, restricted, condition.NAME");
  }
  return true;
}

}  // namespace

void edit_record(store::Database& db, std::int64_t id, std::string_view field,
                 std::string_view value, std::string_view user) {
  edit_record(db, id, {{std::string(field), std::string(value)}}, user);
}

void edit_record(store::Database& db, std::int64_t id,
                 const std::vector<std::pair<std::string, std::string>>& edits,
                 std::string_view user) {
  store::Connection& c = db.connection();
  store::Transaction tx(c);
  // A published record lives on as a property of its substance: editing the record would leave
  // the property behind unchanged.
  if (const RecordRow row = get_record(db, id); row.property_id) {
    throw InvalidArgument("record " + std::to_string(id) + " is published as property " +
                          std::to_string(*row.property_id) + "; published records are not edited");
  }
  for (const auto& [field, value] : edits) {
    const RecordRow before = get_record(db, id);
    if (edit_field(db, id, before, field, value)) {
      store::Statement st = c.prepare(
          "UPDATE mining_record SET state = 'edited', updated_at = "
          "strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?");
      st.bind(1, id);
      st.run();
    }
    const RecordRow after = get_record(db, id);
    audit(c, id, user, "edit " + field, record_state_json(before).dump(),
          record_state_json(after).dump(), "");
  }
  tx.commit();  // every field or none
}

std::vector<RecordAudit> record_audit(store::Database& db, std::int64_t id) {
  store::Statement st = db.connection().prepare(
      "SELECT time, user, action, before, after, note FROM mining_record_audit WHERE record_id = ? "
      "ORDER BY id");
  st.bind(1, id);
  std::vector<RecordAudit> out;
  while (st.step()) {
    out.push_back({st.column_text(0), st.column_text(1), st.column_text(2),
                   st.column_optional_text(3).value_or(""), st.column_optional_text(4).value_or(""),
                   st.column_optional_text(5).value_or("")});
  }
  return out;
}

PublishReport publish_records(store::Database& db, const std::vector<std::int64_t>& ids,
                              std::string_view user) {
  PublishReport report;
  for (std::int64_t id : ids) {
    const RecordRow row = get_record(db, id);  // NotFound before anything is written
    if (row.state != "accepted" && row.state != "edited") {
      throw InvalidArgument("record " + std::to_string(id) + " is " + row.state +
                            "; only accepted or edited records are published");
    }
  }
  store::Connection& c = db.connection();
  store::Repositories repos = store::make_repositories(db);
  {
    store::Transaction tx(c);
    for (const std::string_view state : {"accepted", "edited"}) {
      RecordFilter f;
      f.state = std::string(state);
      for (const RecordRow& row : list_records(db, f)) {
        if (!ids.empty() && std::find(ids.begin(), ids.end(), row.id) == ids.end()) continue;
        if (row.property_id) {
          ++report.already;
          continue;
        }
        const MinedRecord& r = row.record;
        if (!store::find_property_kind(r.property) || r.material_formula.empty() ||
            !(r.value_si || r.min_si || r.max_si)) {
          ++report.unsupported;
          continue;
        }
        store::PropertyRecord p;
        p.kind = r.property;
        p.substance_id = row.substance_id;
        p.formula = r.material_formula;
        p.formula_reduced = r.material_reduced;
        p.value_si = r.value_si;
        p.uncertainty_si = r.uncertainty_si;
        p.min_si = r.min_si;
        p.max_si = r.max_si;
        p.value_as_given = r.qualifier + r.value_as_given;
        p.unit_as_given = r.unit_as_given;
        p.temperature_K = r.temperature_K;
        p.method = "literature mining (" + r.extractor_version + "), curated";
        ordered_json cond = ordered_json::parse(row.conditions_json, nullptr, false);
        if (!cond.is_object()) cond = ordered_json::object();
        cond["mined_record"] = row.id;
        cond["sentence"] = row.sentence;
        p.conditions_json = cond.dump();
        p.source_file = row.document_source;
        p.source_row = row.id;
        p.dataset = row.restricted ? std::string(kRestrictedDataset) : "public";
        if (!row.doi.empty()) {
          store::ReferenceRecord ref;
          ref.doi = row.doi;
          ref.source = "mining";
          p.reference_id = repos.references->insert(ref).id;
        }
        const store::InsertResult ins = repos.properties->insert(p);
        store::Statement st = c.prepare("UPDATE mining_record SET property_id = ? WHERE id = ?");
        st.bind(1, ins.id).bind(2, row.id);
        st.run();
        audit(c, row.id, user, "publish", record_state_json(row).dump(),
              record_state_json(get_record(db, row.id)).dump(),
              "property " + std::to_string(ins.id) + " in dataset " + p.dataset);
        ++report.published;
      }
    }
    tx.commit();
  }
  store::link_properties(db);
  store::Transaction tx(c);
  // Records that get their substance from the link are audited one by one.
  std::vector<RecordRow> unlinked;
  {
    store::Statement st = c.prepare(
        "SELECT r.id FROM mining_record r JOIN property p ON p.id = r.property_id WHERE "
        "r.substance_id IS NULL AND p.substance_id IS NOT NULL");
    std::vector<std::int64_t> found;
    while (st.step()) found.push_back(st.column_int64(0));
    for (std::int64_t id : found) unlinked.push_back(get_record(db, id));
  }
  c.exec(
      "UPDATE mining_record SET substance_id = (SELECT substance_id FROM property p WHERE p.id = "
      "mining_record.property_id) WHERE property_id IS NOT NULL AND substance_id IS NULL");
  for (const RecordRow& before : unlinked) {
    const RecordRow after = get_record(db, before.id);
    audit(c, before.id, user, "link substance", record_state_json(before).dump(),
          record_state_json(after).dump(), "by the identity rules of link_properties");
  }
  report.linked = static_cast<std::size_t>(
      c.query_int64("SELECT count(*) FROM mining_record WHERE property_id IS NOT NULL AND "
                    "substance_id IS NOT NULL")
          .value_or(0));
  tx.commit();
  return report;
}

void set_document_class(store::Database& db, std::int64_t id, std::string_view label, double score,
                        std::string_view source) {
  store::Statement st = db.connection().prepare(
      "UPDATE mining_document SET class_label = ?, class_score = ?, class_source = ? WHERE id = ?");
  st.bind(1, label).bind(2, score).bind(3, source).bind(4, id);
  st.run();
}

}  // namespace pb::mining
