#include "chem/formula.hpp"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <span>
#include <unordered_map>

#include "chem/element.hpp"
#include "util/error.hpp"
#include "util/utf8.hpp"

namespace pb::chem {

namespace {

// Brackets deeper than this are refused (protects the stack against inputs like 10 kB of '(').
constexpr std::size_t kMaxDepth = 64;
// Normalised code points for superscripts: digits 0-9 at kSuperscript+d, '+' and '-' after them.
constexpr char32_t kSuperscript = 0xE000;
constexpr char32_t kSuperPlus = kSuperscript + 10;
constexpr char32_t kSuperMinus = kSuperscript + 11;
constexpr char32_t kEnd = 0;

bool is_digit(char32_t c) { return c >= '0' && c <= '9'; }
bool is_upper(char32_t c) { return c >= 'A' && c <= 'Z'; }
bool is_lower(char32_t c) { return c >= 'a' && c <= 'z'; }
bool is_greek_lower(char32_t c) { return c >= 0x03B1 && c <= 0x03C9; }
bool is_open(char32_t c) { return c == '(' || c == '[' || c == '{'; }
bool is_close(char32_t c) { return c == ')' || c == ']' || c == '}'; }
bool is_superscript(char32_t c) { return c >= kSuperscript && c <= kSuperMinus; }
char32_t closer_of(char32_t open) { return open == '(' ? ')' : open == '[' ? ']' : '}'; }

// Letters read as composition variables right after an amount: x in AlxTi2-x, δ in O3-δ.
// Others are refused so that typos (Lao.54) are errors, not silent variables.
bool is_variable(char32_t c) {
  switch (c) {
    case 'x':
    case 'y':
    case 'z':
    case 'w':
    case 'v':
    case 'u':
    case 'n':
    case 'm':
      return true;
    default:
      return is_greek_lower(c) && c != 0x03BF;  // omicron looks like 'o'
  }
}

// "d" is written for δ ("SrCoO3-d", "d = 0.1"); every other variable keeps its letter.
std::string variable_name(char32_t c) {
  if (c == 'd') return "δ";
  std::string name;
  utf8::append(name, c);
  return name;
}

// Maps one decoded code point to the parser's alphabet: 0 drops it, ' ' for any space.
char32_t normalise(char32_t c) {
  if (c < 0x80) return c;
  if (c == 0xAD || (c >= 0x200B && c <= 0x200D) || c == 0x2060 || c == 0xFEFF) return 0;
  if (c == 0xA0 || (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F || c == 0x3000) {
    return ' ';
  }
  if ((c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0xFE63 || c == 0xFF0D) return '-';
  if (c == 0xB7 || c == 0x2022 || c == 0x2219 || c == 0x22C5 || c == 0x30FB || c == 0xFF65 ||
      c == 0xD7) {
    return '*';
  }
  if (c >= 0x2080 && c <= 0x2089) return '0' + (c - 0x2080);
  if (c == 0x2070) return kSuperscript;
  if (c == 0xB9) return kSuperscript + 1;
  if (c == 0xB2 || c == 0xB3) return kSuperscript + (c - 0xB0);
  if (c >= 0x2074 && c <= 0x2079) return kSuperscript + (c - 0x2070);
  if (c == 0x207A) return kSuperPlus;
  if (c == 0x207B) return kSuperMinus;
  if (c == 0x201C || c == 0x201D || c == 0x201E || c == 0x2018 || c == 0x2019 || c == 0xAB ||
      c == 0xBB) {
    return '"';
  }
  if (c >= 0xFF01 && c <= 0xFF5E) return c - 0xFEE0;  // full-width ASCII
  return c;
}

std::string describe_char(char32_t c) {
  if (c == kEnd) return "end of input";
  if (c >= 0x20 && c < 0x7F) return std::string("'") + static_cast<char>(c) + "'";
  if (is_superscript(c)) return "a superscript";
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
  std::string s = "'";
  utf8::append(s, c);
  return s + "' (" + buf + ")";
}

// A raw index range [begin, end) in the parser's species list.
struct Span {
  std::size_t begin = 0;
  std::size_t end = 0;
};

struct Coefficient {
  bool present = false;
  Amount value{Number(1)};
  ComponentBasis basis = ComponentBasis::kMole;
  bool percent() const { return basis != ComponentBasis::kMole; }
};

// A mixture component while parsing (one level of parse_mixture).
struct Item {
  Span span;
  Coefficient coefficient;
  std::size_t text_begin = 0;  // normalised character range, coefficient included
  std::size_t text_end = 0;
  std::size_t pending_begin = 0;  // its entries in Scratch::pending (top level only)
  std::size_t pending_end = 0;
};

// A top-level component, materialised into a FormulaComponent only when there are several.
struct PendingComponent {
  std::size_t text_begin;  // normalised character range of its text
  std::size_t text_end;
  Amount coefficient;
  ComponentBasis basis;
  Amount moles;
  Span unit;  // its unscaled entries in Scratch::units
};

// A mixed site with an unknown split, "(Li,Na)": its members are raw entries [begin, end).
struct PendingSite {
  Span members;
};

// Working storage of one parse. Reused across calls on a thread so that parsing a formula
// allocates almost nothing; a parse started during another (alias expansion) has its own.
struct Scratch {
  std::u32string chars;                 // normalised code points
  std::vector<std::uint32_t> offsets;   // byte offset in the input of each of them
  std::vector<Composition::Entry> raw;  // species in order of appearance, scaled in place
  std::vector<std::size_t> raw_at;      // character index where each raw entry was written
  std::vector<Composition::Entry> units;
  std::vector<PendingComponent> pending;
  std::vector<PendingSite> sites;
  std::vector<Item> items;      // a stack: each parse_mixture level owns the items above its base
  std::vector<Item> top_items;  // top-level items kept for percentages, resolved in finish()

  void clear() {
    chars.clear();
    offsets.clear();
    raw.clear();
    raw_at.clear();
    units.clear();
    pending.clear();
    sites.clear();
    items.clear();
    top_items.clear();
  }
};

class Parser {
 public:
  Parser(std::string_view text, const FormulaOptions& options)
      : options_(options),
        nested_(busy()),
        own_scratch_(nested_ ? std::make_unique<Scratch>() : nullptr),
        scratch_(nested_ ? *own_scratch_ : shared_scratch()),
        chars_(scratch_.chars),
        offsets_(scratch_.offsets),
        raw_(scratch_.raw),
        pending_(scratch_.pending) {
    busy() = true;
    scratch_.clear();
    result_.input = std::string(text);
    decode(text);
  }
  ~Parser() { busy() = nested_; }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;

  ParsedFormula run();

 private:
  static bool& busy() {
    static thread_local bool b = false;
    return b;
  }
  static Scratch& shared_scratch() {
    static thread_local Scratch s;
    return s;
  }

  void decode(std::string_view text);
  [[noreturn]] void fail(std::size_t at, std::string message, std::string hint = {}) const;
  // 1-based column in code points of normalised character `at` (end of input past the last).
  std::size_t column(std::size_t at) const {
    std::size_t byte = at < offsets_.size() ? offsets_[at] : result_.input.size();
    return utf8::count_code_points(std::string_view(result_.input).substr(0, byte)) + 1;
  }
  // The input as written between normalised characters [begin, end), without outer spaces and
  // without brackets that enclose all of it ("(Li2S)" -> "Li2S").
  std::string source_text(std::size_t begin, std::size_t end) const;

  char32_t peek(std::size_t ahead = 0) const {
    return p_ + ahead < end_ ? chars_[p_ + ahead] : kEnd;
  }
  bool skip_spaces() {
    std::size_t start = p_;
    while (peek() == ' ') ++p_;
    return p_ != start;
  }
  std::size_t next_non_space(std::size_t from) const {
    while (from < end_ && chars_[from] == ' ') ++from;
    return from;
  }
  char32_t at(std::size_t i) const { return i < end_ ? chars_[i] : kEnd; }

  void strip_quotes();
  void parse_phase();
  void parse_mixture(std::size_t depth, char32_t closer);
  Item parse_component(std::size_t depth);
  Span parse_blend(std::size_t depth, Coefficient first);
  Span parse_unit(std::size_t depth, const Amount& coefficient, bool& split);
  bool parse_alias();
  bool parse_element();
  Span parse_group(std::size_t depth, Amount& multiplier);
  void parse_site_list(std::size_t open);
  Coefficient parse_coefficient();
  bool starts_unit(std::size_t i) const;
  bool starts_coefficient(std::size_t i) const;
  bool starts_assignment(std::size_t i) const;
  void parse_assignments();
  bool parse_amount(Amount& out);
  bool parse_expression(Amount& out, bool after_symbol);
  bool parse_term(Amount& out, bool require_variable, bool after_symbol);
  bool scan_number(std::size_t& i, Number& out, bool after_symbol) const;
  void check_letter_o() const;
  bool parse_charge(Amount& amount, bool amount_written, int& charge);
  bool adduct_follows(std::size_t dot) const;
  Amount product(const Amount& a, const Amount& b, std::size_t at) const;
  void scale(Span span, const Amount& factor);
  void resolve_percentages(std::span<Item> items, bool top);
  void merge_pending(std::span<Item> items);
  Span snapshot(Span span);
  Composition unit_composition(Span unit) const;
  void finish();

  const FormulaOptions& options_;
  bool nested_;
  std::unique_ptr<Scratch> own_scratch_;  // only for a nested parse
  Scratch& scratch_;
  std::u32string& chars_;
  std::vector<std::uint32_t>& offsets_;
  std::vector<Composition::Entry>& raw_;
  // Components of the top-level mixture, blend or group list, in order of appearance.
  std::vector<PendingComponent>& pending_;
  std::size_t p_ = 0;
  std::size_t end_ = 0;
  std::size_t last_close_ = 0;  // index of the closing bracket of the last group parsed
  ParsedFormula result_;
  Bindings written_values_;
};

void Parser::decode(std::string_view text) {
  std::size_t col = 0;
  chars_.reserve(text.size());
  offsets_.reserve(text.size());
  for (std::size_t i = 0, len = 0; i < text.size(); i += len) {
    auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x20 && byte < 0x7F) {  // printable ASCII: the common case
      ++col;
      len = 1;
      chars_.push_back(byte);
      offsets_.push_back(static_cast<std::uint32_t>(i));
      continue;
    }
    char32_t c = utf8::decode(text, i, len);
    ++col;
    if (c == utf8::kInvalid) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "0x%02X", static_cast<unsigned char>(text[i]));
      throw ParseError({"", 0, col}, std::string("invalid UTF-8 byte ") + buf,
                       "the formula must be UTF-8 text");
    }
    if (c == '\t' || c == '\r' || c == '\n') c = ' ';
    if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0)) {
      throw ParseError({"", 0, col}, "control character " + describe_char(c) + " in formula");
    }
    c = normalise(c);
    if (c == 0) continue;
    chars_.push_back(c);
    offsets_.push_back(static_cast<std::uint32_t>(i));
  }
  end_ = chars_.size();
}

