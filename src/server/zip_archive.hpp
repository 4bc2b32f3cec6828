#pragma once
/// Zip archives in memory (libzip): reading an uploaded archive with limits, and writing one
/// (the CIF zip of a search result set).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pb::server {

/// One member of an archive.
struct ZipEntry {
  std::string name;  ///< path inside the archive, '/'-separated
  std::string data;
};

/// Limits on what an archive may expand to (a small zip can inflate to gigabytes).
struct ZipLimits {
  std::size_t max_entries = 10000;
  std::size_t max_total_bytes = std::size_t{256} << 20;
};

/// True when the bytes start like a zip archive ("PK\3\4", or an empty archive's "PK\5\6").
bool looks_like_zip(std::string_view bytes);

/// The file entries of an archive (directories left out), in archive order. Throws
/// InvalidArgument naming `what` when the archive cannot be read, an entry is encrypted or
/// corrupt, or the limits are exceeded.
std::vector<ZipEntry> read_zip(std::string_view bytes, const std::string& what,
                               const ZipLimits& limits = {});

/// A zip archive (entries deflated) holding the entries.
std::string write_zip(const std::vector<ZipEntry>& entries);

}  // namespace pb::server
