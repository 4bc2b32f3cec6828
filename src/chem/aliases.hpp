#pragma once
/// Abbreviations used for materials in the literature (LLZO, NMC811, LiPON, ...), read from
/// data/formula_aliases.csv, which gives each one's formula, status and source.
#include <span>
#include <string>
#include <string_view>

namespace pb::chem {

/// How well an abbreviation pins down a composition.
enum class AliasStatus {
  kExact,        ///< the name fixes the composition (NMC811, LGPS)
  kApproximate,  ///< a family with a usual composition (LATP: x varies, 0.3 is typical)
  kAmbiguous,    ///< used for several different compositions (LPS, LMO)
};

/// One row of data/formula_aliases.csv.
struct Alias {
  std::string name;
  std::string formula;
  AliasStatus status;
  std::string source;  ///< reference for the composition
  std::string note;    ///< what varies, or the alternatives
};

std::string_view to_string(AliasStatus status);

/// All aliases, in file order.
std::span<const Alias> aliases();
/// The alias with exactly this name (case-sensitive), or nullptr.
const Alias* find_alias(std::string_view name);
/// Length of the longest alias name (lets lexers skip lookups for longer words).
std::size_t max_alias_length();

}  // namespace pb::chem
