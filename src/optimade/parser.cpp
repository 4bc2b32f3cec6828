// Recursive descent over the EBNF of the spec's appendix "The Filter Language EBNF Grammar";
// each parse_* function is one rule. AND and OR chains are collected into one n-ary node so that
// long chains cost no recursion depth; parentheses and NOT are limited to kMaxFilterDepth.
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "optimade/ast.hpp"
#include "optimade/filter.hpp"
#include "optimade/lexer.hpp"

namespace pb::optimade {

namespace {

using Kind = Token::Kind;

Number read_number(const std::string& text) {
  Number n;
  n.text = text;
  std::string_view digits = text;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  const char* first = digits.data();
  const char* last = first + digits.size();
  if (digits.find_first_of(".eE") == std::string_view::npos) {
    std::int64_t i = 0;
    auto [end, ec] = std::from_chars(first, last, i);
    if (ec == std::errc() && end == last) n.integer = i;
  }
  auto [end, ec] = std::from_chars(first, last, n.value);
  if (ec == std::errc::result_out_of_range) {
    // Overflow becomes ±inf (reported as 501 when used), underflow a denormal or zero.
    n.value = std::strtod(std::string(digits).c_str(), nullptr);
  }
  return n;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : tokens_(lex(text)) {}

  std::shared_ptr<const Node> run() {
    if (peek().kind == Kind::end) fail(peek().column, "the filter is empty");
    auto root = expression(0);
    if (peek().kind == Kind::rparen) fail(peek().column, "')' without a matching '('");
    if (peek().kind != Kind::end)
      fail(peek().column, "expected AND, OR or the end of the filter, found " + describe(peek()) +
                              hint_after_comparison());
    return root;
  }

 private:
  const Token& peek(std::size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  const Token& take() {
    const Token& t = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return t;
  }
  bool at_keyword(Keyword k) const { return peek().kind == Kind::keyword && peek().keyword == k; }
  bool accept_keyword(Keyword k) {
    if (!at_keyword(k)) return false;
    take();
    return true;
  }

  [[noreturn]] static void fail(std::size_t column, std::string message) {
    throw FilterError(column, std::move(message));
  }

  static std::string describe(const Token& t) {
    switch (t.kind) {
      case Kind::end:
        return "the end of the filter";
      case Kind::string:
        return "the string \"" + t.text + "\"";
      case Kind::number:
        return "the number " + t.text;
      case Kind::identifier:
        return "the property '" + t.text + "'";
      default:
        return "'" + t.text + "'";
    }
  }

  // Extra words for the common mistakes: a list after HAS, a ':' without the zip form.
  std::string hint_after_comparison() const {
    if (peek().kind == Kind::comma && last_was_single_has_)
      return " (HAS takes one value; use HAS ALL or HAS ANY for a list)";
    if (peek().kind == Kind::colon && last_was_single_has_)
      return " (values joined by ':' need properties joined by ':' before HAS)";
    if (peek().kind == Kind::identifier)
      return " (property names are one word of lower-case letters, digits and '_')";
    return "";
  }

  // Expression = ExpressionClause { OR ExpressionClause }
  std::unique_ptr<Node> expression(std::size_t depth) {
    auto first = clause(depth);
    if (!at_keyword(Keyword::or_)) return first;
    auto node = std::make_unique<Node>();
    node->kind = Node::Kind::or_;
    node->column = first->column;
    node->children.push_back(std::move(first));
    while (at_keyword(Keyword::or_)) {
      const Token& op = take();
      expect_operand_after(op);
      node->children.push_back(clause(depth));
    }
    return node;
  }

  // ExpressionClause = ExpressionPhrase { AND ExpressionPhrase }
  std::unique_ptr<Node> clause(std::size_t depth) {
    auto first = phrase(depth);
    if (!at_keyword(Keyword::and_)) return first;
    auto node = std::make_unique<Node>();
    node->kind = Node::Kind::and_;
    node->column = first->column;
    node->children.push_back(std::move(first));
    while (at_keyword(Keyword::and_)) {
      const Token& op = take();
      expect_operand_after(op);
      node->children.push_back(phrase(depth));
    }
    return node;
  }

  void expect_operand_after(const Token& op) {
    const Token& next = peek();
    if (next.kind == Kind::end || next.kind == Kind::rparen ||
        (next.kind == Kind::keyword &&
         (next.keyword == Keyword::and_ || next.keyword == Keyword::or_)))
      fail(next.column, "expected a comparison after '" + op.text + "', found " + describe(next));
  }

  // ExpressionPhrase = [ NOT ] ( Comparison | '(' Expression ')' )
  std::unique_ptr<Node> phrase(std::size_t depth) {
    if (at_keyword(Keyword::not_)) {
      const Token& op = take();
      if (depth + 1 > kMaxFilterDepth)
        fail(op.column, "the filter nests deeper than " + std::to_string(kMaxFilterDepth) +
                            " levels of NOT and parentheses");
      if (at_keyword(Keyword::not_))
        fail(peek().column, "NOT cannot follow NOT directly; write NOT (NOT ...)");
      expect_operand_after(op);
      auto node = std::make_unique<Node>();
      node->kind = Node::Kind::not_;
      node->column = op.column;
      node->children.push_back(group_or_comparison(depth + 1));
      return node;
    }
    return group_or_comparison(depth);
  }

  std::unique_ptr<Node> group_or_comparison(std::size_t depth) {
    if (peek().kind != Kind::lparen) return comparison();
    const Token& open = take();
    if (depth + 1 > kMaxFilterDepth)
      fail(open.column, "the filter nests deeper than " + std::to_string(kMaxFilterDepth) +
                            " levels of NOT and parentheses");
    if (peek().kind == Kind::rparen) fail(peek().column, "empty parentheses");
    auto inner = expression(depth + 1);
    if (peek().kind != Kind::rparen)
      fail(peek().column, "expected ')' to close the '(' at column " + std::to_string(open.column) +
                              ", found " + describe(peek()) + hint_after_comparison());
    take();
    return inner;
  }

  // Comparison = ConstantFirstComparison | PropertyFirstComparison
  std::unique_ptr<Node> comparison() {
    last_was_single_has_ = false;
    const Token& t = peek();
    auto node = std::make_unique<Node>();
    node->column = t.column;
    if (t.kind == Kind::string || t.kind == Kind::number) {
      node->kind = Node::Kind::compare;
      node->left = constant(take());
      if (peek().kind != Kind::op)
        fail(peek().column, "expected a comparison operator (=, !=, <, <=, >, >=) after " +
                                describe(t) + ", found " + describe(peek()));
      value_op_rhs(*node);
      return node;
    }
    if (t.kind == Kind::keyword && (t.keyword == Keyword::true_ || t.keyword == Keyword::false_)) {
      node->kind = Node::Kind::compare;
      node->left = constant(take());
      if (peek().kind != Kind::op || (peek().text != "=" && peek().text != "!="))
        fail(peek().column, "expected = or != after " + t.text + ", found " + describe(peek()));
      value_op_rhs(*node);
      return node;
    }
    if (t.kind != Kind::identifier)
      fail(t.column,
           "expected a comparison (a property, a string or a number), found " + describe(t));
    Property first = property();
    node->left = Operand{first, first.column};
    const Token& next = peek();
    if (next.kind == Kind::op) {
      node->kind = Node::Kind::compare;
      value_op_rhs(*node);
    } else if (next.kind == Kind::colon) {
      zip(*node, std::move(first));
    } else if (next.kind == Kind::keyword) {
      switch (next.keyword) {
        case Keyword::is: {
          take();
          node->kind = Node::Kind::known;
          if (accept_keyword(Keyword::known)) {
            node->known = true;
          } else if (accept_keyword(Keyword::unknown)) {
            node->known = false;
          } else {
            fail(peek().column, "expected KNOWN or UNKNOWN after 'IS', found " + describe(peek()));
          }
          break;
        }
        case Keyword::contains:
        case Keyword::starts:
        case Keyword::ends: {
          node->kind = Node::Kind::fuzzy;
          Predicate p = fuzzy_rhs();
          node->fuzzy = p.fuzzy_op;
          node->right = std::move(p.value);
          break;
        }
        case Keyword::has:
          take();
          node->kind = Node::Kind::has;
          node->properties.push_back(std::move(first));
          set_rhs(*node, 1);
          break;
        case Keyword::length: {
          const Token& op = take();
          node->kind = Node::Kind::length;
          if (peek().kind == Kind::op) node->op = read_op(take());
          node->right = value("'" + op.text + "'", true);
          break;
        }
        case Keyword::known:
        case Keyword::unknown:
          fail(next.column, "write IS " + next.text + " after a property");
        default:
          node->kind = Node::Kind::bare;
      }
    } else {
      node->kind = Node::Kind::bare;
    }
    return node;
  }

  // Property = Identifier { '.' Identifier }
  Property property() {
    Property p;
    p.column = peek().column;
    p.path.push_back(take().text);
    while (peek().kind == Kind::dot) {
      take();
      if (peek().kind != Kind::identifier)
        fail(peek().column, "expected a property name after '.', found " + describe(peek()));
      p.path.push_back(take().text);
    }
    return p;
  }

  static Operand constant(const Token& t) {
    Operand o;
    o.column = t.column;
    if (t.kind == Kind::string) {
      o.value = t.text;
    } else if (t.kind == Kind::number) {
      o.value = read_number(t.text);
    } else {
      o.value = t.keyword == Keyword::true_;
    }
    return o;
  }

  static Op read_op(const Token& t) {
    if (t.text == "=") return Op::eq;
    if (t.text == "!=") return Op::ne;
    if (t.text == "<") return Op::lt;
    if (t.text == "<=") return Op::le;
    if (t.text == ">") return Op::gt;
    return Op::ge;
  }

  // Value = TRUE | FALSE | String | Number | Property; OrderedValue leaves out the booleans.
  Operand value(const std::string& after, bool allow_boolean) {
    const Token& t = peek();
    if (t.kind == Kind::string || t.kind == Kind::number) return constant(take());
    if (t.kind == Kind::keyword && (t.keyword == Keyword::true_ || t.keyword == Keyword::false_)) {
      if (!allow_boolean)
        fail(t.column, t.text + " can only be compared with = or !=, not with " + after);
      return constant(take());
    }
    if (t.kind == Kind::identifier) {
      Property p = property();
      return Operand{p, p.column};
    }
    fail(t.column, "expected a value after " + after + ", found " + describe(t));
  }

  // ValueOpRhs = ( '=' | '!=' ) Value | ( '<' | '<=' | '>' | '>=' ) OrderedValue
  void value_op_rhs(Node& node) {
    const Token& op = take();
    node.op = read_op(op);
    node.right = value("'" + op.text + "'", node.op == Op::eq || node.op == Op::ne);
  }

  // FuzzyStringOpRhs = CONTAINS Value | STARTS [WITH] Value | ENDS [WITH] Value. The grammar
  // says Value, but the spec's test suite rejects a number ("CONTAINS 42"), so only strings
  // and properties are taken.
  Predicate fuzzy_rhs() {
    const Token& op = take();
    Predicate p;
    p.fuzzy = true;
    p.fuzzy_op = op.keyword == Keyword::contains ? Fuzzy::contains
                 : op.keyword == Keyword::starts ? Fuzzy::starts
                                                 : Fuzzy::ends;
    std::string after = "'" + op.text + "'";
    if (op.keyword != Keyword::contains && at_keyword(Keyword::with)) {
      take();
      after = "'" + op.text + " WITH'";
    }
    const Token& t = peek();
    if (t.kind != Kind::string && t.kind != Kind::identifier)
      fail(t.column, "expected a string after " + after + ", found " + describe(t));
    p.value = value(after, false);
    return p;
  }

  // ValueListEntry = Value | ValueEqRhs | ValueRelCompRhs | FuzzyStringOpRhs
  Predicate entry(const std::string& after) {
    const Token& t = peek();
    if (t.kind == Kind::op) {
      Predicate p;
      const Token& op = take();
      p.op = read_op(op);
      p.value = value("'" + op.text + "'", p.op == Op::eq || p.op == Op::ne);
      return p;
    }
    if (t.kind == Kind::keyword && (t.keyword == Keyword::contains ||
                                    t.keyword == Keyword::starts || t.keyword == Keyword::ends))
      return fuzzy_rhs();
    Predicate p;
    p.value = value(after, true);
    return p;
  }

  // The values after HAS: one entry, or ALL/ANY/ONLY and a comma-separated list; with `width`
  // properties (the ':' form) every value is `width` entries joined by ':'.
  void set_rhs(Node& node, std::size_t width) {
    std::string after = "'HAS'";
    if (accept_keyword(Keyword::all)) {
      node.quantifier = Quantifier::all;
      after = "'HAS ALL'";
    } else if (accept_keyword(Keyword::any)) {
      node.quantifier = Quantifier::any;
      after = "'HAS ANY'";
    } else if (accept_keyword(Keyword::only)) {
      node.quantifier = Quantifier::only;
      after = "'HAS ONLY'";
    }
    for (;;) {
      std::vector<Predicate> row;
      row.push_back(entry(after));
      while (row.size() < width) {
        if (peek().kind != Kind::colon)
          fail(peek().column, "expected ':' and a value for each of the " + std::to_string(width) +
                                  " properties before HAS, found " + describe(peek()));
        take();
        row.push_back(entry("':'"));
      }
      if (peek().kind == Kind::colon)
        fail(peek().column, "more values joined by ':' than the " + std::to_string(width) +
                                (width == 1 ? " property" : " properties") + " before HAS");
      node.rows.push_back(std::move(row));
      if (node.quantifier == Quantifier::one) {
        last_was_single_has_ = true;
        return;
      }
      if (peek().kind != Kind::comma) return;
      take();
      after = "','";
    }
  }

  // SetZipOpRhs = ':' Property { ':' Property } HAS ( ValueZip | ALL|ANY|ONLY ValueZipList )
  void zip(Node& node, Property first) {
    node.kind = Node::Kind::has;
    node.properties.push_back(std::move(first));
    while (peek().kind == Kind::colon) {
      take();
      if (peek().kind != Kind::identifier)
        fail(peek().column, "expected a property after ':', found " + describe(peek()));
      node.properties.push_back(property());
    }
    if (!at_keyword(Keyword::has))
      fail(peek().column, "expected HAS after properties joined by ':', found " + describe(peek()));
    take();
    set_rhs(node, node.properties.size());
  }

  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  bool last_was_single_has_ = false;
};

void append_string(std::string& out, const std::string& s) {
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

void append_operand(std::string& out, const Operand& o) {
  if (const auto* s = std::get_if<std::string>(&o.value)) {
    append_string(out, *s);
  } else if (const auto* n = std::get_if<Number>(&o.value)) {
    out += n->text;
  } else if (const auto* b = std::get_if<bool>(&o.value)) {
    out += *b ? "TRUE" : "FALSE";
  } else {
    out += std::get<Property>(o.value).dotted();
  }
}

const char* fuzzy_text(Fuzzy f) {
  return f == Fuzzy::contains ? "CONTAINS" : f == Fuzzy::starts ? "STARTS WITH" : "ENDS WITH";
}

void append_predicate(std::string& out, const Predicate& p) {
  if (p.fuzzy) {
    out += fuzzy_text(p.fuzzy_op);
    out += ' ';
  } else if (p.op != Op::eq) {
    out += op_text(p.op);
    out += ' ';
  }
  append_operand(out, p.value);
}

void append_node(std::string& out, const Node& n) {
  switch (n.kind) {
    case Node::Kind::and_:
    case Node::Kind::or_:
      out += '(';
      for (std::size_t i = 0; i < n.children.size(); ++i) {
        if (i > 0) out += n.kind == Node::Kind::and_ ? " AND " : " OR ";
        append_node(out, *n.children[i]);
      }
      out += ')';
      return;
    case Node::Kind::not_:
      out += "(NOT ";
      append_node(out, *n.children[0]);
      out += ')';
      return;
    case Node::Kind::compare:
      out += '(';
      append_operand(out, n.left);
      out += ' ';
      out += op_text(n.op);
      out += ' ';
      append_operand(out, n.right);
      out += ')';
      return;
    case Node::Kind::known:
      out += '(';
      append_operand(out, n.left);
      out += n.known ? " IS KNOWN)" : " IS UNKNOWN)";
      return;
    case Node::Kind::fuzzy:
      out += '(';
      append_operand(out, n.left);
      out += ' ';
      out += fuzzy_text(n.fuzzy);
      out += ' ';
      append_operand(out, n.right);
      out += ')';
      return;
    case Node::Kind::has: {
      out += '(';
      for (std::size_t i = 0; i < n.properties.size(); ++i) {
        if (i > 0) out += ':';
        out += n.properties[i].dotted();
      }
      out += " HAS";
      const char* q[] = {"", " ALL", " ANY", " ONLY"};
      out += q[static_cast<int>(n.quantifier)];
      for (std::size_t r = 0; r < n.rows.size(); ++r) {
        out += r == 0 ? " " : ", ";
        for (std::size_t i = 0; i < n.rows[r].size(); ++i) {
          if (i > 0) out += ':';
          append_predicate(out, n.rows[r][i]);
        }
      }
      out += ')';
      return;
    }
    case Node::Kind::length:
      out += '(';
      append_operand(out, n.left);
      out += " LENGTH ";
      out += op_text(n.op);
      out += ' ';
      append_operand(out, n.right);
      out += ')';
      return;
    case Node::Kind::bare:
      append_operand(out, n.left);
      return;
  }
}

// Fails at the first AND, OR or NOT that lies deeper than kMaxBooleanDepth.
void check_boolean_depth(const Node& n, std::size_t depth) {
  if (n.children.empty()) return;
  if (depth + 1 > kMaxBooleanDepth)
    throw FilterError(n.column, "AND, OR and NOT nest more than " +
                                    std::to_string(kMaxBooleanDepth) + " levels deep here");
  for (const auto& child : n.children) check_boolean_depth(*child, depth + 1);
}

}  // namespace

FilterError::FilterError(std::size_t column, std::string message)
    : ParseError(SourceLocation{{}, 0, column}, std::move(message)) {}

NotImplementedError::NotImplementedError(std::size_t column, std::string message)
    : ParseError(SourceLocation{{}, 0, column}, std::move(message)) {}

std::string Property::dotted() const {
  std::string out;
  for (const auto& part : path) {
    if (!out.empty()) out += '.';
    out += part;
  }
  return out;
}

const char* op_text(Op op) {
  switch (op) {
    case Op::eq:
      return "=";
    case Op::ne:
      return "!=";
    case Op::lt:
      return "<";
    case Op::le:
      return "<=";
    case Op::gt:
      return ">";
    case Op::ge:
      return ">=";
  }
  return "?";
}

Op mirror(Op op) {
  switch (op) {
    case Op::lt:
      return Op::gt;
    case Op::le:
      return Op::ge;
    case Op::gt:
      return Op::lt;
    case Op::ge:
      return Op::le;
    default:
      return op;
  }
}

Filter::Filter(std::shared_ptr<const Node> root, std::string text)
    : root_(std::move(root)), text_(std::move(text)) {}

std::string Filter::to_string() const {
  std::string out;
  append_node(out, *root_);
  return out;
}

Filter parse_filter(std::string_view text) {
  std::shared_ptr<const Node> root = Parser(text).run();
  check_boolean_depth(*root, 0);
  return Filter(std::move(root), std::string(text));
}

}  // namespace pb::optimade
