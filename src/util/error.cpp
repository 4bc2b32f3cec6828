#include "util/error.hpp"

namespace pb {

namespace {
std::string compose_what(const SourceLocation& where, const std::string& message) {
  // file:line:col: error: message (compiler style) when there is a file or a line; a lone
  // column (a formula, a filter) reads "error at column 3: message". Built with append():
  // chained operator+ trips GCC 12's -Wrestrict false positive (libstdc++ PR 105329).
  std::string out;
  if (where.file.empty() && where.line == 0) {
    if (where.column > 0) {
      out.append("error at column ").append(std::to_string(where.column)).append(": ");
    } else {
      out.append("error: ");
    }
    return out.append(message);
  }
  if (!where.file.empty()) out.append(where.file).append(":");
  if (where.line > 0) out.append(std::to_string(where.line)).append(":");
  if (where.column > 0) out.append(std::to_string(where.column)).append(":");
  return out.append(" error: ").append(message);
}
}  // namespace

ParseError::ParseError(SourceLocation where, std::string message, std::string hint)
    : std::runtime_error(compose_what(where, message)),
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
