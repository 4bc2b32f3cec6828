#pragma once
/// DOS and band-structure plots as standalone SVG (drawn with plot::Canvas).
#include <optional>
#include <string>
#include <vector>

#include "calc/result.hpp"
#include "plot/chart.hpp"

namespace pb::calc {

/// A label on the k-path axis: the index of the k-point and its name ("G" is drawn as Γ).
struct PathLabel {
  std::size_t index = 0;
  std::string label;
};

/// Total DOS against E - E_F (eV) within [emin, emax] (all of it when the window misses), one
/// curve per spin channel (down drawn negative, with a legend).
std::string dos_svg(const Dos& dos, double fermi_ev, const std::string& title, double emin = -1e300,
                    double emax = 1e300);

/// Bands against the distance along the k-path, E - E_F (eV) from `emin` to `emax`.
std::string bands_svg(const BandData& bands, double fermi_ev, const std::vector<PathLabel>& labels,
                      const std::string& title, double emin = -12, double emax = 8);

using plot::nice_ticks;

}  // namespace pb::calc
