#pragma once
/// Storage interfaces, one per entity of ARCHITECTURE.md §3, with plain record structs that do
/// not depend on the crystal or chem types. SQLite implements them (sqlite_repositories.hpp); a
/// PostgreSQL backend would implement the same interfaces.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pb::store {

/// Rows to return from a list() call.
struct Page {
  std::int64_t limit = 100;
  std::int64_t offset = 0;
};

/// What an idempotent insert did: the id of the stored row and whether it was new.
struct InsertResult {
  std::int64_t id = 0;
  bool inserted = false;
};

/// A literature reference.
struct ReferenceRecord {
  std::int64_t id = 0;               ///< 0 until stored
  std::vector<std::string> authors;  ///< "Family, Given" as written
  std::string title;
  std::string journal;
  std::optional<int> year;
  std::string volume;
  std::string issue;
  std::string pages;
  std::string doi;   ///< normalised by normalise_doi() on insert; empty when unknown
  std::string kind;  ///< "article", "book", ... (BibTeX type or RIS TY)
  std::string source;
  std::string dataset = "public";
};

/// One species on a site: element symbol, oxidation state if known, occupancy, site label.
struct SpeciesRecord {
  std::string element;
  std::optional<double> oxidation;
  double occupancy = 1.0;
  std::string label;
};

/// One site: fractional coordinates and the species sharing it.
struct SiteRecord {
  double frac[3] = {0, 0, 0};
  std::vector<SpeciesRecord> species;
};

/// A crystal structure as stored (from a CIF block or POSCAR file).
struct StructureRecord {
  std::int64_t id = 0;
  std::optional<std::string> substance_id;
  std::optional<std::int64_t> reference_id;
  std::string source_file;
  std::string source_block;
  std::string content_hash;  ///< sha256_hex of the block text: the idempotency key
  double a = 0, b = 0, c = 0, alpha = 0, beta = 0, gamma = 0;  ///< Å and degrees
  double vectors[3][3] = {};                                   ///< lattice vectors as rows, Å
  std::vector<SiteRecord> sites;
  std::int64_t nsites = 0;  ///< as stored; set on read, also when the sites are not read
  std::string chemical_formula_reduced;
  std::string chemical_formula_anonymous;
  std::string chemical_formula_descriptive;
  std::string chemical_formula_published;  ///< _chemical_formula_sum as written
  std::vector<std::string> elements;       ///< sorted on insert
  std::optional<int> space_group_number;
  std::string hall_symbol;
  std::string space_group_symbol;
  std::string pearson_symbol;
  std::string wyckoff_sequence;
  std::string crystal_system;
  std::optional<double> volume;   ///< Å^3
  std::optional<double> density;  ///< g/cm^3
  std::optional<double> temperature_K;
  std::optional<double> pressure_kPa;
  std::vector<std::string> warnings;
  std::string dataset = "public";
};

/// A property value with its conditions; values are in the kind's canonical unit.
struct PropertyRecord {
  std::int64_t id = 0;
  std::string kind;  ///< a name from the property_kind vocabulary
  std::optional<std::string> substance_id;
  std::string formula;  ///< as given
  std::string formula_reduced;
  std::optional<double> value_si;
  std::optional<double> uncertainty_si;
  std::optional<double> min_si;
  std::optional<double> max_si;
  std::string value_as_given;
  std::string unit_as_given;
  std::optional<std::int64_t> reference_id;
  std::optional<double> temperature_K;
  std::optional<double> pressure_kPa;
  std::string method;
  std::string conditions_json = "{}";  ///< free key/value conditions as a JSON object
  std::string source_file;
  std::optional<std::int64_t> source_row;
  std::string content_hash;  ///< computed by content_hash(PropertyRecord) when empty
  std::string dataset = "public";
};

/// A phase in a phase diagram.
struct PhaseRecord {
  std::string name;
  std::string formula;
  std::optional<std::string> substance_id;
};

/// A digitised boundary: a polyline in the diagram's axes.
struct BoundaryRecord {
  std::string label;
  std::vector<std::pair<double, double>> points;
};

