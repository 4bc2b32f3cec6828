#pragma once
/// Symmetry operations written as coordinate triplets: "-x+1/2, y, -z+1/2", any case, spaces,
/// decimal or fractional translations (also above 1, as some files write them).
#include <array>
#include <string>
#include <string_view>

namespace pb::crystal {

/// x' = R x + t in fractional coordinates.
struct SymOp {
  std::array<std::array<int, 3>, 3> rot{};
  std::array<double, 3> trans{};

  std::array<double, 3> apply(const std::array<double, 3>& x) const;
  /// "x,y,z"-style text, translations as fractions where they are simple.
  std::string to_string() const;
};

/// Parses a triplet; throws pb::ParseError with the column of the problem.
SymOp parse_symop(std::string_view text);

}  // namespace pb::crystal
