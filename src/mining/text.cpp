// Tokenizer and sentence splitter: one pass over code points each, offsets kept in bytes so that
// every extracted span points back into the stored text.
#include "mining/text.hpp"

#include <array>
#include <cmath>
#include <string>

#include "util/utf8.hpp"

namespace pb::mining {

namespace {

bool is_digit(char32_t c) { return c >= '0' && c <= '9'; }
bool is_upper(char32_t c) { return (c >= 'A' && c <= 'Z') || (c >= 0x391 && c <= 0x3A9); }
bool is_lower(char32_t c) { return (c >= 'a' && c <= 'z') || (c >= 0x3B1 && c <= 0x3C9); }

// Superscript digits (U+00B2, U+00B3, U+00B9, U+2070, U+2074-2079): their value, else -1.
int superscript_digit(char32_t c) {
  if (c == 0x2070) return 0;
  if (c == 0xB9) return 1;
  if (c == 0xB2) return 2;
  if (c == 0xB3) return 3;
  if (c >= 0x2074 && c <= 0x2079) return static_cast<int>(c - 0x2070);
  return -1;
}

// Code points that end a word wherever they are.
bool is_hard_break(char32_t c) {
  switch (c) {
    case ';':
    case '!':
    case '?':
    case '"':
    case '=':
    case '<':
    case '>':
    case '~':
    case 0x00B1:  // ±
    case 0x00D7:  // ×
    case 0x2264:
    case 0x2265:
    case 0x2248:
    case 0x223C:  // ≤ ≥ ≈ ∼
    case 0x201C:
    case 0x201D:
    case 0x2018:  // quotes
      return true;
    default:
      return false;
  }
}

bool is_open(char32_t c) { return c == '(' || c == '[' || c == '{'; }
bool is_close(char32_t c) { return c == ')' || c == ']' || c == '}'; }

struct Cp {
  char32_t c;
  std::size_t pos;  // byte offset
};

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {
    for (std::size_t pos = 0; pos < text.size();) {
      std::size_t len = 1;
      const char32_t c = code_point_at(text, pos, len);
      cps_.push_back({c, pos});
      pos += len;
    }
    cps_.push_back({0, text.size()});  // sentinel
  }

  std::vector<Token> run() {
    std::size_t i = 0;
    const std::size_t n = cps_.size() - 1;
    while (i < n) {
      const char32_t c = cps_[i].c;
      if (is_space_cp(c)) {
        ++i;
        continue;
      }
      if (std::size_t j = number(i); j > i) {
        i = j;
        continue;
      }
      if (is_open(c)) {  // "(PO4)3...", "(Li,Na)CoO2" or a bracket before a word
        i = word(i);
        continue;
      }
      if (c == ',' || c == ';' || c == ':' || is_close(c) || c == '.') {
        push(TokenKind::kPunct, i, i + 1);
        ++i;
        continue;
      }
      if (is_hard_break(c) || is_dash_cp(c) || c == '/' || c == '+' || c == '*' || c == 0xFFFD) {
        push(TokenKind::kSymbol, i, i + 1);
        ++i;
        continue;
      }
      i = word(i);
    }
    return std::move(tokens_);
  }

 private:
  char32_t at(std::size_t i) const { return i < cps_.size() ? cps_[i].c : 0; }

  void push(TokenKind kind, std::size_t from, std::size_t to, double value = 0, int decimals = 0) {
    Token t;
    t.kind = kind;
    t.begin = cps_[from].pos;
    t.end = cps_[to].pos;
    t.text = text_.substr(t.begin, t.end - t.begin);
    t.value = value;
    t.decimals = decimals;
    tokens_.push_back(t);
  }

  // A sign belongs to the number when nothing but space or an opening bracket/operator precedes
  // it ("at −20 °C"), not after a digit or letter ("25-80", "Li-O").
  bool sign_allowed(std::size_t i) const {
    if (i == 0) return true;
    const char32_t p = at(i - 1);
    return is_space_cp(p) || is_open(p) || p == '=' || p == '~' || p == 0x223C || p == 0x2248 ||
           p == '<' || p == '>' || p == 0x2264 || p == 0x2265;
  }

