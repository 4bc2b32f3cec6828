// The schema as an ordered list of migrations. Never edit a migration that has shipped: add a new
// one. docs/database.md describes the tables.
#include "chem/element.hpp"
#include "store/database.hpp"

namespace pb::store {

namespace {

// Migration 1: the entities of ARCHITECTURE.md §3. Every entry table has a `dataset` column
// ('public' until restricted datasets arrive) and a `created_at` UTC timestamp.
constexpr std::string_view kSchema1 = R"sql(
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE reference (
  id INTEGER PRIMARY KEY,
  doi TEXT UNIQUE COLLATE NOCASE,        -- normalised: lower case, no https://doi.org/ prefix
  citation_key TEXT,                     -- surname|year|title words, for dedup without a DOI
  kind TEXT,                             -- article, book, ... (BibTeX entry type, RIS TY)
  authors TEXT NOT NULL DEFAULT '[]',    -- JSON array of "Family, Given"
  title TEXT,
  journal TEXT,
  year INTEGER,
  volume TEXT,
  issue TEXT,
  pages TEXT,
  source TEXT,                           -- file:line it was read from
  dataset TEXT NOT NULL DEFAULT 'public',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX reference_citation_key ON reference(citation_key);
CREATE INDEX reference_year ON reference(year);
CREATE INDEX reference_journal ON reference(journal COLLATE NOCASE);

CREATE TABLE reference_author (
  reference_id INTEGER NOT NULL REFERENCES reference(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  family TEXT NOT NULL,
  given TEXT,
  PRIMARY KEY (reference_id, position)
) WITHOUT ROWID;
CREATE INDEX reference_author_family ON reference_author(family COLLATE NOCASE);

CREATE TABLE substance (
  id TEXT PRIMARY KEY,                   -- stable id derived from the identity key
  host_formula TEXT NOT NULL,
  space_group_number INTEGER,
  pearson_symbol TEXT,
  wyckoff_sequence TEXT,
  structure_type TEXT,
  dataset TEXT NOT NULL DEFAULT 'public',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX substance_host_formula ON substance(host_formula);
CREATE INDEX substance_type ON substance(space_group_number, pearson_symbol);
CREATE INDEX substance_structure_type ON substance(structure_type);

CREATE TABLE structure (
  id INTEGER PRIMARY KEY,
  substance_id TEXT REFERENCES substance(id) ON DELETE SET NULL,
  reference_id INTEGER REFERENCES reference(id) ON DELETE SET NULL,
  source_file TEXT NOT NULL,
  source_block TEXT,
  content_hash TEXT NOT NULL UNIQUE,     -- SHA-256 of the block text
  a REAL, b REAL, c REAL, alpha REAL, beta REAL, gamma REAL,
  ax REAL, ay REAL, az REAL, bx REAL, by REAL, bz REAL, cx REAL, cy REAL, cz REAL,
  sites TEXT NOT NULL DEFAULT '[]',      -- JSON: [{frac:[x,y,z], species:[{element, oxidation, occupancy, label}]}]
  nsites INTEGER NOT NULL DEFAULT 0,
  chemical_formula_reduced TEXT,
  chemical_formula_anonymous TEXT,
  chemical_formula_descriptive TEXT,
  chemical_formula_published TEXT,       -- _chemical_formula_sum as written
  elements TEXT NOT NULL DEFAULT ',',    -- ",Li,Nb,O,": sorted, for LIKE '%,Nb,%'
  nelements INTEGER NOT NULL DEFAULT 0,
  space_group_number INTEGER,
  hall_symbol TEXT,
  space_group_symbol TEXT,               -- Hermann-Mauguin (international) symbol
  pearson_symbol TEXT,
  wyckoff_sequence TEXT,
  crystal_system TEXT,
  volume REAL,                           -- Å^3
  density REAL,                          -- g/cm^3
  temperature_K REAL,
  pressure_kPa REAL,
  warnings TEXT NOT NULL DEFAULT '[]',   -- JSON array of strings
  dataset TEXT NOT NULL DEFAULT 'public',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX structure_substance ON structure(substance_id);
CREATE INDEX structure_reference ON structure(reference_id);
CREATE INDEX structure_formula_reduced ON structure(chemical_formula_reduced);
CREATE INDEX structure_formula_anonymous ON structure(chemical_formula_anonymous);
CREATE INDEX structure_nelements ON structure(nelements);
CREATE INDEX structure_space_group ON structure(space_group_number);
CREATE INDEX structure_crystal_system ON structure(crystal_system);
CREATE INDEX structure_pearson ON structure(pearson_symbol);
CREATE INDEX structure_a ON structure(a);
CREATE INDEX structure_source ON structure(source_file);

CREATE TABLE structure_element (
  element TEXT NOT NULL,
  structure_id INTEGER NOT NULL REFERENCES structure(id) ON DELETE CASCADE,
  PRIMARY KEY (element, structure_id)
) WITHOUT ROWID;
CREATE INDEX structure_element_structure ON structure_element(structure_id);

CREATE TABLE property_kind (
  name TEXT PRIMARY KEY,
  unit TEXT NOT NULL,                    -- the canonical unit of value_si
  description TEXT NOT NULL,
  source TEXT NOT NULL
);

CREATE TABLE property (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL REFERENCES property_kind(name),
  substance_id TEXT REFERENCES substance(id) ON DELETE SET NULL,
  formula TEXT,                          -- as given
  formula_reduced TEXT,
  value_si REAL,                         -- in property_kind.unit
  uncertainty_si REAL,
  min_si REAL,
  max_si REAL,
  value_as_given TEXT NOT NULL,
  unit_as_given TEXT,
  reference_id INTEGER REFERENCES reference(id) ON DELETE SET NULL,
  temperature_K REAL,
  pressure_kPa REAL,
  method TEXT,
  conditions TEXT NOT NULL DEFAULT '{}', -- JSON object of free key/value conditions
  source_file TEXT,
  source_row INTEGER,
  content_hash TEXT NOT NULL UNIQUE,
  dataset TEXT NOT NULL DEFAULT 'public',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  CHECK (value_si IS NOT NULL OR min_si IS NOT NULL OR max_si IS NOT NULL)
);
CREATE INDEX property_kind_value ON property(kind, value_si);
CREATE INDEX property_kind_temperature ON property(kind, temperature_K);
CREATE INDEX property_substance ON property(substance_id);
CREATE INDEX property_formula_reduced ON property(formula_reduced);
CREATE INDEX property_reference ON property(reference_id);

CREATE TABLE phase_diagram (
  id INTEGER PRIMARY KEY,
  system TEXT NOT NULL,                  -- elements or components joined by '-', e.g. "Fe-Ni"
  kind TEXT NOT NULL CHECK (kind IN ('binary', 'ternary_isothermal', 'isopleth', 'computed_hull')),
  title TEXT,
  axes TEXT NOT NULL DEFAULT '[]',       -- JSON array of {name, unit, min, max}
  temperature_min_K REAL,
  temperature_max_K REAL,
  pressure_kPa REAL,
  reference_id INTEGER REFERENCES reference(id) ON DELETE SET NULL,
  source_file TEXT,
  content_hash TEXT NOT NULL UNIQUE,
  dataset TEXT NOT NULL DEFAULT 'public',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX phase_diagram_system ON phase_diagram(system);
CREATE INDEX phase_diagram_reference ON phase_diagram(reference_id);

CREATE TABLE phase_diagram_phase (
  id INTEGER PRIMARY KEY,
  diagram_id INTEGER NOT NULL REFERENCES phase_diagram(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  formula TEXT,
  substance_id TEXT REFERENCES substance(id) ON DELETE SET NULL
);
CREATE INDEX phase_diagram_phase_diagram ON phase_diagram_phase(diagram_id);
CREATE INDEX phase_diagram_phase_substance ON phase_diagram_phase(substance_id);

CREATE TABLE phase_diagram_boundary (
  id INTEGER PRIMARY KEY,
  diagram_id INTEGER NOT NULL REFERENCES phase_diagram(id) ON DELETE CASCADE,
  label TEXT,
  points TEXT NOT NULL                   -- JSON array of [x, y] in the diagram's axes
);
CREATE INDEX phase_diagram_boundary_diagram ON phase_diagram_boundary(diagram_id);

CREATE TABLE substance_member (
  substance_id TEXT NOT NULL REFERENCES substance(id) ON DELETE CASCADE,
  entity_kind TEXT NOT NULL CHECK (entity_kind IN ('structure', 'property', 'phase')),
  entity_id INTEGER NOT NULL,
  rule TEXT NOT NULL,                    -- which identity rule admitted the entry
  numbers TEXT NOT NULL DEFAULT '{}',    -- JSON: the numbers that rule compared
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  PRIMARY KEY (entity_kind, entity_id)
);
CREATE INDEX substance_member_substance ON substance_member(substance_id);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  time TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  user TEXT NOT NULL,
  action TEXT NOT NULL,
  details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_time ON audit_log(time);

-- Free text: one FTS5 table per entity, rowid = the entry's id, kept in step by triggers.
CREATE VIRTUAL TABLE reference_fts USING fts5(title, authors, journal, tokenize = 'unicode61 remove_diacritics 2');
CREATE TRIGGER reference_fts_insert AFTER INSERT ON reference BEGIN
  INSERT INTO reference_fts(rowid, title, authors, journal)
  VALUES (new.id, new.title, new.authors, new.journal);
END;
CREATE TRIGGER reference_fts_update AFTER UPDATE OF title, authors, journal ON reference BEGIN
  DELETE FROM reference_fts WHERE rowid = old.id;
  INSERT INTO reference_fts(rowid, title, authors, journal)
  VALUES (new.id, new.title, new.authors, new.journal);
END;
CREATE TRIGGER reference_fts_delete AFTER DELETE ON reference BEGIN
  DELETE FROM reference_fts WHERE rowid = old.id;
END;

CREATE VIRTUAL TABLE structure_fts USING fts5(formula, source, tokenize = 'unicode61 remove_diacritics 2');
CREATE TRIGGER structure_fts_insert AFTER INSERT ON structure BEGIN
  INSERT INTO structure_fts(rowid, formula, source)
  VALUES (new.id,
          coalesce(new.chemical_formula_reduced, '') || ' ' ||
            coalesce(new.chemical_formula_descriptive, '') || ' ' ||
            coalesce(new.chemical_formula_published, ''),
          new.source_file || ' ' || coalesce(new.source_block, ''));
END;
CREATE TRIGGER structure_fts_delete AFTER DELETE ON structure BEGIN
  DELETE FROM structure_fts WHERE rowid = old.id;
END;
)sql";

// Merged substances keep answering by id: links from other databases must not break.
constexpr const char* kSchema2 = R"sql(
CREATE TABLE substance_redirect (
  id TEXT PRIMARY KEY,                   -- a substance id that no longer exists
  target TEXT NOT NULL REFERENCES substance(id) ON DELETE CASCADE,
  audit_id INTEGER REFERENCES audit_log(id),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) WITHOUT ROWID;
CREATE INDEX substance_redirect_target ON substance_redirect(target);
)sql";

// Accounts and restricted data (issue 5): users with roles, hashed session and API tokens, and
// the visibility of each dataset named in the entry tables' `dataset` column. A dataset missing
// from this table is treated as members-only by the server, so a typo never publishes data.
constexpr const char* kSchema3 = R"sql(
CREATE TABLE dataset (
  name TEXT PRIMARY KEY,
  visibility TEXT NOT NULL CHECK (visibility IN ('public', 'members')),
  description TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) WITHOUT ROWID;
INSERT INTO dataset(name, visibility, description) VALUES ('public', 'public', 'open data');

CREATE TABLE app_user (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  role TEXT NOT NULL CHECK (role IN ('guest', 'member', 'editor', 'admin')),
  password_hash TEXT NOT NULL,           -- argon2id encoded string ($argon2id$v=19$...)
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE TABLE auth_token (
  token_hash TEXT PRIMARY KEY,           -- SHA-256 hex of the token; the token itself is never stored
  user_id INTEGER NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('session', 'api')),
  label TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  expires_at TEXT                        -- NULL: until revoked
) WITHOUT ROWID;
CREATE INDEX auth_token_user ON auth_token(user_id);
)sql";

// Literature mining (issue 8, docs/mining.md): documents split into blocks, material mentions,
// mined property records with their span, extractor version, confidence and curation state,
// and the audit of every editorial change to a record.
constexpr const char* kSchema4 = R"sql(
CREATE TABLE mining_document (
  id INTEGER PRIMARY KEY,
  content_hash TEXT NOT NULL UNIQUE,     -- SHA-256 of the file bytes
  source TEXT NOT NULL,
  format TEXT NOT NULL CHECK (format IN ('text', 'html', 'jats', 'elsevier', 'pdf')),
  title TEXT,
  authors TEXT NOT NULL DEFAULT '[]',    -- JSON array
  journal TEXT,
  year INTEGER,
  doi TEXT,
  warnings TEXT NOT NULL DEFAULT '[]',   -- JSON array
  class_label TEXT,                      -- solid_electrolyte | cathode | anode | other
  class_score REAL,
  class_source TEXT,                     -- model | weak
  extractor_version TEXT,                -- of the last extraction run
  dataset TEXT NOT NULL DEFAULT 'public',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX mining_document_doi ON mining_document(doi);
CREATE TABLE mining_block (
  id INTEGER PRIMARY KEY,
  document_id INTEGER NOT NULL REFERENCES mining_document(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('title', 'abstract', 'heading', 'paragraph', 'caption',
                                     'table')),
  section TEXT NOT NULL DEFAULT '',
  text TEXT NOT NULL,
  UNIQUE (document_id, position)
);
CREATE TABLE mining_mention (
  id INTEGER PRIMARY KEY,
  block_id INTEGER NOT NULL REFERENCES mining_block(id) ON DELETE CASCADE,
  begin INTEGER NOT NULL,                -- byte offsets into the block text
  end INTEGER NOT NULL,
  text TEXT NOT NULL,
  formula TEXT NOT NULL,
  reduced TEXT NOT NULL,
  kind TEXT NOT NULL,                    -- formula | alias | abbreviation | name
  elements INTEGER NOT NULL,
  extractor_version TEXT NOT NULL,
  UNIQUE (block_id, begin, end, extractor_version)
);
CREATE INDEX mining_mention_reduced ON mining_mention(reduced);
CREATE TABLE mining_record (
  id INTEGER PRIMARY KEY,
  document_id INTEGER NOT NULL REFERENCES mining_document(id) ON DELETE CASCADE,
  block_id INTEGER NOT NULL REFERENCES mining_block(id) ON DELETE CASCADE,
  sentence_begin INTEGER NOT NULL,       -- byte offsets into the block text
  sentence_end INTEGER NOT NULL,
  span_begin INTEGER NOT NULL,
  span_end INTEGER NOT NULL,
  material_begin INTEGER,
  material_end INTEGER,
  property TEXT NOT NULL,
  material TEXT NOT NULL DEFAULT '',
  material_formula TEXT NOT NULL DEFAULT '',
  material_reduced TEXT NOT NULL DEFAULT '',
  material_source TEXT NOT NULL DEFAULT '', -- sentence | previous_sentence | document
  value_as_given TEXT NOT NULL,
  unit_as_given TEXT NOT NULL,
  unit_si TEXT NOT NULL,
  value_si REAL,
  uncertainty_si REAL,
  min_si REAL,
  max_si REAL,
  qualifier TEXT NOT NULL DEFAULT '',
  temperature_K REAL,
  conditions TEXT NOT NULL DEFAULT '{}', -- JSON object
  extractor_version TEXT NOT NULL,
  confidence REAL NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'accepted', 'rejected',
                                                         'edited')),
  restricted INTEGER NOT NULL DEFAULT 0, -- published to a members-only dataset
  substance_id TEXT,
  property_id INTEGER REFERENCES property(id) ON DELETE SET NULL,
  content_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  updated_at TEXT
);
CREATE INDEX mining_record_document ON mining_record(document_id);
CREATE INDEX mining_record_state ON mining_record(state, property);
CREATE INDEX mining_record_material ON mining_record(material_reduced);
CREATE TABLE mining_record_audit (
  id INTEGER PRIMARY KEY,
  record_id INTEGER NOT NULL REFERENCES mining_record(id) ON DELETE CASCADE,
  time TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  user TEXT NOT NULL,
  action TEXT NOT NULL,
  before TEXT,                           -- JSON of the record before the change
  after TEXT,
  note TEXT
);
CREATE INDEX mining_record_audit_record ON mining_record_audit(record_id);
)sql";

// Sites (most of a structure's bytes) move to their own table so that the structure table,
// which every search scans or probes, stays small enough to live in the page cache: on a
// 365k-structure database the structure table shrank from 9 GB to 220 MB. `disordered` keeps
// what the OPTIMADE structure_features filter needs without the sites, and the element masks
// (store::element_mask) let element searches test bits in one index.
constexpr const char* kSchema5 = R"sql(
CREATE TABLE structure_sites (
  structure_id INTEGER PRIMARY KEY REFERENCES structure(id) ON DELETE CASCADE,
  sites TEXT NOT NULL                    -- JSON: [{frac:[x,y,z], species:[{element, occupancy, oxidation?, label}]}]
);
INSERT INTO structure_sites(structure_id, sites) SELECT id, sites FROM structure;
ALTER TABLE structure ADD COLUMN disordered INTEGER NOT NULL DEFAULT 0;
UPDATE structure SET disordered = EXISTS (
  SELECT 1 FROM json_each(structure.sites) AS site WHERE (
    SELECT count(DISTINCT json_extract(sp.value, '$.element')) > 1
        OR sum(json_extract(sp.value, '$.occupancy')) < 1 - 1e-6
    FROM json_each(site.value, '$.species') AS sp));
ALTER TABLE structure DROP COLUMN sites;
ALTER TABLE structure ADD COLUMN elements_mask_low INTEGER NOT NULL DEFAULT 0;
ALTER TABLE structure ADD COLUMN elements_mask_high INTEGER NOT NULL DEFAULT 0;
CREATE TEMP TABLE element_z(symbol TEXT PRIMARY KEY, z INTEGER NOT NULL);
INSERT INTO element_z(symbol, z) VALUES @ELEMENTS@;
CREATE TEMP TABLE structure_mask(id INTEGER PRIMARY KEY, low INTEGER, high INTEGER);
INSERT INTO structure_mask
  SELECT se.structure_id,
         sum(CASE WHEN z.z <= 62 THEN 1 << (z.z - 1) ELSE 0 END),
         sum(CASE WHEN z.z > 62 THEN 1 << (z.z - 63) ELSE 0 END)
  FROM structure_element se JOIN element_z z ON z.symbol = se.element GROUP BY se.structure_id;
UPDATE structure SET
  elements_mask_low = coalesce((SELECT low FROM structure_mask m WHERE m.id = structure.id), 0),
  elements_mask_high = coalesce((SELECT high FROM structure_mask m WHERE m.id = structure.id), 0);
DROP TABLE structure_mask;
DROP TABLE element_z;
CREATE INDEX structure_elements_mask ON structure(elements_mask_low, elements_mask_high);
-- Structure-type search is case-insensitive; this index serves it.
CREATE INDEX substance_structure_type_nocase ON substance(structure_type COLLATE NOCASE);
)sql";

// Browsing a crystal system by cell volume (a common first search) reads this index in order
// instead of sorting every structure of the system.
constexpr const char* kSchema7 = R"sql(
CREATE INDEX structure_system_volume ON structure(crystal_system, volume);
)sql";

// Search speed at AtomWork scale (issue 4, docs/database.md "Performance"):
// - lattice-parameter ranges read one covering index (a first, then c first) instead of looking
//   up every structure in the a range;
// - journal within years reads (year, journal) without touching the reference rows;
// - author substrings go through a trigram index of the authors (the LIKE is re-checked on the
//   rows it finds, so the results are those of the plain LIKE);
// - the number of structures per element set (bit masks, number of elements) and dataset, kept
//   by triggers, so that counting a periodic-table search reads about 100k sets instead of
//   every structure. Its `dataset` column lets the guest views filter it like the entry tables.
// - a guest's connection reads the entry tables through views that test `dataset` (server
//   db_pool.cpp): the search indexes end with the dataset so that its counts stay index-only,
//   and those often combined with elements (number of elements, space group, anonymous
//   formula, substance for property conditions) carry the element masks.
constexpr const char* kSchema8 = R"sql(
CREATE INDEX structure_cell ON structure(a, b, c, alpha, beta, gamma, dataset);
CREATE INDEX structure_cell_c ON structure(c, a, b, dataset);
DROP INDEX structure_a;
CREATE INDEX reference_year_journal ON reference(year, journal, dataset);
DROP INDEX reference_year;
DROP INDEX structure_nelements;
CREATE INDEX structure_nelements ON structure(nelements, elements_mask_low, elements_mask_high, dataset);
DROP INDEX structure_space_group;
CREATE INDEX structure_space_group
  ON structure(space_group_number, nelements, elements_mask_low, elements_mask_high, dataset);
DROP INDEX structure_crystal_system;
DROP INDEX structure_system_volume;
CREATE INDEX structure_system_volume ON structure(crystal_system, volume, dataset);
DROP INDEX structure_pearson;
CREATE INDEX structure_pearson ON structure(pearson_symbol, dataset);
DROP INDEX structure_formula_reduced;
CREATE INDEX structure_formula_reduced ON structure(chemical_formula_reduced, dataset);
DROP INDEX structure_formula_anonymous;
CREATE INDEX structure_formula_anonymous
  ON structure(chemical_formula_anonymous, elements_mask_low, elements_mask_high, dataset);
DROP INDEX structure_substance;
CREATE INDEX structure_substance
  ON structure(substance_id, elements_mask_low, elements_mask_high, dataset);
DROP INDEX structure_reference;
CREATE INDEX structure_reference ON structure(reference_id, dataset);
DROP INDEX structure_elements_mask;
CREATE INDEX structure_elements_mask ON structure(elements_mask_low, elements_mask_high, dataset);
-- "Structures whose substance has a property in these ranges" reads this index alone.
DROP INDEX property_kind_value;
CREATE INDEX property_kind_value ON property(kind, value_si, temperature_K, substance_id, dataset);
-- The linked values of each kind (OPTIMADE _phasebook_property_<kind>) read this index alone.
DROP INDEX property_substance;
CREATE INDEX property_substance ON property(substance_id, kind, value_si, dataset);

CREATE VIRTUAL TABLE reference_author_trigram USING fts5(
  authors, content = 'reference', content_rowid = 'id', tokenize = 'trigram');
INSERT INTO reference_author_trigram(reference_author_trigram) VALUES ('rebuild');
CREATE TRIGGER reference_author_trigram_insert AFTER INSERT ON reference BEGIN
  INSERT INTO reference_author_trigram(rowid, authors) VALUES (new.id, new.authors);
END;
CREATE TRIGGER reference_author_trigram_delete AFTER DELETE ON reference BEGIN
  INSERT INTO reference_author_trigram(reference_author_trigram, rowid, authors)
  VALUES ('delete', old.id, old.authors);
END;
CREATE TRIGGER reference_author_trigram_update AFTER UPDATE OF authors ON reference BEGIN
  INSERT INTO reference_author_trigram(reference_author_trigram, rowid, authors)
  VALUES ('delete', old.id, old.authors);
  INSERT INTO reference_author_trigram(rowid, authors) VALUES (new.id, new.authors);
END;

CREATE TABLE structure_element_set (
  elements_mask_low INTEGER NOT NULL,
  elements_mask_high INTEGER NOT NULL,
  nelements INTEGER NOT NULL,
  dataset TEXT NOT NULL,
  structures INTEGER NOT NULL,           -- how many structures of the dataset have it (0 kept)
  PRIMARY KEY (elements_mask_low, elements_mask_high, nelements, dataset)
) WITHOUT ROWID;
INSERT INTO structure_element_set
  SELECT elements_mask_low, elements_mask_high, nelements, dataset, count(*) FROM structure
  GROUP BY elements_mask_low, elements_mask_high, nelements, dataset;
CREATE TRIGGER structure_element_set_insert AFTER INSERT ON structure BEGIN
  INSERT INTO structure_element_set
  VALUES (new.elements_mask_low, new.elements_mask_high, new.nelements, new.dataset, 1)
  ON CONFLICT DO UPDATE SET structures = structures + 1;
END;
CREATE TRIGGER structure_element_set_delete AFTER DELETE ON structure BEGIN
  UPDATE structure_element_set SET structures = structures - 1
  WHERE elements_mask_low = old.elements_mask_low AND elements_mask_high = old.elements_mask_high
    AND nelements = old.nelements AND dataset = old.dataset;
END;
CREATE TRIGGER structure_element_set_update
AFTER UPDATE OF elements_mask_low, elements_mask_high, nelements, dataset ON structure BEGIN
  UPDATE structure_element_set SET structures = structures - 1
  WHERE elements_mask_low = old.elements_mask_low AND elements_mask_high = old.elements_mask_high
    AND nelements = old.nelements AND dataset = old.dataset;
  INSERT INTO structure_element_set
  VALUES (new.elements_mask_low, new.elements_mask_high, new.nelements, new.dataset, 1)
  ON CONFLICT DO UPDATE SET structures = structures + 1;
END;
)sql";