void Parser::fail(std::size_t at, std::string message, std::string hint) const {
  throw ParseError({"", 0, column(at)}, std::move(message), std::move(hint));
}

std::string Parser::source_text(std::size_t begin, std::size_t end) const {
  while (end > begin && chars_[end - 1] == ' ') --end;
  while (begin < end && chars_[begin] == ' ') ++begin;
  // Drop one pair of brackets around the whole text: "(Li2S)" but not "(Li2S)(GeS2)".
  if (end - begin >= 2 && is_open(chars_[begin]) && chars_[end - 1] == closer_of(chars_[begin])) {
    std::size_t level = 0;
    std::size_t i = begin;
    for (; i < end; ++i) {
      if (is_open(chars_[i])) ++level;
      if (is_close(chars_[i]) && --level == 0) break;
    }
    if (i == end - 1) ++begin, --end;
  }
  if (begin >= end) return {};
  std::size_t to = end < offsets_.size() ? offsets_[end] : result_.input.size();
  return result_.input.substr(offsets_[begin], to - offsets_[begin]);
}

void Parser::strip_quotes() {
  while (end_ > p_ && chars_[end_ - 1] == ' ') --end_;
  skip_spaces();
  char32_t first = peek();
  if (first != '"' && first != '\'') {
    if (end_ > p_ && (chars_[end_ - 1] == '"')) fail(end_ - 1, "unbalanced quote");
    return;
  }
  if (end_ - p_ < 2 || chars_[end_ - 1] != first) fail(p_, "unbalanced quote");
  ++p_;
  --end_;
  result_.warnings.push_back("removed the quotes around the formula");
  while (end_ > p_ && chars_[end_ - 1] == ' ') --end_;
  skip_spaces();
}

