// Quantities: number patterns around the tokenizer's numbers, and the longest run of up to four
// unit-like tokens that src/util/units accepts.
#include "mining/quantities.hpp"

#include <algorithm>
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

// A word or dash joining the two ends of a range; "and" only after "between" ("between 2 and
// 5 V"), since "at 500 and 600 °C" names two temperatures.
bool is_range_word(const Token& t, bool after_between) {
  if (t.kind == TokenKind::kSymbol) {
    std::size_t len = 0;
    const char32_t c = code_point_at(t.text, 0, len);
    return is_dash_cp(c) || c == '~' || c == 0x223C;
  }
  return t.kind == TokenKind::kWord && (t.text == "to" || (after_between && t.text == "and"));
}

bool starts_with_dash(std::string_view s) {
  std::size_t len = 0;
  return !s.empty() && is_dash_cp(code_point_at(s, 0, len));
}

bool is_qualifier(std::string_view s) {
  return s == "<" || s == ">" || s == "\u2264" || s == "\u2265" || s == "~" || s == "\u223C" ||
         s == "\u2248";
}

// Numbers listed before a quantity share its unit: "25, 51, 97, 158, and 224 mW·cm–2" and
// "at 350, 375, and 400 °C" (SOFC-Exp PMC5331335). Returns the token indices of the listed
// numbers, first to last; `first` is the quantity's number, `floor` the first token not yet
// consumed by an earlier quantity.
std::vector<std::size_t> listed_numbers(const std::vector<Token>& tokens, std::size_t first,
                                        std::size_t floor) {
  std::vector<std::size_t> listed;
  std::size_t j = first;
  while (true) {
    // Skip the qualifier of the current number ("∼0.16 and ∼0.68 Ω cm2").
    std::size_t at = j;
    if (at > floor && tokens[at - 1].kind == TokenKind::kSymbol &&
        is_qualifier(tokens[at - 1].text))
      --at;
    // A separator: ",", "and", "or", ", and", ", or".
    if (at == floor) break;
    std::size_t sep = at - 1;
    bool word = false;
    if (tokens[sep].kind == TokenKind::kWord &&
        (tokens[sep].text == "and" || tokens[sep].text == "or")) {
      word = true;
      if (sep > floor && tokens[sep - 1].text == ",") --sep;
    } else if (tokens[sep].text != ",") {
      break;
    }
    if (sep == floor) break;
    const std::size_t n = sep - 1;
    if (tokens[n].kind != TokenKind::kNumber) break;
    // "between 2 and 5": a range, not a list.
    if (word && n > floor && tokens[n - 1].text == "between") break;
    listed.push_back(n);
    j = n;
  }
  std::reverse(listed.begin(), listed.end());
  return listed;
}

bool is_composition_unit(std::string_view w) {
  return w == "mol%" || w == "wt%" || w == "at%" || w == "vol%" || w == "mol.%" || w == "wt.%" ||
         w == "at.%";
}

// Composition units written with a space or a dot: "wt %", "wt.%", "mol %", "vol %".
bool is_composition_prefix(std::string_view w) {
  return w == "wt" || w == "wt." || w == "mol" || w == "mol." || w == "vol" || w == "vol." ||
         w == "at.";
}

// Adjectives hyphenated to a unit: "850-nm-thick", "8 nm-thick", "2-μm-sized".
constexpr std::string_view kUnitAdjectives[] = {"-thick", "-thin",     "-long",     "-wide",
                                                "-deep",  "-high",     "-tall",     "-sized",
                                                "-size",  "-diameter", "-diameters"};

std::string_view strip_unit_adjective(std::string_view w) {
  for (std::string_view a : kUnitAdjectives) {
    if (w.size() > a.size() && w.ends_with(a)) return w.substr(0, w.size() - a.size());
  }
  return w;
}

bool has_unit_adjective(std::string_view w) { return strip_unit_adjective(w).size() < w.size(); }

