#include "chem/rational.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

#include "util/error.hpp"

namespace pb::chem {

std::int64_t gcd64(std::int64_t a, std::int64_t b) {
  if (a < 0) a = -a;
  if (b < 0) b = -b;
  while (b != 0) {
    std::int64_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

namespace {

__extension__ typedef __int128 Wide;  // GCC/Clang extension: exact 64x64 products
constexpr Wide kMax = std::numeric_limits<std::int64_t>::max();

Wide gcd_wide(Wide a, Wide b) {
  if (a < 0) a = -a;
  if (b < 0) b = -b;
  while (b != 0) {
    Wide t = a % b;
    a = b;
    b = t;
  }
  return a;
}

// Reduces num/den computed in 128 bits; falls back to a double when it does not fit in 64.
Number make(Wide num, Wide den) {
  if (den < 0) num = -num, den = -den;
  Wide g = gcd_wide(num, den);
  if (g > 1) num /= g, den /= g;
  if (num > kMax || num < -kMax || den > kMax) {
    return Number::approximate(static_cast<double>(num) / static_cast<double>(den));
  }
  return Number::fraction(static_cast<std::int64_t>(num), static_cast<std::int64_t>(den));
}

}  // namespace

Number Number::reduced(std::int64_t num, std::int64_t den) {
  if (den == 0) throw InvalidArgument("fraction with a zero denominator");
  if (den < 0) num = -num, den = -den;
  std::int64_t g = gcd64(num, den);
  Number n;
  n.num_ = g > 1 ? num / g : num;
  n.den_ = g > 1 ? den / g : den;
  return n;
}

Number Number::approximate(double value) {
  Number n;
  n.exact_ = false;
  n.value_ = value;
  return n;
}

bool Number::parse(std::string_view text, Number& out) {
  if (text.empty()) return false;
  if (auto slash = text.find('/'); slash != std::string_view::npos) {
    Number a, b;
    if (!parse(text.substr(0, slash), a) || !parse(text.substr(slash + 1), b)) return false;
    if (b.is_zero()) return false;
    out = a / b;
    return true;
  }
  // Digits before and after an optional point, accumulated exactly while they fit.
  std::int64_t num = 0;
  std::int64_t den = 1;
  bool point = false;
  bool digits = false;
  for (char c : text) {
    if (c == '.' && !point) {
      point = true;
      continue;
    }
    if (c < '0' || c > '9') return false;
    digits = true;
    if (num > (kMax - 9) / 10 || den > kMax / 10) {
      // More than ~18 significant digits: keep the value, lose exactness.
      // Refuse what a double cannot hold rather than read it as 0 or infinity.
      double v = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc() || end != text.data() + text.size() || v == 0) return false;
      out = approximate(v);
      return true;
    }
    num = num * 10 + (c - '0');
    if (point) den *= 10;
  }
  if (!digits) return false;
  out = fraction(num, den);
  return true;
}

Number Number::operator+(const Number& o) const {
  if (!exact_ || !o.exact_) return approximate(value() + o.value());
  return make(Wide(num_) * o.den_ + Wide(o.num_) * den_, Wide(den_) * o.den_);
}

Number Number::operator-(const Number& o) const { return *this + (-o); }

Number Number::operator*(const Number& o) const {
  if (!exact_ || !o.exact_) return approximate(value() * o.value());
  return make(Wide(num_) * o.num_, Wide(den_) * o.den_);
}

Number Number::operator/(const Number& o) const {
  if (o.is_zero()) throw InvalidArgument("division by zero");
  if (!exact_ || !o.exact_) return approximate(value() / o.value());
  return make(Wide(num_) * o.den_, Wide(den_) * o.num_);
}

Number Number::operator-() const {
  if (!exact_) return approximate(-value_);
  Number n = *this;
  n.num_ = -num_;
  return n;
}

bool Number::operator==(const Number& o) const {
  if (exact_ && o.exact_) return num_ == o.num_ && den_ == o.den_;
  double a = value(), b = o.value();
  return std::fabs(a - b) <= 1e-12 * std::fmax(1.0, std::fmax(std::fabs(a), std::fabs(b)));
}

std::string Number::to_string() const {
  if (exact_) {
    if (den_ == 1) return std::to_string(num_);
    // Denominators of the form 2^a 5^b have a finite decimal expansion: print it exactly.
    std::int64_t d = den_;
    int twos = 0, fives = 0;
    while (d % 2 == 0) d /= 2, ++twos;
    while (d % 5 == 0) d /= 5, ++fives;
    if (d == 1 && twos <= 18 && fives <= 18) {
      int places = twos > fives ? twos : fives;
      Wide scale = 1;
      for (int i = 0; i < places; ++i) scale *= 10;
      Wide scaled = Wide(num_) * (scale / den_);
      bool neg = scaled < 0;
      if (neg) scaled = -scaled;
      std::string digits;
      for (Wide v = scaled; v > 0 || digits.size() <= static_cast<std::size_t>(places); v /= 10) {
        digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
      }
      digits.insert(digits.end() - places, '.');
      return (neg ? "-" : "") + digits;
    }
    return std::to_string(num_) + "/" + std::to_string(den_);
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", value_);
  return buf;
}

}  // namespace pb::chem
