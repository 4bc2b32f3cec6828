#pragma once
/// Ingest of structure files (CIF, POSCAR, extended XYZ, OPTIMADE JSON): parsed in parallel,
/// written in batched transactions, idempotent by content hash (the file bytes and the block
/// name), each structure linked to its reference and its substance with the rule that admitted
/// it. Killing the process at any moment and running it again gives the same database.
#include <filesystem>
#include <string>
#include <vector>

#include "crystal/describe.hpp"
#include "crystal/symmetry.hpp"
#include "store/database.hpp"
#include "store/ingest.hpp"
#include "store/repositories.hpp"
#include "substance/identity.hpp"

namespace pb::store {

/// How structure files are ingested, declared once with defaults.
struct StructureIngestOptions {
  unsigned threads = 0;          ///< parser threads; 0 = one per core
  std::size_t batch_files = 64;  ///< files per transaction
  crystal::SymmetryOptions symmetry;
  substance::IdentityOptions identity;
  std::string dataset = "public";
  Progress progress;
};

/// One structure ready to store: its record, the reference it cites, its substance identity
/// and the derived values they came from.
struct PreparedStructure {
  StructureRecord record;
  std::optional<ReferenceRecord> reference;
  substance::Identity identity;
  crystal::Description description;
  substance::Framework framework;  ///< for the framework rule
};

/// Everything one file yields, and a located message per file or block that failed.
struct PreparedFile {
  std::vector<PreparedStructure> structures;
  std::vector<std::string> errors;
};

/// A structure file given by its bytes (an upload); `name` stands for its path: it picks the
/// format (guess_format) and is the source recorded and named in messages.
struct StructureText {
  std::string name;
  std::string text;
};

/// Reads and describes every structure of one file (no database access: thread-safe).
PreparedFile prepare_file(const std::filesystem::path& path, const StructureIngestOptions& options);
/// The same for a file held in memory.
PreparedFile prepare_text(const StructureText& file, const StructureIngestOptions& options);

/// Stores prepared files in one transaction (structures new by content hash, their references,
/// substances and memberships); the files' errors go to the report.
IngestReport store_prepared(Database& db, std::vector<PreparedFile>& files,
                            const StructureIngestOptions& options);

/// Every structure file under the paths (directories are searched recursively for names
/// guess_format() knows), in sorted order.
std::vector<std::filesystem::path> structure_files(const std::vector<std::filesystem::path>& paths);

/// Ingests the files; unreadable files and blocks go to report.errors with their location.
IngestReport ingest_structures(Database& db, const std::vector<std::filesystem::path>& files,
                               const StructureIngestOptions& options = {});

}  // namespace pb::store

namespace pb::store {

/// What linking properties to substances did.
struct LinkReport {
  std::size_t linked = 0;     ///< properties that gained a substance
  std::size_t ambiguous = 0;  ///< host formula names several substances and no space group decides
  std::size_t unmatched = 0;  ///< no substance with that host formula (yet)
};

/// Links properties without a substance to one, by the host formula of their formula (same
/// rules as structures) and, where the row states it (condition "space_group"), the space
/// group: linked only when exactly one substance fits. Run after every ingest; idempotent.
LinkReport link_properties(Database& db, const substance::IdentityOptions& options = {});

}  // namespace pb::store
