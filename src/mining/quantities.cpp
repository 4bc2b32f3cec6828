// Quantities: number patterns around the tokenizer's numbers, and the longest run of up to four
// unit-like tokens that src/util/units accepts.
#include "mining/quantities.hpp"

#include <array>
#include <cmath>
#include <string>

namespace pb::mining {

namespace {

using units::Dimension;

Dimension dim(std::array<std::int8_t, 6> e) { return Dimension{e}; }

// Words that never continue a unit ("5 V vs. Li", "25 °C and", "3 h in air").
bool unit_stop_word(std::string_view w) {
  static constexpr std::string_view kStop[] = {
      "at",  "and", "in", "to",   "of", "for", "with", "vs", "was", "were",  "is",
      "are", "by",  "or", "from", "on", "as",  "the",  "a",  "an",  "after", "over"};
  for (std::string_view s : kStop) {
    if (w == s) return true;
  }
  return false;
}

bool is_range_word(const Token& t) {
  if (t.kind == TokenKind::kSymbol) {
    std::size_t len = 0;
    const char32_t c = code_point_at(t.text, 0, len);
    return is_dash_cp(c) || c == '~' || c == 0x223C;
  }
  return t.kind == TokenKind::kWord && (t.text == "to" || t.text == "and");
}

bool is_composition_unit(std::string_view w) {
  return w == "mol%" || w == "wt%" || w == "at%" || w == "vol%" || w == "mol.%" || w == "wt.%" ||
         w == "at.%";
}

struct UnitMatch {
  std::size_t tokens = 0;  // tokens consumed
  std::string text;
  std::optional<units::Unit> unit;
  bool c_rate = false;
  bool composition = false;
};

// The unit starting at tokens[k]: the longest run of adjacent unit-like tokens that parses.
UnitMatch read_unit(std::string_view text, const std::vector<Token>& tokens, std::size_t k,
                    std::size_t number_end) {
  UnitMatch best;
  if (k >= tokens.size()) return best;
  const Token& first = tokens[k];
  // At most one space between the number and its unit.
  if (first.begin - number_end > 3) return best;
  if (first.kind != TokenKind::kWord) return best;
  if (first.text == "C" || first.text == "C-rate") {
    best.tokens = 1;
    best.text = std::string(first.text.substr(0, 1));
    best.c_rate = true;
    return best;
  }
  if (is_composition_unit(first.text)) {
    best.tokens = 1;
    best.text = std::string(first.text);
    best.composition = true;
    return best;
  }
  for (std::size_t m = 1; m <= 4 && k + m - 1 < tokens.size(); ++m) {
    const Token& last = tokens[k + m - 1];
    if (m > 1) {
      const Token& prev = tokens[k + m - 2];
      if (last.begin - prev.end > 1) break;  // units are written with single spaces
      if (last.kind == TokenKind::kWord && unit_stop_word(last.text)) break;
      if (last.kind != TokenKind::kWord && last.text != "/") break;
    }
    if (last.kind != TokenKind::kWord) continue;
    if (m == 1 && unit_stop_word(last.text)) break;
    const std::string_view candidate = text.substr(first.begin, last.end - first.begin);
    // "oC" for "°C": a degree sign lost in text extraction (SOFC-Exp PMC4495617 writes it so).
    std::string spelled(candidate);
    if (first.text == "oC") spelled.replace(0, 2, "\u00B0C");
    try {
      units::Unit u = units::parse_unit(spelled);
      best.tokens = m;
      best.text = std::string(candidate);
      best.unit = std::move(u);
    } catch (const std::exception&) {
    }
  }
  return best;
}

}  // namespace

namespace dims {
bool conductivity(const Dimension& d) { return d == dim({-3, -1, 3, 2, 0, 0}); }
bool energy(const Dimension& d) {
  return d == dim({2, 1, -2, 0, 0, 0}) || d == dim({2, 1, -2, 0, 0, -1});
}
bool temperature(const Dimension& d) { return d == dim({0, 0, 0, 0, 1, 0}); }
bool specific_capacity(const Dimension& d) { return d == dim({0, -1, 1, 1, 0, 0}); }
bool voltage(const Dimension& d) { return d == dim({2, 1, -3, -1, 0, 0}); }
bool current_density(const Dimension& d) {
  return d == dim({-2, 0, 0, 1, 0, 0}) || d == dim({0, -1, 0, 1, 0, 0});
}
bool specific_energy(const Dimension& d) { return d == dim({2, 0, -2, 0, 0, 0}); }
bool specific_power(const Dimension& d) { return d == dim({2, 0, -3, 0, 0, 0}); }
bool areal_power(const Dimension& d) { return d == dim({0, 1, -3, 0, 0, 0}); }
bool area_resistance(const Dimension& d) { return d == dim({4, 1, -3, -2, 0, 0}); }
bool time(const Dimension& d) { return d == dim({0, 0, 1, 0, 0, 0}); }
}  // namespace dims

std::vector<Quantity> find_quantities(std::string_view text, const std::vector<Token>& tokens) {
  std::vector<Quantity> out;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    // "C/10" is a rate without a separate number.
    if (t.kind == TokenKind::kWord && t.text.size() > 2 && t.text.starts_with("C/") &&
        t.text.find_first_not_of("0123456789", 2) == std::string_view::npos) {
      Quantity q;
      q.begin = q.unit_begin = t.begin;
      q.end = t.end;
      q.value = 1.0 / std::stod(std::string(t.text.substr(2)));
      q.value_text = std::string(t.text);
      q.unit_text = "C";
      q.c_rate = true;
      out.push_back(std::move(q));
      continue;
    }
    if (t.kind != TokenKind::kNumber) continue;
    Quantity q;
    q.begin = t.begin;
    q.value = t.value;
    std::size_t k = i + 1;
    std::size_t value_end = t.end;
    if (i > 0 && tokens[i - 1].kind == TokenKind::kSymbol && tokens[i - 1].end + 1 >= t.begin) {
      const std::string_view s = tokens[i - 1].text;
      if (s == "<" || s == ">" || s == "\u2264" || s == "\u2265" || s == "~" || s == "\u223C" ||
          s == "\u2248") {
        q.qualifier = std::string(s);
      }
    }
    // 1.23(4): uncertainty in the last digits.
    if (k + 2 < tokens.size() && tokens[k].text == "(" && tokens[k].begin == t.end &&
        tokens[k + 1].kind == TokenKind::kNumber && tokens[k + 2].text == ")") {
      q.uncertainty = tokens[k + 1].value * std::pow(10.0, -t.decimals);
      value_end = tokens[k + 2].end;
      k += 3;
    }
    // 1.2 ± 0.1
    if (k + 1 < tokens.size() && tokens[k].text == "\u00B1" &&
        tokens[k + 1].kind == TokenKind::kNumber) {
      q.uncertainty = std::fabs(tokens[k + 1].value);
      value_end = tokens[k + 1].end;
      k += 2;
    }
    UnitMatch unit = read_unit(text, tokens, k, value_end);
    // 25–80 °C, 25 to 80 °C, 2.5-4.3 V
    if (unit.tokens == 0 && k + 1 < tokens.size() && is_range_word(tokens[k]) &&
        tokens[k + 1].kind == TokenKind::kNumber) {
      UnitMatch after = read_unit(text, tokens, k + 2, tokens[k + 1].end);
      if (after.tokens > 0) {
        q.min = t.value;
        q.max = tokens[k + 1].value;
        value_end = tokens[k + 1].end;
        k += 2;
        unit = std::move(after);
      }
    } else if (unit.tokens > 0 && !q.uncertainty) {
      // 25 °C to 80 °C: a second number with the same unit.
      const std::size_t u = k + unit.tokens;
      if (u + 1 < tokens.size() && is_range_word(tokens[u]) &&
          tokens[u + 1].kind == TokenKind::kNumber && tokens[u].text != "and") {
        UnitMatch again = read_unit(text, tokens, u + 2, tokens[u + 1].end);
        if (again.tokens > 0 && again.text == unit.text) {
          q.min = t.value;
          q.max = tokens[u + 1].value;
          q.value_text = std::string(text.substr(t.begin, value_end - t.begin));
          q.unit_begin = tokens[k].begin;
          q.end = tokens[u + 1 + again.tokens].end;
          q.unit_text = unit.text;
          q.unit = unit.unit;
          out.push_back(std::move(q));
          i = u + 1 + again.tokens;
          continue;
        }
      }
    }
    if (unit.tokens == 0) continue;
    if (q.min && q.max && *q.min > *q.max) std::swap(*q.min, *q.max);
    q.value_text = std::string(text.substr(t.begin, value_end - t.begin));
    q.unit_begin = tokens[k].begin;
    q.end = tokens[k + unit.tokens - 1].end;
    q.unit_text = unit.text;
    q.unit = unit.unit;
    q.c_rate = unit.c_rate;
    q.composition = unit.composition;
    out.push_back(std::move(q));
    i = k + unit.tokens - 1;
  }
  return out;
}

}  // namespace pb::mining
