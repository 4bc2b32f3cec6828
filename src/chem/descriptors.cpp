#include "chem/descriptors.hpp"

#include <cmath>
#include <limits>

#include "chem/element.hpp"
#include "util/error.hpp"

namespace pb::chem {

namespace {

constexpr DescriptorStat kStats[] = {DescriptorStat::kMean, DescriptorStat::kMin,
                                     DescriptorStat::kMax,  DescriptorStat::kRange,
                                     DescriptorStat::kMode, DescriptorStat::kAvgDev};
constexpr int kAtomicNumber = -1;

// matminer's "magpie" preset, in its order, mapped to this table's keys.
const std::vector<std::string> kMagpie = {"atomic_number",
                                          "mendeleev_number",
                                          "atomic_mass",
                                          "melting_point",
                                          "group",
                                          "period",
                                          "covalent_radius",
                                          "electronegativity",
                                          "valence_s",
                                          "valence_p",
                                          "valence_d",
                                          "valence_f",
                                          "valence_total",
                                          "unfilled_s",
                                          "unfilled_p",
                                          "unfilled_d",
                                          "unfilled_f",
                                          "unfilled_total",
                                          "gs_volume_per_atom",
                                          "gs_band_gap",
                                          "gs_magnetic_moment",
                                          "gs_space_group_number"};
const std::vector<std::string> kBasic = {"atomic_number",   "atomic_mass",   "electronegativity",
                                         "covalent_radius", "valence_total", "melting_point"};

double value_of(const Element& e, int id) {
  return id == kAtomicNumber ? e.z : e.values[static_cast<std::size_t>(id)];
}

}  // namespace

std::string_view to_string(DescriptorStat stat) {
  switch (stat) {
    case DescriptorStat::kMean:
      return "mean";
    case DescriptorStat::kMin:
      return "min";
    case DescriptorStat::kMax:
      return "max";
    case DescriptorStat::kRange:
      return "range";
    case DescriptorStat::kMode:
      return "mode";
    case DescriptorStat::kAvgDev:
      return "avg_dev";
  }
  return "mean";
}

CompositionDescriptors::CompositionDescriptors(std::vector<std::string> property_keys)
    : keys_(std::move(property_keys)) {
  for (const std::string& key : keys_) {
    if (key == "atomic_number") {
      ids_.push_back(kAtomicNumber);
    } else if (auto p = find_element_property(key)) {
      ids_.push_back(static_cast<int>(*p));
    } else {
      throw InvalidArgument("unknown element property '" + key + "'");
    }
    for (DescriptorStat s : kStats) names_.push_back(std::string(to_string(s)) + "_" + key);
  }
}

CompositionDescriptors CompositionDescriptors::preset(std::string_view name) {
  if (name == "magpie") return CompositionDescriptors(kMagpie);
  if (name == "basic") return CompositionDescriptors(kBasic);
  throw InvalidArgument("unknown descriptor preset '" + std::string(name) +
                        "' (known: magpie, basic)");
}

std::vector<std::string_view> CompositionDescriptors::preset_names() { return {"magpie", "basic"}; }

std::vector<double> CompositionDescriptors::compute(const Composition& composition) const {
  std::vector<double> out(names_.size());
  compute(composition, out);
  return out;
}

void CompositionDescriptors::compute(const Composition& composition, std::span<double> out) const {
  if (out.size() != names_.size()) throw InvalidArgument("descriptor output has the wrong size");
  auto fractions = composition.atomic_fractions();
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  std::size_t k = 0;
  for (int id : ids_) {
    double mean = 0, lo = 0, hi = 0, mode = 0, best_fraction = -1;
    bool missing = fractions.empty();
    for (std::size_t i = 0; i < fractions.size(); ++i) {
      auto [z, f] = fractions[i];
      double v = value_of(*find_element(z), id);
      if (std::isnan(v)) missing = true;
      mean += f * v;
      lo = i == 0 ? v : std::fmin(lo, v);
      hi = i == 0 ? v : std::fmax(hi, v);
      // Mode: the property of the most abundant element; ties go to the smaller value (Magpie).
      if (f > best_fraction + 1e-12 || (std::fabs(f - best_fraction) <= 1e-12 && v < mode)) {
        best_fraction = f;
        mode = v;
      }
    }
    double dev = 0;
    for (auto [z, f] : fractions) dev += f * std::fabs(value_of(*find_element(z), id) - mean);
    double stats[] = {mean, lo, hi, hi - lo, mode, dev};
    for (double s : stats) out[k++] = missing ? kNaN : s;
  }
}

}  // namespace pb::chem
