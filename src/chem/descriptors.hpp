#pragma once
/// Magpie-style composition descriptors: statistics of element properties weighted by the
/// atomic fractions of a composition (Ward et al., npj Comput. Mater. 2, 16028 (2016)).
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "chem/composition.hpp"

namespace pb::chem {

/// The statistics computed for every property, in feature order.
enum class DescriptorStat { kMean, kMin, kMax, kRange, kMode, kAvgDev };

/// A fixed list of element properties -> a fixed list of named features.
class CompositionDescriptors {
 public:
  /// Properties by key ("electronegativity", "melting_point", ...; "atomic_number" too).
  /// Throws InvalidArgument for an unknown key.
  explicit CompositionDescriptors(std::vector<std::string> property_keys);
  /// "magpie" (the 22 properties of matminer's magpie preset that the table has) or "basic".
  static CompositionDescriptors preset(std::string_view name);
  static std::vector<std::string_view> preset_names();

  /// Feature names, "<stat>_<property>", e.g. "mean_electronegativity", "avg_dev_covalent_radius".
  const std::vector<std::string>& names() const { return names_; }
  const std::vector<std::string>& properties() const { return keys_; }

  /// One value per name; NaN where an element lacks the property. Throws when symbolic.
  std::vector<double> compute(const Composition& composition) const;
  void compute(const Composition& composition, std::span<double> out) const;

 private:
  std::vector<std::string> keys_;
  std::vector<int> ids_;  // ElementProperty index, or -1 for the atomic number
  std::vector<std::string> names_;
};

std::string_view to_string(DescriptorStat stat);

}  // namespace pb::chem
