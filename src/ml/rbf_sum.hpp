#pragma once
/// The inner loops of evaluating RBF kernel models over many training points at once, compiled
/// for AVX-512, AVX2 and baseline x86-64 and chosen at run time (screening by parts, screen.cpp).
#include <cstddef>

namespace pb::ml {

/// acc[t] += (v − column[t])² for t < n.
void add_squared_difference(double v, const double* column, double* acc, std::size_t n);

/// Σ_t weight[t] · exp(−½ d_t) with d_t = ra[t] + rb[t] + c − 2 Σ_q u[q] · columns[q·n + t]
/// (q < dims; clamped at 0), the term taken as exactly 0 when d_t > cutoff. exp is a
/// 13th-degree polynomial after range reduction, within 3e-16 relative of std::exp (and e^-350
/// for arguments below -700).
double rbf_sum(const double* ra, const double* rb, const double* u, const double* columns,
               std::size_t dims, const double* weight, double c, double cutoff, std::size_t n);

}  // namespace pb::ml
