#pragma once
/// An AtomWork-scale database built from real prototypes by element substitution, for
/// benchmarks: every prototype structure (read from real CIFs) yields variants in which each
/// element is replaced by another of the same group and block, keeping the symmetry; substances,
/// references, properties and phase diagrams are generated around them. Deterministic for a
/// seed. Synthetic references carry DOIs under the 10.5555 test prefix.
#include <cstdint>
#include <filesystem>
#include <vector>

#include "store/database.hpp"
#include "store/ingest.hpp"

namespace pb::store {

/// How much to generate (defaults: the AtomWork figures of ARCHITECTURE.md).
struct SynthOptions {
  std::size_t structures = 365'000;
  std::size_t properties = 459'000;
  std::size_t phase_diagrams = 47'000;
  std::size_t references = 166'000;
  std::uint64_t seed = 1;
  std::size_t batch = 20'000;  ///< rows per transaction
  Progress progress;
};

/// What was generated.
struct SynthReport {
  std::size_t prototypes = 0;
  std::size_t structures = 0;
  std::size_t substances = 0;
  std::size_t properties = 0;
  std::size_t phase_diagrams = 0;
  std::size_t references = 0;
};

/// Fills `db` from the prototype structure files (CIF etc.); throws InvalidArgument when no
/// prototype can be read.
SynthReport synthesise(Database& db, const std::vector<std::filesystem::path>& prototype_files,
                       const SynthOptions& options);

}  // namespace pb::store
