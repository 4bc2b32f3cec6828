#pragma once
/// Chemistry-aware tokens and sentences: numbers in every way papers print them ("1.2 × 10−3",
/// "10^-3", "1.2e-3", "10⁻³", "−20"), formulas kept whole ("Li1.3Al0.3Ti1.7(PO4)3",
/// "Ba0.95La0.05FeO3-δ"), units kept as words ("S", "cm−1", "mS/cm", "°C"), and sentence
/// boundaries that ignore "e.g.", "et al.", "Fig." and decimal points (docs/mining.md).
#include <cstddef>
#include <string_view>
#include <vector>

namespace pb::mining {

enum class TokenKind {
  kWord,    ///< letters, digits and inner punctuation: formulas, units, words
  kNumber,  ///< a number, with its power of ten if written ("1.2 × 10−3")
  kPunct,   ///< , ; : ( ) [ ] and a sentence-final period
  kSymbol,  ///< ± × ~ ≈ < > ≤ ≥ = – - / and other operators
};

/// One token: byte offsets into the tokenized text.
struct Token {
  TokenKind kind = TokenKind::kWord;
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string_view text;
  double value = 0.0;  ///< numbers only
  /// Numbers only: significant digits after the decimal point as written, for "1.23(4)"-style
  /// uncertainties.
  int decimals = 0;
};

/// Splits a text into tokens (offsets are bytes into `text`). Never throws; invalid UTF-8
/// bytes become one-byte symbols.
std::vector<Token> tokenize(std::string_view text);

/// A [begin, end) byte range.
struct Span {
  std::size_t begin = 0;
  std::size_t end = 0;
  bool operator==(const Span&) const = default;
};

/// Sentence spans in a block of text (trimmed; line breaks always end a sentence, so each
/// table row is its own sentence).
std::vector<Span> split_sentences(std::string_view text);

/// The code point at `pos` (UTF-8) and its length; invalid bytes read as U+FFFD with length 1.
char32_t code_point_at(std::string_view text, std::size_t pos, std::size_t& length);

/// Spaces as the tokenizer sees them: ASCII white space, no-break and thin spaces.
bool is_space_cp(char32_t c);
/// Minus signs: '-', U+2212 MINUS SIGN, U+2010/U+2011 hyphens, U+207B SUPERSCRIPT MINUS.
bool is_minus_cp(char32_t c);
/// Range dashes: U+2013 EN DASH, U+2014 EM DASH and the minus signs.
bool is_dash_cp(char32_t c);

}  // namespace pb::mining
