#pragma once
/// Mining data in the database (tables mining_document, mining_block, mining_mention,
/// mining_record, mining_record_audit; schema migration 3): idempotent document ingest,
/// extraction runs, the curation queue and publication of curated records as properties.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mining/document.hpp"
#include "mining/extract.hpp"
#include "store/database.hpp"

namespace pb::mining {

class MentionTagger;

/// Result of adding one document.
struct AddResult {
  std::int64_t id = 0;
  bool inserted = false;
};

/// Stores a document and its blocks unless a document with the same content hash exists.
AddResult add_document(store::Database& db, const Document& doc);

/// A stored document (metadata; blocks with load_document).
struct DocumentRow {
  std::int64_t id = 0;
  std::string content_hash;
  std::string source;
  std::string format;
  DocumentMetadata meta;
  std::string class_label;
  double class_score = 0;
  std::string class_source;
  std::string extractor_version;
};

std::vector<DocumentRow> list_documents(store::Database& db);
/// The document with its blocks; throws NotFound.
Document load_document(store::Database& db, std::int64_t id);

/// What an extraction run did.
struct ExtractReport {
  std::size_t documents = 0;
  std::size_t mentions = 0;
  std::size_t records = 0;      ///< records found
  std::size_t new_records = 0;  ///< records not stored before
};

/// Extracts mentions and records from stored documents (all when `ids` is empty). Idempotent:
/// a record is keyed by document, block, span, property, value and extractor version. The
/// mentions of a document are those of its last run with this extractor version (with a
/// tagger: those apply_tagger keeps).
ExtractReport extract_documents(store::Database& db, const std::vector<std::int64_t>& ids = {},
                                const MentionTagger* tagger = nullptr);

/// Curation states.
inline constexpr std::string_view kStates[] = {"pending", "accepted", "rejected", "edited"};

/// A stored record with its curation fields.
struct RecordRow {
  std::int64_t id = 0;
  std::int64_t document_id = 0;
  std::string document_source;
  std::string doi;
  std::int64_t block_position = 0;
  std::string sentence;  ///< the sentence text
  MinedRecord record;
  std::string conditions_json = "{}";
  std::string state = "pending";
  bool restricted = false;
  std::optional<std::string> substance_id;
  std::optional<std::int64_t> property_id;
};

/// Filter for list_records.
struct RecordFilter {
  std::string state;     ///< empty: any
  std::string property;  ///< empty: any
  std::optional<std::int64_t> document_id;
  double min_confidence = 0;
  std::int64_t limit = 1000000;
};

std::vector<RecordRow> list_records(store::Database& db, const RecordFilter& filter = {});
/// One record; throws NotFound.
RecordRow get_record(store::Database& db, std::int64_t id);

/// Sets a record's state (accepted, rejected, pending) with an audit entry.
void set_record_state(store::Database& db, std::int64_t id, std::string_view state,
                      std::string_view user, std::string_view note = {});

/// Edits one field of a record and marks it `edited` (audited). Fields: material, formula,
/// property (the value is converted to the new kind's unit), value, unit (re-read; a unit of
/// another dimension is refused), temperature (K, empty clears), substance (an existing
/// substance id, empty clears), restricted (true/false; changes visibility, not the state) and
/// `condition.NAME` (any condition, empty removes it; sintering/calcination/annealing
/// temperature and time and pellet diameter/thickness must be quantities of that dimension).
/// Throws InvalidArgument (nothing written) on a bad field or value.
void edit_record(store::Database& db, std::int64_t id, std::string_view field,
                 std::string_view value, std::string_view user);
/// Several fields in one transaction, one audit row each: all are written or none.
void edit_record(store::Database& db, std::int64_t id,
                 const std::vector<std::pair<std::string, std::string>>& edits,
                 std::string_view user);

/// An audit entry of a record.
struct RecordAudit {
  std::string time;
  std::string user;
  std::string action;
  std::string before;
  std::string after;
  std::string note;
};
std::vector<RecordAudit> record_audit(store::Database& db, std::int64_t id);

/// What publishing curated records did.
struct PublishReport {
  std::size_t published = 0;    ///< new property rows
  std::size_t already = 0;      ///< records published before
  std::size_t unsupported = 0;  ///< kinds without a place in the property vocabulary
  std::size_t linked = 0;       ///< records whose property now has a substance
};

/// The dataset of restricted curated records. It is not listed as public in the `dataset`
/// table, so the server shows it to members only.
inline constexpr std::string_view kRestrictedDataset = "mining-restricted";

/// Turns accepted and edited records into properties (dataset kRestrictedDataset when
/// restricted, else "public"), with a reference from the document's DOI, then links properties to
/// substances (store::link_properties) and copies the substance back to the record. With `ids`
/// only those records (each must exist and be accepted or edited: NotFound / InvalidArgument
/// before anything is written). Each publication and each substance link found is audited under
/// `user`.
PublishReport publish_records(store::Database& db, const std::vector<std::int64_t>& ids = {},
                              std::string_view user = "phasebook");

/// Stores a document's class label.
void set_document_class(store::Database& db, std::int64_t id, std::string_view label, double score,
                        std::string_view source);

}  // namespace pb::mining
