// Parser: the tree it builds (through the canonical fully braced form) and where it points
// when a filter is wrong.
#include <gtest/gtest.h>

#include <string>

#include "optimade/ast.hpp"
#include "optimade/filter.hpp"
#include "optimade/lexer.hpp"

using namespace pb::optimade;

namespace {

std::string braced(std::string_view filter) { return parse_filter(filter).to_string(); }

// The error of a filter that must not parse.
FilterError error_of(std::string_view filter) {
  try {
    parse_filter(filter);
  } catch (const FilterError& e) {
    return e;
  }
  ADD_FAILURE() << "parsed: " << filter;
  return FilterError(0, "");
}

}  // namespace

TEST(FilterParse, BothOperandOrdersAndConstants) {
  EXPECT_EQ(braced("nelements > 3"), "(nelements > 3)");
  EXPECT_EQ(braced("3 < nelements"), "(3 < nelements)");
  EXPECT_EQ(braced("5 < 7"), "(5 < 7)");
  EXPECT_EQ(braced("TRUE = _x_flag"), "(TRUE = _x_flag)");
  EXPECT_EQ(braced("a = b"), "(a = b)");
}

TEST(FilterParse, PrecedenceNotAndOr) {
  EXPECT_EQ(braced("a=1 OR b=2 AND NOT c=3"), "((a = 1) OR ((b = 2) AND (NOT (c = 3))))");
  EXPECT_EQ(braced("NOT (a=1 OR b=2) AND c=3"), "((NOT ((a = 1) OR (b = 2))) AND (c = 3))");
  EXPECT_EQ(braced("a=1 AND b=2 AND c=3 OR d=4"), "(((a = 1) AND (b = 2) AND (c = 3)) OR (d = 4))");
  EXPECT_EQ(braced("((a=1))"), "(a = 1)");
}

TEST(FilterParse, StringOperatorsAndEscapes) {
  EXPECT_EQ(braced("f STARTS WITH \"Li\" AND f STARTS \"Li\" AND f ENDS WITH \"O\" AND f ENDS "
                   "\"O\" AND f CONTAINS \"Nb\""),
            "((f STARTS WITH \"Li\") AND (f STARTS WITH \"Li\") AND (f ENDS WITH \"O\") AND "
            "(f ENDS WITH \"O\") AND (f CONTAINS \"Nb\"))");
  const Filter f = parse_filter(R"(x = "a\"b\\c")");
  EXPECT_EQ(std::get<std::string>(f.root().right.value), "a\"b\\c");
  EXPECT_EQ(std::get<std::string>(parse_filter("x = \"Sąžininga\"").root().right.value),
            "Sąžininga");
}

TEST(FilterParse, ListOperators) {
  EXPECT_EQ(braced("elements HAS \"Li\""), "(elements HAS \"Li\")");
  EXPECT_EQ(braced("elements HAS ALL \"Li\",\"O\""), "(elements HAS ALL \"Li\", \"O\")");
  EXPECT_EQ(braced("elements HASANY \"Li\", \"O\""), "(elements HAS ANY \"Li\", \"O\")");
  EXPECT_EQ(braced("elements HAS ONLY \"Li\""), "(elements HAS ONLY \"Li\")");
  EXPECT_EQ(braced("x HAS ANY > 3, = 6, 4, != 8"), "(x HAS ANY > 3, 6, 4, != 8)");
  EXPECT_EQ(braced("a:b HAS ALL \"H\":>6, \"He\":7"), "(a:b HAS ALL \"H\":> 6, \"He\":7)");
  EXPECT_EQ(braced("elements LENGTH 3"), "(elements LENGTH = 3)");
  EXPECT_EQ(braced("elements LENGTH >= 3"), "(elements LENGTH >= 3)");
  EXPECT_EQ(braced("x IS KNOWN AND NOT y IS UNKNOWN"), "((x IS KNOWN) AND (NOT (y IS UNKNOWN)))");
  EXPECT_EQ(braced("authors.lastname HAS \"Kanno\""), "(authors.lastname HAS \"Kanno\")");
  EXPECT_EQ(braced("flag AND NOT other"), "(flag AND (NOT other))");
}

