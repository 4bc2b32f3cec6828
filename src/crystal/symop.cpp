#include "crystal/symop.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "util/error.hpp"

namespace pb::crystal {

std::array<double, 3> SymOp::apply(const std::array<double, 3>& x) const {
  std::array<double, 3> y{};
  for (int i = 0; i < 3; ++i) {
    y[i] = trans[i];
    for (int j = 0; j < 3; ++j) y[i] += rot[i][j] * x[j];
  }
  return y;
}

std::string SymOp::to_string() const {
  std::string out;
  for (int i = 0; i < 3; ++i) {
    std::string part;
    for (int j = 0; j < 3; ++j) {
      int r = rot[i][j];
      if (r == 0) continue;
      if (r < 0) part += '-';
      if (r > 0 && !part.empty()) part += '+';
      if (std::abs(r) != 1) part += std::to_string(std::abs(r));
      part += static_cast<char>('x' + j);
    }
    double t = trans[i];
    if (std::fabs(t) > 1e-9) {
      bool done = false;
      for (int den : {2, 3, 4, 6, 8, 12}) {
        double n = t * den;
        if (std::fabs(n - std::round(n)) < 1e-6) {
          long num = std::lround(n);
          part +=
              (num < 0 ? "-" : "+") + std::to_string(std::labs(num)) + "/" + std::to_string(den);
          done = true;
          break;
        }
      }
      if (!done) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%+.6g", t);
        part += buf;
      }
    }
    out += (i ? "," : "") + (part.empty() ? std::string("0") : part);
  }
  return out;
}

SymOp parse_symop(std::string_view text) {
  SymOp op;
  std::size_t p = 0;
  auto fail = [&](std::string message) -> void {
    throw ParseError({"", 0, p + 1},
                     std::move(message) + " in symmetry operation '" + std::string(text) + "'");
  };
  auto skip = [&] {
    while (p < text.size() && (text[p] == ' ' || text[p] == '\t')) ++p;
  };
  for (int row = 0; row < 3; ++row) {
    skip();
    bool any = false;
    while (p < text.size() && text[p] != ',') {
      int sign = 1;
      if (text[p] == '+' || text[p] == '-') {
        sign = text[p] == '-' ? -1 : 1;
        ++p;
        skip();
      } else if (any) {
        fail("expected '+' or '-'");
      }
      // A number (integer, decimal or a/b), then optionally '*' and a coordinate.
      double number = 1;
      bool has_number = false;
      std::size_t start = p;
      while (p < text.size() && ((text[p] >= '0' && text[p] <= '9') || text[p] == '.')) ++p;
      // A checked conversion: "." alone or a number out of range is a located error (found by
      // fuzz/cif_structure_fuzz.cpp: '.z+1/2' made std::stod throw std::invalid_argument).
      auto to_number = [&](std::size_t from, std::size_t to) {
        double v = 0;
        auto [end, ec] = std::from_chars(text.data() + from, text.data() + to, v);
        if (ec != std::errc() || end != text.data() + to || !std::isfinite(v)) {
          p = from;
          fail("malformed number");
        }
        return v;
      };
      if (p > start) {
        has_number = true;
        number = to_number(start, p);
        if (p < text.size() && text[p] == '/') {
          std::size_t d = ++p;
          while (p < text.size() && text[p] >= '0' && text[p] <= '9') ++p;
          if (p == d) fail("expected a denominator");
          double den = to_number(d, p);
          if (den == 0) fail("division by zero");
          number /= den;
        }
      }
      skip();
      if (p < text.size() && text[p] == '*') ++p, skip();
      char c = p < text.size() ? static_cast<char>(text[p] | 0x20) : '\0';
      if (c == 'x' || c == 'y' || c == 'z') {
        if (has_number && std::fabs(number - std::round(number)) > 1e-9) {
          fail("a coordinate needs an integer coefficient");
        }
        op.rot[row][c - 'x'] += sign * static_cast<int>(std::lround(number));
        ++p;
      } else if (has_number) {
        op.trans[row] += sign * number;
      } else {
        fail(p < text.size() ? std::string("unexpected '") + text[p] + "'"
                             : std::string("unexpected end"));
      }
      any = true;
      skip();
    }
    if (!any) fail("empty coordinate");
    if (row < 2) {
      if (p >= text.size()) fail("expected three comma-separated coordinates");
      ++p;
    }
  }
  skip();
  if (p != text.size()) fail("more than three coordinates");
  return op;
}

}  // namespace pb::crystal
