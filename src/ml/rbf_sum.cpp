#include "ml/rbf_sum.hpp"

#include <bit>
#include <cstdint>

// Clones per instruction set (GCC function multi-versioning); `omp simd` (-fopenmp-simd) lets the
// reduction vectorise without -ffast-math.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define PB_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define PB_CLONES
#endif

namespace pb::ml {

PB_CLONES void add_squared_difference(double v, const double* __restrict column,
                                      double* __restrict acc, std::size_t n) {
#pragma omp simd
  for (std::size_t t = 0; t < n; ++t) {
    double d = v - column[t];
    acc[t] += d * d;
  }
}

namespace {

// e^x for x <= 0 (below -700: e^-700): e^x = 2^k e^r, k = round(x / ln 2), |r| <= ln2 / 2.
inline double exp_nonpositive(double x) {
  constexpr double kShift = 0x1.8p52;  // adding it rounds to an integer held in the low bits
  constexpr double kLog2e = 1.4426950408889634;
  constexpr double kLn2Hi = 0x1.62e42fefa39efp-1, kLn2Lo = 0x1.abc9e3b39803fp-56;
  x = x < -700.0 ? -700.0 : x;
  double kf = x * kLog2e + kShift;
  double k = kf - kShift;
  double r = (x - k * kLn2Hi) - k * kLn2Lo;
  double p = 1.0 / 6227020800.0;
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  std::int64_t ki = std::bit_cast<std::int64_t>(kf) - std::bit_cast<std::int64_t>(kShift);
  return p * std::bit_cast<double>((ki + 1023) << 52);
}

}  // namespace

PB_CLONES double rbf_sum(const double* __restrict ra, const double* __restrict rb,
                         const double* __restrict u, const double* __restrict columns,
                         std::size_t dims, const double* __restrict weight, double c, double cutoff,
                         std::size_t n) {
  constexpr std::size_t kBlock = 64;
  double d2[kBlock];
  double acc = 0;
  for (std::size_t t0 = 0; t0 < n; t0 += kBlock) {
    const std::size_t len = n - t0 < kBlock ? n - t0 : kBlock;
#pragma omp simd
    for (std::size_t t = 0; t < len; ++t) d2[t] = ra[t0 + t] + rb[t0 + t] + c;
    std::size_t q = 0;
    for (; q + 4 <= dims; q += 4) {
      const double u0 = -2.0 * u[q], u1 = -2.0 * u[q + 1], u2 = -2.0 * u[q + 2],
                   u3 = -2.0 * u[q + 3];
      const double* c0 = columns + q * n + t0;
      const double* c1 = c0 + n;
      const double* c2 = c1 + n;
      const double* c3 = c2 + n;
#pragma omp simd
      for (std::size_t t = 0; t < len; ++t) {
        d2[t] += (u0 * c0[t] + u1 * c1[t]) + (u2 * c2[t] + u3 * c3[t]);
      }
    }
    for (; q < dims; ++q) {
      const double uq = -2.0 * u[q];
      const double* col = columns + q * n + t0;
#pragma omp simd
      for (std::size_t t = 0; t < len; ++t) d2[t] += uq * col[t];
    }
#pragma omp simd reduction(+ : acc)
    for (std::size_t t = 0; t < len; ++t) {
      double e = exp_nonpositive(d2[t] > 0 ? -0.5 * d2[t] : 0.0);
      acc += d2[t] > cutoff ? 0.0 : weight[t0 + t] * e;
    }
  }
  return acc;
}

}  // namespace pb::ml