TEST(FilterParse, NumbersInAllSpecForms) {
  for (const char* n :
       {"12345", "+12", "-34", "1.2", ".2E7", "-.2E+7", "+10.01E-10", "6.03e23", ".1E1", "-.1e1",
        "1.e-12", "-.1e-12", "1000000000.E1000000000", "1.", ".1"}) {
    const Filter f = parse_filter(std::string("x = ") + n);
    EXPECT_EQ(std::get<Number>(f.root().right.value).text, n);
  }
  EXPECT_EQ(std::get<Number>(parse_filter("x = +12").root().right.value).integer, 12);
  EXPECT_DOUBLE_EQ(std::get<Number>(parse_filter("x = -.2E+7").root().right.value).value, -2e6);
  for (const char* bad : {"1.234D12", ".e1", "-.E1", "+.E2", "1.23E+++", "+-123"})
    EXPECT_THROW(parse_filter(std::string("x = ") + bad), FilterError) << bad;
}

TEST(FilterParse, ErrorsPointAtTheColumn) {
  struct Case {
    const char* filter;
    std::size_t column;
    const char* words;
  };
  const Case cases[] = {
      {"nelements > ", 13, "expected a value after '>'"},
      {"nelements >= 3 AND chemical_formula_reduced = ", 47, "expected a value after '='"},
      {"elements HAS \"Li\", \"O\"", 18, "HAS takes one value"},
      {"(nelements > 3", 15, "expected ')' to close the '(' at column 1"},
      {"nelements > 3)", 14, "')' without a matching '('"},
      {"nelements = 'x'", 13, "double quotes"},
      {"Nelements > 3", 1, "unknown keyword 'Nelements'"},
      {"x = \"abc", 5, "unterminated string"},
      {"x = \"a\\nb\"", 7, "invalid escape"},
      {"x <> 3", 4, "expected a value after '<'"},
      {"x = 1 and y = 2", 7, "expected AND, OR or the end of the filter"},
      {"NOT NOT x = 1", 5, "NOT cannot follow NOT"},
      {"x CONTAINS 42", 12, "expected a string after 'CONTAINS'"},
      {"a:b HAS \"H\"", 12, "expected ':' and a value"},
      {"a:b HAS \"H\":1:2", 14, "more values joined by ':'"},
      {"", 1, "empty"},
      {"é = 1", 1, "unexpected character 'é'"},
      {"x = \"é\" AND ?", 13, "unexpected character '?'"},  // columns count code points
      {"x = 1 AND", 10, "expected a comparison after 'AND'"},
      {"x = - 1", 5, "'-' must be followed by a number"},
      {"x IS 3", 6, "expected KNOWN or UNKNOWN"},
  };
  for (const Case& c : cases) {
    FilterError e = error_of(c.filter);
    EXPECT_EQ(e.column(), c.column) << c.filter << " -> " << e.what();
    EXPECT_NE(e.message().find(c.words), std::string::npos) << c.filter << " -> " << e.what();
    EXPECT_NE(std::string(e.what()).find("column " + std::to_string(c.column)), std::string::npos)
        << e.what();
  }
}

TEST(FilterParse, InvalidUtf8AndControlCharacters) {
  EXPECT_THROW(parse_filter("x = \"\xff\""), FilterError);
  EXPECT_THROW(parse_filter("x = \"\xc3\""), FilterError);
  EXPECT_THROW(parse_filter(std::string("x = \"a\0b\"", 9)), FilterError);
  EXPECT_THROW(parse_filter("x = 1 \x01"), FilterError);
  EXPECT_NO_THROW(parse_filter("\v\f\t\tNOTa\n\n   \t > \n\r ___beta___\n\n"));
}

TEST(FilterParse, NestingIsBounded) {
  std::string ok, deep;
  for (std::size_t i = 0; i < kMaxFilterDepth - 1; ++i) ok += "(";
  ok += "x = 1";
  for (std::size_t i = 0; i < kMaxFilterDepth - 1; ++i) ok += ")";
  EXPECT_NO_THROW(parse_filter(ok));
  for (int i = 0; i < 100000; ++i) deep += "(";
  EXPECT_THROW(parse_filter(deep), FilterError);
  std::string nots;
  for (int i = 0; i < 100000; ++i) nots += "NOT (";
  EXPECT_THROW(parse_filter(nots), FilterError);
  // AND, OR and NOT nest at most kMaxBooleanDepth levels; the error points at the level.
  std::string nested = "x = 1";
  for (std::size_t i = 0; i < kMaxBooleanDepth; ++i) nested = "NOT (" + nested + ")";
  EXPECT_EQ(parse_filter(nested).to_string().substr(0, 10), "(NOT (NOT ");
  EXPECT_THROW(parse_filter("y = 1 OR NOT (" + nested + ")"), FilterError);
  // Long flat chains are not nesting: one n-ary node.
  std::string chain = "x = 0";
  for (int i = 1; i < 20000; ++i) chain += " AND x = " + std::to_string(i);
  EXPECT_EQ(parse_filter(chain).root().children.size(), 20000u);
}
