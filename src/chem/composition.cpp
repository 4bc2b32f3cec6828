#include "chem/composition.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numeric>

#include "chem/element.hpp"
#include "util/error.hpp"

namespace pb::chem {

namespace {

// Isotope masses of deuterium and tritium (AME2020, in u).
constexpr double kDeuteriumMass = 2.01410177812;
constexpr double kTritiumMass = 3.01604928132;
// The human reduced formula turns fractional amounts into integers only for halves, thirds
// and quarters: Li1.5P0.5S2 -> Li3PS4, but LiNi0.8Mn0.1Co0.1O2 and Li6.4La3Zr1.4Ta0.6O12 stay
// as written (not Li10MnCoNi8O20 or Li32La15Zr7Ta3O60), as chemists write them.
constexpr std::int64_t kMaxReducedDenominator = 4;
// Inexact amounts: largest multiplier tried, and the relative tolerance for "is an integer".
constexpr std::int64_t kMaxApproxMultiplier = 1000;
constexpr double kApproxIntegerTolerance = 1e-3;

__extension__ typedef __int128 Wide;  // GCC/Clang extension: lcm of 64-bit denominators

const Element& element_of(int z) { return *find_element(z); }

std::string append_amount(const std::string& symbol, const std::string& amount) {
  return amount == "1" ? symbol : symbol + amount;
}

double electronegativity_key(int z) {
  double x = element_of(z).get(ElementProperty::kPaulingElectronegativity);
  return std::isnan(x) ? 1e9 : x;  // elements without a value go last, as in pymatgen
}

// Electronegativity order (then atomic number), the order chemists write formulas in.
void sort_by_electronegativity(std::vector<int>& zs) {
  std::stable_sort(zs.begin(), zs.end(), [](int a, int b) {
    double xa = electronegativity_key(a), xb = electronegativity_key(b);
    return xa != xb ? xa < xb : a < b;
  });
}

}  // namespace

std::string Species::symbol() const {
  if (z == 1 && mass_number == 2) return "D";
  if (z == 1 && mass_number == 3) return "T";
  std::string s(element_of(z).symbol);
  return mass_number != 0 ? std::to_string(mass_number) + s : s;
}

std::string Species::to_string() const {
  std::string s = symbol();
  if (has_charge) {
    int mag = charge < 0 ? -charge : charge;
    if (mag != 1) s += std::to_string(mag);
    s += charge < 0 ? '-' : '+';
  }
  return s;
}

double Species::mass() const {
  if (z == 1 && mass_number == 2) return kDeuteriumMass;
  if (z == 1 && mass_number == 3) return kTritiumMass;
  return element_of(z).atomic_mass();
}

Composition::Composition(std::vector<Entry> entries) : entries_(std::move(entries)) {
  // Merge equal species into their first appearance, in place.
  std::size_t kept = 0;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    auto first =
        std::find_if(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(kept),
                     [&](const Entry& e) { return e.species == entries_[i].species; });
    if (first != entries_.begin() + static_cast<std::ptrdiff_t>(kept)) {
      first->amount += entries_[i].amount;
    } else {
      if (kept != i) entries_[kept] = std::move(entries_[i]);
      ++kept;
    }
  }
  entries_.resize(kept);
  std::erase_if(entries_, [](const Entry& e) {
    return e.amount.is_constant() && e.amount.constant().is_zero();
  });
}

void Composition::add(const Species& species, const Amount& amount) {
  for (Entry& e : entries_) {
    if (e.species == species) {
      e.amount += amount;
      return;
    }
  }
  entries_.push_back(Entry{species, amount});
}

void Composition::add(const Composition& other, const Amount& factor) {
  for (const Entry& e : other.entries_) add(e.species, e.amount * factor);
}

bool Composition::symbolic() const {
  return std::any_of(entries_.begin(), entries_.end(),
                     [](const Entry& e) { return !e.amount.is_constant(); });
}

std::vector<std::string> Composition::variables() const {
  std::vector<std::string> out;
  for (const Entry& e : entries_) {
    for (const auto& t : e.amount.terms()) out.push_back(t.variable);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Composition Composition::substitute(const Bindings& values) const {
  Composition out;
  out.entries_.reserve(entries_.size());
  for (const Entry& e : entries_)
    out.entries_.push_back(Entry{e.species, e.amount.substitute(values)});
  return out;
}

bool Composition::exact() const {
  return std::all_of(entries_.begin(), entries_.end(), [](const Entry& e) {
    return e.amount.is_constant() && e.amount.constant().exact();
  });
}

std::vector<ElementAmount> Composition::element_amounts() const {
  std::vector<ElementAmount> out;
  for (const Entry& e : entries_) {
    if (!e.amount.is_constant()) {
      throw InvalidArgument("the composition depends on variables (" + e.amount.to_string() +
                            "); give their values");
    }
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const ElementAmount& a) { return a.z == e.species.z; });
    if (it == out.end()) {
      out.push_back(ElementAmount{e.species.z, e.amount.constant()});
    } else {
      it->amount += e.amount.constant();
    }
  }
  std::erase_if(out, [](const ElementAmount& a) { return a.amount.is_zero(); });
  return out;
}

