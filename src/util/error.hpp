#pragma once
/// Typed exceptions shared by every module (ARCHITECTURE.md §5); converted to exit codes or HTTP
/// statuses at the boundary only.
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace pb {

/// Where in an input something went wrong: file (may be empty), 1-based line and column.
struct SourceLocation {
  std::string file;
  std::size_t line = 0;    ///< 1-based; 0 when the input is a single line (a formula, a filter)
  std::size_t column = 0;  ///< 1-based, counted in characters (code points), not bytes
};

/// "file:line:col: <severity>: message", leaving out unknown parts; with only a column,
/// "<severity> at column 3: message". Shared by errors and warnings so they look alike.
std::string format_diagnostic(const SourceLocation& where, std::string_view severity,
                              std::string_view message);

/// The input could not be read; carries the location, a message and an optional hint.
class ParseError : public std::runtime_error {
 public:
  ParseError(SourceLocation where, std::string message, std::string hint = {});

  const SourceLocation& where() const { return where_; }
  const std::string& message() const { return message_; }
  const std::string& hint() const { return hint_; }

  /// `file:line:col: error: message` (parts that are unknown are left out).
  std::string describe() const;
  /// The offending input line with a caret under the column, e.g. "Li(PO4\n  ^".
  static std::string caret_line(std::string_view input, std::size_t column);

 private:
  SourceLocation where_;
  std::string message_;
  std::string hint_;
};

/// A caller passed a value that is not acceptable (bad option, unknown name).
class InvalidArgument : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// A named thing (element, alias, record) does not exist.
class NotFound : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace pb