/// A phase diagram with its phases and boundaries.
struct PhaseDiagramRecord {
  std::int64_t id = 0;
  std::string system;  ///< "Fe-Ni"
  std::string kind;    ///< binary | ternary_isothermal | isopleth | computed_hull
  std::string title;
  std::string axes_json = "[]";
  std::optional<double> temperature_min_K;
  std::optional<double> temperature_max_K;
  std::optional<double> pressure_kPa;
  std::optional<std::int64_t> reference_id;
  std::string source_file;
  std::string content_hash;  ///< of the diagram's JSON text: the idempotency key
  std::vector<PhaseRecord> phases;
  std::vector<BoundaryRecord> boundaries;
  std::string dataset = "public";
};

/// A substance (distinct phase): the identity key fields.
struct SubstanceRecord {
  std::string id;  ///< stable, derived from the identity key by the caller
  std::string host_formula;
  std::optional<int> space_group_number;
  std::string pearson_symbol;
  std::string wyckoff_sequence;
  std::string structure_type;
  std::string dataset = "public";
};

/// Kinds of entry that belong to a substance.
enum class EntityKind { kStructure, kProperty, kPhase };

/// "structure", "property", "phase".
std::string_view to_string(EntityKind kind);

/// One entry's membership of a substance, with the rule and numbers that admitted it.
struct MemberRecord {
  std::string substance_id;
  EntityKind entity_kind = EntityKind::kStructure;
  std::int64_t entity_id = 0;
  std::string rule;
  std::string numbers_json = "{}";
};

/// One audited change.
struct AuditRecord {
  std::int64_t id = 0;
  std::string time;  ///< set by the database
  std::string user;
  std::string action;
  std::string details_json = "{}";
};

/// References: insert-or-get by DOI, else by normalised citation.
class ReferenceRepository {
 public:
  virtual ~ReferenceRepository() = default;
  /// Returns the existing id when the DOI or (without a DOI) the citation key is known; a
  /// DOI-less stored match gains the new DOI.
  virtual InsertResult insert(const ReferenceRecord& r) = 0;
  virtual std::optional<ReferenceRecord> get(std::int64_t id) = 0;
  virtual std::optional<ReferenceRecord> find_by_doi(std::string_view doi) = 0;
  virtual std::vector<ReferenceRecord> list(const Page& page) = 0;
  virtual std::int64_t count() = 0;
};

/// Structures: insert-or-get by content hash.
class StructureRepository {
 public:
  virtual ~StructureRepository() = default;
  virtual InsertResult insert(const StructureRecord& s) = 0;
  virtual std::optional<StructureRecord> get(std::int64_t id) = 0;
  virtual std::optional<std::int64_t> find_by_hash(std::string_view content_hash) = 0;
  virtual std::vector<StructureRecord> list(const Page& page) = 0;
  virtual std::vector<StructureRecord> list_by_substance(std::string_view substance_id) = 0;
  /// Every column but the sites (nsites is set): pages that list many structures.
  virtual std::vector<StructureRecord> list_by_substance_without_sites(
      std::string_view substance_id) = 0;
  virtual std::int64_t count() = 0;
};

/// Properties: insert-or-get by content hash.
class PropertyRepository {
 public:
  virtual ~PropertyRepository() = default;
  virtual InsertResult insert(const PropertyRecord& p) = 0;
  virtual std::optional<PropertyRecord> get(std::int64_t id) = 0;
  virtual std::vector<PropertyRecord> list(const Page& page) = 0;
  virtual std::vector<PropertyRecord> list_by_substance(std::string_view substance_id) = 0;
  virtual std::int64_t count() = 0;
};

/// Phase diagrams with phases and boundaries: insert-or-get by content hash.
class PhaseDiagramRepository {
 public:
  virtual ~PhaseDiagramRepository() = default;
  virtual InsertResult insert(const PhaseDiagramRecord& d) = 0;
  virtual std::optional<PhaseDiagramRecord> get(std::int64_t id) = 0;
  virtual std::vector<PhaseDiagramRecord> list(const Page& page) = 0;
  virtual std::int64_t count() = 0;
};

