#include "util/units.hpp"

#include <cmath>
#include <optional>
#include <vector>

#include "util/error.hpp"
#include "util/utf8.hpp"

namespace pb::units {

namespace {

using Exps = std::array<std::int8_t, 6>;

// Base and derived symbols. "Ang" and "degC" are the spellings that normalise() gives Å and °C.
struct Symbol {
  std::string_view name;
  double factor;
  Exps exps;  // m kg s A K mol
  bool prefixable;
};

constexpr Symbol kSymbols[] = {
    {"m", 1.0, {1, 0, 0, 0, 0, 0}, true},
    {"g", 1e-3, {0, 1, 0, 0, 0, 0}, true},
    {"s", 1.0, {0, 0, 1, 0, 0, 0}, true},
    {"A", 1.0, {0, 0, 0, 1, 0, 0}, true},
    {"K", 1.0, {0, 0, 0, 0, 1, 0}, true},
    {"mol", 1.0, {0, 0, 0, 0, 0, 1}, true},
    {"S", 1.0, {-2, -1, 3, 2, 0, 0}, true},
    {"ohm", 1.0, {2, 1, -3, -2, 0, 0}, true},
    {"V", 1.0, {2, 1, -3, -1, 0, 0}, true},
    {"W", 1.0, {2, 1, -3, 0, 0, 0}, true},
    {"J", 1.0, {2, 1, -2, 0, 0, 0}, true},
    {"N", 1.0, {1, 1, -2, 0, 0, 0}, true},
    {"Pa", 1.0, {-1, 1, -2, 0, 0, 0}, true},
    {"Hz", 1.0, {0, 0, -1, 0, 0, 0}, true},
    {"C", 1.0, {0, 0, 1, 1, 0, 0}, true},
    {"eV", kElectronVolt, {2, 1, -2, 0, 0, 0}, true},
    {"cal", 4.184, {2, 1, -2, 0, 0, 0}, true},  // thermochemical calorie
    {"Ah", 3600.0, {0, 0, 1, 1, 0, 0}, true},
    {"Wh", 3600.0, {2, 1, -2, 0, 0, 0}, true},
    {"bar", 1e5, {-1, 1, -2, 0, 0, 0}, true},
    {"atm", 101325.0, {-1, 1, -2, 0, 0, 0}, false},
    {"Torr", 101325.0 / 760.0, {-1, 1, -2, 0, 0, 0}, false},
    {"L", 1e-3, {3, 0, 0, 0, 0, 0}, true},
    {"Ang", 1e-10, {1, 0, 0, 0, 0, 0}, false},
    {"h", 3600.0, {0, 0, 1, 0, 0, 0}, false},
    {"hr", 3600.0, {0, 0, 1, 0, 0, 0}, false},
    {"min", 60.0, {0, 0, 1, 0, 0, 0}, false},
    {"degC", 1.0, {0, 0, 0, 0, 1, 0}, false},
    {"ppm", 1e-6, {0, 0, 0, 0, 0, 0}, false},
};

struct Prefix {
  char name;
  double factor;
};
constexpr Prefix kPrefixes[] = {{'p', 1e-12}, {'n', 1e-9}, {'u', 1e-6}, {'m', 1e-3}, {'c', 1e-2},
                                {'d', 1e-1},  {'k', 1e3},  {'M', 1e6},  {'G', 1e9},  {'T', 1e12}};

constexpr double kCelsiusOffset = 273.15;

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

[[noreturn]] void fail(std::string_view unit, const std::string& why) {
  throw InvalidArgument("unknown unit '" + std::string(unit) + "': " + why);
}

// Rewrites the Unicode spellings found in papers into ASCII: "S·cm⁻¹" -> "S cm-1", "Å" -> "Ang".
std::string normalise(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t len = 0;
    char32_t cp = utf8::decode(text, i, len);
    i += len;
    switch (cp) {
      case U'\u00B7':
      case U'\u22C5':
      case U'\u2219':
      case U'\u00D7':
      case U'\t':
        out += ' ';
        break;
      case U'\u2212':
      case U'\u2013':
      case U'\u207B':
        out += '-';
        break;
      case U'\u207A':
        out += '+';
        break;
      case U'\u2070':
        out += '0';
        break;
      case U'\u00B9':
        out += '1';
        break;
      case U'\u00B2':
        out += '2';
        break;
      case U'\u00B3':
        out += '3';
        break;
      case U'\u00B5':
      case U'\u03BC':
        out += 'u';
        break;
      case U'\u00C5':
      case U'\u212B':
        out += "Ang";
        break;
      case U'\u2126':
      case U'\u03A9':
        out += "ohm";
        break;
      case U'\u2103':
        out += "degC";
        break;
      case U'\u00B0':
        // "°C" is Celsius; "°K" is an old spelling of the kelvin.
        if (i < text.size() && text[i] == 'C') {
          out += "deg";
        } else if (!(i < text.size() && text[i] == 'K')) {
          fail(text, "'°' must be followed by C");
        }
        break;
      default:
        if (cp >= U'\u2074' && cp <= U'\u2079') {
          out += static_cast<char>('4' + (cp - U'\u2074'));
        } else if (cp < 0x80) {
          out += static_cast<char>(cp);
        } else {
          std::string ch;
          utf8::append(ch, cp == utf8::kInvalid ? U'\uFFFD' : cp);
          fail(text, "unexpected character '" + ch + "'");
        }
    }
  }
  return out;
}

const Symbol* find_symbol(std::string_view s) {
  for (const auto& sym : kSymbols) {
    if (sym.name == s) return &sym;
  }
  return nullptr;
}

// One piece of a letter run: a symbol with an optional prefix.
struct Piece {
  const Symbol* symbol;
  double prefix;
  std::size_t length;
};

std::optional<Piece> read_piece(std::string_view s) {
  if (const Symbol* sym = find_symbol(s)) return Piece{sym, 1.0, s.size()};
  if (s.size() > 1) {
    for (const auto& p : kPrefixes) {
      if (s[0] != p.name) continue;
      const Symbol* sym = find_symbol(s.substr(1));
      if (sym != nullptr && sym->prefixable) return Piece{sym, p.factor, s.size()};
    }
  }
  return std::nullopt;
}

// Splits a run of letters ("Scm", "mAh") into the fewest symbols, so "mAh" is one milliamp-hour
// and "Scm" is siemens times centimetre.
std::optional<std::vector<Piece>> split_run(std::string_view run) {
  const std::size_t n = run.size();
  std::vector<int> best(n + 1, -1);
  std::vector<std::optional<Piece>> choice(n + 1);
  best[n] = 0;
  for (std::size_t i = n; i-- > 0;) {
    for (std::size_t j = n; j > i; --j) {
      if (best[j] < 0) continue;
      auto piece = read_piece(run.substr(i, j - i));
      if (piece && (best[i] < 0 || best[j] + 1 < best[i])) {
        best[i] = best[j] + 1;
        choice[i] = piece;
      }
    }
  }
  if (best[0] < 0) return std::nullopt;
  std::vector<Piece> pieces;
  for (std::size_t i = 0; i < n; i += choice[i]->length) pieces.push_back(*choice[i]);
  return pieces;
}

void accumulate(Unit& u, const Symbol& sym, double prefix, int power) {
  u.factor *= std::pow(sym.factor * prefix, power);
  for (std::size_t k = 0; k < 6; ++k) {
    u.dimension.exponents[k] =
        static_cast<std::int8_t>(u.dimension.exponents[k] + sym.exps[k] * power);
  }
}

}  // namespace

