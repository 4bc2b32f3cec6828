#include "crystal/measured.hpp"

#include <charconv>
#include <cmath>

namespace pb::crystal {

std::optional<Measured> parse_measured(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::string_view number = text;
  std::string_view su;
  if (text.back() == ')') {
    auto open = text.find('(');
    if (open == std::string_view::npos || open == 0) return std::nullopt;
    number = text.substr(0, open);
    su = text.substr(open + 1, text.size() - open - 2);
    if (su.empty()) return std::nullopt;
  }
  if (number.front() == '+') number.remove_prefix(1);
  Measured m;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), m.value);
  if (ec != std::errc() || end != number.data() + number.size() || !std::isfinite(m.value)) {
    return std::nullopt;
  }
  if (!su.empty()) {
    // The uncertainty applies to the last digits of the value: 5.4309(2) -> 0.0002, and
    // 1.23E-3(4) -> 0.04E-3. Count the decimals of the mantissa and keep the exponent.
    if (su.size() > 15) return std::nullopt;  // more digits than a double holds
    long digits = 0;
    for (char c : su) {
      if (c < '0' || c > '9') return std::nullopt;
      digits = digits * 10 + (c - '0');
    }
    auto e = number.find_first_of("eE");
    std::string_view mantissa = number.substr(0, e);
    auto point = mantissa.find('.');
    int decimals =
        point == std::string_view::npos ? 0 : static_cast<int>(mantissa.size() - point - 1);
    int exponent = 0;
    if (e != std::string_view::npos) {
      std::string_view exp = number.substr(e + 1);
      if (!exp.empty() && exp.front() == '+') exp.remove_prefix(1);
      std::from_chars(exp.data(), exp.data() + exp.size(), exponent);
    }
    m.su = static_cast<double>(digits) * std::pow(10.0, exponent - decimals);
  }
  return m;
}

}  // namespace pb::crystal
