#pragma once
/// Tokens of the OPTIMADE filter language ("Lexical Tokens" and the TOKENS part of the EBNF
/// appendix). Separate from the parser so the number and identifier lists of the spec's test
/// suite can be checked token by token.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pb::optimade {

/// Keywords are runs of upper-case letters; AND, NOT, ... may be written without spaces between
/// them ("ANDNOT") because the grammar makes spaces optional after every token.
enum class Keyword {
  and_,
  not_,
  or_,
  is,
  known,
  unknown,
  contains,
  starts,
  ends,
  with,
  length,
  has,
  all,
  only,
  any,
  true_,
  false_
};

struct Token {
  enum class Kind {
    identifier,
    string,
    number,
    keyword,
    op,
    lparen,
    rparen,
    dot,
    comma,
    colon,
    end
  };
  Kind kind = Kind::end;
  std::size_t column = 1;  ///< 1-based, in code points
  std::string text;        ///< as written; for strings, the value with escapes undone
  Keyword keyword = Keyword::and_;
};

/// Splits a filter into tokens, ending with Kind::end; throws FilterError at the column of an
/// unknown character, keyword, bad escape, unterminated string, lone sign or invalid UTF-8.
std::vector<Token> lex(std::string_view text);

/// "AND", "NOT", ...
const char* keyword_text(Keyword k);

}  // namespace pb::optimade
