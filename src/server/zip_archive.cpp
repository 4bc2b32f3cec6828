#include "server/zip_archive.hpp"

#include <zip.h>

#include <memory>

#include "util/error.hpp"

namespace pb::server {

namespace {

std::string zip_message(zip_error_t* e) {
  std::string text = zip_error_strerror(e);
  zip_error_fini(e);
  return text;
}

struct ArchiveCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
struct FileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};

}  // namespace

bool looks_like_zip(std::string_view bytes) {
  return bytes.size() >= 4 && bytes[0] == 'P' && bytes[1] == 'K' &&
         ((bytes[2] == 3 && bytes[3] == 4) || (bytes[2] == 5 && bytes[3] == 6));
}

std::vector<ZipEntry> read_zip(std::string_view bytes, const std::string& what,
                               const ZipLimits& limits) {
  zip_error_t error;
  zip_error_init(&error);
  // The source does not own the bytes (freep = 0); the archive is opened read-only.
  zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (src == nullptr) throw InvalidArgument(what + ": " + zip_message(&error));
  std::unique_ptr<zip_t, ArchiveCloser> archive(
      zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &error));
  if (!archive) {
    zip_source_free(src);
    throw InvalidArgument(what + ": not a readable zip archive (" + zip_message(&error) + ")");
  }
  zip_error_fini(&error);
  const zip_int64_t n = zip_get_num_entries(archive.get(), 0);
  if (n < 0 || static_cast<std::size_t>(n) > limits.max_entries) {
    throw InvalidArgument(what + ": more than " + std::to_string(limits.max_entries) +
                          " entries in the archive");
  }
  std::vector<ZipEntry> out;
  std::size_t total = 0;
  for (zip_int64_t i = 0; i < n; ++i) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(archive.get(), static_cast<zip_uint64_t>(i), 0, &st) != 0) {
      throw InvalidArgument(what + ": entry " + std::to_string(i) + ": " +
                            zip_strerror(archive.get()));
    }
    std::string name = st.name ? st.name : "";
    if (name.empty() || name.back() == '/') continue;  // a directory
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE) {
      throw InvalidArgument(what + ": " + name + " is encrypted");
    }
    // The size the central directory declares; reading stops there, and libzip checks the CRC.
    total += st.size;
    if (total > limits.max_total_bytes) {
      throw InvalidArgument(what + ": the archive expands to more than " +
                            std::to_string(limits.max_total_bytes >> 20) + " MiB");
    }
    std::unique_ptr<zip_file_t, FileCloser> f(
        zip_fopen_index(archive.get(), static_cast<zip_uint64_t>(i), 0));
    if (!f) throw InvalidArgument(what + ": " + name + ": " + zip_strerror(archive.get()));
    ZipEntry e{name, std::string(st.size, '\0')};
    std::size_t got = 0;
    while (got < e.data.size()) {
      zip_int64_t r = zip_fread(f.get(), e.data.data() + got, e.data.size() - got);
      if (r < 0) {
        throw InvalidArgument(what + ": " + name + ": " + zip_file_strerror(f.get()));
      }
      if (r == 0) break;
      got += static_cast<std::size_t>(r);
    }
    if (got != e.data.size()) throw InvalidArgument(what + ": " + name + " is truncated");
    out.push_back(std::move(e));
  }
  return out;
}

std::string write_zip(const std::vector<ZipEntry>& entries) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  if (buffer == nullptr) throw std::runtime_error("zip: " + zip_message(&error));
  // Keep the source alive after zip_close() so the finished archive can be read back.
  zip_source_keep(buffer);
  zip_t* z = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
  if (z == nullptr) {
    zip_source_free(buffer);
    throw std::runtime_error("zip: " + zip_message(&error));
  }
  for (const ZipEntry& e : entries) {
    // libzip copies nothing until zip_close(); the entries outlive it.
    zip_source_t* s = zip_source_buffer(z, e.data.data(), e.data.size(), 0);
    if (s == nullptr || zip_file_add(z, e.name.c_str(), s, ZIP_FL_ENC_UTF_8) < 0) {
      if (s) zip_source_free(s);
      std::string msg = zip_strerror(z);
      zip_discard(z);
      zip_source_free(buffer);
      throw std::runtime_error("zip: " + e.name + ": " + msg);
    }
  }
  if (zip_close(z) != 0) {
    std::string msg = zip_strerror(z);
    zip_discard(z);
    zip_source_free(buffer);
    throw std::runtime_error("zip: " + msg);
  }
  std::string out;
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_source_stat(buffer, &st) == 0 && zip_source_open(buffer) == 0) {
    out.resize(st.size);
    zip_int64_t r = zip_source_read(buffer, out.data(), st.size);
    zip_source_close(buffer);
    if (r < 0 || static_cast<zip_uint64_t>(r) != st.size) out.clear();
  }
  zip_source_free(buffer);
  if (out.empty()) throw std::runtime_error("zip: the archive could not be read back");
  return out;
}

}  // namespace pb::server