  // Reads an integer exponent (ASCII or superscript digits, optional sign); returns the index
  // after it or `i` when there is none.
  std::size_t exponent(std::size_t i, int& value) const {
    const std::size_t orig = i;
    bool negative = false;
    if (is_minus_cp(at(i)) || at(i) == 0x207B) {
      negative = true;
      ++i;
    } else if (at(i) == '+' || at(i) == 0x207A) {
      ++i;
    }
    const std::size_t start = i;
    int v = 0;
    while (i < cps_.size() - 1 && i - start < 4) {
      int d = is_digit(at(i)) ? static_cast<int>(at(i) - '0') : superscript_digit(at(i));
      if (d < 0) break;
      v = v * 10 + d;
      ++i;
    }
    if (i == start) return orig;
    value = negative ? -v : v;
    return i;
  }

  std::size_t number(std::size_t i) {
    std::size_t j = i;
    bool negative = false;
    if (is_minus_cp(at(j)) && at(j) != 0x207B && sign_allowed(j) && is_digit(at(j + 1))) {
      negative = true;
      ++j;
    }
    if (!(is_digit(at(j)) || (at(j) == '.' && is_digit(at(j + 1)) && sign_allowed(j)))) return i;
    // Digits inside a word ("Li7La3Zr2O12") belong to the word.
    if (i > 0 && !is_space_cp(at(i - 1)) && !is_open(at(i - 1)) && !is_dash_cp(at(i - 1)) &&
        !is_hard_break(at(i - 1)) && at(i - 1) != '/' && at(i - 1) != ',' && at(i - 1) != ':') {
      return i;
    }
    std::string digits;
    const std::size_t start = j;
    while (is_digit(at(j))) digits += static_cast<char>(at(j++));
    // Thousands separators: "1,037 mW/cm2" (SOFC-Exp PMC3564701), "12,500".
    const bool short_head = !digits.empty() && digits.size() <= 3;
    while (short_head && at(j) == ',' && is_digit(at(j + 1)) && is_digit(at(j + 2)) &&
           is_digit(at(j + 3)) && !is_digit(at(j + 4)) && at(j + 4) != ',') {
      for (std::size_t k = 1; k <= 3; ++k) digits += static_cast<char>(at(j + k));
      j += 4;
    }
    int decimals = 0;
    if (at(j) == '.' && is_digit(at(j + 1))) {
      digits += '.';
      ++j;
      while (is_digit(at(j))) {
        digits += static_cast<char>(at(j++));
        ++decimals;
      }
    }
    double value = std::strtod(digits.c_str(), nullptr);
    const bool bare_ten = digits == "10";
    // 1.2e-3, 1.2E+03
    if ((at(j) == 'e' || at(j) == 'E') &&
        (is_digit(at(j + 1)) ||
         ((is_minus_cp(at(j + 1)) || at(j + 1) == '+') && is_digit(at(j + 2))))) {
      int e = 0;
      std::size_t k = exponent(j + 1, e);
      if (k > j + 1 && !is_letter_after(k)) {
        value *= std::pow(10.0, e);
        j = k;
      }
    } else if (bare_ten && (at(j) == '^' || superscript_digit(at(j)) >= 0 || at(j) == 0x207B ||
                            (at(j) == 0x2212 && is_digit(at(j + 1))))) {
      // 10^-3, 10⁻³, 10−3 (a superscript lost in copy-paste; ASCII '-' would be a range)
      int e = 0;
      const std::size_t k = exponent(at(j) == '^' ? j + 1 : j, e);
      if (k > j) {
        value = std::pow(10.0, e);
        j = k;
      }
    } else {
      // 1.2 × 10−3, 1.2x10^-3, 1.2·10⁻³
      std::size_t k = j;
      while (is_space_cp(at(k))) ++k;
      const char32_t op = at(k);
      if (op == 0x00D7 || op == 'x' || op == 'X' || op == '*' || op == 0x00B7 || op == 0x22C5) {
        ++k;
        while (is_space_cp(at(k))) ++k;
        if (at(k) == '1' && at(k + 1) == '0') {
          k += 2;
          if (at(k) == '^') ++k;
          int e = 0;
          const std::size_t m = exponent(k, e);
          if (m > k) {
            value *= std::pow(10.0, e);
            j = m;
          }
        }
      }
    }
    if (j == start) return i;
    if (negative) value = -value;
    push(TokenKind::kNumber, i, j, value, decimals);
    return j;
  }

