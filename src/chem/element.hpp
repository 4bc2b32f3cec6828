#pragma once
/// The periodic table: 118 elements with the properties in data/elements.csv, compiled in.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace pb::chem {

/// Numeric element properties, in the column order of data/elements.csv after the text columns.
/// Missing values are NaN. The enumerator order is the storage order of Element::values.
enum class ElementProperty : std::uint8_t {
  kPeriod,
  kGroup,
  kMendeleevNumber,
  kAtomicMass,
  kPaulingElectronegativity,
  kFirstIonizationEnergy,
  kElectronAffinity,
  kCovalentRadius,
  kAtomicRadius,
  kMeltingPoint,
  kBoilingPoint,
  kDensity,
  kSpecificHeat,
  kThermalConductivity,
  kMolarVolume,
  kPolarizability,
  kValenceS,
  kValenceP,
  kValenceD,
  kValenceF,
  kValenceTotal,
  kUnfilledS,
  kUnfilledP,
  kUnfilledD,
  kUnfilledF,
  kUnfilledTotal,
  kGsVolumePerAtom,
  kGsBandGap,
  kGsMagneticMoment,
  kGsSpaceGroupNumber,
  kCount
};

inline constexpr std::size_t kElementPropertyCount =
    static_cast<std::size_t>(ElementProperty::kCount);

/// Name, CSV column (with unit) and one-line description of a numeric property.
struct ElementPropertyInfo {
  ElementProperty id;
  std::string_view key;     ///< stable short name used in feature names, e.g. "electronegativity"
  std::string_view column;  ///< column in data/elements.csv, e.g. "melting_point_K"
  std::string_view unit;    ///< e.g. "K", "" for dimensionless
  std::string_view description;
};

/// One chemical element.
struct Element {
  int z;                                             ///< atomic number, 1..118
  std::string_view symbol;                           ///< "Li"
  std::string_view name;                             ///< "Lithium"
  char block;                                        ///< 's', 'p', 'd' or 'f'
  std::array<double, kElementPropertyCount> values;  ///< NaN where unknown

  double get(ElementProperty p) const { return values[static_cast<std::size_t>(p)]; }
  double atomic_mass() const { return get(ElementProperty::kAtomicMass); }
};

/// All 118 elements, index z-1.
std::span<const Element> elements();

/// Metadata for every numeric property, in enumerator order.
std::span<const ElementPropertyInfo> element_property_infos();
const ElementPropertyInfo& element_property_info(ElementProperty p);
/// Looks a property up by its key or CSV column name.
std::optional<ElementProperty> find_element_property(std::string_view key_or_column);

/// Element with atomic number z, or nullptr when z is outside 1..118.
const Element* find_element(int z);
/// Element with exactly this symbol ("Li", not "LI"), or nullptr.
const Element* find_element(std::string_view symbol);
/// Element by English name, case-insensitive ("lithium", "Aluminium" and "Aluminum"), or nullptr.
const Element* find_element_by_name(std::string_view name);

/// Fast symbol lookup for lexers: the atomic number of the one- or two-letter symbol, 0 if none.
int symbol_to_z(char upper, char lower = '\0');

}  // namespace pb::chem
