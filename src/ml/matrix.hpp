#pragma once
/// A dense row-major matrix of doubles: the feature table every ML component exchanges (no
/// Eigen in headers, so the rest of the program compiles fast).
#include <cstddef>
#include <span>
#include <vector>

namespace pb::ml {

/// Rows are samples, columns are features; NaN marks a missing value.
struct Matrix {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<double> data;

  Matrix() = default;
  Matrix(std::size_t r, std::size_t c, double fill = 0.0) : rows(r), cols(c), data(r * c, fill) {}

  double& operator()(std::size_t r, std::size_t c) { return data[r * cols + c]; }
  double operator()(std::size_t r, std::size_t c) const { return data[r * cols + c]; }
  std::span<double> row(std::size_t r) { return {data.data() + r * cols, cols}; }
  std::span<const double> row(std::size_t r) const { return {data.data() + r * cols, cols}; }

  /// The rows at `index`, in that order.
  Matrix select_rows(std::span<const std::size_t> index) const;
  /// The columns at `index`, in that order.
  Matrix select_cols(std::span<const std::size_t> index) const;
};

/// Picks `index` entries of a vector.
std::vector<double> select(std::span<const double> v, std::span<const std::size_t> index);

}  // namespace pb::ml