  bool is_letter_after(std::size_t k) const { return is_lower(at(k)) || is_upper(at(k)); }

  std::size_t word(std::size_t i) {
    std::size_t j = i;
    int depth = 0;
    while (j < cps_.size() - 1) {
      const char32_t c = at(j);
      if (is_space_cp(c) || is_hard_break(c)) break;
      if (c == ',' && depth <= 0) break;
      if (c == ':' && (is_space_cp(at(j + 1)) || j + 1 == cps_.size() - 1)) break;
      // A range dash after a number-like end splits ("x–y" stays, "300–700" never reaches here).
      if (is_open(c)) ++depth;
      if (is_close(c)) --depth;
      ++j;
    }
    // Trailing punctuation is not part of the word.
    std::size_t end = j;
    while (end > i) {
      const char32_t c = at(end - 1);
      if (c == '.' || c == ',' || c == ':' || c == 0x2019 || c == '\'') {
        --end;
        continue;
      }
      break;
    }
    const std::size_t trailing = end;
    // Brackets around the whole word or unbalanced at either end are punctuation.
    std::size_t begin = i;
    while (begin < end) {
      int d = 0;
      for (std::size_t k = begin; k < end; ++k) {
        if (is_open(at(k))) ++d;
        if (is_close(at(k))) --d;
      }
      if (is_open(at(begin)) && is_close(at(end - 1)) && d == 0 &&
          balanced_inside(begin + 1, end - 1)) {
        push(TokenKind::kPunct, begin, begin + 1);
        ++begin;
        closers_.push_back(--end);
        continue;
      }
      if (is_open(at(begin)) && d > 0) {
        push(TokenKind::kPunct, begin, begin + 1);
        ++begin;
        continue;
      }
      if (is_close(at(end - 1)) && d < 0) {
        closers_.push_back(--end);
        continue;
      }
      break;
    }
    if (end > begin) {
      const bool dash_only = end == begin + 1 && is_dash_cp(at(begin));
      // "(4)" in "1.23(4)", "(2019)": a bracketed number is a number.
      std::string digits;
      int decimals = 0;
      bool numeric = is_digit(at(begin));
      for (std::size_t k = begin; k < end && numeric; ++k) {
        if (is_digit(at(k))) {
          digits += static_cast<char>(at(k));
          if (digits.find('.') != std::string::npos) ++decimals;
        } else if (at(k) == '.' && digits.find('.') == std::string::npos && k + 1 < end) {
          digits += '.';
        } else {
          numeric = false;
        }
      }
      // "(28%)", "(0.1M, 5 mL)": a bracket kept the number and its unit together; split them
      // as outside brackets ("28 %" and "28%" read alike).
      std::size_t head = begin;
      if (!numeric && is_digit(at(begin))) {
        while (head < end && is_digit(at(head))) ++head;
        if (head + 1 < end && at(head) == '.' && is_digit(at(head + 1))) {
          ++head;
          while (head < end && is_digit(at(head))) ++head;
        }
      }
      if (numeric) {
        push(TokenKind::kNumber, begin, end, std::strtod(digits.c_str(), nullptr), decimals);
      } else if (head > begin && (at(head) == '%' || is_lower(at(head)) || is_upper(at(head)))) {
        std::string number;
        int places = 0;
        for (std::size_t k = begin; k < head; ++k) {
          number += static_cast<char>(at(k));
          if (number.find('.') != std::string::npos && at(k) != '.') ++places;
        }
        push(TokenKind::kNumber, begin, head, std::strtod(number.c_str(), nullptr), places);
        push(TokenKind::kWord, head, end);
      } else {
        push(dash_only ? TokenKind::kSymbol : TokenKind::kWord, begin, end);
      }
    }
    while (!closers_.empty()) {
      push(TokenKind::kPunct, closers_.back(), closers_.back() + 1);
      closers_.pop_back();
    }
    for (std::size_t k = trailing; k < j; ++k) push(TokenKind::kPunct, k, k + 1);
    return j;
  }

  // True when the brackets in [from, to) never close more than they open.
  bool balanced_inside(std::size_t from, std::size_t to) const {
    int d = 0;
    for (std::size_t k = from; k < to; ++k) {
      if (is_open(at(k))) ++d;
      if (is_close(at(k)) && --d < 0) return false;
    }
    return d == 0;
  }