// A polymorph label before the formula: one letter (α-, β-, m-, r-, t-, w-) or HT-, LT-, RT-.
void Parser::parse_phase() {
  std::size_t len = 0;
  if (is_greek_lower(peek()) || is_lower(peek())) {
    len = 1;
  } else if ((peek() == 'H' || peek() == 'L' || peek() == 'R') && peek(1) == 'T') {
    len = 2;
  }
  if (len == 0 || peek(len) != '-' || !(is_upper(peek(len + 1)) || is_open(peek(len + 1)))) {
    return;
  }
  for (std::size_t i = 0; i < len; ++i) utf8::append(result_.phase, chars_[p_ + i]);
  p_ += len + 1;
}

ParsedFormula Parser::run() {
  strip_quotes();
  if (p_ >= end_) fail(p_, "empty formula", "give a formula such as Li7La3Zr2O12");
  parse_phase();
  parse_mixture(0, kEnd);
  if (starts_assignment(p_)) parse_assignments();
  skip_spaces();
  if (p_ < end_) {
    char32_t c = peek();
    if (is_close(c)) fail(p_, "unmatched " + describe_char(c));
    fail(p_, "unexpected " + describe_char(c));
  }
  finish();
  return std::move(result_);
}

bool Parser::starts_unit(std::size_t i) const {
  char32_t c = at(i);
  return is_upper(c) || is_open(c);
}

// A leading coefficient: digits, a variable followed by a unit (xLi2S), or "(1-x)" before one.
bool Parser::starts_coefficient(std::size_t i) const {
  char32_t c = at(i);
  return is_digit(c) || (is_variable(c) && starts_unit(i + 1)) || c == '(';
}

// "x = 0.3", ", x=0.3", "(x = 0.3)", "with x = 0.3" after the formula.
bool Parser::starts_assignment(std::size_t i) const {
  i = next_non_space(i);
  if (at(i) == ',' || at(i) == ';' || at(i) == '(') i = next_non_space(i + 1);
  if (at(i) == 'w' && at(i + 1) == 'i' && at(i + 2) == 't' && at(i + 3) == 'h' &&
      at(i + 4) == ' ') {
    i = next_non_space(i + 4);
  }
  if (!is_variable(at(i)) && at(i) != 'd') return false;
  return at(next_non_space(i + 1)) == '=';
}

void Parser::parse_assignments() {
  skip_spaces();
  bool paren = false;
  if (peek() == ',' || peek() == ';') ++p_;
  skip_spaces();
  if (peek() == '(') paren = true, ++p_;
  skip_spaces();
  if (peek() == 'w' && peek(1) == 'i' && peek(2) == 't' && peek(3) == 'h') p_ += 4;
  for (;;) {
    skip_spaces();
    char32_t v = peek();
    if (!is_variable(v) && v != 'd') fail(p_, "expected a variable name such as x");
    std::string name = variable_name(v);
    ++p_;
    skip_spaces();
    if (peek() != '=') fail(p_, "expected '=' after " + name);
    ++p_;
    skip_spaces();
    bool negative = peek() == '-';
    if (negative) ++p_;
    std::size_t start = p_;
    Number value;
    if (!scan_number(p_, value, false)) fail(start, "expected a number for " + name);
    written_values_[name] = negative ? -value : value;
    skip_spaces();
    if (peek() == ',' || peek() == ';') {
      ++p_;
      continue;
    }
    if (peek() == 'a' && peek(1) == 'n' && peek(2) == 'd') {
      p_ += 3;
      continue;
    }
    break;
  }
  if (paren) {
    if (peek() != ')') fail(p_, "expected ')' after the values");
    ++p_;
  }
}

void Parser::parse_mixture(std::size_t depth, char32_t closer) {
  std::size_t base = scratch_.items.size();
  for (;;) {
    skip_spaces();
    Item item = parse_component(depth);
    scratch_.items.push_back(std::move(item));
    bool spaced = skip_spaces();
    char32_t c = peek();
    if (c == kEnd || c == closer || (is_close(c) && depth > 0)) break;
    if (depth == 0 && starts_assignment(p_)) break;
    if (c == '-' || c == '+') {
      ++p_;
      skip_spaces();
      if (!starts_unit(p_) && !starts_coefficient(p_)) {
        fail(p_, "expected a formula after '" + std::string(1, static_cast<char>(c)) + "'");
      }
      continue;
    }
    // Whitespace before a coefficient separates components: "0.2(Li2S) 0.8(GeS2)".
    if (spaced && starts_coefficient(p_)) continue;
    if (c == ',' && depth > 0) fail(p_, "unexpected ','", "a mixed site is written (Li,Na)");
    break;
  }
  std::span<Item> items(scratch_.items.data() + base, scratch_.items.size() - base);
  bool percent = std::any_of(items.begin(), items.end(),
                             [](const Item& i) { return i.coefficient.percent(); });
  if (percent && depth == 0) {
    // Resolved in finish(), once the values written after the formula are known.
    scratch_.top_items.assign(items.begin(), items.end());
  } else if (percent) {
    resolve_percentages(items, false);
  }
  scratch_.items.resize(base);
}

