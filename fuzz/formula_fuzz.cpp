// libFuzzer target for the formula grammar. Besides crashes and sanitizer reports it checks
// invariants: every output of a successful parse can be computed, and an exact composition
// survives a round trip through its own formula text.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "chem/formula.hpp"
#include "util/error.hpp"

namespace {

void check_round_trip(const pb::chem::Composition& c) {
  if (c.symbolic() || !c.exact()) return;
  pb::chem::FormulaOptions plain;
  plain.aliases = false;
  pb::chem::ParsedFormula again = pb::chem::parse_formula(c.formula(), plain);
  auto a = c.element_amounts();
  auto b = again.composition.element_amounts();
  if (a.size() != b.size()) std::abort();
  for (const auto& x : a) {
    if (!(again.composition.amount_of(x.z) == x.amount)) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    pb::chem::ParsedFormula f = pb::chem::parse_formula(text);
    const auto& c = f.composition;
    (void)c.formula();
    (void)f.descriptive();
    if (!c.symbolic()) {
      (void)c.molar_mass();
      (void)c.reduced_formula();
      (void)c.formula_reduced_optimade();
      (void)c.formula_hill();
      (void)c.formula_anonymous();
      (void)c.weight_fractions();
      for (const auto& a : c.element_amounts()) {
        if (a.amount.negative()) std::abort();
      }
    }
    check_round_trip(c);
  } catch (const pb::ParseError&) {
  } catch (const pb::InvalidArgument&) {
  }
  return 0;
}
