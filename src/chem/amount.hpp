#pragma once
/// Stoichiometric amounts that may depend on composition variables: `2-x`, `3-δ`, `2.5-2y+2z`,
/// kept as affine expressions c0 + c1*x + c2*y ... and evaluated once values are known.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chem/rational.hpp"

namespace pb::chem {

/// Values for composition variables, e.g. {"x": 0.3, "δ": 0.1}.
using Bindings = std::map<std::string, Number, std::less<>>;

/// c0 + sum(ci * vi): a number when it has no variable terms.
class Amount {
 public:
  struct Term {
    std::string variable;  ///< "x", "y", "δ" (UTF-8)
    Number coefficient;
  };

  Amount() = default;
  Amount(Number constant) : constant_(constant) {}  // NOLINT: implicit by design
  Amount(const Amount& o) : constant_(o.constant_), terms_(o.terms_ ? clone(*o.terms_) : nullptr) {}
  Amount(Amount&&) noexcept = default;
  Amount& operator=(const Amount& o);
  Amount& operator=(Amount&&) noexcept = default;
  ~Amount() = default;
  static Amount variable(const std::string& name, Number coefficient = 1);

  bool is_constant() const { return !terms_ || terms_->empty(); }
  const Number& constant() const { return constant_; }
  const std::vector<Term>& terms() const;

  Amount operator+(const Amount& o) const;
  Amount operator-(const Amount& o) const;
  /// Product; throws InvalidArgument when both sides depend on variables (not affine).
  Amount operator*(const Amount& o) const;
  Amount& operator+=(const Amount& o) { return *this = *this + o; }
  bool operator==(const Amount& o) const;

  /// Substitutes the bound variables; the rest stay symbolic.
  Amount substitute(const Bindings& values) const;
  /// The value when constant, else std::nullopt.
  std::optional<Number> number() const;
  /// "2", "0.95", "1+x", "2.5-2y+2z", "3-δ".
  std::string to_string() const;

 private:
  void add_term(const std::string& variable, const Number& coefficient);
  static std::unique_ptr<std::vector<Term>> clone(const std::vector<Term>& terms);

  Number constant_;
  // Sorted by variable name, no zero coefficients. Behind a pointer that stays null for plain
  // numbers, so that copying the common, constant amounts costs no allocation.
  std::unique_ptr<std::vector<Term>> terms_;
};

}  // namespace pb::chem
