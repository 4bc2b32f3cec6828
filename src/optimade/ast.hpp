#pragma once
/// The syntax tree of an OPTIMADE filter, as parse_filter() builds it. Columns are 1-based code
/// points into the filter text, kept so that translation errors point at the input too.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace pb::optimade {

/// A property name, possibly nested ("authors.lastname").
struct Property {
  std::vector<std::string> path;
  std::size_t column = 0;

  std::string dotted() const;
};

/// A number as written, and its value; `integer` is set when it is an integer in int64 range.
struct Number {
  std::string text;
  double value = 0;
  std::optional<std::int64_t> integer;
};

/// A constant or a property on either side of a comparison.
struct Operand {
  std::variant<std::string, Number, bool, Property> value;
  std::size_t column = 0;

  bool is_property() const { return std::holds_alternative<Property>(value); }
};

enum class Op { eq, ne, lt, le, gt, ge };
enum class Fuzzy { contains, starts, ends };
enum class Quantifier { one, all, any, only };

/// One test on a list item: `op value` (equality when no operator is written) or a fuzzy
/// string operation.
struct Predicate {
  bool fuzzy = false;
  Op op = Op::eq;
  Fuzzy fuzzy_op = Fuzzy::contains;
  Operand value;
};

/// A node of the tree; which fields are used depends on `kind`.
struct Node {
  enum class Kind {
    and_,     ///< children[0] AND children[1] AND ...
    or_,      ///< children[0] OR children[1] OR ...
    not_,     ///< NOT children[0]
    compare,  ///< left op right
    known,    ///< left (a property) IS KNOWN (known = true) / IS UNKNOWN
    fuzzy,    ///< left (a property) CONTAINS / STARTS / ENDS right
    has,      ///< properties HAS [ALL|ANY|ONLY] rows
    length,   ///< left (a property) LENGTH op right
    bare,     ///< left (a property) alone: TRUE for booleans, IS KNOWN otherwise
  };
  Kind kind = Kind::compare;
  std::size_t column = 0;
  std::vector<std::unique_ptr<Node>> children;
  Operand left, right;
  Op op = Op::eq;
  Fuzzy fuzzy = Fuzzy::contains;
  bool known = true;
  std::vector<Property> properties;  ///< has: one, or several for the correlated ':' form
  Quantifier quantifier = Quantifier::one;
  std::vector<std::vector<Predicate>> rows;  ///< has: one row per value (zip), each of size
                                             ///< properties.size()
};

/// "=", "!=", "<", "<=", ">", ">=".
const char* op_text(Op op);
/// The operator with the operands swapped: a op b <=> b mirror(op) a.
Op mirror(Op op);

}  // namespace pb::optimade
