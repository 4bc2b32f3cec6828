#pragma once
/// A chemical composition: species (element, isotope, oxidation state) with amounts that are
/// exact where the input was exact and may depend on composition variables.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chem/amount.hpp"

namespace pb::chem {

/// Solvents read as a hydrate or adduct after '.' in "CuSO4.5H2O" (formula grammar), which
/// formula() therefore never writes directly after a decimal amount.
inline constexpr std::string_view kSolventFormulas[] = {"H2O", "D2O", "NH3"};

/// An element, optionally a specific isotope (D = H-2, T = H-3) and an oxidation state.
struct Species {
  std::uint8_t z = 0;
  std::uint16_t mass_number = 0;  ///< 0 = natural isotopic mix
  std::int8_t charge = 0;
  bool has_charge = false;

  bool operator==(const Species&) const = default;
  /// "Fe", "D", "13C": the element or isotope without the charge.
  std::string symbol() const;
  /// "Fe", "Fe2+", "O2-", "D".
  std::string to_string() const;
  /// Standard atomic weight, or the isotope mass for D and T.
  double mass() const;
};

/// One element's share of a composition, with its amount as a number.
struct ElementAmount {
  int z;
  Number amount;
};

/// Species -> amount, in order of first appearance.
class Composition {
 public:
  struct Entry {
    Species species;
    Amount amount;
  };

  Composition() = default;
  /// Takes the entries, merging repeated species and dropping amounts that are exactly zero.
  explicit Composition(std::vector<Entry> entries);

  const std::vector<Entry>& entries() const { return entries_; }
  bool empty() const { return entries_.empty(); }
  /// Adds `amount` of `species`, merging with an equal species already present.
  void add(const Species& species, const Amount& amount);
  /// Adds every entry of `other` times `factor`.
  void add(const Composition& other, const Amount& factor);

  /// True when some amount still depends on a variable.
  bool symbolic() const;
  /// Names of the unresolved variables, sorted.
  std::vector<std::string> variables() const;
  Composition substitute(const Bindings& values) const;
  /// True when every amount is an exact rational.
  bool exact() const;

  /// Amounts per element (isotopes and charges folded), ordered by first appearance.
  /// Throws InvalidArgument when the composition is symbolic.
  std::vector<ElementAmount> element_amounts() const;
  /// Amount of one element (0 when absent). Throws when symbolic.
  Number amount_of(int z) const;
  Number total_atoms() const;
  /// g/mol per formula unit as written.
  double molar_mass() const;
  /// Atomic fraction of each element, ordered by first appearance.
  std::vector<std::pair<int, double>> atomic_fractions() const;
  /// Mass fraction of each element, ordered by first appearance.
  std::vector<std::pair<int, double>> weight_fractions() const;

  /// Smallest integer proportions (OPTIMADE rules: exact when amounts are exact rationals,
  /// a close rational approximation otherwise), in first-appearance order.
  std::vector<std::pair<int, std::int64_t>> integer_proportions() const;
  /// OPTIMADE `chemical_formula_reduced`: alphabetical, integer, "1" omitted.
  std::string formula_reduced_optimade() const;
  /// OPTIMADE `chemical_formula_hill` from the amounts as written; nullopt when not integers.
  std::optional<std::string> formula_hill() const;
  /// OPTIMADE `chemical_formula_anonymous`: "A2B", ordered by decreasing proportion.
  std::string formula_anonymous() const;
  /// Human reduced formula ordered by electronegativity ("Li3PS4", "Li0.33La0.56TiO3").
  std::string reduced_formula() const;
  /// Formula units: the composition equals formula_units() times reduced_formula().
  Number formula_units() const;
  /// The composition as written, electronegativity order, readable by parse_formula:
  /// "Li1.5P0.5S2", "Li1+xTi2-xAlxP3O12", "D2O", "Li1.2(H2O)".
  std::string formula() const;
  /// Element symbols and decimal numbers only (isotopes folded, no fractions or exponents):
  /// OPTIMADE's `chemical_formula_descriptive`. Throws when symbolic.
  std::string formula_plain() const;

 private:
  std::vector<Entry> entries_;
};

/// A number as a decimal without exponent: exact where it terminates ("0.25"), otherwise six
/// significant digits ("0.333333", "0.0000299668").
std::string decimal_text(const Number& n);

/// The anonymous symbol for the i-th (0-based) element: A..Z, Aa..Za, Ab.. (OPTIMADE).
std::string anonymous_symbol(std::size_t index);

}  // namespace pb::chem