// Laboratory units that src/util/units does not read: spelled-out times ("3 hours", "4 days"),
// millilitres written "ml", molarity ("0.1 M", "5 mM"), stirring speed ("500 rpm"), gas flow
// ("50 sccm") and molecular mass ("10 kDa"). Synthesis sections write them so (e.g. the
// Materials Science Procedural Text Corpus, Mysore et al. 2019).
std::optional<units::Unit> lab_unit(std::string_view w) {
  struct Spelling {
    std::string_view word;
    std::string_view as;
  };
  static constexpr Spelling kSpellings[] = {
      {"ml", "mL"},    {"\u00B5l", "uL"},    {"\u03BCl", "uL"},       {"hours", "h"},
      {"hour", "h"},   {"hrs", "h"},         {"minutes", "min"},      {"minute", "min"},
      {"mins", "min"}, {"seconds", "s"},     {"second", "s"},         {"sec", "s"},
      {"secs", "s"},   {"ml/min", "mL/min"}, {"ml min-1", "mL min-1"}};
  for (const auto& sp : kSpellings) {
    if (w == sp.word) {
      units::Unit u = units::parse_unit(sp.as);
      u.text = std::string(w);
      return u;
    }
  }
  struct Made {
    std::string_view word;
    std::array<std::int8_t, 6> dimension;
    double factor;
  };
  static constexpr Made kMade[] = {
      {"days", {0, 0, 1, 0, 0, 0}, 86400.0},
      {"day", {0, 0, 1, 0, 0, 0}, 86400.0},
      {"weeks", {0, 0, 1, 0, 0, 0}, 604800.0},
      {"week", {0, 0, 1, 0, 0, 0}, 604800.0},
      {"M", {-3, 0, 0, 0, 0, 1}, 1000.0},
      {"mM", {-3, 0, 0, 0, 0, 1}, 1.0},
      {"\u00B5M", {-3, 0, 0, 0, 0, 1}, 1e-3},
      {"\u03BCM", {-3, 0, 0, 0, 0, 1}, 1e-3},
      {"rpm", {0, 0, -1, 0, 0, 0}, 1.0 / 60.0},
      {"sccm", {3, 0, -1, 0, 0, 0}, 1e-6 / 60.0},
      {"Da", {0, 1, 0, 0, 0, 0}, 1.66053906660e-27},
      {"kDa", {0, 1, 0, 0, 0, 0}, 1.66053906660e-24},
  };
  for (const auto& m : kMade) {
    if (w == m.word) return units::Unit{std::string(w), Dimension{m.dimension}, m.factor, 0.0};
  }
  return std::nullopt;
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
  // A line break ends a sentence (a table row), so a unit never continues on the next line.
  auto line_break = [&](std::size_t from, std::size_t to) {
    return text.substr(from, to - from).find_first_of("\n\r") != std::string_view::npos;
  };
  if (line_break(number_end, first.begin)) return best;
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
  if (is_composition_prefix(first.text) && k + 1 < tokens.size() && tokens[k + 1].text == "%" &&
      tokens[k + 1].begin - first.end <= 1) {
    best.tokens = 2;
    best.text = std::string(text.substr(first.begin, tokens[k + 1].end - first.begin));
    best.composition = true;
    return best;
  }
  for (std::size_t m = 1; m <= 4 && k + m - 1 < tokens.size(); ++m) {
    const Token& last = tokens[k + m - 1];
    if (m > 1) {
      const Token& prev = tokens[k + m - 2];
      if (last.begin - prev.end > 1) break;  // units are written with single spaces
      if (line_break(prev.end, last.begin)) break;
      if (last.kind == TokenKind::kWord && unit_stop_word(last.text)) break;
      if (last.kind != TokenKind::kWord && last.text != "/") break;
    }
    if (last.kind != TokenKind::kWord) continue;
    if (m == 1 && unit_stop_word(last.text)) break;
    const std::string_view candidate = text.substr(first.begin, last.end - first.begin);
    // "oC" for "°C": a degree sign lost in text extraction (SOFC-Exp PMC4495617 writes it so).
    std::string spelled(m == 1 ? strip_unit_adjective(candidate) : candidate);
    if (first.text == "oC") spelled.replace(0, 2, "\u00B0C");
    // "ml min−1": millilitres written in lower case.
    if (spelled.starts_with("ml") &&
        (spelled.size() == 2 || spelled[2] == ' ' || spelled[2] == '/'))
      spelled[1] = 'L';
    if (std::optional<units::Unit> lab = lab_unit(spelled)) {
      best.tokens = m;
      best.text = std::string(candidate);
      best.unit = std::move(lab);
      continue;
    }
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
  std::size_t floor = 0;  // first token after the last quantity
  // Adds a quantity and, before it, the numbers listed with it.
  auto emit = [&](Quantity q, std::size_t first_token, std::size_t next_token) {
    for (std::size_t n : listed_numbers(tokens, first_token, floor)) {
      Quantity l;
      l.begin = tokens[n].begin;
      l.end = tokens[n].end;
      l.unit_begin = q.unit_begin;
      l.value = tokens[n].value;
      l.value_text = std::string(tokens[n].text);
      l.unit_text = q.unit_text;
      l.unit = q.unit;
      l.c_rate = q.c_rate;
      l.composition = q.composition;
      l.listed = true;
      out.push_back(std::move(l));
    }
    out.push_back(std::move(q));
    floor = next_token;
  };
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
      floor = i + 1;
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
      if (is_qualifier(s)) q.qualifier = std::string(s);
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
    // "850-nm-thick": a hyphen between the number and a unit with an adjective.
    if (unit.tokens == 0 && k + 1 < tokens.size() && tokens[k].kind == TokenKind::kSymbol &&
        tokens[k].begin == value_end && tokens[k + 1].begin == tokens[k].end &&
        starts_with_dash(tokens[k].text) && has_unit_adjective(tokens[k + 1].text)) {
      UnitMatch after = read_unit(text, tokens, k + 1, tokens[k].end);
      if (after.tokens > 0) {
        ++k;
        unit = std::move(after);
      }
    }
    const bool after_between = i > 0 && tokens[i - 1].text == "between";
    // 25–80 °C, 25 to 80 °C, 2.5-4.3 V
    if (unit.tokens == 0 && k + 1 < tokens.size() && is_range_word(tokens[k], after_between) &&
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
      if (u + 1 < tokens.size() && is_range_word(tokens[u], false) &&
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
          emit(std::move(q), i, u + 2 + again.tokens);
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
    emit(std::move(q), i, k + unit.tokens);
    i = k + unit.tokens - 1;
  }
  return out;
}

}  // namespace pb::mining
