#include "ml/matrix.hpp"

#include <algorithm>

namespace pb::ml {

Matrix Matrix::select_rows(std::span<const std::size_t> index) const {
  Matrix out(index.size(), cols);
  for (std::size_t i = 0; i < index.size(); ++i) {
    std::copy_n(data.begin() + static_cast<std::ptrdiff_t>(index[i] * cols), cols,
                out.data.begin() + static_cast<std::ptrdiff_t>(i * cols));
  }
  return out;
}

Matrix Matrix::select_cols(std::span<const std::size_t> index) const {
  Matrix out(rows, index.size());
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t j = 0; j < index.size(); ++j) out(r, j) = (*this)(r, index[j]);
  }
  return out;
}

std::vector<double> select(std::span<const double> v, std::span<const std::size_t> index) {
  std::vector<double> out;
  out.reserve(index.size());
  for (std::size_t i : index) out.push_back(v[i]);
  return out;
}

}  // namespace pb::ml
