#include "chem/element.hpp"

#include <cassert>
#include <cstddef>

#include "chem/element_table.hpp"

namespace pb::chem {
namespace {

/// ASCII-only lower-casing: element names are ASCII and the locale must not change matching.
constexpr char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

/// Case-insensitive ASCII equality, so "IRON", "iron" and "Iron" all match.
constexpr bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

/// A spelling accepted by find_element_by_name besides the IUPAC name stored in the table.
struct NameAlias {
  std::string_view name;
  int z;
};

/// US and traditional British spellings that users type; the table holds the IUPAC names.
constexpr std::array<NameAlias, 3> kNameAliases = {{
    {"Aluminum", 13},
    {"Cesium", 55},
    {"Sulphur", 16},
}};

}  // namespace

std::span<const Element> elements() { return detail::kElementTable; }

std::span<const ElementPropertyInfo> element_property_infos() {
  return detail::kElementPropertyInfoTable;
}

const ElementPropertyInfo& element_property_info(ElementProperty p) {
  const auto index = static_cast<std::size_t>(p);
  assert(index < kElementPropertyCount);
  return detail::kElementPropertyInfoTable[index];
}

std::optional<ElementProperty> find_element_property(std::string_view key_or_column) {
  for (const ElementPropertyInfo& info : detail::kElementPropertyInfoTable) {
    if (info.key == key_or_column || info.column == key_or_column) return info.id;
  }
  return std::nullopt;
}

const Element* find_element(int z) {
  if (z < 1 || z > static_cast<int>(detail::kElementTable.size())) return nullptr;
  return &detail::kElementTable[static_cast<std::size_t>(z - 1)];
}

const Element* find_element(std::string_view symbol) {
  // symbol_to_z is exact-case by construction, so "LI" and "li" miss without extra checks.
  if (symbol.size() == 1) return find_element(symbol_to_z(symbol[0]));
  if (symbol.size() == 2 && symbol[1] != '\0') {
    return find_element(symbol_to_z(symbol[0], symbol[1]));
  }
  return nullptr;
}

const Element* find_element_by_name(std::string_view name) {
  for (const Element& e : detail::kElementTable) {
    if (iequals(e.name, name)) return &e;
  }
  for (const NameAlias& alias : kNameAliases) {
    if (iequals(alias.name, name)) return find_element(alias.z);
  }
  return nullptr;
}

int symbol_to_z(char upper, char lower) {
  // Unsigned differences turn every out-of-range character into a large index, so one
  // comparison per letter rejects digits, punctuation, wrong case and bytes >= 0x80.
  const unsigned row = static_cast<unsigned>(static_cast<unsigned char>(upper)) - 'A';
  if (row >= 26) return 0;
  unsigned column = 0;
  if (lower != '\0') {
    column = static_cast<unsigned>(static_cast<unsigned char>(lower)) - 'a' + 1;
    if (column - 1 >= 26) return 0;
  }
  return detail::kSymbolToZ[row][column];
}

}  // namespace pb::chem
