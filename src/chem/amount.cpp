#include "chem/amount.hpp"

#include <algorithm>

#include "util/error.hpp"

namespace pb::chem {

std::unique_ptr<std::vector<Amount::Term>> Amount::clone(const std::vector<Term>& terms) {
  return std::make_unique<std::vector<Term>>(terms);
}

Amount& Amount::operator=(const Amount& o) {
  if (this != &o) {
    constant_ = o.constant_;
    terms_ = o.terms_ ? clone(*o.terms_) : nullptr;
  }
  return *this;
}

const std::vector<Amount::Term>& Amount::terms() const {
  static const std::vector<Term> kNone;
  return terms_ ? *terms_ : kNone;
}

Amount Amount::variable(const std::string& name, Number coefficient) {
  Amount a;
  a.add_term(name, coefficient);
  return a;
}

void Amount::add_term(const std::string& variable, const Number& coefficient) {
  if (!terms_) {
    if (coefficient.is_zero()) return;
    terms_ = std::make_unique<std::vector<Term>>();
  }
  auto& terms = *terms_;
  auto it = std::lower_bound(terms.begin(), terms.end(), variable,
                             [](const Term& t, const std::string& v) { return t.variable < v; });
  if (it != terms.end() && it->variable == variable) {
    it->coefficient += coefficient;
    if (it->coefficient.is_zero()) terms.erase(it);
  } else if (!coefficient.is_zero()) {
    terms.insert(it, Term{variable, coefficient});
  }
}

Amount Amount::operator+(const Amount& o) const {
  Amount r = *this;
  r.constant_ += o.constant_;
  for (const Term& t : o.terms()) r.add_term(t.variable, t.coefficient);
  return r;
}

Amount Amount::operator-(const Amount& o) const { return *this + o * Amount(Number(-1)); }

Amount Amount::operator*(const Amount& o) const {
  if (!is_constant() && !o.is_constant()) {
    throw InvalidArgument("the amount (" + to_string() + ")*(" + o.to_string() +
                          ") is not linear in the composition variables");
  }
  const Amount& symbolic = is_constant() ? o : *this;
  const Number& factor = is_constant() ? constant_ : o.constant_;
  Amount r;
  r.constant_ = symbolic.constant_ * factor;
  for (const Term& t : symbolic.terms()) r.add_term(t.variable, t.coefficient * factor);
  return r;
}

bool Amount::operator==(const Amount& o) const {
  const auto& a = terms();
  const auto& b = o.terms();
  if (!(constant_ == o.constant_) || a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].variable != b[i].variable || !(a[i].coefficient == b[i].coefficient)) {
      return false;
    }
  }
  return true;
}

Amount Amount::substitute(const Bindings& values) const {
  if (is_constant() || values.empty()) return *this;
  Amount r(constant_);
  for (const Term& t : *terms_) {
    auto it = values.find(t.variable);
    if (it != values.end()) {
      r.constant_ += t.coefficient * it->second;
    } else {
      r.add_term(t.variable, t.coefficient);
    }
  }
  return r;
}

std::optional<Number> Amount::number() const {
  if (!is_constant()) return std::nullopt;
  return constant_;
}

std::string Amount::to_string() const {
  std::string out;
  if (!constant_.is_zero() || is_constant()) out = constant_.to_string();
  for (const Term& t : terms()) {
    bool neg = t.coefficient.negative();
    Number mag = neg ? -t.coefficient : t.coefficient;
    if (!out.empty() || neg) out += neg ? "-" : "+";
    if (!(mag == Number(1))) out += mag.to_string();
    out += t.variable;
  }
  return out;
}

}  // namespace pb::chem