std::string Dimension::to_string() const {
  static constexpr std::string_view kNames[] = {"m", "kg", "s", "A", "K", "mol"};
  std::string s;
  for (std::size_t k = 0; k < 6; ++k) {
    if (exponents[k] == 0) continue;
    if (!s.empty()) s += ' ';
    s += kNames[k];
    if (exponents[k] != 1) s += std::to_string(exponents[k]);
  }
  return s.empty() ? "1" : s;
}

Unit parse_unit(std::string_view text) {
  Unit u;
  u.text = std::string(text);
  std::string s = normalise(text);
  // Trim.
  while (!s.empty() && s.back() == ' ') s.pop_back();
  std::size_t start = s.find_first_not_of(' ');
  s = start == std::string::npos ? std::string{} : s.substr(start);
  if (s.empty()) fail(text, "empty");
  if (s == "C" || s == "degC") {
    u.dimension.exponents[4] = 1;
    u.offset = kCelsiusOffset;
    return u;
  }
  if (s == "1" || s == "-") return u;
  int sign = 1;  // everything after '/' is in the denominator: "W/m K" = W m-1 K-1
  std::size_t i = 0;
  bool any = false;
  while (i < s.size()) {
    char c = s[i];
    if (c == ' ' || c == '*' || c == '.' || c == '(' || c == ')' ||
        (c == '-' && i + 1 < s.size() && is_letter(s[i + 1]) && i > 0 && is_letter(s[i - 1]))) {
      ++i;
      continue;
    }
    if (c == '1' && i + 1 < s.size() && s[i + 1] == '/') {  // "1/K"
      ++i;
      continue;
    }
    if (c == '/') {
      sign = -1;
      ++i;
      continue;
    }
    if (c == '%') {
      u.factor *= sign > 0 ? 0.01 : 100.0;
      any = true;
      ++i;
      continue;
    }
    if (!is_letter(c)) fail(text, "unexpected '" + std::string(1, c) + "'");
    std::size_t end = i;
    while (end < s.size() && is_letter(s[end])) ++end;
    std::string_view run = std::string_view(s).substr(i, end - i);
    // Exponent: "cm-1", "cm^-1", "cm3", "cm+2".
    std::size_t e = end;
    if (e < s.size() && s[e] == '^') ++e;
    std::size_t digits_start = e;
    if (e < s.size() && (s[e] == '-' || s[e] == '+')) ++e;
    std::size_t first_digit = e;
    while (e < s.size() && is_digit(s[e])) ++e;
    int power = 1;
    if (e > first_digit) {
      power = std::stoi(s.substr(first_digit, std::min<std::size_t>(e - first_digit, 3)));
      if (s[digits_start] == '-') power = -power;
    } else if (e != end && s[end] == '^') {
      fail(text, "'^' without an exponent");
    } else {
      e = end;
    }
    std::vector<Piece> pieces;
    if (sign < 0 && run == "mK") {
      pieces = {Piece{find_symbol("m"), 1.0, 1}, Piece{find_symbol("K"), 1.0, 1}};
    } else {
      auto split = split_run(run);
      if (!split) fail(text, "'" + std::string(run) + "' is not a unit symbol");
      pieces = std::move(*split);
    }
    for (std::size_t k = 0; k < pieces.size(); ++k) {
      int p = k + 1 == pieces.size() ? power : 1;
      accumulate(u, *pieces[k].symbol, pieces[k].prefix, p * sign);
    }
    any = true;
    i = e;
  }
  if (!any) fail(text, "no unit symbol");
  return u;
}

