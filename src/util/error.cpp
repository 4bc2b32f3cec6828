#include "util/error.hpp"

namespace pb {

std::string format_diagnostic(const SourceLocation& where, std::string_view severity,
                              std::string_view message) {
  // file:line:col: error: message (compiler style) when there is a file or a line; a lone
  // column (a formula, a filter) reads "error at column 3: message". Built with append():
  // chained operator+ trips GCC 12's -Wrestrict false positive (libstdc++ PR 105329).
  std::string out;
  if (where.file.empty() && where.line == 0) {
    out.append(severity);
    if (where.column > 0) out.append(" at column ").append(std::to_string(where.column));
    return out.append(": ").append(message);
  }
  if (!where.file.empty()) out.append(where.file).append(":");
  if (where.line > 0) out.append(std::to_string(where.line)).append(":");
  if (where.column > 0) out.append(std::to_string(where.column)).append(":");
  return out.append(" ").append(severity).append(": ").append(message);
}

ParseError::ParseError(SourceLocation where, std::string message, std::string hint)
    : std::runtime_error(format_diagnostic(where, "error", message)),
      where_(std::move(where)),
      message_(std::move(message)),
      hint_(std::move(hint)) {}

std::string ParseError::describe() const { return what(); }

std::string ParseError::caret_line(std::string_view input, std::size_t column) {
  // Control characters would break the alignment, so they are shown as spaces.
  std::string shown;
  shown.reserve(input.size());
  for (char c : input) shown += (static_cast<unsigned char>(c) < 0x20) ? ' ' : c;
  std::string out = shown + "\n";
  std::size_t pad = column > 0 ? column - 1 : 0;
  out += std::string(pad, ' ') + "^";
  return out;
}

}  // namespace pb