Number Composition::amount_of(int z) const {
  for (const ElementAmount& a : element_amounts()) {
    if (a.z == z) return a.amount;
  }
  return Number(0);
}

Number Composition::total_atoms() const {
  Number sum(0);
  for (const ElementAmount& a : element_amounts()) sum += a.amount;
  return sum;
}

double Composition::molar_mass() const {
  double m = 0;
  for (const Entry& e : entries_) {
    auto n = e.amount.number();
    if (!n) throw InvalidArgument("the composition depends on variables; give their values");
    m += n->value() * e.species.mass();
  }
  return m;
}

std::vector<std::pair<int, double>> Composition::atomic_fractions() const {
  auto amounts = element_amounts();
  double total = 0;
  for (const auto& a : amounts) total += a.amount.value();
  std::vector<std::pair<int, double>> out;
  out.reserve(amounts.size());
  for (const auto& a : amounts) out.emplace_back(a.z, a.amount.value() / total);
  return out;
}

std::vector<std::pair<int, double>> Composition::weight_fractions() const {
  // Per species, so that D and T weigh what molar_mass() says they weigh.
  double total = molar_mass();
  std::vector<std::pair<int, double>> out;
  for (const auto& a : element_amounts()) out.emplace_back(a.z, 0.0);
  for (const Entry& e : entries_) {
    for (auto& [z, w] : out) {
      if (z == e.species.z) w += e.amount.constant().value() * e.species.mass() / total;
    }
  }
  return out;
}

std::vector<std::pair<int, std::int64_t>> Composition::integer_proportions() const {
  auto amounts = element_amounts();
  std::vector<std::pair<int, std::int64_t>> out;
  if (amounts.empty()) return out;
  bool exact = std::all_of(amounts.begin(), amounts.end(),
                           [](const ElementAmount& a) { return a.amount.exact(); });
  if (exact) {
    // Multiply by the lcm of the denominators, divide by the gcd of the numerators.
    constexpr Wide kLimit = static_cast<Wide>(1) << 62;
    Wide lcm = 1;
    for (const auto& a : amounts) {
      lcm = lcm / gcd64(static_cast<std::int64_t>(lcm), a.amount.den()) * a.amount.den();
      if (lcm > kLimit) {
        exact = false;
        break;
      }
    }
    if (exact) {
      std::int64_t g = 0;
      std::vector<Wide> scaled;
      for (const auto& a : amounts) {
        Wide v = lcm / a.amount.den() * a.amount.num();
        if (v < 0 || v > kLimit) {
          exact = false;
          break;
        }
        scaled.push_back(v);
        g = gcd64(g, static_cast<std::int64_t>(v));
      }
      if (exact && g > 0) {
        for (std::size_t i = 0; i < amounts.size(); ++i) {
          out.emplace_back(amounts[i].z, static_cast<std::int64_t>(scaled[i] / g));
        }
        return out;
      }
    }
  }
  // Inexact amounts: the smallest multiplier of the ratios to the smallest amount that lands
  // every element within tolerance of an integer; OPTIMADE leaves the rounding to us.
  double smallest = amounts.front().amount.value();
  for (const auto& a : amounts) smallest = std::min(smallest, a.amount.value());
  for (std::int64_t k = 1; k <= kMaxApproxMultiplier; ++k) {
    bool all = true;
    for (const auto& a : amounts) {
      double v = a.amount.value() / smallest * static_cast<double>(k);
      if (std::fabs(v - std::round(v)) > kApproxIntegerTolerance * v) {
        all = false;
        break;
      }
    }
    if (all || k == kMaxApproxMultiplier) {
      out.clear();
      for (const auto& a : amounts) {
        double v = a.amount.value() / smallest * static_cast<double>(k);
        out.emplace_back(a.z, std::max<std::int64_t>(1, std::llround(v)));
      }
      return out;
    }
  }
  return out;
}

std::string Composition::formula_reduced_optimade() const {
  auto props = integer_proportions();
  std::sort(props.begin(), props.end(), [](const auto& a, const auto& b) {
    return element_of(a.first).symbol < element_of(b.first).symbol;
  });
  std::string out;
  for (const auto& [z, n] : props) {
    out += append_amount(std::string(element_of(z).symbol), std::to_string(n));
  }
  return out;
}

std::optional<std::string> Composition::formula_hill() const {
  auto amounts = element_amounts();
  for (const auto& a : amounts) {
    if (!a.amount.is_integer()) return std::nullopt;
  }
  bool has_carbon =
      std::any_of(amounts.begin(), amounts.end(), [](const ElementAmount& a) { return a.z == 6; });
  auto rank = [&](int z) { return has_carbon ? (z == 6 ? 0 : z == 1 ? 1 : 2) : 2; };
  std::sort(amounts.begin(), amounts.end(), [&](const ElementAmount& a, const ElementAmount& b) {
    if (rank(a.z) != rank(b.z)) return rank(a.z) < rank(b.z);
    return element_of(a.z).symbol < element_of(b.z).symbol;
  });
  std::string out;
  for (const auto& a : amounts) {
    out += append_amount(std::string(element_of(a.z).symbol), a.amount.to_string());
  }
  return out;
}