// Schema 5 with the element symbols and numbers in place of @ELEMENTS@.
const std::string& schema5() {
  static const std::string kSql = [] {
    std::string values;
    for (int z = 1; z <= 118; ++z) {
      const chem::Element* e = chem::find_element(z);
      if (e == nullptr) continue;
      values += (values.empty() ? "" : ", ") + std::string("('") + std::string(e->symbol) + "', " +
                std::to_string(z) + ")";
    }
    std::string sql = kSchema5;
    sql.replace(sql.find("@ELEMENTS@"), 10, values);
    return sql;
  }();
  return kSql;
}

// DFT calculations (issue 7, docs/calc.md): one row per job with its workflow state, the
// parameters of its current attempt and the runner's id; results with the numbers searches need
// as columns and everything else as JSON. A job is unique per structure, code, task and settings
// hash, so a batch run twice adds nothing.
constexpr const char* kSchema6 = R"sql(
CREATE TABLE calc_job (
  id INTEGER PRIMARY KEY,
  batch TEXT NOT NULL,                   -- label of the `calc run` that queued it
  structure_id INTEGER REFERENCES structure(id) ON DELETE SET NULL,
  substance_id TEXT REFERENCES substance(id) ON DELETE SET NULL,
  code TEXT NOT NULL,
  task TEXT NOT NULL,
  settings_hash TEXT NOT NULL,           -- SHA-256 of code, task and the parameters as requested
  parameters TEXT NOT NULL,              -- JSON: the current attempt's (error handlers change it)
  state TEXT NOT NULL CHECK (state IN ('queued', 'submitting', 'submitted', 'running', 'done',
                                       'failed', 'cancelled')),
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL DEFAULT 3,
  runner TEXT NOT NULL,
  runner_job_id TEXT,
  workdir TEXT,                          -- the current attempt's directory
  reason TEXT,                           -- why it failed, or what the last handler did
  history TEXT NOT NULL DEFAULT '[]',    -- JSON: one entry per finished attempt
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  UNIQUE (structure_id, code, task, settings_hash)
);
CREATE INDEX calc_job_state ON calc_job(state);
CREATE INDEX calc_job_batch ON calc_job(batch);
CREATE INDEX calc_job_substance ON calc_job(substance_id);

