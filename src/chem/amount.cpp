#include "chem/amount.hpp"

#include <algorithm>

#include "util/error.hpp"

namespace pb::chem {

Amount Amount::variable(std::string name, Number coefficient) {
  Amount a;
  a.add_term(name, coefficient);
  return a;
}

void Amount::add_term(const std::string& variable, const Number& coefficient) {
  auto it = std::lower_bound(terms_.begin(), terms_.end(), variable,
                             [](const Term& t, const std::string& v) { return t.variable < v; });
  if (it != terms_.end() && it->variable == variable) {
    it->coefficient += coefficient;
    if (it->coefficient.is_zero()) terms_.erase(it);
  } else if (!coefficient.is_zero()) {
    terms_.insert(it, Term{variable, coefficient});
  }
}

Amount Amount::operator+(const Amount& o) const {
  Amount r = *this;
  r.constant_ += o.constant_;
  for (const Term& t : o.terms_) r.add_term(t.variable, t.coefficient);
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
  for (const Term& t : symbolic.terms_) r.add_term(t.variable, t.coefficient * factor);
  return r;
}

bool Amount::operator==(const Amount& o) const {
  if (!(constant_ == o.constant_) || terms_.size() != o.terms_.size()) return false;
  for (std::size_t i = 0; i < terms_.size(); ++i) {
    if (terms_[i].variable != o.terms_[i].variable ||
        !(terms_[i].coefficient == o.terms_[i].coefficient)) {
      return false;
    }
  }
  return true;
}

Amount Amount::substitute(const Bindings& values) const {
  if (terms_.empty() || values.empty()) return *this;
  Amount r(constant_);
  for (const Term& t : terms_) {
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
  if (!constant_.is_zero() || terms_.empty()) out = constant_.to_string();
  for (const Term& t : terms_) {
    bool neg = t.coefficient.negative();
    Number mag = neg ? -t.coefficient : t.coefficient;
    if (!out.empty() || neg) out += neg ? "-" : "+";
    if (!(mag == Number(1))) out += mag.to_string();
    out += t.variable;
  }
  return out;
}

}  // namespace pb::chem
