#pragma once
/// The CIF syntax layer: a CIF 1.1 file (and the common CIF 2.0 subset: triple-quoted strings,
/// lists, tables) read into data blocks of items and loops, with line numbers. Values are views
/// into the document's own copy of the text, so reading allocates little. The semantic layer
/// (cell, symmetry, atom sites) is built on top of this.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"

namespace pb::crystal::cif {

/// How a value was written, which matters for its meaning: an unquoted `?` is unknown, a quoted
/// '?' is the text "?".
enum class ValueKind : std::uint8_t {
  kUnquoted,
  kSingleQuoted,
  kDoubleQuoted,
  kTextField,     ///< ;...; on lines of their own
  kTripleQuoted,  ///< CIF 2.0 '''...''' or """..."""
  kList,          ///< CIF 2.0 [ ... ], text kept as written, brackets included
  kTable,         ///< CIF 2.0 { ... }, text kept as written, braces included
  kUnknown,       ///< unquoted ?
  kInapplicable,  ///< unquoted .
};

/// One value: its text without delimiters and the line it starts on.
struct Value {
  std::string_view text;
  ValueKind kind = ValueKind::kUnquoted;
  std::uint32_t line = 0;

  /// True for unquoted `?` and `.`, which carry no value.
  bool is_null() const { return kind == ValueKind::kUnknown || kind == ValueKind::kInapplicable; }
};

/// A tag with a single value: `_cell_length_a 5.4309(2)`.
struct Item {
  std::string_view tag;
  Value value;
};

/// A `loop_`: tags and their values, row by row.
struct Loop {
  std::vector<std::string_view> tags;
  std::vector<Value> values;
  std::uint32_t line = 0;

  std::size_t width() const { return tags.size(); }
  std::size_t rows() const { return tags.empty() ? 0 : values.size() / tags.size(); }
  const Value& at(std::size_t row, std::size_t column) const {
    return values[row * tags.size() + column];
  }
  /// Column of a tag (case-insensitive), or -1.
  int column(std::string_view tag) const;
};

/// A data block (or a save frame inside one).
struct Block {
  std::string_view name;
  std::uint32_t line = 0;
  std::vector<Item> items;
  std::vector<Loop> loops;
  std::vector<Block> frames;  ///< save_ frames

  /// The value of a tag outside loops (case-insensitive), or nullptr.
  const Value* find(std::string_view tag) const;
  /// The loop containing a tag (case-insensitive), or nullptr.
  const Loop* find_loop(std::string_view tag) const;
};

/// A recoverable problem, or an error that spoilt one block.
struct Diagnostic {
  SourceLocation where;
  std::string message;
  bool warning = false;
  /// "file:line: error: message" or "file:line: warning: message".
  std::string describe() const;
};

/// A read CIF: the good blocks, the blocks that could not be read, and warnings.
struct Document {
  std::string source;  ///< file name (for messages)
  std::string text;    ///< owns the bytes every Value points into
  bool cif2 = false;   ///< the file starts with the #\#CIF_2.0 magic comment
  std::vector<Block> blocks;
  std::vector<Diagnostic> errors;    ///< one per block that was skipped, or a file-level error
  std::vector<Diagnostic> warnings;  ///< recoverable oddities

  /// The block with this name (case-insensitive), or nullptr.
  const Block* find_block(std::string_view name) const;
};

/// Reading options.
struct ReadOptions {
  /// Called for every warning as it is found (besides collecting it in Document::warnings).
  std::function<void(const Diagnostic&)> on_warning;
};

/// Reads CIF text; `source` names it in messages. Syntax errors do not throw: the block they
/// occur in is reported in Document::errors and reading resumes at the next data_ block.
Document read_text(std::string text, std::string source = {}, const ReadOptions& options = {});
/// Reads a file; throws pb::ParseError when it cannot be opened.
Document read_file(const std::string& path, const ReadOptions& options = {});

/// Case-insensitive ASCII comparison, as CIF tags and block names are compared.
bool iequals(std::string_view a, std::string_view b);

}  // namespace pb::crystal::cif
