#pragma once
/// Internal: the generated tables behind element.hpp (see tools/gen_elements.py).
#include <array>
#include <cstdint>

#include "chem/element.hpp"

namespace pb::chem::detail {

/// The 118 elements, index z-1; generated so that it cannot drift from data/elements.csv.
extern const std::array<Element, 118> kElementTable;

/// Key, column, unit and description per ElementProperty, generated with the CSV header.
extern const std::array<ElementPropertyInfo, kElementPropertyCount> kElementPropertyInfoTable;

/// Atomic number by [upper - 'A'][0 or lower - 'a' + 1], 0 for non-symbols; the lexer's fast path.
extern const std::array<std::array<std::uint8_t, 27>, 26> kSymbolToZ;

}  // namespace pb::chem::detail
