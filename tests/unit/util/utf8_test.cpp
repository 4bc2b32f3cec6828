#include "util/utf8.hpp"

#include <gtest/gtest.h>

using namespace pb;

TEST(Utf8, DecodesMultiByteAndRejectsMalformed) {
  std::size_t len = 0;
  EXPECT_EQ(utf8::decode("\xC2\xB7", 0, len), U'\u00B7');
  EXPECT_EQ(len, 2u);
  EXPECT_EQ(utf8::decode("\xE2\x82\x82", 0, len), U'\u2082');  // subscript two
  EXPECT_EQ(len, 3u);
  EXPECT_EQ(utf8::decode("\xFF", 0, len), utf8::kInvalid);
  EXPECT_EQ(utf8::decode("\xE2\x82", 0, len), utf8::kInvalid);      // truncated
  EXPECT_EQ(utf8::decode("\xC0\xAF", 0, len), utf8::kInvalid);      // overlong '/'
  EXPECT_EQ(utf8::decode("\xED\xA0\x80", 0, len), utf8::kInvalid);  // surrogate
}

TEST(Utf8, AppendRoundTrips) {
  for (char32_t cp : {U'a', U'\u00B7', U'\u03B4', U'\u2212', U'\U0001F600'}) {
    std::string s;
    utf8::append(s, cp);
    std::size_t len = 0;
    EXPECT_EQ(utf8::decode(s, 0, len), cp);
    EXPECT_EQ(len, s.size());
  }
  EXPECT_EQ(utf8::count_code_points("Li\xE2\x82\x82O"), 4u);
}

TEST(Utf8, AsciiLowerKeepsOtherBytes) {
  EXPECT_EQ(pb::utf8::ascii_lower("Li7La3Zr2O12 \u0394H \u00C5"), "li7la3zr2o12 \u0394h \u00C5");
}