Item Parser::parse_component(std::size_t depth) {
  Item item;
  item.text_begin = p_;
  item.span.begin = raw_.size();
  item.pending_begin = pending_.size();
  Coefficient coefficient = parse_coefficient();
  std::size_t unit_begin = p_;
  if (coefficient.percent()) {
    // A percentage belongs to the whole blend: "3 wt% 65Li2O·27B2O3·8SiO2".
    Span blend = parse_blend(depth, parse_coefficient());
    item.span = blend;
    item.coefficient = coefficient;
    if (depth == 0) {
      // The whole blend is one component: replace the parts parse_blend recorded.
      pending_.resize(item.pending_begin);
      pending_.push_back(PendingComponent{unit_begin, p_, coefficient.value, coefficient.basis,
                                          coefficient.value, snapshot(blend)});
    }
    if (coefficient.basis == ComponentBasis::kMolePercent) scale(blend, coefficient.value);
  } else {
    item.coefficient = coefficient;
    item.span = parse_blend(depth, coefficient);
  }
  item.text_end = p_;
  item.pending_end = pending_.size();
  return item;
}

Coefficient Parser::parse_coefficient() {
  Coefficient c;
  std::size_t start = p_;
  if (peek() == '(') {
    // "(1-x)Li2S": a parenthesised amount directly before a unit; otherwise it is a group.
    ++p_;
    Amount value;
    if (parse_expression(value, false) && peek() == ')' && starts_unit(p_ + 1)) {
      ++p_;
      c.present = true;
      c.value = value;
      return c;
    }
    p_ = start;
    return c;
  }
  if (!is_digit(peek()) && !(is_variable(peek()) && starts_unit(p_ + 1))) return c;
  Amount value;
  if (!parse_term(value, false, false)) return c;
  c.present = true;
  c.value = value;
  std::size_t after_number = p_;
  skip_spaces();
  auto word = [&](std::string_view w) {
    for (std::size_t i = 0; i < w.size(); ++i) {
      if (peek(i) != static_cast<unsigned char>(w[i])) return false;
    }
    return true;
  };
  auto take_percent = [&](std::size_t len) {
    p_ += len;
    if (peek() == '.') ++p_;
    skip_spaces();
    if (peek() != '%') return false;
    ++p_;
    return true;
  };
  if (word("wt") || word("mass") || word("mol")) {
    bool weight = !word("mol");
    if (!take_percent(word("mass") ? 4 : weight ? 2 : 3)) fail(p_, "expected '%'");
    c.basis = weight ? ComponentBasis::kWeightPercent : ComponentBasis::kMolePercent;
  } else if (peek() == '%') {
    fail(p_, "a percentage needs a basis", "write wt% or mol%");
  } else {
    p_ = after_number;
  }
  skip_spaces();
  // After a percentage the blend may start with its own coefficient: "3 wt% 65Li2O·27B2O3".
  if (!starts_unit(p_) && !(c.percent() && is_digit(peek()))) {
    if (peek() == kEnd && start == 0) fail(start, "a number alone is not a formula");
    fail(p_, "expected a formula after the coefficient " + value.to_string());
  }
  return c;
}

Span Parser::parse_blend(std::size_t depth, Coefficient first) {
  Span blend{raw_.size(), raw_.size()};
  Coefficient coefficient = std::move(first);
  for (;;) {
    std::size_t text_begin = p_;
    bool split = false;
    Span unit = parse_unit(depth, coefficient.value, split);
    if (depth == 0 && !split) {
      pending_.push_back(PendingComponent{text_begin, p_, coefficient.value, ComponentBasis::kMole,
                                          coefficient.value, snapshot(unit)});
    }
    scale(unit, coefficient.value);
    blend.end = raw_.size();
    // Adduct separators: CuSO4·5H2O, LiCl*H2O, CuSO4.5H2O, CuSO4.xH2O.
    std::size_t i = next_non_space(p_);
    char32_t c = at(i);
    bool adduct = c == '*' || (c == '.' && (!is_digit(at(i + 1)) || adduct_follows(i)));
    if (!adduct) break;
    p_ = i + 1;
    skip_spaces();
    std::size_t coefficient_at = p_;
    coefficient = parse_coefficient();
    if (coefficient.percent()) fail(coefficient_at, "percentages inside an adduct");
    if (!starts_unit(p_)) {
      fail(p_, std::string("expected a formula after '") + (c == '*' ? "*" : ".") + "'");
    }
  }
  return blend;
}

Span Parser::parse_unit(std::size_t depth, const Amount& coefficient, bool& split) {
  Span unit{raw_.size(), raw_.size()};
  std::size_t terms = 0;
  std::size_t groups = 0;
  std::size_t parts_begin = pending_.size();  // top level: each group may be a component
  if (options_.aliases && parse_alias()) {
    ++terms;
  }
  for (;;) {
    char32_t c = peek();
    if (is_upper(c)) {
      parse_element();
      ++terms;
    } else if (is_open(c)) {
      Amount multiplier{Number(1)};
      std::size_t text_begin = p_;
      Span g = parse_group(depth + 1, multiplier);
      if (depth == 0) {
        // The bracketed text, without the brackets and the multiplier.
        pending_.push_back(PendingComponent{text_begin + 1, last_close_, multiplier,
                                            ComponentBasis::kMole, multiplier, snapshot(g)});
      }
      scale(g, multiplier);
      ++terms;
      ++groups;
    } else if (c == ' ' && starts_unit(next_non_space(p_)) && !starts_assignment(p_)) {
      // Spaces between terms are ignored: "Li0.022 La0.115 Ti0.165", "Li1.4Al0.4Ti1.6 (PO4)3".
      skip_spaces();
    } else {
      break;
    }
  }
  if (terms == 0) {
    check_letter_o();
    char32_t c = peek();
    if (is_lower(c)) {
      fail(p_, "element symbols start with a capital letter, found " + describe_char(c));
    }
    fail(p_, "expected an element symbol or '(' but found " + describe_char(c));
  }
  unit.end = raw_.size();
  // A unit made only of bracketed groups is a list of components: "(Li2O)50 (P2O5)50".
  split = depth == 0 && groups == terms && groups >= 2;
  if (split) {
    for (std::size_t i = parts_begin; i < pending_.size(); ++i) {
      pending_[i].coefficient = product(pending_[i].coefficient, coefficient, p_);
      pending_[i].moles = pending_[i].coefficient;
    }
  } else {
    pending_.resize(parts_begin);
  }
  return unit;
}

