#include "crystal/cif_syntax.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace pb::crystal::cif {

namespace {

// CIF 1.1 §2.2.7: blank characters separate tokens. Ctrl-Z (DOS end-of-file) is read as a blank
// too, with a warning, because real files end with it.
constexpr bool is_blank(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x1A || c == '\v' || c == '\f';
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// True when [p, end) starts with the lower-case ASCII `word`, in any case.
bool starts_with_ci(const char* p, const char* end, std::string_view word) {
  if (static_cast<std::size_t>(end - p) < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (lower(p[i]) != word[i]) return false;
  }
  return true;
}

// A syntax error inside a block: the block is dropped and reading resumes at the next data_.
struct BlockError {
  std::uint32_t line;
  std::string message;
};

class Reader {
 public:
  Reader(Document& doc, const ReadOptions& options)
      : doc_(doc),
        options_(options),
        begin_(doc.text.data()),
        p_(begin_),
        end_(begin_ + doc.text.size()) {}

  void run();

 private:
  [[noreturn]] void fail(std::uint32_t line, std::string message) const {
    throw BlockError{line, std::move(message)};
  }
  void warn(std::uint32_t line, std::string message) {
    Diagnostic d{{doc_.source, line, 0}, std::move(message), true};
    if (options_.on_warning) options_.on_warning(d);
    doc_.warnings.push_back(std::move(d));
  }
  bool at_line_start(const char* p) const { return p == begin_ || p[-1] == '\n' || p[-1] == '\r'; }
  void skip_blanks_and_comments();
  // The token at p_ (it does not move): what kind of thing starts here.
  bool at_reserved(std::string_view word) const { return starts_with_ci(p_, end_, word); }
  bool at_data() const { return at_reserved("data_"); }
  bool at_keyword() const {
    return at_reserved("data_") || at_reserved("loop_") || at_reserved("save_") ||
           at_reserved("global_") || at_reserved("stop_");
  }
  std::string_view take_word();
  Value read_value(std::string_view tag);
  Value read_quoted(char quote);
  Value read_text_field();
  Value read_bracketed();
  void read_block(Block& block, bool frame);
  void read_loop(Block& block);
  void check_duplicates(const Block& block);
  void recover();

  Document& doc_;
  const ReadOptions& options_;
  const char* begin_;
  const char* p_;
  const char* end_;
  std::uint32_t line_ = 1;
  bool warned_control_ = false;
  bool warned_ctrl_z_ = false;
};

void Reader::skip_blanks_and_comments() {
  while (p_ < end_) {
    auto c = static_cast<unsigned char>(*p_);
    if (c == '\n') {
      ++line_;
    } else if (c == '#') {
      while (p_ < end_ && *p_ != '\n') ++p_;
      continue;
    } else if (!is_blank(c)) {
      return;
    } else if (c == 0x1A && !warned_ctrl_z_) {
      warned_ctrl_z_ = true;
      warn(line_, "Ctrl-Z (DOS end-of-file) character read as a blank");
    }
    ++p_;
  }
}

// A run of non-blank characters (a tag, a keyword or an unquoted value).
std::string_view Reader::take_word() {
  const char* start = p_;
  while (p_ < end_ && !is_blank(static_cast<unsigned char>(*p_))) {
    auto c = static_cast<unsigned char>(*p_);
    if (c < 0x20 && !warned_control_) {
      warned_control_ = true;
      char buf[64];
      std::snprintf(buf, sizeof buf, "control character 0x%02X kept in a value", c);
      warn(line_, buf);
    }
    ++p_;
  }
  return {start, static_cast<std::size_t>(p_ - start)};
}

// CIF 1.1: a quoted value ends at the matching quote followed by a blank, so "O'Brien's" needs
// no escaping; it must end on its line. CIF 2.0: it ends at the first matching quote.
Value Reader::read_quoted(char quote) {
  std::uint32_t line = line_;
  const char* start = ++p_;
  for (const char* q = start; q < end_; ++q) {
    if (*q == '\n' || *q == '\r') break;
    if (*q == quote && (doc_.cif2 || q + 1 == end_ || is_blank(static_cast<unsigned char>(q[1])))) {
      p_ = q + 1;
      return Value{{start, static_cast<std::size_t>(q - start)},
                   quote == '\'' ? ValueKind::kSingleQuoted : ValueKind::kDoubleQuoted,
                   line};
    }
  }
  fail(line,
       std::string("unterminated ") + (quote == '\'' ? "single" : "double") + "-quoted string");
}

// ;text field; : from after the opening ';' to the newline before a ';' that starts a line.
Value Reader::read_text_field() {
  std::uint32_t line = line_;
  const char* start = ++p_;
  for (const char* q = start; q < end_; ++q) {
    if (*q != '\n') continue;
    ++line_;
    if (q + 1 < end_ && q[1] == ';') {
      const char* stop = q > start && q[-1] == '\r' ? q - 1 : q;
      p_ = q + 2;
      return Value{{start, static_cast<std::size_t>(stop - start)}, ValueKind::kTextField, line};
    }
  }
  fail(line, "unterminated text field (no line starting with ';' closes it)");
}

// CIF 2.0 [list] or {table}, possibly nested and spanning lines, with quoted strings inside.
Value Reader::read_bracketed() {
  std::uint32_t line = line_;
  const char* start = p_;
  std::string stack;
  for (const char* q = p_; q < end_; ++q) {
    char c = *q;
    if (c == '\n') ++line_;
    if (c == '[' || c == '{') {
      stack.push_back(c == '[' ? ']' : '}');
    } else if (c == ']' || c == '}') {
      if (stack.empty() || stack.back() != c) fail(line_, std::string("unexpected '") + c + "'");
      stack.pop_back();
      if (stack.empty()) {
        p_ = q + 1;
        return Value{{start, static_cast<std::size_t>(p_ - start)},
                     *start == '[' ? ValueKind::kList : ValueKind::kTable,
                     line};
      }
    } else if (c == '\'' || c == '"') {
      const char* close = std::find(q + 1, end_, c);
      if (close == end_) fail(line_, "unterminated string in a list");
      line_ += static_cast<std::uint32_t>(std::count(q, close, '\n'));
      q = close;
    }
  }
  fail(line, std::string("unterminated ") + (*start == '[' ? "list" : "table"));
}

Value Reader::read_value(std::string_view tag) {
  skip_blanks_and_comments();
  if (p_ >= end_) fail(line_, std::string(tag) + " has no value (end of file)");
  char c = *p_;
  if (c == ';' && at_line_start(p_)) return read_text_field();
  if (doc_.cif2 && (c == '\'' || c == '"') && end_ - p_ >= 3 && p_[1] == c && p_[2] == c) {
    std::uint32_t line = line_;
    const char delimiter[3] = {c, c, c};
    std::string_view rest(p_ + 3, static_cast<std::size_t>(end_ - p_ - 3));
    std::size_t close = rest.find(std::string_view(delimiter, 3));
    if (close == std::string_view::npos) fail(line, "unterminated triple-quoted string");
    line_ += static_cast<std::uint32_t>(std::count(rest.begin(), rest.begin() + close, '\n'));
    p_ += 3 + close + 3;
    return Value{rest.substr(0, close), ValueKind::kTripleQuoted, line};
  }
  if (c == '\'' || c == '"') return read_quoted(c);
  if (doc_.cif2 && (c == '[' || c == '{')) return read_bracketed();
  if (c == '_' || at_keyword()) {
    fail(line_, std::string(tag) + " has no value");
  }
  std::uint32_t line = line_;
  std::string_view word = take_word();
  ValueKind kind = word == "?"   ? ValueKind::kUnknown
                   : word == "." ? ValueKind::kInapplicable
                                 : ValueKind::kUnquoted;
  return Value{word, kind, line};
}

void Reader::read_loop(Block& block) {
  Loop loop;
  loop.line = line_;
  p_ += 5;  // loop_
  for (;;) {
    skip_blanks_and_comments();
    if (p_ >= end_ || *p_ != '_') break;
    loop.tags.push_back(take_word());
  }
  if (loop.tags.empty()) fail(loop.line, "loop_ without tags");
  for (;;) {
    skip_blanks_and_comments();
    if (p_ >= end_ || *p_ == '_' || at_keyword()) break;
    loop.values.push_back(read_value(loop.tags.front()));
  }
  if (loop.values.size() % loop.tags.size() != 0) {
    fail(loop.line, "loop_ with " + std::to_string(loop.tags.size()) + " tags has " +
                        std::to_string(loop.values.size()) + " values, not a whole number of rows");
  }
  if (at_reserved("stop_")) p_ += 5;  // STAR's end of loop, seen in some CIFs
  block.loops.push_back(std::move(loop));
}

// Reads items, loops and save frames until the next data_ (or, in a frame, its closing save_).
void Reader::read_block(Block& block, bool frame) {
  for (;;) {
    skip_blanks_and_comments();
    if (p_ >= end_) {
      if (frame) fail(block.line, "save frame " + std::string(block.name) + " is never closed");
      return;
    }
    if (at_data()) {
      if (frame) fail(block.line, "save frame " + std::string(block.name) + " is never closed");
      return;
    }
    if (at_reserved("loop_")) {
      read_loop(block);
    } else if (at_reserved("save_")) {
      std::uint32_t line = line_;
      std::string_view word = take_word();
      if (word.size() == 5) {  // a bare save_ closes the current frame
        if (frame) return;
        fail(line, "save_ closes no save frame");
      }
      if (frame) fail(line, "save frames cannot be nested");
      Block inner;
      inner.name = word.substr(5);
      inner.line = line;
      read_block(inner, true);
      block.frames.push_back(std::move(inner));
    } else if (at_reserved("global_") || at_reserved("stop_")) {
      fail(line_, "unexpected " + std::string(take_word()));
    } else if (*p_ == '_') {
      std::string_view tag = take_word();
      block.items.push_back(Item{tag, read_value(tag)});
    } else {
      std::uint32_t line = line_;
      const char* start = p_;
      std::string_view word = take_word();
      if (*start == '\'' || *start == '"' || *start == ';') word = word.substr(0, 1);
      fail(line, "value '" + std::string(word.substr(0, 40)) + "' without a tag");
    }
  }
}

// CIF 1.1 forbids a tag twice in a block; silently keeping one of two values could be wrong.
void Reader::check_duplicates(const Block& block) {
  std::vector<std::pair<std::string_view, std::uint32_t>> tags;
  for (const Item& item : block.items) tags.emplace_back(item.tag, item.value.line);
  for (const Loop& loop : block.loops) {
    for (auto tag : loop.tags) tags.emplace_back(tag, loop.line);
  }
  auto less = [](const auto& a, const auto& b) {
    return std::lexicographical_compare(a.first.begin(), a.first.end(), b.first.begin(),
                                        b.first.end(),
                                        [](char x, char y) { return lower(x) < lower(y); });
  };
  std::sort(tags.begin(), tags.end(), less);
  for (std::size_t i = 1; i < tags.size(); ++i) {
    if (iequals(tags[i - 1].first, tags[i].first)) {
      fail(std::max(tags[i - 1].second, tags[i].second),
           "duplicate tag " + std::string(tags[i].first) + " (also on line " +
               std::to_string(std::min(tags[i - 1].second, tags[i].second)) + ")");
    }
  }
}

// After an error: continue at the next line that starts with data_.
void Reader::recover() {
  while (p_ < end_) {
    if (*p_ == '\n') {
      ++line_;
      ++p_;
      if (starts_with_ci(p_, end_, "data_")) return;
      continue;
    }
    ++p_;
  }
}

void Reader::run() {
  doc_.cif2 = doc_.text.rfind("#\\#CIF_2.0", 0) == 0;
  for (;;) {
    skip_blanks_and_comments();
    if (p_ >= end_) break;
    std::uint32_t line = line_;
    try {
      if (!at_data()) {
        fail(line, at_reserved("global_")
                       ? "global_ blocks are not read"
                       : "expected data_ before '" + std::string(take_word().substr(0, 40)) + "'");
      }
      Block block;
      block.line = line;
      block.name = take_word().substr(5);
      if (block.name.empty()) warn(line, "data_ block without a name");
      read_block(block, false);
      check_duplicates(block);
      if (doc_.find_block(block.name) != nullptr) {
        warn(line, "duplicate block name data_" + std::string(block.name));
      }
      doc_.blocks.push_back(std::move(block));
    } catch (const BlockError& e) {
      doc_.errors.push_back(Diagnostic{{doc_.source, e.line, 0}, e.message, false});
      recover();
    }
  }
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

int Loop::column(std::string_view tag) const {
  for (std::size_t i = 0; i < tags.size(); ++i) {
    if (iequals(tags[i], tag)) return static_cast<int>(i);
  }
  return -1;
}

const Value* Block::find(std::string_view tag) const {
  for (const Item& item : items) {
    if (iequals(item.tag, tag)) return &item.value;
  }
  return nullptr;
}

const Loop* Block::find_loop(std::string_view tag) const {
  for (const Loop& loop : loops) {
    if (loop.column(tag) >= 0) return &loop;
  }
  return nullptr;
}

const Block* Document::find_block(std::string_view name) const {
  for (const Block& b : blocks) {
    if (iequals(b.name, name)) return &b;
  }
  return nullptr;
}

std::string Diagnostic::describe() const {
  return format_diagnostic(where, warning ? "warning" : "error", message);
}

Document read_text(std::string text, std::string source, const ReadOptions& options) {
  Document doc;
  doc.source = std::move(source);
  doc.text = std::move(text);
  Reader(doc, options).run();
  return doc;
}

Document read_file(const std::string& path, const ReadOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ParseError({path, 0, 0}, "cannot open the file");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return read_text(std::move(buffer).str(), path, options);
}

}  // namespace pb::crystal::cif
