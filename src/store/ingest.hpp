#pragma once
/// Transactional, idempotent ingest of property tables (CSV), reference lists (BibTeX, RIS) and
/// phase diagrams (JSON). Re-running an ingest adds nothing; a file with errors writes nothing
/// unless bad rows are skipped on request. Formats are documented in docs/database.md.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "store/database.hpp"
#include "util/error.hpp"

namespace pb::store {

/// One rejected row or entry: where, which column, and why.
struct RowError {
  SourceLocation where;  ///< file and line (the CSV row's line); column when known
  std::string column;    ///< header name of the offending column, when there is one
  std::string message;
  /// "file:line: error: column 'x': message" (or another severity).
  std::string describe(std::string_view severity = "error") const;
};

/// What an ingest did.
struct IngestReport {
  std::size_t rows = 0;      ///< data rows or entries read
  std::size_t records = 0;   ///< entries built from them (a wide CSV row may give several)
  std::size_t inserted = 0;  ///< new entries written
  std::size_t existing = 0;  ///< entries already present (idempotent re-ingest)
  std::size_t skipped = 0;   ///< bad rows left out with skip_bad
  std::size_t references_added = 0;
  std::vector<RowError> errors;    ///< with skip_bad, the rows that were left out
  std::vector<RowError> warnings;  ///< rows read with a caveat
  bool written = false;            ///< false when errors stopped the ingest before any write
};

/// Progress callback: entries done so far and the total.
using Progress = std::function<void(std::size_t done, std::size_t total)>;

/// How a properties CSV is read (docs/database.md, "Properties CSV").
struct PropertyCsvOptions {
  /// Header name -> field ("formula", "value", "temperature", "-" to ignore, "condition", or a
  /// property kind for a column of values); overrides the default recognition of headers.
  std::vector<std::pair<std::string, std::string>> map;
  /// Field -> value used for every row where the file has no such column or the cell is empty
  /// ("unit=S/cm", "temperature_unit=°C", "property=ionic_conductivity").
  std::vector<std::pair<std::string, std::string>> set;
  /// Write the good rows and report the bad ones instead of writing nothing.
  bool skip_bad = false;
  /// Rows per transaction; a killed ingest keeps the batches already committed.
  std::size_t batch_rows = 5000;
  Progress progress;
};

/// Ingests a properties CSV file; throws ParseError for an unusable header or option and
/// returns the row errors in the report (nothing written unless skip_bad).
IngestReport ingest_properties_csv(Database& db, const std::filesystem::path& file,
                                   const PropertyCsvOptions& options);

/// Ingests a .bib or .ris file in one transaction; a parse error writes nothing.
IngestReport ingest_references(Database& db, const std::filesystem::path& file);

/// Ingests a phase-diagram JSON file in one transaction; an invalid diagram writes nothing.
IngestReport ingest_phase_diagrams(Database& db, const std::filesystem::path& file);

/// Reads a whole file; throws NotFound when it cannot be read.
std::string read_file_text(const std::filesystem::path& file);

}  // namespace pb::store
