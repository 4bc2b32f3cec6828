#include "optimade/element_sets.hpp"

#include <algorithm>

#include "chem/element.hpp"
#include "optimade/ast.hpp"
#include "store/repositories.hpp"
#include "store/sqlite.hpp"

namespace pb::optimade {

// One instruction of the postfix program: tests push a truth value, and/or/not combine them.
struct ElementSetTest::Step {
  enum class Kind { has_all, has_any, only, count, and_, or_, not_ };
  Kind kind = Kind::has_all;
  std::int64_t low = 0, high = 0;  // has_all / has_any / only
  bool impossible = false;         // has_all of a value that is no element: never true
  Op op = Op::eq;                  // count: nelements op value
  double value = 0;
  std::size_t arity = 0;  // and_ / or_
};

ElementSetTest::ElementSetTest(std::vector<Step> steps) : steps_(std::move(steps)) {}
ElementSetTest::~ElementSetTest() = default;
ElementSetTest::ElementSetTest(ElementSetTest&&) noexcept = default;
ElementSetTest& ElementSetTest::operator=(ElementSetTest&&) noexcept = default;

namespace {

using Step = ElementSetTest::Step;

bool compare(double a, Op op, double b) {
  switch (op) {
    case Op::eq:
      return a == b;
    case Op::ne:
      return a != b;
    case Op::lt:
      return a < b;
    case Op::le:
      return a <= b;
    case Op::gt:
      return a > b;
    case Op::ge:
      return a >= b;
  }
  return false;
}

bool is_property(const Operand& o, const char* name) {
  const auto* p = std::get_if<Property>(&o.value);
  return p != nullptr && p->path.size() == 1 && p->path[0] == name;
}

// Appends the program of `n`; false when `n` looks at anything but elements and nelements.
bool compile(const Node& n, std::vector<Step>& out) {
  switch (n.kind) {
    case Node::Kind::and_:
    case Node::Kind::or_: {
      for (const auto& child : n.children) {
        if (!compile(*child, out)) return false;
      }
      Step s;
      s.kind = n.kind == Node::Kind::and_ ? Step::Kind::and_ : Step::Kind::or_;
      s.arity = n.children.size();
      out.push_back(s);
      return true;
    }
    case Node::Kind::not_: {
      if (!compile(*n.children[0], out)) return false;
      out.push_back(Step{Step::Kind::not_});
      return true;
    }
    case Node::Kind::compare:
    case Node::Kind::length: {
      const char* field = n.kind == Node::Kind::compare ? "nelements" : "elements";
      const bool left = is_property(n.left, field);
      const Operand& other = left ? n.right : n.left;
      const auto* number = std::get_if<Number>(&other.value);
      if ((!left && (n.kind == Node::Kind::length || !is_property(n.right, field))) ||
          number == nullptr)
        return false;
      Step s{Step::Kind::count};
      s.op = left ? n.op : mirror(n.op);
      s.value = number->value;
      out.push_back(s);
      return true;
    }
    case Node::Kind::has: {
      if (n.properties.size() != 1 || n.properties[0].path != std::vector<std::string>{"elements"})
        return false;
      Step s;
      s.kind = n.quantifier == Quantifier::any    ? Step::Kind::has_any
               : n.quantifier == Quantifier::only ? Step::Kind::only
                                                  : Step::Kind::has_all;
      for (const auto& row : n.rows) {
        const Predicate& p = row.at(0);
        const auto* value = std::get_if<std::string>(&p.value.value);
        if (row.size() != 1 || p.fuzzy || p.op != Op::eq || value == nullptr) return false;
        // A value that is not an element symbol names no stored element (to_sql tests it on
        // structure_element, where it is never found).
        const chem::Element* e = chem::find_element(std::string_view(*value));
        if (e == nullptr || e->symbol != *value) {
          s.impossible = true;
          continue;
        }
        const store::ElementMask m = store::element_mask({*value});
        s.low |= m.low;
        s.high |= m.high;
      }
      out.push_back(s);
      return true;
    }
    default:
      return false;
  }
}

}  // namespace

bool ElementSetTest::operator()(std::int64_t low, std::int64_t high, std::int64_t nelements) const {
  // Programs are short (one step per test and operator): a small stack on the C++ stack.
  bool stack[64];
  std::size_t top = 0;
  for (const Step& s : steps_) {
    switch (s.kind) {
      case Step::Kind::has_all:
        stack[top++] = !s.impossible && (low & s.low) == s.low && (high & s.high) == s.high;
        break;
      case Step::Kind::has_any:
        stack[top++] = (low & s.low) != 0 || (high & s.high) != 0;
        break;
      case Step::Kind::only:
        stack[top++] = (low & ~s.low) == 0 && (high & ~s.high) == 0;
        break;
      case Step::Kind::count:
        stack[top++] = compare(static_cast<double>(nelements), s.op, s.value);
        break;
      case Step::Kind::not_:
        stack[top - 1] = !stack[top - 1];
        break;
      case Step::Kind::and_:
      case Step::Kind::or_: {
        const bool is_and = s.kind == Step::Kind::and_;
        bool v = is_and;
        for (std::size_t i = top - s.arity; i < top; ++i)
          v = is_and ? v && stack[i] : v || stack[i];
        top -= s.arity;
        stack[top++] = v;
        break;
      }
    }
  }
  return top == 1 && stack[0];
}

std::optional<ElementSetTest> element_set_test(const Filter& filter) {
  std::vector<Step> steps;
  if (!compile(filter.root(), steps)) return std::nullopt;
  // The evaluation stack holds at most one value per step.
  if (steps.size() > 64) return std::nullopt;
  return ElementSetTest(std::move(steps));
}

ElementSets ElementSets::load(store::Connection& connection) {
  ElementSets out;
  auto st = connection.prepare(
      "SELECT elements_mask_low, elements_mask_high, nelements, sum(structures) FROM "
      "structure_element_set GROUP BY 1, 2, 3 HAVING sum(structures) > 0");
  while (st.step())
    out.sets_.push_back(
        {st.column_int64(0), st.column_int64(1), st.column_int64(2), st.column_int64(3)});
  return out;
}

std::int64_t ElementSets::count(const ElementSetTest& test) const {
  std::int64_t n = 0;
  for (const Set& s : sets_) {
    if (test(s.low, s.high, s.nelements)) n += s.structures;
  }
  return n;
}

std::string ElementSets::matching_masks_json(const ElementSetTest& test) const {
  std::string out = "[";
  for (const Set& s : sets_) {
    if (!test(s.low, s.high, s.nelements)) continue;
    if (out.size() > 1) out += ',';
    out += '[' + std::to_string(s.low) + ',' + std::to_string(s.high) + ']';
  }
  return out + ']';
}

}  // namespace pb::optimade
