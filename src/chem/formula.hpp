#pragma once
/// Chemical formulas as the literature writes them: nested groups, site notation, hydrates,
/// variable stoichiometry, glass and composite mixtures, charges, isotopes, Unicode and
/// abbreviations. The grammar is documented in docs/formulas.md.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chem/aliases.hpp"
#include "chem/composition.hpp"

namespace pb::chem {

/// Options for parse_formula.
struct FormulaOptions {
  /// Values for composition variables; they override values written after the formula.
  Bindings values;
  /// Expand abbreviations from data/formula_aliases.csv (LLZO, NMC811, ...).
  bool aliases = true;
};

/// How a mixture component's coefficient is to be read.
enum class ComponentBasis {
  kMole,           ///< `0.75Li2S-0.25P2S5`, `CuSO4·5H2O`, `(Li2O)50 (P2O5)50`
  kMolePercent,    ///< `75 mol% Li2S`
  kWeightPercent,  ///< `Li3PS4 – 30 wt% SiO2`
};

std::string_view to_string(ComponentBasis basis);

/// One component of a mixture, composite, hydrate or adduct.
struct FormulaComponent {
  std::string text;    ///< the component as written, e.g. "Li2S", "(0.6Li2S-0.4SiS2)"
  Amount coefficient;  ///< as written (the percentage for percent bases)
  ComponentBasis basis = ComponentBasis::kMole;
  Amount moles;             ///< formula units of this component in the whole
  Composition composition;  ///< of one formula unit of the component
};

/// A site shared by several elements whose split the formula does not give: `(Li,Na)CoO2`.
struct MixedSite {
  std::vector<int> elements;
  Amount total;  ///< site multiplicity per formula unit (2 in "(Li,Na)2CoO2")
};

/// Everything parse_formula learnt from a formula string.
struct ParsedFormula {
  std::string input;
  /// Total composition, variables substituted where values were given.
  Composition composition;
  /// Mixture, composite or hydrate components; empty for a single compound.
  std::vector<FormulaComponent> components;
  /// Disordered sites with an unknown split (their amounts were shared out equally).
  std::vector<MixedSite> mixed_sites;
  /// Abbreviations that were expanded.
  std::vector<const Alias*> aliases;
  /// Polymorph label written before the formula: "β" in "β-Li8GeP4".
  std::string phase;
  /// Variable values used (written after the formula and/or given in the options).
  Bindings values;
  /// Recoverable oddities: quotes removed, weight percent converted, equal split assumed.
  std::vector<std::string> warnings;
  /// True when the composition is not exactly what the text states: weight-percent
  /// conversion, an approximate or ambiguous abbreviation, or an assumed site split.
  bool approximate = false;

  /// OPTIMADE `chemical_formula_descriptive`: element symbols and decimal numbers, components
  /// as "(Li2S)0.75 (P2S5)0.25".
  std::string descriptive() const;
  /// OPTIMADE `chemical_formula_hill` of the formula unit as written; for a mixture, of its
  /// components with the smallest integer coefficients; nullopt when there is no such unit.
  std::optional<std::string> formula_hill() const;
};

/// Parses a formula; throws ParseError with the 1-based column (in characters) and a hint.
ParsedFormula parse_formula(std::string_view text, const FormulaOptions& options = {});

/// Parses "x=0.3" (as given to --set) into a binding; throws InvalidArgument when malformed.
std::pair<std::string, Number> parse_binding(std::string_view text);

}  // namespace pb::chem
