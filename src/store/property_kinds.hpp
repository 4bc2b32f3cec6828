#pragma once
/// The controlled vocabulary of property kinds (data/property_kinds.csv, compiled in): each kind
/// has a canonical unit in which values are stored.
#include <string>
#include <string_view>
#include <vector>

#include "util/units.hpp"

namespace pb::store {

/// One property kind.
struct PropertyKind {
  std::string name;  ///< snake_case key, e.g. "ionic_conductivity"
  units::Unit unit;  ///< canonical unit of stored values
  std::vector<std::string> aliases;
  std::string description;
  std::string source;
};

/// Every kind, in file order.
const std::vector<PropertyKind>& property_kinds();

/// The kind with this name or alias (case, spaces, '-' and '_' are ignored), or nullptr.
const PropertyKind* find_property_kind(std::string_view name);

/// The CSV text the vocabulary was compiled from.
std::string_view property_kinds_csv();

}  // namespace pb::store
