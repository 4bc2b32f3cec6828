#pragma once
/// Minimal UTF-8 decoding for hand-written lexers: one code point at a time, invalid bytes
/// reported rather than replaced.
#include <cstddef>
#include <string>
#include <string_view>

namespace pb::utf8 {

/// Sentinel returned by `decode` for a byte sequence that is not valid UTF-8.
inline constexpr char32_t kInvalid = 0xFFFFFFFF;

/// Decodes the code point starting at `s[pos]`; sets `length` to the bytes consumed (1 for an
/// invalid sequence) and returns kInvalid when the bytes are not well-formed UTF-8.
char32_t decode(std::string_view s, std::size_t pos, std::size_t& length);

/// Appends the UTF-8 encoding of `cp` to `out`.
void append(std::string& out, char32_t cp);

/// Number of code points in `s` (invalid bytes count as one each).
std::size_t count_code_points(std::string_view s);

/// `s` as valid UTF-8: bytes that are not UTF-8 are read as Latin-1 (what CIF 1.1 files that
/// are not UTF-8 hold, e.g. 0xB4 for an acute accent in author names).
std::string from_latin1_fallback(std::string_view s);

/// `s` with the ASCII letters A-Z lower-cased; every other byte (UTF-8 included) is kept.
std::string ascii_lower(std::string_view s);

}  // namespace pb::utf8