std::string anonymous_symbol(std::size_t index) {
  std::string s(1, static_cast<char>('A' + index % 26));
  for (std::size_t rest = index / 26; rest > 0; rest /= 26) {
    s += static_cast<char>('a' + (rest - 1) % 26);
    if (rest <= 26) break;
  }
  return s;
}

std::string Composition::formula_anonymous() const {
  auto props = integer_proportions();
  std::stable_sort(props.begin(), props.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out;
  for (std::size_t i = 0; i < props.size(); ++i) {
    out += append_amount(anonymous_symbol(i), std::to_string(props[i].second));
  }
  return out;
}

std::string decimal_text(const Number& n) {
  if (n.exact()) {
    std::string exact = n.to_string();
    if (exact.find('/') == std::string::npos) return exact;
  }
  double v = n.value();
  if (v == 0) return "0";
  // Six significant digits in fixed notation, trailing zeros removed.
  int magnitude = static_cast<int>(std::floor(std::log10(std::fabs(v))));
  int decimals = std::clamp(5 - magnitude, 0, 20);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string out = buf;
  if (out.find('.') != std::string::npos) {
    while (out.back() == '0') out.pop_back();
    if (out.back() == '.') out.pop_back();
  }
  return out;
}

namespace {

struct Reduced {
  std::vector<std::pair<int, Number>> amounts;  // electronegativity order
  Number factor;
};

Reduced reduce(const Composition& c) {
  auto amounts = c.element_amounts();
  std::vector<int> zs;
  zs.reserve(amounts.size());
  for (const auto& a : amounts) zs.push_back(a.z);
  sort_by_electronegativity(zs);
  auto amount = [&](int z) {
    return std::find_if(amounts.begin(), amounts.end(), [&](const auto& a) { return a.z == z; })
        ->amount;
  };
  Reduced r{{}, Number(1)};
  bool exact = std::all_of(amounts.begin(), amounts.end(),
                           [](const ElementAmount& a) { return a.amount.exact(); });
  std::int64_t lcm = 1;
  for (const auto& a : amounts) {
    if (!exact || lcm > kMaxReducedDenominator) break;
    lcm = lcm / gcd64(lcm, a.amount.den()) * a.amount.den();
  }
  if (exact && !amounts.empty() && lcm <= kMaxReducedDenominator) {
    // amount = factor * integer proportion, for every element; both lists share their order.
    r.factor = amounts.front().amount / Number(c.integer_proportions().front().second);
  }
  for (int z : zs) r.amounts.emplace_back(z, amount(z) / r.factor);
  return r;
}

// "Li1.2H2O" would read back as the hydrate Li1·2H2O: bracket a solvent that follows a
// decimal amount ("Li1.2(H2O)"), which keeps the composition and the meaning.
void protect_solvents(std::string& s) {
  for (std::size_t dot = s.find('.'); dot != std::string::npos; dot = s.find('.', dot + 1)) {
    std::size_t i = dot + 1;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    if (i == dot + 1) continue;
    for (std::string_view solvent : kSolventFormulas) {
      if (s.compare(i, solvent.size(), solvent) != 0) continue;
      std::size_t after = i + solvent.size();
      if (after < s.size() && (std::isdigit(static_cast<unsigned char>(s[after])) ||
                               std::islower(static_cast<unsigned char>(s[after])))) {
        continue;
      }
      s.insert(after, ")");
      s.insert(i, "(");
      break;
    }
  }
}

}  // namespace

std::string Composition::reduced_formula() const {
  std::string out;
  for (const auto& [z, n] : reduce(*this).amounts) {
    out += append_amount(std::string(element_of(z).symbol), decimal_text(n));
  }
  protect_solvents(out);
  return out;
}

Number Composition::formula_units() const { return reduce(*this).factor; }

std::string Composition::formula() const {
  // Species in electronegativity order of their element, amounts as written (maybe symbolic).
  std::vector<int> zs;
  for (const Entry& e : entries_) {
    if (std::find(zs.begin(), zs.end(), e.species.z) == zs.end()) zs.push_back(e.species.z);
  }
  sort_by_electronegativity(zs);
  std::string out;
  for (int z : zs) {
    for (const Entry& e : entries_) {
      if (e.species.z != z) continue;
      std::string amount = e.amount.is_constant()
                               ? (e.amount.constant().exact() ? e.amount.constant().to_string()
                                                              : decimal_text(e.amount.constant()))
                               : e.amount.to_string();
      out += append_amount(e.species.symbol(), amount);
    }
  }
  protect_solvents(out);
  return out;
}

std::string Composition::formula_plain() const {
  std::vector<int> zs;
  for (const auto& a : element_amounts()) zs.push_back(a.z);
  sort_by_electronegativity(zs);
  std::string out;
  for (int z : zs) {
    out += append_amount(std::string(element_of(z).symbol), decimal_text(amount_of(z)));
  }
  return out;
}

}  // namespace pb::chem