  std::string_view text_;
  std::vector<Cp> cps_;
  std::vector<Token> tokens_;
  std::vector<std::size_t> closers_;
};

// Words after which a period does not end a sentence (lower case, without the period).
constexpr std::array<std::string_view, 52> kAbbreviations = {
    "e.g",  "i.e",   "et al", "al",     "fig", "figs",        "eq",   "eqs",  "ref",
    "refs", "vs",    "ca",    "approx", "no",  "nos",         "tab",  "sect", "sec",
    "ch",   "dr",    "prof",  "mr",     "ms",  "cf",          "resp", "vol",  "wt",
    "ed",   "eds",   "pp",    "inc",    "ltd", "st",          "jpn",  "chem", "soc",
    "phys", "mater", "lett",  "appl",   "sci", "electrochem", "int",  "j",    "temp",
    "conc", "exp",   "calc",  "avg",    "viz", "approx",      "resp"};

bool is_abbreviation_before(std::string_view text, std::size_t period) {
  std::size_t start = period;
  while (start > 0 && text[start - 1] != ' ' && text[start - 1] != '(' && text[start - 1] != '\n') {
    --start;
  }
  std::string word;
  for (std::size_t k = start; k < period; ++k) {
    const char c = text[k];
    word += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  // "et al." is two words.
  if (word == "al" && start >= 3 && text.substr(start - 3, 3) == "et ") return true;
  for (std::string_view a : kAbbreviations) {
    if (word == a) return true;
  }
  // An initial ("J. Smith") or a run of initials ("U.S.").
  if (period - start == 1 && text[start] >= 'A' && text[start] <= 'Z') return true;
  if (word.size() >= 3 && word[word.size() - 2] == '.') return true;
  return false;
}

}  // namespace

char32_t code_point_at(std::string_view text, std::size_t pos, std::size_t& length) {
  const char32_t c = utf8::decode(text, pos, length);
  if (c == utf8::kInvalid) {
    length = 1;
    return 0xFFFD;
  }
  return c;
}

bool is_space_cp(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0xA0 ||
         (c >= 0x2000 && c <= 0x200B) || c == 0x202F || c == 0x3000;
}

bool is_minus_cp(char32_t c) {
  return c == '-' || c == 0x2212 || c == 0x2010 || c == 0x2011 || c == 0x207B;
}

bool is_dash_cp(char32_t c) { return c == 0x2013 || c == 0x2014 || c == 0x2012 || is_minus_cp(c); }

std::vector<Token> tokenize(std::string_view text) { return Lexer(text).run(); }

std::vector<Span> split_sentences(std::string_view text) {
  std::vector<Span> out;
  std::size_t start = 0;
  auto emit = [&](std::size_t end) {
    std::size_t b = start;
    std::size_t e = end;
    while (b < e && (text[b] == ' ' || text[b] == '\t' || text[b] == '\r' || text[b] == '\n')) ++b;
    while (e > b && (text[e - 1] == ' ' || text[e - 1] == '\t' || text[e - 1] == '\r' ||
                     text[e - 1] == '\n')) {
      --e;
    }
    if (e > b) out.push_back({b, e});
    start = end;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      emit(i);
      continue;
    }
    if (c != '.' && c != '!' && c != '?') continue;
    std::size_t j = i + 1;
    while (j < text.size() &&
           (text[j] == ')' || text[j] == ']' || text[j] == '"' || text[j] == '\'')) {
      ++j;
    }
    if (j < text.size() && text[j] != ' ' && text[j] != '\n' && text[j] != '\t') continue;
    std::size_t k = j;
    while (k < text.size() && (text[k] == ' ' || text[k] == '\t')) ++k;
    if (k < text.size()) {
      const unsigned char n = static_cast<unsigned char>(text[k]);
      // A lower-case continuation is not a new sentence ("... at 25 °C. and", "Fig. 2a").
      if (n >= 'a' && n <= 'z') continue;
      if (c == '.' && is_abbreviation_before(text, i)) continue;
    }
    emit(j);
  }
  emit(text.size());
  return out;
}

}  // namespace pb::mining
