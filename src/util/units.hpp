#pragma once
/// Units as papers and datasets write them ("S cm−1", "mS/cm", "mAh g-1", "°C"), parsed into a
/// dimension and an affine map to SI, and converted with a dimension check (docs/database.md).
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace pb::units {

/// Avogadro's constant (SI 2019, exact), used between per-mole and per-particle quantities.
inline constexpr double kAvogadro = 6.02214076e23;
/// The elementary charge in coulombs (SI 2019, exact): 1 eV in joules.
inline constexpr double kElectronVolt = 1.602176634e-19;

/// Exponents of the SI base units, in the order m, kg, s, A, K, mol.
struct Dimension {
  std::array<std::int8_t, 6> exponents{};

  bool operator==(const Dimension&) const = default;
  bool dimensionless() const { return *this == Dimension{}; }
  /// "m2 kg s-3", or "1" when dimensionless.
  std::string to_string() const;
};

/// A parsed unit: a value v in this unit is v * factor + offset in coherent SI units.
struct Unit {
  std::string text;  ///< as given
  Dimension dimension;
  double factor = 1.0;
  double offset = 0.0;  ///< non-zero only for a bare Celsius temperature (affine)
};

/// Parses a unit; throws InvalidArgument naming the unit and the part not understood.
/// A bare "C" or "°C" is degrees Celsius (affine); inside a compound unit "C" is the coulomb and
/// "°C" a kelvin-sized step. In a denominator "mK" is read as metre-kelvin ("W/mK").
Unit parse_unit(std::string_view text);

/// Converts a value between units of the same dimension; a per-mole unit converts to a
/// per-particle one (kJ/mol -> eV) through Avogadro's constant. Throws InvalidArgument naming both
/// units when the dimensions do not match.
double convert(double value, const Unit& from, const Unit& to);

/// Converts a difference or an uncertainty: like convert() but without the affine offset.
double convert_difference(double value, const Unit& from, const Unit& to);

/// True when convert() accepts the pair.
bool convertible(const Unit& from, const Unit& to);

}  // namespace pb::units
