#pragma once
/// A unit cell: lengths (Å) and angles (degrees), with its Cartesian vectors in the standard
/// orientation (a along x, b in the xy plane), as pymatgen and spglib use.
#include <array>

namespace pb::crystal {

using Vec3 = std::array<double, 3>;

/// Cell parameters and the vectors derived from them.
class Lattice {
 public:
  Lattice() = default;
  Lattice(double a, double b, double c, double alpha, double beta, double gamma);
  /// A lattice given by its vectors (rows, Å), kept as given (POSCAR, OPTIMADE).
  static Lattice from_vectors(const std::array<Vec3, 3>& vectors);

  double a() const { return a_; }
  double b() const { return b_; }
  double c() const { return c_; }
  double alpha() const { return alpha_; }
  double beta() const { return beta_; }
  double gamma() const { return gamma_; }
  /// Rows are the a, b and c vectors in Å.
  const std::array<Vec3, 3>& vectors() const { return m_; }
  double volume() const;
  Vec3 to_cartesian(const Vec3& frac) const;
  /// Fractional coordinates of a Cartesian position (Å).
  Vec3 to_fractional(const Vec3& cart) const;
  /// Spacing (Å) of the lattice planes normal to a, b and c: V / |b x c|, ...
  const Vec3& plane_spacings() const { return heights_; }
  /// Whether two fractional positions are closer than `tolerance` Å (tolerance below half the
  /// smallest plane spacing): O(1), for duplicate and site detection.
  bool within(const Vec3& f1, const Vec3& f2, double tolerance) const;

 private:
  double a_ = 0, b_ = 0, c_ = 0, alpha_ = 90, beta_ = 90, gamma_ = 90;
  std::array<Vec3, 3> m_{};
  Vec3 heights_{};  ///< spacing of the lattice planes normal to each axis (V / |b x c| ...)
  std::array<Vec3, 3> inverse_{};  ///< inverse of m_: cart -> frac

  void compute_heights();
};

}  // namespace pb::crystal