bool Parser::parse_alias() {
  // The longest run of ASCII letters and digits, looked up as a whole.
  static const std::size_t kLongest = max_alias_length();
  char name[32];
  std::size_t n = 0;
  while (n <= kLongest && n < sizeof name) {
    char32_t c = peek(n);
    if (!(is_upper(c) || is_lower(c) || is_digit(c))) break;
    name[n] = static_cast<char>(c);
    ++n;
  }
  if (n < 2 || n > kLongest) return false;
  const Alias* alias = find_alias(std::string_view(name, n));
  if (alias == nullptr) return false;
  // Each abbreviation's formula is parsed once per thread, then taken from this cache.
  static thread_local std::unordered_map<const Alias*, Composition> expansions;
  auto it = expansions.find(alias);
  if (it == expansions.end()) {
    FormulaOptions plain;
    plain.aliases = false;
    it = expansions.emplace(alias, parse_formula(alias->formula, plain).composition).first;
  }
  for (const auto& e : it->second.entries()) {
    raw_.push_back(e);
    scratch_.raw_at.push_back(p_);
  }
  result_.aliases.push_back(alias);
  if (alias->status != AliasStatus::kExact) {
    result_.approximate = true;
    result_.warnings.push_back(
        std::string(alias->name) + " is " + std::string(to_string(alias->status)) + ": read as " +
        alias->formula + (alias->note.empty() ? "" : " (" + alias->note + ")"));
  }
  p_ += n;
  return true;
}

// One element or isotope with its amount and charge; returns whether an amount was written.
bool Parser::parse_element() {
  std::size_t start = p_;
  char32_t c0 = peek();
  char32_t c1 = peek(1);
  Species species;
  int z = 0;
  std::size_t len = 1;
  if (is_lower(c1)) {
    z = symbol_to_z(static_cast<char>(c0), static_cast<char>(c1));
    if (z != 0) len = 2;
  }
  if (z == 0) z = symbol_to_z(static_cast<char>(c0));
  if (z == 0 && (c0 == 'D' || c0 == 'T')) {
    z = 1;
    species.mass_number = c0 == 'D' ? 2 : 3;
  }
  if (z == 0) {
    std::string symbol(1, static_cast<char>(c0));
    if (is_lower(c1)) symbol += static_cast<char>(c1);
    std::size_t caps = 0;
    while (is_upper(peek(caps)) || is_digit(peek(caps))) ++caps;
    fail(start, "unknown element symbol '" + symbol + "'",
         caps >= 3 ? "not an element symbol or a known abbreviation (see data/formula_aliases.csv)"
                   : "");
  }
  species.z = static_cast<std::uint8_t>(z);
  p_ += len;
  Amount amount{Number(1)};
  bool written = parse_amount(amount);
  int charge = 0;
  bool explicit_charge = peek() == '^' || is_superscript(peek());
  if (parse_charge(amount, written, charge)) {
    species.has_charge = true;
    species.charge = static_cast<std::int8_t>(charge);
    // The amount may follow an explicit charge: Fe^{3+}2O3.
    if (explicit_charge && !written) written = parse_amount(amount);
  }
  raw_.push_back(Composition::Entry{species, amount});
  scratch_.raw_at.push_back(start);
  return written && (explicit_charge || !species.has_charge);
}

// "Lao.54" is "La0.54" typed with the letter o: say so instead of "unexpected 'o'".
void Parser::check_letter_o() const {
  if (peek() == 'o' && (is_digit(peek(1)) || peek(1) == '.')) {
    fail(p_, "letter 'o' where a number is expected", "did you mean the digit 0?");
  }
}

// After an element or a closing bracket: "2", "0.95", ".95", "1/3", "x", "2-x", "2.5-2y+2z".
bool Parser::parse_amount(Amount& out) {
  check_letter_o();
  char32_t c = peek();
  bool leading_point = c == '.' && is_digit(peek(1)) && !adduct_follows(p_);
  if (!is_digit(c) && !is_variable(c) && !leading_point) return false;
  return parse_expression(out, true);
}

// An affine expression: a term, then "+term" / "-term". After a symbol the sign continues the
// expression only when the next term has a variable, since otherwise it separates mixture
// components (Li2S-P2S5) or is a charge (Fe2+); inside "(1-x)" every term continues it.
bool Parser::parse_expression(Amount& out, bool after_symbol) {
  if (!parse_term(out, false, after_symbol)) return false;
  while (peek() == '+' || peek() == '-') {
    std::size_t save = p_;
    bool minus = peek() == '-';
    ++p_;
    Amount t;
    if (peek() == 'd' && !is_lower(peek(1))) {
      ++p_;  // "O3-d": d for δ
      t = Amount::variable(variable_name('d'));
    } else if (!parse_term(t, after_symbol, after_symbol)) {
      p_ = save;
      break;
    }
    out = minus ? out - t : out + t;
  }
  return true;
}

// One term: a number, a number times a variable, or a variable.
bool Parser::parse_term(Amount& out, bool require_variable, bool after_symbol) {
  std::size_t save = p_;
  Number n(1);
  bool number = false;
  if (is_digit(peek()) || (after_symbol && peek() == '.' && is_digit(peek(1)))) {
    if (peek() == '0' && is_digit(peek(1))) {
      std::size_t i = p_;
      while (is_digit(at(i))) ++i;
      if (at(i) != '.') {
        fail(p_, "amount with a leading zero",
             "did you mean the letter O? (for example PO4, not P04)");
      }
    }
    if (!scan_number(p_, n, after_symbol)) return false;
    number = true;
  }
  // Variables are single letters: the w of "5wt%" is not one.
  if (is_variable(peek()) && !is_lower(peek(1))) {
    out = Amount::variable(variable_name(peek()), n);
    ++p_;
    return true;
  }
  if (!number || require_variable) {
    p_ = save;
    return false;
  }
  out = Amount(n);
  return true;
}

