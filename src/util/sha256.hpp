#pragma once
/// SHA-256 (FIPS 180-4) for content hashes: idempotent ingest keys entries by the hash of their
/// text.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace pb {

/// Incremental SHA-256: feed bytes with update(), then take the digest once.
class Sha256 {
 public:
  Sha256();
  /// Appends bytes to the message.
  Sha256& update(std::string_view bytes);
  /// The 32-byte digest; the object must not be updated afterwards.
  std::array<std::uint8_t, 32> digest();
  /// The digest as 64 lower-case hexadecimal digits.
  std::string hex();

 private:
  void block(const std::uint8_t* p);
  std::array<std::uint32_t, 8> h_;
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t length_ = 0;  // bytes so far
};

/// Hexadecimal SHA-256 of `bytes`.
std::string sha256_hex(std::string_view bytes);

}  // namespace pb