CREATE TABLE calc_result (
  job_id INTEGER PRIMARY KEY REFERENCES calc_job(id) ON DELETE CASCADE,
  energy_ev REAL,
  energy_per_atom_ev REAL,
  fermi_ev REAL,
  band_gap_ev REAL,
  gap_direct INTEGER,
  metal INTEGER,
  magnetization REAL,                    -- Bohr magnetons per cell
  converged INTEGER NOT NULL,
  result TEXT NOT NULL,                  -- JSON: every parsed field (forces, stress, bands)
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX calc_result_gap ON calc_result(band_gap_ev);
)sql";

}  // namespace

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> kMigrations = {
      {1,
       "entities of ARCHITECTURE.md §3: reference, structure, property, phase diagram, "
       "substance, audit log, full-text indexes",
       kSchema1},
      {2, "substance redirects: ids of merged substances resolve to the substance they joined",
       kSchema2},
      {3, "accounts and restricted data: dataset visibility, users with roles, hashed tokens",
       kSchema3},
      {4, "literature mining: documents, blocks, mentions, mined records, curation audit",
       kSchema4},
      {5,
       "structure sites in their own table (small rows for searches), disorder flag, element "
       "masks",
       schema5()},
      {6, "DFT calculations: jobs with workflow state and attempts, parsed results", kSchema6},
      {7, "search index: crystal system by volume", kSchema7},
      {8,
       "search speed: covering lattice and journal-year indexes, dataset in the search indexes, "
       "author trigram index, structure counts per element set",
       kSchema8},
  };
  return kMigrations;
}

}  // namespace pb::store
