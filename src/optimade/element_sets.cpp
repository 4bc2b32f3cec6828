#include "optimade/element_sets.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "chem/element.hpp"
#include "optimade/ast.hpp"
#include "store/repositories.hpp"
#include "store/sqlite.hpp"

namespace pb::optimade {

// One instruction of the postfix program: tests push a truth value, and/or/not combine them.
struct ElementSetTest::Step {
  enum class Kind {
    has_all,
    has_any,
    only,
    count,
    space_group,
    space_group_known,
    and_,
    or_,
    not_
  };
  Kind kind = Kind::has_all;
  std::int64_t low = 0, high = 0;  // has_all / has_any / only
  bool impossible = false;         // has_all of a value that is no element: never true
  Op op = Op::eq;                  // count: nelements op value; space_group: likewise
  bool known = true;               // space_group_known: IS KNOWN (true) or IS UNKNOWN
  double value = 0;
  std::size_t arity = 0;  // and_ / or_
};

namespace {

// Narrows [min, max] (integers) to the values v with `v op value`; false when `op` is != (not an
// interval).
bool narrow(std::int64_t& min, std::int64_t& max, Op op, double value) {
  // The columns hold small integers: far values only need to stay far.
  const double v = std::clamp(value, -1e9, 1e9);
  const auto floor_v = static_cast<std::int64_t>(std::floor(v));
  const auto ceil_v = static_cast<std::int64_t>(std::ceil(v));
  switch (op) {
    case Op::eq:
      if (floor_v != ceil_v) {
        min = 1;  // no integer equals it
        max = 0;
      } else {
        min = std::max(min, floor_v);
        max = std::min(max, floor_v);
      }
      return true;
    case Op::lt:
      max = std::min(max, ceil_v - 1);
      return true;
    case Op::le:
      max = std::min(max, floor_v);
      return true;
    case Op::gt:
      min = std::max(min, floor_v + 1);
      return true;
    case Op::ge:
      min = std::max(min, ceil_v);
      return true;
    case Op::ne:
      return false;
  }
  return false;
}

}  // namespace

ElementSetTest::ElementSetTest(std::vector<Step> steps) : steps_(std::move(steps)) {
  const bool top_and = steps_.size() > 1 && steps_.back().kind == Step::Kind::and_ &&
                       steps_.back().arity == steps_.size() - 1;
  if (steps_.size() != 1 && !top_and) return;
  Conjunction c;
  for (std::size_t i = 0; i < steps_.size() - (top_and ? 1 : 0); ++i) {
    const Step& s = steps_[i];
    switch (s.kind) {
      case Step::Kind::has_all:
        c.never = c.never || s.impossible;
        c.need_low |= s.low;
        c.need_high |= s.high;
        break;
      case Step::Kind::only:
        c.out_low |= ~s.low;
        c.out_high |= ~s.high;
        break;
      case Step::Kind::count:
        if (!narrow(c.nelements_min, c.nelements_max, s.op, s.value)) return;
        break;
      case Step::Kind::space_group:
        c.space_group_min = std::max<std::int64_t>(c.space_group_min, 0);
        if (!narrow(c.space_group_min, c.space_group_max, s.op, s.value)) return;
        break;
      case Step::Kind::space_group_known:
        if (s.known) {
          c.space_group_min = std::max<std::int64_t>(c.space_group_min, 0);
        } else {
          c.space_group_max = std::min<std::int64_t>(c.space_group_max, -1);
        }
        break;
      default:
        return;  // HAS ANY, nested operators
    }
  }
  conjunction_ = c;
}
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

constexpr const char* kSpaceGroup = "_phasebook_space_group_number";

// Appends the program of `n`; false when `n` looks at anything but elements, nelements and the
// space group number.
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
    case Node::Kind::known: {
      if (!is_property(n.left, kSpaceGroup)) return false;
      Step s{Step::Kind::space_group_known};
      s.known = n.known;
      out.push_back(s);
      return true;
    }
    case Node::Kind::compare:
    case Node::Kind::length: {
      const bool length = n.kind == Node::Kind::length;
      const bool space_group =
          !length && (is_property(n.left, kSpaceGroup) || is_property(n.right, kSpaceGroup));
      const char* field = length ? "elements" : space_group ? kSpaceGroup : "nelements";
      const bool left = is_property(n.left, field);
      const Operand& other = left ? n.right : n.left;
      const auto* number = std::get_if<Number>(&other.value);
      if ((!left && (length || !is_property(n.right, field))) || number == nullptr) return false;
      Step s{space_group ? Step::Kind::space_group : Step::Kind::count};
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

namespace {

// SQL's three-valued logic: a comparison with an unknown space group is unknown, and stays
// unknown under NOT; only a true result matches.
enum class Truth : unsigned char { no, yes, unknown };

Truth truth(bool b) { return b ? Truth::yes : Truth::no; }

Truth test_step(const Step& s, const ElementSets::Set& set) {
  switch (s.kind) {
    case Step::Kind::has_all:
      return truth(!s.impossible && (set.low & s.low) == s.low && (set.high & s.high) == s.high);
    case Step::Kind::has_any:
      return truth((set.low & s.low) != 0 || (set.high & s.high) != 0);
    case Step::Kind::only:
      return truth((set.low & ~s.low) == 0 && (set.high & ~s.high) == 0);
    case Step::Kind::count:
      return truth(compare(static_cast<double>(set.nelements), s.op, s.value));
    case Step::Kind::space_group:
      if (!set.space_group) return Truth::unknown;
      return truth(compare(static_cast<double>(*set.space_group), s.op, s.value));
    case Step::Kind::space_group_known:
      return truth(set.space_group.has_value() == s.known);
    default:
      return Truth::unknown;  // operators are not tests
  }
}

}  // namespace

bool ElementSetTest::operator()(const ElementSets::Set& set) const {
  if (conjunction_) {
    return !conjunction_->never &&
           conjunction_->holds(set.low, set.high, set.nelements, set.space_group.value_or(-1));
  }
  // Programs are short (at most kMaxSteps): a small stack on the C++ stack.
  Truth stack[kMaxSteps];
  std::size_t top = 0;
  for (const Step& s : steps_) {
    switch (s.kind) {
      case Step::Kind::not_:
        if (stack[top - 1] != Truth::unknown)
          stack[top - 1] = stack[top - 1] == Truth::yes ? Truth::no : Truth::yes;
        break;
      case Step::Kind::and_:
      case Step::Kind::or_: {
        // AND: false wins, then unknown; OR: true wins, then unknown.
        const Truth decisive = s.kind == Step::Kind::and_ ? Truth::no : Truth::yes;
        Truth v = s.kind == Step::Kind::and_ ? Truth::yes : Truth::no;
        for (std::size_t i = top - s.arity; i < top; ++i) {
          if (stack[i] == decisive) {
            v = decisive;
            break;
          }
          if (stack[i] == Truth::unknown) v = Truth::unknown;
        }
        top -= s.arity;
        stack[top++] = v;
        break;
      }
      default:
        stack[top++] = test_step(s, set);
    }
  }
  return top == 1 && stack[0] == Truth::yes;
}

std::optional<ElementSetTest> element_set_test(const Filter& filter) {
  std::vector<Step> steps;
  if (!compile(filter.root(), steps)) return std::nullopt;
  // The evaluation stack holds at most one value per step.
  if (steps.size() > kMaxSteps) return std::nullopt;
  return ElementSetTest(std::move(steps));
}

ElementSets ElementSets::load(store::Connection& connection) {
  ElementSets out;
  // In the order of the structure_space_group index, which holds every column read here, so
  // that SQLite groups while it walks the index.
  auto st = connection.prepare(
      "SELECT space_group_number, nelements, elements_mask_low, elements_mask_high, count(*) "
      "FROM structure GROUP BY 1, 2, 3, 4");
  while (st.step()) {
    out.space_group_.push_back(st.is_null(0) ? -1 : static_cast<std::int32_t>(st.column_int64(0)));
    out.nelements_.push_back(static_cast<std::int32_t>(st.column_int64(1)));
    out.low_.push_back(st.column_int64(2));
    out.high_.push_back(st.column_int64(3));
    out.structures_.push_back(static_cast<std::int32_t>(st.column_int64(4)));
  }
  out.by_element_.resize(128);
  for (std::size_t i = 0; i < out.low_.size(); ++i) {
    for (int bit = 0; bit < 128; ++bit) {
      const std::int64_t mask = bit < 64 ? out.low_[i] : out.high_[i];
      if (mask >> (bit % 64) & 1)
        out.by_element_[static_cast<std::size_t>(bit)].push_back(static_cast<std::uint32_t>(i));
    }
  }
  return out;
}

ElementSet ElementSets::at(std::size_t i) const {
  ElementSet set{low_[i], high_[i], nelements_[i], std::nullopt, structures_[i]};
  if (space_group_[i] >= 0) set.space_group = space_group_[i];
  return set;
}

// Calls `hit(i)` for every group that matches.
template <class Hit>
void ElementSets::each_match(const ElementSetTest& test, Hit hit) const {
  const std::size_t size = low_.size();
  if (const auto* c = test.conjunction()) {
    if (c->never) return;
    // With elements that every match holds, only the groups holding the rarest of them.
    const std::vector<std::uint32_t>* fewest = nullptr;
    for (int bit = 0; bit < 128; ++bit) {
      const std::int64_t need = bit < 64 ? c->need_low : c->need_high;
      if ((need >> (bit % 64) & 1) == 0) continue;
      const auto& list = by_element_[static_cast<std::size_t>(bit)];
      if (fewest == nullptr || list.size() < fewest->size()) fewest = &list;
    }
    auto test_group = [&](std::size_t i) {
      return c->holds(low_[i], high_[i], nelements_[i], space_group_[i]);
    };
    if (fewest != nullptr) {
      for (std::uint32_t i : *fewest) hit(i, test_group(i));
      return;
    }
    // Every group; the caller adds up or collects.
    for (std::size_t i = 0; i < size; ++i) hit(i, test_group(i));
    return;
  }
  for (std::size_t i = 0; i < size; ++i) hit(i, test(at(i)));
}

std::int64_t ElementSets::count(const ElementSetTest& test) const {
  std::int64_t n = 0;
  each_match(test, [&](std::size_t i, bool match) {
    n += static_cast<std::int64_t>(structures_[i]) & -static_cast<std::int64_t>(match);
  });
  return n;
}

std::string ElementSets::matching_masks_json(const ElementSetTest& test) const {
  // Groups that differ only in their space group or number of elements share masks: each pair
  // once.
  std::vector<std::pair<std::int64_t, std::int64_t>> masks;
  each_match(test, [&](std::size_t i, bool match) {
    if (match) masks.emplace_back(low_[i], high_[i]);
  });
  std::sort(masks.begin(), masks.end());
  masks.erase(std::unique(masks.begin(), masks.end()), masks.end());
  std::string out = "[";
  for (const auto& [low, high] : masks) {
    if (out.size() > 1) out += ',';
    out += '[' + std::to_string(low) + ',' + std::to_string(high) + ']';
  }
  return out + ']';
}

}  // namespace pb::optimade
