#include "optimade/lexer.hpp"

#include "optimade/filter.hpp"
#include "util/utf8.hpp"

namespace pb::optimade {

namespace {

struct KeywordName {
  std::string_view text;
  Keyword keyword;
};

constexpr KeywordName kKeywords[] = {
    {"AND", Keyword::and_},
    {"NOT", Keyword::not_},
    {"OR", Keyword::or_},
    {"IS", Keyword::is},
    {"KNOWN", Keyword::known},
    {"UNKNOWN", Keyword::unknown},
    {"CONTAINS", Keyword::contains},
    {"STARTS", Keyword::starts},
    {"ENDS", Keyword::ends},
    {"WITH", Keyword::with},
    {"LENGTH", Keyword::length},
    {"HAS", Keyword::has},
    {"ALL", Keyword::all},
    {"ONLY", Keyword::only},
    {"ANY", Keyword::any},
    {"TRUE", Keyword::true_},
    {"FALSE", Keyword::false_},
};

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower(char c) { return (c >= 'a' && c <= 'z') || c == '_'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }

class Lexer {
 public:
  explicit Lexer(std::string_view text) : s_(text) {}

  std::vector<Token> run() {
    std::vector<Token> out;
    for (;;) {
      while (pos_ < s_.size() && is_space(s_[pos_])) advance(1);
      Token t;
      t.column = column_;
      if (pos_ >= s_.size()) {
        t.kind = Token::Kind::end;
        out.push_back(std::move(t));
        return out;
      }
      const char c = s_[pos_];
      if (is_lower(c)) {
        std::size_t n = 1;
        while (pos_ + n < s_.size() && (is_lower(s_[pos_ + n]) || is_digit(s_[pos_ + n]))) ++n;
        t.kind = Token::Kind::identifier;
        t.text = std::string(s_.substr(pos_, n));
        advance(n);
      } else if (is_upper(c)) {
        keyword(t);
      } else if (c == '"') {
        string(t);
      } else if (is_digit(c) || c == '+' || c == '-' ||
                 (c == '.' && pos_ + 1 < s_.size() && is_digit(s_[pos_ + 1]))) {
        number(t);
      } else {
        single(t, c);
      }
      out.push_back(std::move(t));
    }
  }

 private:
  // Moves over n ASCII bytes.
  void advance(std::size_t n) {
    pos_ += n;
    column_ += n;
  }

  [[noreturn]] void fail(std::size_t column, std::string message) const {
    throw FilterError(column, std::move(message));
  }

  // The longest keyword at the position; an upper-case run that starts with none is an error.
  void keyword(Token& t) {
    std::string_view rest = s_.substr(pos_);
    const KeywordName* best = nullptr;
    for (const auto& k : kKeywords) {
      if (rest.starts_with(k.text) && (best == nullptr || k.text.size() > best->text.size()))
        best = &k;
    }
    if (best == nullptr) {
      std::size_t n = 0;
      while (n < rest.size() && (is_upper(rest[n]) || is_lower(rest[n]) || is_digit(rest[n]))) ++n;
      fail(column_, "unknown keyword '" + std::string(rest.substr(0, n)) +
                        "' (operators are AND, OR, NOT, IS KNOWN, IS UNKNOWN, CONTAINS, STARTS, "
                        "ENDS, HAS, HAS ALL, HAS ANY, HAS ONLY, LENGTH; property names are lower "
                        "case)");
    }
    t.kind = Token::Kind::keyword;
    t.keyword = best->keyword;
    t.text = std::string(best->text);
    advance(best->text.size());
  }

