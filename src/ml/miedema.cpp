#include "ml/miedema.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>

#include "chem/element.hpp"
#include "util/csv.hpp"

namespace pb::ml {

namespace detail {
extern const char* const kMiedemaCsv;
}

namespace {

// Model constants (de Boer et al., Cohesion in Metals, 1988): P by the transition-metal
// character of the two elements, Q/P = 9.4.
constexpr double kPTransition = 14.1;
constexpr double kPNonTransition = 10.7;
constexpr double kPMixed = 12.35;
constexpr double kQOverP = 9.4;

struct Table {
  std::array<std::optional<MiedemaParams>, 119> rows{};
};

double number(const std::string& s) {
  double v = std::numeric_limits<double>::quiet_NaN();
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

const Table& table() {
  static const Table t = [] {
    Table out;
    auto records = csv::parse(detail::kMiedemaCsv, "data/ml/miedema.csv");
    // Header: ,element,element_id,molar_volume,electron_density,electronegativity,
    // valence_electrons,a_const,R_const,...
    for (std::size_t i = 1; i < records.size(); ++i) {
      const auto& r = records[i];
      if (r.size() < 9) continue;
      const chem::Element* e = chem::find_element(r[1]);
      if (e == nullptr) continue;
      bool transition = e->block == 'd' || e->block == 'f';
      out.rows[static_cast<std::size_t>(e->z)] = MiedemaParams{
          number(r[3]), number(r[4]), number(r[5]), number(r[7]), number(r[8]), transition};
    }
    return out;
  }();
  return t;
}

// Enthalpy of solution of A in B at infinite dilution per unit V_A^(2/3), without the volume.
double interface_term(const MiedemaParams& a, const MiedemaParams& b) {
  double p = a.transition && b.transition     ? kPTransition
             : !a.transition && !b.transition ? kPNonTransition
                                              : kPMixed;
  double r = a.transition != b.transition ? a.r_over_p * b.r_over_p : 0.0;
  double na = std::cbrt(a.n_ws), nb = std::cbrt(b.n_ws);
  double dphi = a.phi - b.phi, dn = na - nb;
  return 2.0 * p / (1.0 / na + 1.0 / nb) * (-dphi * dphi + kQOverP * dn * dn - r);
}

}  // namespace

const MiedemaParams* miedema_params(int z) {
  if (z < 1 || z > 118) return nullptr;
  const auto& row = table().rows[static_cast<std::size_t>(z)];
  return row ? &*row : nullptr;
}

std::optional<double> miedema_enthalpy(int za, int zb, double xa) {
  const MiedemaParams* a = miedema_params(za);
  const MiedemaParams* b = miedema_params(zb);
  if (a == nullptr || b == nullptr) return std::nullopt;
  if (za == zb || xa <= 0 || xa >= 1) return 0.0;
  double xb = 1 - xa;
  double va = std::pow(a->molar_volume, 2.0 / 3.0), vb = std::pow(b->molar_volume, 2.0 / 3.0);
  // Volume contraction on alloying (one fixed-point step, enough at this model's accuracy).
  for (int pass = 0; pass < 2; ++pass) {
    double csa = xa * va / (xa * va + xb * vb);
    double csb = 1 - csa;
    if (pass == 1) break;
    va = va * (1 + a->a * csb * (a->phi - b->phi));
    vb = vb * (1 + b->a * csa * (b->phi - a->phi));
  }
  double csb = xb * vb / (xa * va + xb * vb);
  return xa * csb * va * interface_term(*a, *b);
}

MiedemaPair miedema_pair(std::span<const std::pair<int, double>> a,
                         std::span<const std::pair<int, double>> b) {
  double sum = 0, covered = 0;
  for (auto [zi, fi] : a) {
    for (auto [zj, fj] : b) {
      auto h = miedema_enthalpy(zi, zj, 0.5);
      if (!h) continue;
      sum += fi * fj * *h;
      covered += fi * fj;
    }
  }
  if (covered <= 0) return {std::numeric_limits<double>::quiet_NaN(), 0.0};
  return {sum / covered, covered};
}

}  // namespace pb::ml
