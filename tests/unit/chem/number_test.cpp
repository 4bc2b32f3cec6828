#include <gtest/gtest.h>

#include "chem/amount.hpp"
#include "chem/rational.hpp"
#include "util/error.hpp"

using pb::chem::Amount;
using pb::chem::Number;

TEST(Number, ParsesDecimalsAndFractionsExactly) {
  Number n;
  ASSERT_TRUE(Number::parse("0.95", n));
  EXPECT_TRUE(n.exact());
  EXPECT_EQ(n.num(), 19);
  EXPECT_EQ(n.den(), 20);
  ASSERT_TRUE(Number::parse("1/3", n));
  EXPECT_EQ(n.to_string(), "1/3");
  ASSERT_TRUE(Number::parse("12", n));
  EXPECT_TRUE(n.is_integer());
  EXPECT_FALSE(Number::parse("", n));
  EXPECT_FALSE(Number::parse("1/0", n));
  EXPECT_FALSE(Number::parse("1.2.3", n));
  EXPECT_FALSE(Number::parse("x", n));
}

TEST(Number, ArithmeticStaysExact) {
  // 0.8 * 0.6 * 2 is 0.96 exactly, not 0.9599999999999999.
  Number a = Number::fraction(4, 5) * Number::fraction(3, 5) * Number(2);
  EXPECT_EQ(a, Number::fraction(24, 25));
  EXPECT_EQ(a.to_string(), "0.96");
  EXPECT_EQ((Number::fraction(1, 3) * Number(3)).to_string(), "1");
  EXPECT_EQ((Number::fraction(1, 10) + Number::fraction(2, 10)).to_string(), "0.3");
  EXPECT_EQ(Number::fraction(-1, 8).to_string(), "-0.125");
}

TEST(Number, OverflowFallsBackToApproximate) {
  Number big = Number::fraction(1, 3037000499);  // squares past 2^63
  Number product = big * big * big;
  EXPECT_FALSE(product.exact());
  EXPECT_NEAR(product.value(), 1.0 / 3037000499.0 / 3037000499.0 / 3037000499.0, 1e-40);
  EXPECT_THROW(Number(1) / Number(0), pb::InvalidArgument);
}

TEST(Amount, AffineArithmeticAndSubstitution) {
  Amount two_minus_x = Amount(Number(2)) - Amount::variable("x");
  EXPECT_EQ(two_minus_x.to_string(), "2-x");
  Amount scaled = two_minus_x * Amount(Number(3));
  EXPECT_EQ(scaled.to_string(), "6-3x");
  Amount expr =
      Amount(Number::fraction(5, 2)) - Amount::variable("y", 2) + Amount::variable("z", 2);
  EXPECT_EQ(expr.to_string(), "2.5-2y+2z");
  pb::chem::Bindings v{{"y", Number::fraction(1, 10)}, {"z", Number::fraction(1, 5)}};
  EXPECT_EQ(*expr.substitute(v).number(), Number::fraction(27, 10));
  EXPECT_FALSE(expr.substitute({{"y", Number(0)}}).is_constant());
  EXPECT_THROW(Amount::variable("x") * Amount::variable("y"), pb::InvalidArgument);
  // x - x cancels to a constant.
  EXPECT_TRUE((Amount::variable("x") - Amount::variable("x")).is_constant());
}