// Digits with an optional decimal part or "/denominator" (after a symbol also ".95"); leaves
// i after the number. After a symbol a '.' may instead start a hydrate (CuSO4.5H2O), which
// cannot happen inside a coefficient (·1.5H2O). Accumulates the exact value directly; only
// very long numbers go through Number::parse.
bool Parser::scan_number(std::size_t& i, Number& out, bool after_symbol) const {
  constexpr std::int64_t kLimit = 100'000'000'000'000'000;  // 1e17: one more digit fits
  std::size_t start = i;
  std::int64_t num = 0;
  std::int64_t den = 1;
  bool overflow = false;
  auto take_digits = [&](std::int64_t& value, bool scale_den) {
    for (; is_digit(at(i)); ++i) {
      if (value >= kLimit || den >= kLimit) {
        overflow = true;
        continue;
      }
      value = value * 10 + static_cast<std::int64_t>(at(i) - '0');
      if (scale_den) den *= 10;
    }
  };
  take_digits(num, false);
  bool point = at(i) == '.' && is_digit(at(i + 1)) && !(after_symbol && adduct_follows(i));
  if (i == start && !point) return false;
  std::int64_t divisor = 1;
  if (point) {
    ++i;
    take_digits(num, true);
  } else if (at(i) == '/' && is_digit(at(i + 1))) {
    ++i;
    divisor = 0;
    take_digits(divisor, false);
    if (divisor == 0) fail(i - 1, "division by zero in a fraction");
  }
  if (overflow) {
    std::string text = at(start) == '.' ? "0" : "";
    for (std::size_t k = start; k < i; ++k) text += static_cast<char>(at(k));
    if (!Number::parse(text, out)) fail(start, "number out of range");
    return true;
  }
  out = Number::fraction(num, den * divisor);
  return true;
}

// "CuSO4.5H2O", "LiCl.5H2O": the '.' at `dot` separates a solvent, it is not a decimal point.
bool Parser::adduct_follows(std::size_t dot) const {
  // After a whole number the integer before the point must not be 0 (Li0.5H2O is Li 0.5).
  std::size_t k = dot;
  while (k > 0 && is_digit(at(k - 1))) --k;
  if (k + 1 == dot && at(k) == '0') return false;
  std::size_t i = dot + 1;
  while (is_digit(at(i)) || is_variable(at(i))) ++i;
  for (std::string_view unit : kSolventFormulas) {
    bool match = true;
    for (std::size_t j = 0; j < unit.size(); ++j) {
      if (at(i + j) != static_cast<unsigned char>(unit[j])) match = false;
    }
    char32_t after = at(i + unit.size());
    if (match && !is_digit(after) && !is_lower(after)) return true;
  }
  return false;
}

// Fe^{3+}, Fe^3+, Fe³⁺, and CIF-style Fe2+, O2-, Cl- at the end of a component.
bool Parser::parse_charge(Amount& amount, bool amount_written, int& charge) {
  auto sign_of = [](char32_t c) { return c == '+' || c == kSuperPlus ? 1 : -1; };
  if (peek() == '^' || is_superscript(peek())) {
    std::size_t start = p_;
    bool caret = peek() == '^';
    if (caret) ++p_;
    bool brace = caret && peek() == '{';
    if (brace) ++p_;
    int magnitude = 0;
    int sign = 0;
    for (;;) {
      char32_t c = peek();
      if (caret && is_digit(c)) {
        magnitude = magnitude * 10 + static_cast<int>(c - '0');
      } else if (!caret && c >= kSuperscript && c < kSuperPlus) {
        magnitude = magnitude * 10 + static_cast<int>(c - kSuperscript);
      } else if (sign == 0 &&
                 (caret ? (c == '+' || c == '-') : (c == kSuperPlus || c == kSuperMinus))) {
        sign = sign_of(c);
        // Without braces the sign ends the charge: in Fe^3+2O3 the 2 is the amount.
        if (caret && !brace && magnitude > 0) {
          ++p_;
          break;
        }
      } else {
        break;
      }
      ++p_;
      if (magnitude > 99) fail(start, "charge too large");
    }
    if (brace) {
      if (peek() != '}') fail(p_, "expected '}' to close the charge");
      ++p_;
    }
    if (sign == 0) fail(start, "a charge needs a sign", "write Fe^{3+} or Fe3+");
    charge = sign * (magnitude == 0 ? 1 : magnitude);
    return true;
  }
  char32_t c = peek();
  if (c != '+' && c != '-') return false;
  // The sign is a charge only when nothing of the formula follows it.
  std::size_t after = next_non_space(p_ + 1);
  char32_t next = at(after);
  if (!(next == kEnd || is_close(next) || next == ',' || starts_assignment(after))) return false;
  if (at(p_ + 1) != kEnd && at(p_ + 1) != ' ' && !is_close(at(p_ + 1)) && at(p_ + 1) != ',') {
    return false;
  }
  int magnitude = 1;
  if (amount_written) {
    auto n = amount.number();
    if (!n || !n->is_integer() || n->num() > 99) return false;
    magnitude = static_cast<int>(n->num());
  }
  ++p_;
  charge = sign_of(c) * magnitude;
  amount = Amount(Number(1));
  return true;
}

