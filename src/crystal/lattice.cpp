#include "crystal/lattice.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace pb::crystal {

Lattice::Lattice(double a, double b, double c, double alpha, double beta, double gamma)
    : a_(a), b_(b), c_(c), alpha_(alpha), beta_(beta), gamma_(gamma) {
  constexpr double kDeg = std::numbers::pi / 180;
  double ca = std::cos(alpha * kDeg), cb = std::cos(beta * kDeg), cg = std::cos(gamma * kDeg);
  double sg = std::sin(gamma * kDeg);
  m_[0] = {a, 0, 0};
  m_[1] = {b * cg, b * sg, 0};
  double cx = c * cb;
  double cy = c * (ca - cb * cg) / sg;
  m_[2] = {cx, cy, std::sqrt(std::fmax(0.0, c * c - cx * cx - cy * cy))};
  compute_heights();
}

void Lattice::compute_heights() {
  auto cross = [](const Vec3& u, const Vec3& w) {
    return Vec3{u[1] * w[2] - u[2] * w[1], u[2] * w[0] - u[0] * w[2], u[0] * w[1] - u[1] * w[0]};
  };
  auto norm = [](const Vec3& x) { return std::sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]); };
  double v = volume();
  for (int i = 0; i < 3; ++i) {
    double area = norm(cross(m_[(i + 1) % 3], m_[(i + 2) % 3]));
    heights_[i] = area > 0 ? v / area : 0;
  }
  // frac = cart . inverse, with the rows of m_ as the vectors: inverse columns are the
  // reciprocal vectors b x c / V, ...
  double det = m_[0][0] * (m_[1][1] * m_[2][2] - m_[1][2] * m_[2][1]) -
               m_[0][1] * (m_[1][0] * m_[2][2] - m_[1][2] * m_[2][0]) +
               m_[0][2] * (m_[1][0] * m_[2][1] - m_[1][1] * m_[2][0]);
  inverse_ = {};
  if (det != 0) {
    for (int i = 0; i < 3; ++i) {
      Vec3 r = cross(m_[(i + 1) % 3], m_[(i + 2) % 3]);
      for (int j = 0; j < 3; ++j) inverse_[j][i] = r[j] / det;
    }
  }
}

bool Lattice::within(const Vec3& f1, const Vec3& f2, double tolerance) const {
  // The distance is at least |d_i| times the plane spacing along each axis, so most pairs are
  // rejected without a square root; for the others the nearest image is the wrapped one, as
  // long as the tolerance is below half of every plane spacing.
  Vec3 d;
  for (int i = 0; i < 3; ++i) {
    d[i] = f1[i] - f2[i];
    d[i] -= std::round(d[i]);
    if (std::fabs(d[i]) * heights_[i] >= tolerance) return false;
  }
  Vec3 c = to_cartesian(d);
  return c[0] * c[0] + c[1] * c[1] + c[2] * c[2] < tolerance * tolerance;
}

Lattice Lattice::from_vectors(const std::array<Vec3, 3>& v) {
  auto norm = [](const Vec3& x) { return std::sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]); };
  auto angle = [&](const Vec3& x, const Vec3& y) {
    double c = (x[0] * y[0] + x[1] * y[1] + x[2] * y[2]) / (norm(x) * norm(y));
    return std::acos(std::clamp(c, -1.0, 1.0)) * 180 / std::numbers::pi;
  };
  Lattice l;
  l.a_ = norm(v[0]);
  l.b_ = norm(v[1]);
  l.c_ = norm(v[2]);
  l.alpha_ = angle(v[1], v[2]);
  l.beta_ = angle(v[0], v[2]);
  l.gamma_ = angle(v[0], v[1]);
  l.m_ = v;
  l.compute_heights();
  return l;
}

double Lattice::volume() const {
  const auto& m = m_;
  return std::fabs(m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
                   m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
                   m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]));
}

Vec3 Lattice::to_cartesian(const Vec3& f) const {
  Vec3 r{};
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) r[j] += f[i] * m_[i][j];
  }
  return r;
}

Vec3 Lattice::to_fractional(const Vec3& c) const {
  Vec3 r{};
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) r[j] += c[i] * inverse_[i][j];
  }
  return r;
}

}  // namespace pb::crystal
