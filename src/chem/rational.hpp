#pragma once
/// Numbers that stay exact rationals while they can (decimals and fractions typed in formulas)
/// and fall back to doubles when an operation overflows or an input was inexact.
#include <cstdint>
#include <string>
#include <string_view>

namespace pb::chem {

/// An exact fraction num/den (den > 0, lowest terms) or, when `exact` is false, a double.
class Number {
 public:
  constexpr Number() = default;
  constexpr Number(std::int64_t integer) : num_(integer), den_(1) {}  // NOLINT: implicit by design
  /// Exact num/den; reduces to lowest terms. Throws InvalidArgument when den is 0.
  static Number fraction(std::int64_t num, std::int64_t den) {
    if (den == 1) return Number(num);  // integers: no gcd to take
    return reduced(num, den);
  }
  /// An inexact value (from a measurement or a weight-fraction conversion).
  static Number approximate(double value);
  /// Reads "12", "0.95", "1/3" exactly; returns false on anything else.
  static bool parse(std::string_view text, Number& out);

  bool exact() const { return exact_; }
  std::int64_t num() const { return num_; }
  std::int64_t den() const { return den_; }
  double value() const {
    return exact_ ? static_cast<double>(num_) / static_cast<double>(den_) : value_;
  }
  bool is_zero() const { return exact_ ? num_ == 0 : value_ == 0.0; }
  bool is_integer() const { return exact_ && den_ == 1; }
  bool negative() const { return exact_ ? num_ < 0 : value_ < 0.0; }

  Number operator+(const Number& o) const;
  Number operator-(const Number& o) const;
  Number operator*(const Number& o) const;
  /// Throws InvalidArgument on division by zero.
  Number operator/(const Number& o) const;
  Number operator-() const;
  Number& operator+=(const Number& o) { return *this = *this + o; }
  Number& operator*=(const Number& o) { return *this = *this * o; }
  /// Exact equality for exact numbers; for approximate ones, relative 1e-12.
  bool operator==(const Number& o) const;

  /// Shortest faithful text: "3", "0.95", "1/3" (exact), or up to 10 significant digits.
  std::string to_string() const;

 private:
  static Number reduced(std::int64_t num, std::int64_t den);

  std::int64_t num_ = 0;
  std::int64_t den_ = 1;
  double value_ = 0.0;
  bool exact_ = true;
};

/// Greatest common divisor of two non-negative integers (gcd(0, n) = n).
std::int64_t gcd64(std::int64_t a, std::int64_t b);

}  // namespace pb::chem