/// Substances, their members and the audit log of editorial changes.
class SubstanceRepository {
 public:
  virtual ~SubstanceRepository() = default;
  /// Insert-or-get by id (the existing row is left as it is).
  virtual InsertResult insert(const SubstanceRecord& s) = 0;
  virtual std::optional<SubstanceRecord> get(std::string_view id) = 0;
  virtual std::vector<SubstanceRecord> list(const Page& page) = 0;
  virtual std::int64_t count() = 0;
  /// Adds or moves an entry to a substance and sets the entry's substance_id column.
  virtual void set_member(const MemberRecord& m) = 0;
  /// Removes an entry from its substance (clearing the entry's substance_id); false if it had none.
  virtual bool remove_member(EntityKind kind, std::int64_t entity_id) = 0;
  /// The substance an entry belongs to, with the rule that admitted it.
  virtual std::optional<MemberRecord> membership(EntityKind kind, std::int64_t entity_id) = 0;
  virtual std::vector<MemberRecord> members(std::string_view substance_id) = 0;
  /// Every substance with these identity fields (host formula, space group, Pearson symbol):
  /// the framework variants and split-offs of one identity key, in id order.
  virtual std::vector<std::string> with_identity(const SubstanceRecord& identity) = 0;
  /// The structure that stands for a substance's framework: its first structure member.
  virtual std::optional<std::int64_t> first_structure(std::string_view id) = 0;
  /// The substance an id names now: itself when it exists, the substance it was merged into
  /// (following merges of merges), or nothing.
  virtual std::optional<std::string> resolve(std::string_view id) = 0;
  /// Moves every member of `from` into `into`, deletes `from`, leaves a redirect from `from` to
  /// `into` (so old links keep working), and audits the change; returns the audit entry's id.
  virtual std::int64_t merge(std::string_view from, std::string_view into,
                             std::string_view user) = 0;
  /// Moves the given members of `from` into a new substance with the same identity fields and
  /// returns its id ("pbs-" + 12 hex digits of a hash of `from` and the moved entries, so the
  /// same split gives the same id); audits the change. Every entry must be a member of `from`
  /// and at least one member must stay.
  virtual std::string split(std::string_view from,
                            const std::vector<std::pair<EntityKind, std::int64_t>>& entries,
                            std::string_view user) = 0;
  /// Appends to the audit log; returns the entry's id.
  virtual std::int64_t audit(const AuditRecord& entry) = 0;
  /// Newest first.
  virtual std::vector<AuditRecord> audit_log(const Page& page) = 0;
};

/// One repository per entity over the same database.
struct Repositories {
  std::unique_ptr<ReferenceRepository> references;
  std::unique_ptr<StructureRepository> structures;
  std::unique_ptr<PropertyRepository> properties;
  std::unique_ptr<PhaseDiagramRepository> phase_diagrams;
  std::unique_ptr<SubstanceRepository> substances;
};

/// A set of elements as two bit fields (bit Z-1 of `low` for Z 1-62, bit Z-63 of `high` for Z
/// 63-118; 62 bits each so neither is negative), stored on each structure so that element
/// searches test bits in one small index instead of intersecting lists of ids.
struct ElementMask {
  std::int64_t low = 0;
  std::int64_t high = 0;
};

/// The mask of element symbols; throws InvalidArgument for a symbol that is no element.
ElementMask element_mask(const std::vector<std::string>& symbols);

/// "10.1038/S41524-022-00951-Z", "https://doi.org/10.1038/...", "doi:10.1038/..." ->
/// "10.1038/s41524-022-00951-z"; empty when the text holds no DOI.
std::string normalise_doi(std::string_view text);

/// The dedup key of a reference without DOI: "family|year|first title words" in lower-case
/// ASCII; empty when there is neither an author nor a title.
std::string citation_key(const ReferenceRecord& r);

/// SHA-256 over the fields that identify a property value (kind, formula or substance, value,
/// unit, conditions, reference); the source row is left out so that a moved row is not new.
/// `reference_key` (a DOI) stands for the reference when given, so the hash does not depend on
/// row ids of one database.
std::string content_hash(const PropertyRecord& p, std::string_view reference_key = {});

}  // namespace pb::store
