#pragma once
/// Substance identity (ARCHITECTURE.md §3): which distinct phase an entry belongs to. The host
/// formula folds minor dopants and vacancies away and rounds the rest to the nearest
/// small-integer stoichiometry within a tolerance; a substance is a host formula in one space
/// group with one Pearson symbol. Ids are derived from that key, so they are stable across
/// re-ingests and rebuilds.
#include <optional>
#include <string>
#include <vector>

#include "chem/composition.hpp"
#include "crystal/matcher.hpp"
#include "crystal/structure.hpp"

namespace pb::substance {

/// The structure matcher's defaults with elements compared (not species or occupancies).
inline crystal::MatchOptions element_match_options() {
  crystal::MatchOptions o;
  o.comparator = crystal::Comparator::kElement;
  return o;
}

/// The tolerances of the rules, declared once with their defaults.
struct IdentityOptions {
  /// An element making up less than this fraction of the atoms is a dopant and is folded away
  /// (0.02: 1 % Ti in LiNbO3 and 0.25 Al in Li7La3Zr2O12 are dopants; Li in LLTO is not).
  double dopant_fraction = 0.02;
  /// Each host amount, scaled, must lie within this relative distance of an integer
  /// (Li0.95 -> Li1 is 5 %).
  double stoichiometry_tolerance = 0.06;
  /// Largest number of atoms in the host formula unit tried (Li0.33La0.56TiO3 needs 44).
  int max_atoms = 64;
  /// Entries with coordinates must also share the framework: their host frameworks (see
  /// Framework) match under pymatgen's StructureMatcher default tolerances, elements compared,
  /// occupancies not.
  crystal::MatchOptions framework = element_match_options();
  /// Frameworks with more sites than this in the cell are not compared (the rule says so).
  std::size_t framework_max_sites = 400;
};

/// The host of a composition and the numbers that decided it.
struct Host {
  std::string formula;               ///< "LiNbO3"; the rounded composition when none fits
  bool rounded = false;              ///< false when no small-integer stoichiometry fitted
  int scale = 1;                     ///< atoms per formula unit the amounts were scaled to
  double max_deviation = 0;          ///< largest relative distance to the integers
  std::vector<std::string> dopants;  ///< elements folded away, e.g. {"Ti"}
};

/// The host formula of a composition (charges and isotopes folded); throws InvalidArgument when
/// the composition is empty or symbolic.
Host host_of(const chem::Composition& c, const IdentityOptions& options = {});

/// Share of a site's occupancy below which the minor species on it are dopants (see below).
inline constexpr double kSiteDopantShare = 0.25;

/// The composition of a structure with substitutions folded: on a site whose minor species
/// hold less than kSiteDopantShare of it, the dominant species takes the site's whole occupancy
/// ([Li0.95Nb0.01] on the Li site counts as Li0.96); vacancies stay.
chem::Composition site_host_composition(const crystal::Structure& s);

/// Total occupancy from which a site counts as fully occupied for the framework rule.
inline constexpr double kFrameworkOccupancy = 0.9;

/// The host framework of a structure, what the framework rule compares.
struct Framework {
  /// Each site holds its host species (the dominant one where the others are dopants, as in
  /// site_host_composition; every species of a solid-solution site in equal shares) fully
  /// occupied, so that doping, vacancies and refined occupancies do not count; sites whose
  /// species are all dopants of the host formula are left out.
  crystal::Structure cell;
  /// Host elements with a site less than kFrameworkOccupancy occupied (a mobile ion, a
  /// disordered sublattice), sorted. Papers model such sublattices differently (Li on 24d, 48g
  /// or 96h in garnets), so the comparison leaves these elements out.
  std::vector<std::string> partial;
};

Framework host_framework(const crystal::Structure& s, const Host& host);

/// The outcome of comparing the frameworks of two entries.
struct FrameworkVerdict {
  bool compared = false;    ///< false when a cell was too large or could not be analysed
  bool match = false;       ///< meaningful when compared
  double max_distance = 0;  ///< largest site displacement, in units of the site tolerance
  double rms = 0;
  std::vector<std::string> ignored;  ///< partly occupied elements left out
  bool inverted = false;             ///< matched with one of them inverted through the origin
  std::string reason;                ///< why they differ, or why they were not compared
};

/// Compares two host frameworks with options.framework, leaving out the elements partly
/// occupied in either (unless nothing else is left), and accepting a match of one inverted
/// through the origin.
FrameworkVerdict compare_frameworks(const Framework& a, const Framework& b,
                                    const IdentityOptions& options = {});

/// The identity of an entry: the key, the stable id derived from it, and why.
struct Identity {
  std::string id;   ///< "pbs-" + 12 hex digits of SHA-256(key)
  std::string key;  ///< "LiNbO3|161|hR10"
  Host host;
  std::optional<int> space_group;
  std::string pearson;
  std::string rule;          ///< how the entry was admitted, for people
  std::string numbers_json;  ///< the numbers that admitted it, as a JSON object
};

/// Identity of an entry with a known space group and Pearson symbol (a structure).
Identity identify(const chem::Composition& c, std::optional<int> space_group,
                  const std::string& pearson, const IdentityOptions& options = {});

/// The stable id of a key.
std::string substance_id(const std::string& key);

/// The id of a framework variant: an entry whose identity key names substances whose
/// frameworks all differ from its own founds a new one, with the id of the key and the content
/// hash of that founding entry ("pbs-" + 12 hex digits of SHA-256("KEY|framework|HASH")).
std::string framework_variant_id(const std::string& key, const std::string& founder_hash);

}  // namespace pb::substance