Span Parser::parse_group(std::size_t depth, Amount& multiplier) {
  std::size_t open = p_;
  char32_t closer = closer_of(peek());
  if (depth > kMaxDepth) {
    fail(open, "brackets nested deeper than " + std::to_string(kMaxDepth) + " levels");
  }
  ++p_;
  Span g{raw_.size(), raw_.size()};
  // A comma before the closing bracket makes this a mixed site: (Li,Na), (Li0.5,Na0.5).
  bool site = false;
  for (std::size_t i = p_, level = 0; i < end_; ++i) {
    char32_t c = chars_[i];
    if (is_open(c)) ++level;
    if (is_close(c)) {
      if (level == 0) break;
      --level;
    }
    if (c == ',' && level == 0) {
      site = true;
      break;
    }
  }
  if (site) {
    parse_site_list(open);
  } else {
    skip_spaces();
    parse_mixture(depth, closer);
  }
  skip_spaces();
  if (peek() != closer) {
    if (peek() == kEnd) {
      fail(open, describe_char(chars_[open]) + " is never closed", "add " + describe_char(closer));
    }
    if (is_close(peek())) {
      fail(p_, "expected " + describe_char(closer) + " to close " + describe_char(chars_[open]) +
                   " at column " + std::to_string(column(open)) + ", found " +
                   describe_char(peek()));
    }
    fail(p_, "unexpected " + describe_char(peek()) + " inside brackets");
  }
  last_close_ = p_++;
  g.end = raw_.size();
  parse_amount(multiplier);
  int charge = 0;
  parse_charge(multiplier, true, charge);  // a group's net charge does not change the amounts
  return g;
}

void Parser::parse_site_list(std::size_t open) {
  std::size_t first = raw_.size();
  std::size_t with_amount = 0;
  std::size_t members = 0;
  for (;;) {
    skip_spaces();
    if (!is_upper(peek())) fail(p_, "expected an element symbol on the mixed site");
    if (parse_element()) ++with_amount;
    ++members;
    skip_spaces();
    if (peek() != ',') break;
    ++p_;
  }
  if (with_amount == members) return;  // explicit amounts: an ordinary sum
  if (with_amount != 0) {
    fail(open, "give amounts for every element on the mixed site or for none");
  }
  // Unknown split: share the site equally and say so; finish() reports it as a mixed site.
  std::string names;
  for (std::size_t i = first; i < raw_.size(); ++i) {
    raw_[i].amount = Amount(Number::fraction(1, static_cast<std::int64_t>(members)));
    names += (names.empty() ? "" : ",") + raw_[i].species.symbol();
  }
  scratch_.sites.push_back(PendingSite{Span{first, raw_.size()}});
  result_.approximate = true;
  result_.warnings.push_back("(" + names + "): the split of the site is not given; assumed equal");
}

// a * b, reported at `at` when both depend on variables (the amounts would not be affine).
Amount Parser::product(const Amount& a, const Amount& b, std::size_t at) const {
  try {
    return a * b;
  } catch (const InvalidArgument& e) {
    fail(at > 0 ? at - 1 : 0, e.what(), "give values for the variables, e.g. --set x=0.3");
  }
}

void Parser::scale(Span span, const Amount& factor) {
  if (factor.is_constant() && factor.constant() == Number(1)) return;
  for (std::size_t i = span.begin; i < span.end; ++i) {
    raw_[i].amount = product(raw_[i].amount, factor, p_);
  }
}

// Copies raw entries (before they are scaled) so a top-level component keeps its own formula.
Span Parser::snapshot(Span span) {
  Span copy{scratch_.units.size(), 0};
  scratch_.units.insert(scratch_.units.end(),
                        raw_.begin() + static_cast<std::ptrdiff_t>(span.begin),
                        raw_.begin() + static_cast<std::ptrdiff_t>(span.end));
  copy.end = scratch_.units.size();
  return copy;
}

Composition Parser::unit_composition(Span unit) const {
  std::vector<Composition::Entry> entries;
  entries.reserve(unit.end - unit.begin);
  for (std::size_t i = unit.begin; i < unit.end; ++i) {
    const auto& e = scratch_.units[i];
    entries.push_back(Composition::Entry{e.species, e.amount.substitute(result_.values)});
  }
  return Composition(std::move(entries));
}

// Top level with percentages: each item becomes exactly one component, even when the item
// without a percentage is itself an adduct ("CuSO4·5H2O – 30 wt% SiO2").
void Parser::merge_pending(std::span<Item> items) {
  for (std::size_t k = items.size(); k-- > 0;) {
    Item& item = items[k];
    if (item.pending_end - item.pending_begin == 1) continue;
    PendingComponent whole{item.text_begin,       item.text_end,          item.coefficient.value,
                           ComponentBasis::kMole, item.coefficient.value, snapshot(item.span)};
    auto first = pending_.begin() + static_cast<std::ptrdiff_t>(item.pending_begin);
    pending_.erase(first, pending_.begin() + static_cast<std::ptrdiff_t>(item.pending_end));
    pending_.insert(pending_.begin() + static_cast<std::ptrdiff_t>(item.pending_begin), whole);
  }
}