namespace {

// The factor that takes an SI value of `from`'s dimension to `to`'s, or nullopt.
std::optional<double> amount_factor(const Unit& from, const Unit& to) {
  if (from.dimension == to.dimension) return 1.0;
  Dimension shifted = from.dimension;
  shifted.exponents[5] = static_cast<std::int8_t>(shifted.exponents[5] + 1);
  if (shifted == to.dimension) return 1.0 / kAvogadro;  // per mole -> per particle
  shifted.exponents[5] = static_cast<std::int8_t>(shifted.exponents[5] - 2);
  if (shifted == to.dimension) return kAvogadro;  // per particle -> per mole
  return std::nullopt;
}

double checked_factor(const Unit& from, const Unit& to) {
  auto f = amount_factor(from, to);
  if (!f) {
    throw InvalidArgument("unit '" + from.text + "' (" + from.dimension.to_string() +
                          ") cannot be converted to '" + to.text + "' (" +
                          to.dimension.to_string() + ")");
  }
  return *f;
}

}  // namespace

bool convertible(const Unit& from, const Unit& to) { return amount_factor(from, to).has_value(); }

double convert(double value, const Unit& from, const Unit& to) {
  double k = checked_factor(from, to);
  double si = (value * from.factor + from.offset) * k;
  return (si - to.offset) / to.factor;
}

double convert_difference(double value, const Unit& from, const Unit& to) {
  return value * from.factor * checked_factor(from, to) / to.factor;
}

}  // namespace pb::units
