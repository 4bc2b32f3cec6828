#pragma once
/// Quantities in text: a number (with "±", "1.23(4)", a range "25–80" or "25 to 80", a bound
/// "<", "~") followed by a unit that src/util/units reads ("S cm−1", "mAh g−1", "°C", "%"),
/// C-rates ("0.1C", "C/10") and composition units ("8 mol%").
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mining/text.hpp"
#include "util/units.hpp"

namespace pb::mining {

/// One quantity: offsets into the tokenized text.
struct Quantity {
  std::size_t begin = 0;  ///< first number
  std::size_t end = 0;    ///< end of the unit
  std::size_t unit_begin = 0;
  double value = 0;  ///< the value, or the lower end of a range
  std::optional<double> uncertainty;
  std::optional<double> min;
  std::optional<double> max;
  std::string qualifier;            ///< "<", ">", "≤", "≥", "~" or empty
  std::string value_text;           ///< as written, without the unit
  std::string unit_text;            ///< as written
  std::optional<units::Unit> unit;  ///< parsed (absent for C-rates and composition units)
  bool c_rate = false;              ///< "0.1C", "C/10"
  bool composition = false;         ///< mol%, wt%, at%, vol%
  /// A number listed before the quantity that gives the unit ("25, 51 and 97 mW cm−2": 25 and
  /// 51); its span is the number alone.
  bool listed = false;
};

/// The quantities in a tokenized text, in order.
std::vector<Quantity> find_quantities(std::string_view text, const std::vector<Token>& tokens);

/// Dimension helpers for classifying quantities.
namespace dims {
bool conductivity(const units::Dimension& d);
bool energy(const units::Dimension& d);  ///< per particle or per mole
bool temperature(const units::Dimension& d);
bool specific_capacity(const units::Dimension& d);
bool voltage(const units::Dimension& d);
bool current_density(const units::Dimension& d);  ///< per area or per mass
bool specific_energy(const units::Dimension& d);
bool specific_power(const units::Dimension& d);
bool areal_power(const units::Dimension& d);
bool area_resistance(const units::Dimension& d);
bool time(const units::Dimension& d);
}  // namespace dims

}  // namespace pb::mining