// Percentages of the whole: "Li3PS4 – 30 wt% SiO2", "75 mol% Li2S – P2S5". One component may
// leave its percentage out and take the rest. Weight percentages become moles with the
// components' molar masses; mole percentages are the amounts.
void Parser::resolve_percentages(std::span<Item> items, bool top) {
  ComponentBasis basis = ComponentBasis::kMole;
  Number given(0);
  Item* rest = nullptr;
  for (Item& item : items) {
    const Coefficient& c = item.coefficient;
    if (c.percent()) {
      if (basis != ComponentBasis::kMole && basis != c.basis) {
        fail(item.text_begin, "cannot mix wt% and mol% in one mixture");
      }
      basis = c.basis;
      auto n = c.value.number();
      if (!n) fail(item.text_begin, "a percentage must be a number");
      if (n->negative() || n->is_zero()) fail(item.text_begin, "a percentage must be positive");
      given += *n;
    } else if (c.present) {
      fail(item.text_begin, "cannot mix percentages and plain amounts",
           "give every component as a percentage, or leave one out to take the rest");
    } else if (rest != nullptr) {
      fail(item.text_begin, "only one component may leave its percentage out");
    } else {
      rest = &item;
    }
  }
  Number remainder = Number(100) - given;
  if (rest != nullptr && (remainder.negative() || remainder.is_zero())) {
    fail(rest->text_begin, "the percentages already add up to " + given.to_string());
  }
  if (top) merge_pending(items);
  auto record = [&](std::size_t k, const Amount& moles) {
    if (!top) return;
    pending_[k].moles = moles;
    if (&items[k] == rest) {
      pending_[k].basis = basis;
      pending_[k].coefficient = Amount(remainder);
    }
  };
  if (basis == ComponentBasis::kMolePercent) {
    // The percentages are already the amounts (parse_component scaled them); the rest remains.
    for (std::size_t k = 0; k < items.size(); ++k) {
      if (&items[k] == rest) scale(items[k].span, Amount(remainder));
      record(k, &items[k] == rest ? Amount(remainder) : items[k].coefficient.value);
    }
    return;
  }
  std::vector<double> moles;
  double total = 0;
  for (const Item& item : items) {
    double w = &item == rest ? remainder.value() : item.coefficient.value.number()->value();
    double mass = 0;
    for (std::size_t i = item.span.begin; i < item.span.end; ++i) {
      auto n = raw_[i].amount.number();
      if (!n) {
        fail(item.text_begin, "a weight-percent mixture needs numeric amounts",
             "give values for the variables, e.g. --set x=0.3");
      }
      mass += n->value() * raw_[i].species.mass();
    }
    moles.push_back(w / mass);
    total += moles.back();
  }
  for (std::size_t k = 0; k < items.size(); ++k) {
    Amount fraction(Number::approximate(moles[k] / total));
    scale(items[k].span, fraction);
    record(k, fraction);
  }
  result_.approximate = true;
  result_.warnings.push_back("weight percentages converted to mole fractions with molar masses");
}

void Parser::finish() {
  result_.values = written_values_;
  for (const auto& [name, value] : options_.values) result_.values[name] = value;
  // Which variables occur, before substitution removes them.
  std::vector<std::string> used;
  for (const auto& e : raw_) {
    if (e.amount.is_constant()) continue;
    for (const auto& t : e.amount.terms()) used.push_back(t.variable);
  }
  for (const auto& [name, value] : result_.values) {
    if (std::find(used.begin(), used.end(), name) == used.end()) {
      result_.warnings.push_back("the variable " + name + " does not occur in the formula");
    }
  }
  if (!result_.values.empty()) {
    for (auto& e : raw_) {
      if (!e.amount.is_constant()) e.amount = e.amount.substitute(result_.values);
    }
  }
  if (!scratch_.top_items.empty()) resolve_percentages(scratch_.top_items, true);
  for (std::size_t i = 0; i < raw_.size(); ++i) {
    if (auto n = raw_[i].amount.number(); n && n->negative()) {
      fail(scratch_.raw_at[i],
           "the amount of " + raw_[i].species.symbol() + " is negative (" + n->to_string() + ")",
           "check the variable values");
    }
  }
  for (const PendingSite& s : scratch_.sites) {
    MixedSite site{{}, Amount(Number(0))};
    for (std::size_t i = s.members.begin; i < s.members.end; ++i) {
      site.elements.push_back(raw_[i].species.z);
      site.total += raw_[i].amount;
    }
    result_.mixed_sites.push_back(std::move(site));
  }
  // Merges repeated species and drops exact zeros (Li1-xNax with x = 1).
  result_.composition = Composition(std::vector<Composition::Entry>(
      std::make_move_iterator(raw_.begin()), std::make_move_iterator(raw_.end())));
  if (result_.composition.empty()) fail(0, "the formula contains no atoms");
  if (pending_.size() > 1) {
    result_.components.reserve(pending_.size());
    for (const PendingComponent& c : pending_) {
      result_.components.push_back(FormulaComponent{
          source_text(c.text_begin, c.text_end), c.coefficient.substitute(result_.values), c.basis,
          c.moles.substitute(result_.values), unit_composition(c.unit)});
    }
  }
}

}  // namespace

std::string_view to_string(ComponentBasis basis) {
  switch (basis) {
    case ComponentBasis::kMole:
      return "mol";
    case ComponentBasis::kMolePercent:
      return "mol%";
    case ComponentBasis::kWeightPercent:
      return "wt%";
  }
  return "mol";
}

ParsedFormula parse_formula(std::string_view text, const FormulaOptions& options) {
  return Parser(text, options).run();
}

std::pair<std::string, Number> parse_binding(std::string_view text) {
  auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    throw InvalidArgument("expected NAME=VALUE, e.g. x=0.3, got '" + std::string(text) + "'");
  }
  std::string name(text.substr(0, eq));
  if (name == "d") name = "δ";  // as in the formula grammar
  std::string_view value = text.substr(eq + 1);
  bool negative = !value.empty() && value.front() == '-';
  if (negative) value.remove_prefix(1);
  Number n;
  if (!Number::parse(value, n)) {
    throw InvalidArgument("'" + std::string(text.substr(eq + 1)) + "' is not a number");
  }
  return {name, negative ? -n : n};
}

std::string ParsedFormula::descriptive() const {
  if (composition.symbolic()) return composition.formula();
  if (components.empty()) return composition.formula_plain();
  std::string out;
  for (const auto& c : components) {
    if (!out.empty()) out += ' ';
    out += "(" + c.composition.formula_plain() + ")";
    if (auto n = c.moles.number(); n && !(*n == Number(1))) out += decimal_text(*n);
  }
  return out;
}

std::optional<std::string> ParsedFormula::formula_hill() const {
  // A mixture's unit: its components with the smallest integer coefficients (75Li2S·25P2S5 is
  // 3Li2S·P2S5); without integer coefficients there is no chemically meaningful unit.
  if (components.empty()) return composition.formula_hill();
  std::int64_t g = 0;
  for (const auto& c : components) {
    auto n = c.moles.number();
    if (!n || !n->is_integer()) return std::nullopt;
    g = gcd64(g, n->num());
  }
  Composition unit;
  unit.add(composition, Amount(Number::fraction(1, g)));
  return unit.formula_hill();
}

}  // namespace pb::chem
