#include "util/csv.hpp"

#include <gtest/gtest.h>

#include "util/error.hpp"

using pb::csv::parse;
using pb::csv::split;

TEST(Csv, SplitsPlainAndQuotedFields) {
  EXPECT_EQ(split("a,b,,c"), (std::vector<std::string>{"a", "b", "", "c"}));
  EXPECT_EQ(split("\"x, y\",\"say \"\"hi\"\"\",z\r"),
            (std::vector<std::string>{"x, y", "say \"hi\"", "z"}));
}

TEST(Csv, ReportsUnterminatedQuoteWithLocation) {
  try {
    parse("a,b\nc,\"d\n", "t.csv");
    FAIL() << "expected ParseError";
  } catch (const pb::ParseError& e) {
    EXPECT_EQ(e.where().file, "t.csv");
    EXPECT_EQ(e.where().line, 2u);
    EXPECT_EQ(e.where().column, 3u);
    EXPECT_STREQ(e.what(), "t.csv:2:3: error: unterminated quoted field");
  }
}