  // '"' { char | '\"' | '\\' } '"'; the grammar allows no other escape and no control
  // character except the white-space ones.
  void string(Token& t) {
    const std::size_t start_column = column_;
    advance(1);
    std::string value;
    for (;;) {
      if (pos_ >= s_.size()) fail(start_column, "unterminated string (no closing '\"')");
      const char c = s_[pos_];
      if (c == '"') {
        advance(1);
        break;
      }
      if (c == '\\') {
        if (pos_ + 1 < s_.size() && (s_[pos_ + 1] == '"' || s_[pos_ + 1] == '\\')) {
          value += s_[pos_ + 1];
          advance(2);
          continue;
        }
        if (pos_ + 1 >= s_.size()) fail(start_column, "unterminated string (no closing '\"')");
        fail(column_, "invalid escape in string: only \\\" and \\\\ are allowed");
      }
      const auto u = static_cast<unsigned char>(c);
      if (u >= 0x80) {
        std::size_t length = 0;
        if (utf8::decode(s_, pos_, length) == utf8::kInvalid)
          fail(column_, "invalid UTF-8 in string");
        value.append(s_.substr(pos_, length));
        pos_ += length;
        column_ += 1;
        continue;
      }
      if ((u < 0x20 && !is_space(c)) || u == 0x7F)
        fail(column_, "control character " + hex(u) + " in string");
      value += c;
      advance(1);
    }
    t.kind = Token::Kind::string;
    t.text = std::move(value);
  }

  // [sign] (digits ['.' [digits]] | '.' digits) [exponent]; the exponent is only taken when
  // digits follow it, so "1E" is the number 1 followed by a keyword.
  void number(Token& t) {
    std::size_t i = pos_;
    if (s_[i] == '+' || s_[i] == '-') ++i;
    const std::size_t mantissa = i;
    while (i < s_.size() && is_digit(s_[i])) ++i;
    const bool int_digits = i > mantissa;
    bool frac_digits = false;
    if (i < s_.size() && s_[i] == '.') {
      std::size_t j = i + 1;
      while (j < s_.size() && is_digit(s_[j])) ++j;
      frac_digits = j > i + 1;
      if (int_digits || frac_digits) i = j;
    }
    if (!int_digits && !frac_digits)
      fail(column_, std::string("'") + s_[pos_] + "' must be followed by a number");
    if (i < s_.size() && (s_[i] == 'e' || s_[i] == 'E')) {
      std::size_t j = i + 1;
      if (j < s_.size() && (s_[j] == '+' || s_[j] == '-')) ++j;
      if (j < s_.size() && is_digit(s_[j])) {
        while (j < s_.size() && is_digit(s_[j])) ++j;
        i = j;
      }
    }
    t.kind = Token::Kind::number;
    t.text = std::string(s_.substr(pos_, i - pos_));
    advance(i - pos_);
  }

  void single(Token& t, char c) {
    t.text = std::string(1, c);
    switch (c) {
      case '(':
        t.kind = Token::Kind::lparen;
        break;
      case ')':
        t.kind = Token::Kind::rparen;
        break;
      case '.':
        t.kind = Token::Kind::dot;
        break;
      case ',':
        t.kind = Token::Kind::comma;
        break;
      case ':':
        t.kind = Token::Kind::colon;
        break;
      case '=':
        t.kind = Token::Kind::op;
        break;
      case '<':
      case '>':
        t.kind = Token::Kind::op;
        if (pos_ + 1 < s_.size() && s_[pos_ + 1] == '=') t.text += '=';
        break;
      case '!':
        if (pos_ + 1 < s_.size() && s_[pos_ + 1] == '=') {
          t.kind = Token::Kind::op;
          t.text = "!=";
          break;
        }
        fail(column_, "'!' must be followed by '=' (write != for 'not equal')");
      case '\'':
        fail(column_, "strings are written in double quotes, not single quotes");
      default: {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x80) {
          std::size_t length = 0;
          if (utf8::decode(s_, pos_, length) == utf8::kInvalid) fail(column_, "invalid UTF-8");
          fail(column_, "unexpected character '" + std::string(s_.substr(pos_, length)) +
                            "' outside a string");
        }
        if (u < 0x20 || u == 0x7F) fail(column_, "unexpected control character " + hex(u));
        fail(column_, std::string("unexpected character '") + c + "'");
      }
    }
    advance(t.text.size());
  }

  static std::string hex(unsigned char u) {
    const char* digits = "0123456789ABCDEF";
    return std::string("0x") + digits[u >> 4] + digits[u & 15];
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  std::size_t column_ = 1;
};

}  // namespace

const char* keyword_text(Keyword k) {
  for (const auto& name : kKeywords) {
    if (name.keyword == k) return name.text.data();
  }
  return "?";
}

std::vector<Token> lex(std::string_view text) { return Lexer(text).run(); }

}  // namespace pb::optimade
