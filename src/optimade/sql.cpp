// Filter tree -> one SQL condition. Values only ever reach SQLite as bound parameters; the SQL
// text is built from the fixed templates of fields.cpp and fixed operator spellings.
//
// Null semantics (spec "Filtering on Properties with an unknown value"): a comparison on an
// unknown value is SQL NULL, and AND/OR/NOT follow SQL's three-valued logic, so such a
// comparison never matches, not even under NOT; only IS KNOWN / IS UNKNOWN test for null.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "chem/element.hpp"
#include "optimade/ast.hpp"
#include "optimade/filter.hpp"
#include "optimade/schema_map.hpp"
#include "store/repositories.hpp"
#include "store/sqlite.hpp"
#include "util/utf8.hpp"

namespace pb::optimade {

namespace {

// A piece of SQL and the values its placeholders bind, in order.
struct Frag {
  std::string sql;
  std::vector<SqlParam> params;
};

Frag text(std::string sql) { return {std::move(sql), {}}; }

void append(Frag& out, const Frag& part) {
  out.sql += part.sql;
  out.params.insert(out.params.end(), part.params.begin(), part.params.end());
}

// Joins terms as "(a AND b AND c)": flat runs of at most kRun terms, themselves joined the same
// way when there are more. SQLite bounds both the expression depth (1000) and, harder, its
// parser stack (100 entries in Debian's 3.40: about 2 per parenthesis), so a filter level costs
// one parenthesis and a chain of thousands of terms a few.
constexpr std::size_t kRun = 8;

Frag join(std::vector<Frag> parts, const char* op) {
  while (parts.size() > 1) {
    std::vector<Frag> runs;
    for (std::size_t begin = 0; begin < parts.size(); begin += kRun) {
      const std::size_t end = std::min(parts.size(), begin + kRun);
      if (end - begin == 1) {
        runs.push_back(std::move(parts[begin]));
        continue;
      }
      Frag run = text("(");
      for (std::size_t i = begin; i < end; ++i) {
        if (i > begin) run.sql += op;
        append(run, parts[i]);
      }
      run.sql += ')';
      runs.push_back(std::move(run));
    }
    parts = std::move(runs);
  }
  return std::move(parts.front());
}

const char* sql_op(Op op) {
  switch (op) {
    case Op::eq:
      return " = ";
    case Op::ne:
      return " != ";
    case Op::lt:
      return " < ";
    case Op::le:
      return " <= ";
    case Op::gt:
      return " > ";
    case Op::ge:
      return " >= ";
  }
  return " = ";
}

std::string type_word(FieldType t) {
  switch (t) {
    case FieldType::string:
      return "a string";
    case FieldType::integer:
      return "an integer";
    case FieldType::floating:
      return "a float";
    case FieldType::boolean:
      return "a boolean";
    case FieldType::timestamp:
      return "a timestamp";
    case FieldType::list:
      return "a list";
    case FieldType::dictionary:
      return "a dictionary";
  }
  return "a value";
}

std::string constant_word(const Operand& o) {
  if (std::holds_alternative<std::string>(o.value)) return "a string";
  if (std::holds_alternative<Number>(o.value)) return "a number";
  return "a boolean";
}

bool numeric(FieldType t) { return t == FieldType::integer || t == FieldType::floating; }

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
}

}  // namespace

std::optional<std::string> utc_timestamp(std::string_view s) {
  auto digits = [&](std::size_t at, std::size_t n, int& out) {
    if (at + n > s.size()) return false;
    out = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      out = out * 10 + (s[i] - '0');
    }
    return true;
  };
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(0, 4, year) || s.size() < 10 || s[4] != '-' || !digits(5, 2, month) || s[7] != '-' ||
      !digits(8, 2, day))
    return std::nullopt;
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1]) return std::nullopt;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && day == 29 && !leap) return std::nullopt;
  double fraction = 0;
  int offset_minutes = 0;
  if (s.size() > 10) {
    if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return std::nullopt;
    if (!digits(11, 2, hour) || s.size() < 19 || s[13] != ':' || !digits(14, 2, minute) ||
        s[16] != ':' || !digits(17, 2, second))
      return std::nullopt;
    if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
    std::size_t i = 19;
    if (i < s.size() && s[i] == '.') {
      double scale = 0.1;
      const std::size_t start = ++i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        fraction += (s[i] - '0') * scale;
        scale /= 10;
        ++i;
      }
      if (i == start) return std::nullopt;
    }
    if (i >= s.size()) return std::nullopt;  // RFC 3339 requires the offset
    if (s[i] == 'Z' || s[i] == 'z') {
      ++i;
    } else if (s[i] == '+' || s[i] == '-') {
      int oh = 0, om = 0;
      if (!digits(i + 1, 2, oh) || i + 3 >= s.size() || s[i + 3] != ':' || !digits(i + 4, 2, om))
        return std::nullopt;
      if (oh > 23 || om > 59) return std::nullopt;
      offset_minutes = (s[i] == '-' ? -1 : 1) * (oh * 60 + om);
      i += 6;
    } else {
      return std::nullopt;
    }
    if (i != s.size()) return std::nullopt;
  }
  if (second == 60) second = 59, fraction = 0.999;  // a leap second compares as its last instant
  std::int64_t total =
      days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
      hour * 3600 + minute * 60 + second - offset_minutes * 60;
  std::int64_t days = total >= 0 ? total / 86400 : -((-total + 86399) / 86400);
  std::int64_t rest = total - days * 86400;
  std::int64_t y = 0;
  unsigned m = 0, d = 0;
  civil_from_days(days, y, m, d);
  if (y < 0 || y > 9999) return std::nullopt;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u %02lld:%02lld:%02lld.%03d",
                static_cast<long long>(y), m, d, static_cast<long long>(rest / 3600),
                static_cast<long long>(rest / 60 % 60), static_cast<long long>(rest % 60),
                static_cast<int>(std::min(999.0, std::floor(fraction * 1000 + 0.5))));
  return std::string(buf);
}

namespace {

// What a property name refers to: one of our fields, or a property of another provider (null).
struct Resolved {
  const FieldDef* field = nullptr;
  bool foreign() const { return field == nullptr; }
};

class Translator {
 public:
  Translator(EntryType type, const SqlOptions& options) : type_(type), options_(options) {}

  SqlWhere run(const Node& root) {
    Frag f = text("(");
    append(f, node(root));
    f.sql += ')';
    // SQLite binds at most 32766 parameters (SQLITE_MAX_VARIABLE_NUMBER since 3.32).
    constexpr std::size_t kMaxParams = 30000;
    if (f.params.size() > kMaxParams)
      throw FilterError(1, "the filter holds too many values (" + std::to_string(f.params.size()) +
                               "; at most " + std::to_string(kMaxParams) + ")");
    return {std::move(f.sql), std::move(f.params), std::move(warnings_)};
  }

  // A template with "{ds:ALIAS}" expanded and "{}" replaced by `item`.
  Frag expand(std::string_view tmpl, const Frag* item = nullptr) const {
    Frag out;
    std::size_t i = 0;
    while (i < tmpl.size()) {
      const std::size_t brace = tmpl.find('{', i);
      if (brace == std::string_view::npos) {
        out.sql.append(tmpl.substr(i));
        break;
      }
      out.sql.append(tmpl.substr(i, brace - i));
      const std::size_t close = tmpl.find('}', brace);
      std::string_view inner = tmpl.substr(brace + 1, close - brace - 1);
      if (inner.empty()) {
        if (item != nullptr) append(out, *item);
      } else if (inner.starts_with("ds:")) {
        if (!options_.datasets.empty()) {
          out.sql += " AND ";
          out.sql += inner.substr(3);
          out.sql += ".dataset IN (";
          for (std::size_t k = 0; k < options_.datasets.size(); ++k) {
            out.sql += k == 0 ? "?" : ", ?";
            out.params.emplace_back(options_.datasets[k]);
          }
          out.sql += ')';
        }
      }
      i = close + 1;
    }
    return out;
  }

 private:
  Frag node(const Node& n) {
    switch (n.kind) {
      case Node::Kind::and_:
      case Node::Kind::or_: {
        std::vector<Frag> parts;
        for (const auto& child : n.children) parts.push_back(node(*child));
        return join(std::move(parts), n.kind == Node::Kind::and_ ? " AND " : " OR ");
      }
      case Node::Kind::not_: {
        // Every operand is atomic or parenthesised, and NOT binds tighter than AND and OR: no
        // parentheses of its own (see join()).
        Frag out = text("NOT ");
        append(out, node(*n.children[0]));
        return out;
      }
      case Node::Kind::compare:
        return compare(n);
      case Node::Kind::known:
        return known(std::get<Property>(n.left.value), n.known);
      case Node::Kind::bare:
        return bare(std::get<Property>(n.left.value));
      case Node::Kind::fuzzy:
        return fuzzy(n);
      case Node::Kind::length:
        return length(n);
      case Node::Kind::has:
        return has(n);
    }
    return text("NULL");
  }

  Resolved resolve(const Property& p) {
    const std::string name = p.dotted();
    if (const FieldDef* f = find_field(type_, name)) return {f};
    const std::string& head = p.path.front();
    const std::string entry(entry_type_name(type_));
    if (head.front() == '_') {
      const std::size_t second = head.find('_', 1);
      if (second == std::string::npos || second == 1 || second + 1 == head.size())
        throw FilterError(p.column, "'" + name +
                                        "' is not a provider-prefixed name (write "
                                        "_prefix_name)");
      const std::string prefix = head.substr(1, second - 1);
      if (prefix != "phasebook") {
        std::string warning = "unknown property '" + name + "' of provider '" + prefix +
                              "' treated as unknown (null)";
        if (std::find(warnings_.begin(), warnings_.end(), warning) == warnings_.end())
          warnings_.push_back(std::move(warning));
        return {};
      }
      throw FilterError(p.column, "unknown property '" + name + "' for " + entry + " (see /info/" +
                                      entry + " for Phasebook's properties)");
    }
    if (p.path.size() > 1) {
      if (find_field(type_, head) != nullptr)
        throw NotImplementedError(p.column,
                                  "nested property '" + name + "' is not implemented for " + entry);
      static const char* kEntryTypes[] = {"structures",   "references", "calculations",
                                          "trajectories", "files",      "links"};
      if (std::find(std::begin(kEntryTypes), std::end(kEntryTypes), head) != std::end(kEntryTypes))
        throw NotImplementedError(p.column,
                                  "filtering on relationships ('" + name + "') is not implemented");
    }
    throw FilterError(
        p.column, "unknown property '" + name + "' for " + entry + " (see /info/" + entry + ")");
  }

  [[noreturn]] static void not_implemented(std::size_t column, std::string message) {
    throw NotImplementedError(column, std::move(message));
  }

  static bool never_stored(const FieldDef& f) { return f.filter == "NULL"; }

  // The scalar expression filters compare, or a 501 for lists and derived values.
  Frag scalar_expr(const FieldDef& f, std::size_t column) const {
    if (f.list && !never_stored(f))
      not_implemented(column, "'" + f.info.name +
                                  "' is a list: compare its items with HAS or its length with "
                                  "LENGTH");
    if (f.filter.empty())
      not_implemented(column, "filtering on '" + f.info.name + "' is not implemented");
    return expand(f.filter);
  }

  static SqlParam number_param(const Number& n, std::size_t column) {
    if (std::isinf(n.value))
      not_implemented(
          column, "the number " + n.text + " is outside the range of a double (about ±1.8e308)");
    if (n.integer) return *n.integer;
    return n.value;
  }

  // expr op constant, for a field of type `type`.
  Frag compare_constant(const FieldDef& f, Op op, const Operand& c) {
    const FieldType type = f.info.type;
    Frag out;
    if (const auto* n = std::get_if<Number>(&c.value)) {
      if (!f.number_sql.empty()) {
        out = expand(f.number_sql);
      } else if (numeric(type)) {
        out = scalar_expr(f, c.column);
      } else {
        mismatch(f, c);
      }
      out.sql = "(" + out.sql + sql_op(op) + "?)";
      out.params.push_back(number_param(*n, c.column));
      return out;
    }
    if (const auto* s = std::get_if<std::string>(&c.value)) {
      if (type == FieldType::timestamp) {
        auto ts = utc_timestamp(*s);
        if (!ts)
          throw FilterError(c.column, "'" + *s +
                                          "' is not an RFC 3339 date-time (e.g. "
                                          "2024-05-01T12:00:00Z), as " +
                                          f.info.name + " needs");
        Frag e = scalar_expr(f, c.column);
        out.sql = "(julianday(" + e.sql + ")" + sql_op(op) + "julianday(?))";
        out.params = std::move(e.params);
        out.params.emplace_back(std::move(*ts));
        return out;
      }
      if (type != FieldType::string) mismatch(f, c);
      // `id = "42"` on an integer key uses the key's index.
      if (!f.int_key.empty() && (op == Op::eq || op == Op::ne)) {
        std::int64_t key = 0;
        auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), key);
        if (ec == std::errc() && end == s->data() + s->size() && std::to_string(key) == *s) {
          out.sql = "(" + f.int_key + sql_op(op) + "?)";
          out.params.emplace_back(key);
          return out;
        }
      }
      out = scalar_expr(f, c.column);
      out.sql = "(" + out.sql + sql_op(op) + "?)";
      out.params.emplace_back(*s);
      return out;
    }
    if (type != FieldType::boolean) mismatch(f, c);
    out = scalar_expr(f, c.column);
    out.sql = "(" + out.sql + sql_op(op) + "?)";
    out.params.emplace_back(std::int64_t{std::get<bool>(c.value) ? 1 : 0});
    return out;
  }

  [[noreturn]] static void mismatch(const FieldDef& f, const Operand& c) {
    not_implemented(c.column, "'" + f.info.name + "' is " + type_word(f.info.type) +
                                  " and cannot be compared with " + constant_word(c) +
                                  " (the spec leaves type conversion unimplemented)");
  }

  Frag compare(const Node& n) {
    const bool left_property = n.left.is_property();
    const bool right_property = n.right.is_property();
    if (left_property && right_property) return compare_properties(n);
    if (!left_property && !right_property) return compare_constants(n);
    const Operand& prop = left_property ? n.left : n.right;
    const Operand& value = left_property ? n.right : n.left;
    const Op op = left_property ? n.op : mirror(n.op);
    const Resolved r = resolve(std::get<Property>(prop.value));
    if (r.foreign() || never_stored(*r.field)) return text("NULL");
    return compare_constant(*r.field, op, value);
  }

  Frag compare_properties(const Node& n) {
    const Resolved a = resolve(std::get<Property>(n.left.value));
    const Resolved b = resolve(std::get<Property>(n.right.value));
    if (a.foreign() || b.foreign()) return text("NULL");
    if (never_stored(*a.field) || never_stored(*b.field)) return text("NULL");
    const FieldType ta = a.field->info.type, tb = b.field->info.type;
    const bool compatible = (numeric(ta) && numeric(tb)) || ta == tb;
    if (!compatible || ta == FieldType::list || ta == FieldType::dictionary)
      not_implemented(n.right.column, "comparing '" + a.field->info.name + "' (" + type_word(ta) +
                                          ") with '" + b.field->info.name + "' (" + type_word(tb) +
                                          ") is not implemented");
    if (ta == FieldType::boolean && n.op != Op::eq && n.op != Op::ne)
      not_implemented(n.column, "booleans can only be compared with = and !=");
    Frag x = scalar_expr(*a.field, n.left.column);
    Frag y = scalar_expr(*b.field, n.right.column);
    if (ta == FieldType::timestamp) {
      x.sql = "julianday(" + x.sql + ")";
      y.sql = "julianday(" + y.sql + ")";
    }
    Frag out = text("(");
    append(out, x);
    out.sql += sql_op(n.op);
    append(out, y);
    out.sql += ')';
    return out;
  }

  // `5 < 7` is evaluated by SQLite from two bound numbers; string constants on both sides are
  // 501 by the spec ("Numeric and String comparisons").
  Frag compare_constants(const Node& n) const {
    const auto* a = std::get_if<Number>(&n.left.value);
    const auto* b = std::get_if<Number>(&n.right.value);
    Frag out = text("(?" + std::string(sql_op(n.op)) + "?)");
    if (a != nullptr && b != nullptr) {
      out.params = {number_param(*a, n.left.column), number_param(*b, n.right.column)};
      return out;
    }
    const auto* p = std::get_if<bool>(&n.left.value);
    const auto* q = std::get_if<bool>(&n.right.value);
    if (p != nullptr && q != nullptr) {
      out.params = {std::int64_t{*p ? 1 : 0}, std::int64_t{*q ? 1 : 0}};
      return out;
    }
    if (std::holds_alternative<std::string>(n.left.value) &&
        std::holds_alternative<std::string>(n.right.value))
      not_implemented(n.column,
                      "comparing a string constant with a string constant is not "
                      "implemented (the spec requires 501)");
    not_implemented(n.right.column, "comparing " + constant_word(n.left) + " with " +
                                        constant_word(n.right) + " is not implemented");
  }

  Frag known(const Property& p, bool want_known) {
    const Resolved r = resolve(p);
    if (r.foreign()) return text(want_known ? "0" : "1");
    const FieldDef& f = *r.field;
    Frag k;
    if (!f.known.empty()) {
      k = expand(f.known);
    } else if (f.list) {
      k = text("1");
    } else if (f.filter.empty()) {
      not_implemented(p.column, "filtering on '" + f.info.name + "' is not implemented");
    } else {
      k = expand(f.filter);
      k.sql = "(" + k.sql + " IS NOT NULL)";
    }
    if (!want_known) k.sql = "(NOT " + k.sql + ")";
    return k;
  }

  // A property alone: `= TRUE` for booleans, IS KNOWN for anything else (spec: "For
  // properties having other than boolean values, identifier IS KNOWN MAY be written as
  // identifier").
  Frag bare(const Property& p) {
    const Resolved r = resolve(p);
    if (!r.foreign() && r.field->info.type == FieldType::boolean && !never_stored(*r.field)) {
      Frag e = scalar_expr(*r.field, p.column);
      e.sql = "(" + e.sql + " = 1)";
      return e;
    }
    return known(p, true);
  }

  // CONTAINS / STARTS WITH / ENDS WITH on an expression; lengths are in characters, as
  // SQLite's substr() counts them in text.
  static Frag fuzzy_on(const Frag& expr, Fuzzy op, const std::string& value) {
    Frag out;
    const auto n = static_cast<std::int64_t>(utf8::count_code_points(value));
    switch (op) {
      case Fuzzy::contains:
        out.sql = "(instr(" + expr.sql + ", ?) > 0)";
        out.params = expr.params;
        out.params.emplace_back(value);
        break;
      case Fuzzy::starts:
        out.sql = "(substr(" + expr.sql + ", 1, ?) = ?)";
        out.params = expr.params;
        out.params.emplace_back(n);
        out.params.emplace_back(value);
        break;
      case Fuzzy::ends:
        if (n == 0) {  // substr(x, -0) is not the empty tail
          out.sql = "(length(" + expr.sql + ") >= 0)";
          out.params = expr.params;
          break;
        }
        out.sql = "(substr(" + expr.sql + ", ?) = ?)";
        out.params = expr.params;
        out.params.emplace_back(-n);
        out.params.emplace_back(value);
        break;
    }
    return out;
  }

  static const std::string& fuzzy_value(const Operand& v) {
    if (v.is_property())
      not_implemented(v.column,
                      "CONTAINS, STARTS and ENDS with a property on the right are not "
                      "implemented");
    if (const auto* s = std::get_if<std::string>(&v.value)) return *s;
    not_implemented(v.column, "CONTAINS, STARTS and ENDS need a string");
  }

  Frag fuzzy(const Node& n) {
    const Property& p = std::get<Property>(n.left.value);
    const Resolved r = resolve(p);
    const std::string& value = fuzzy_value(n.right);
    if (r.foreign() || never_stored(*r.field)) return text("NULL");
    const FieldDef& f = *r.field;
    if (f.list)
      not_implemented(p.column,
                      "'" + f.info.name + "' is a list: use HAS CONTAINS, HAS STARTS or HAS ENDS");
    if (f.info.type != FieldType::string)
      not_implemented(p.column, "'" + f.info.name + "' is " + type_word(f.info.type) +
                                    "; CONTAINS, STARTS and ENDS need a string property");
    return fuzzy_on(scalar_expr(f, p.column), n.fuzzy, value);
  }

  Frag length(const Node& n) {
    const Property& p = std::get<Property>(n.left.value);
    const Resolved r = resolve(p);
    if (r.foreign() || never_stored(*r.field)) return text("NULL");
    const FieldDef& f = *r.field;
    if (!f.list) not_implemented(p.column, "LENGTH needs a list; '" + f.info.name + "' is not one");
    if (f.list->length.empty())
      not_implemented(p.column, "LENGTH of '" + f.info.name + "' is not implemented");
    if (n.right.is_property())
      not_implemented(n.right.column, "LENGTH compared with a property is not implemented");
    const auto* num = std::get_if<Number>(&n.right.value);
    if (num == nullptr)
      not_implemented(n.right.column,
                      "LENGTH is compared with a number, not " + constant_word(n.right));
    Frag out = expand(f.list->length);
    out.sql = "(" + out.sql + sql_op(n.op) + "?)";
    out.params.push_back(number_param(*num, n.right.column));
    return out;
  }

  // One test on a list item: `item` (an SQL expression) holds one item of the list `f`.
  Frag item_condition(const FieldDef& f, const std::string& item, const Predicate& pred) {
    const ListDef& list = *f.list;
    if (pred.value.is_property())
      not_implemented(pred.value.column, "HAS with a property among the values is not implemented");
    if (list.item_type == FieldType::list || list.item_type == FieldType::dictionary)
      not_implemented(pred.value.column, "the items of '" + f.info.name + "' are " +
                                             type_word(list.item_type) +
                                             "s; HAS compares single values (use LENGTH or IS "
                                             "KNOWN)");
    if (pred.fuzzy) {
      if (list.item_type != FieldType::string)
        not_implemented(pred.value.column, "the items of '" + f.info.name + "' are not strings");
      return fuzzy_on(text(item), pred.fuzzy_op, fuzzy_value(pred.value));
    }
    const Operand& c = pred.value;
    Frag out = text("(" + item + sql_op(pred.op) + "?)");
    if (const auto* n = std::get_if<Number>(&c.value)) {
      if (!numeric(list.item_type)) item_mismatch(f, c);
      out.params.push_back(number_param(*n, c.column));
    } else if (const auto* s = std::get_if<std::string>(&c.value)) {
      if (list.item_type != FieldType::string) item_mismatch(f, c);
      out.params.emplace_back(*s);
    } else {
      if (list.item_type != FieldType::boolean) item_mismatch(f, c);
      out.params.emplace_back(std::int64_t{std::get<bool>(c.value) ? 1 : 0});
    }
    return out;
  }

  [[noreturn]] static void item_mismatch(const FieldDef& f, const Operand& c) {
    not_implemented(c.column, "the items of '" + f.info.name + "' are of type " +
                                  std::string(field_type_name(f.list->item_type)) +
                                  " and cannot be compared with " + constant_word(c));
  }

  // The elements a row of `HAS` values implies the structure holds: `elements HAS "Al":...`
  // needs Al, `species_at_sites HAS "LaZr"` needs La and Zr (species are named after their
  // elements, crystal::optimade_attributes). ANDed with the test so that SQLite starts from the
  // structure_element index instead of deriving lists for every structure; the result is the
  // same.
  static std::vector<std::string> implied_elements(const FieldDef& f, const Predicate& pred) {
    std::vector<std::string> out;
    const auto* value = std::get_if<std::string>(&pred.value.value);
    if (pred.fuzzy || pred.op != Op::eq || value == nullptr) return out;
    if (f.info.name == "elements") {
      out.push_back(*value);
    } else if (f.info.name == "species_at_sites") {
      // Symbols (an upper-case letter and lower-case ones), then an optional number.
      std::size_t i = 0;
      while (i < value->size() && (*value)[i] >= 'A' && (*value)[i] <= 'Z') {
        std::size_t end = i + 1;
        while (end < value->size() && (*value)[end] >= 'a' && (*value)[end] <= 'z') ++end;
        out.push_back(value->substr(i, end - i));
        i = end;
      }
      while (i < value->size() && (*value)[i] >= '0' && (*value)[i] <= '9') ++i;
      if (i != value->size()) out.clear();  // not a name we give: no hint
    }
    return out;
  }

  Frag has(const Node& n) {
    std::vector<Resolved> lists;
    for (const Property& p : n.properties) lists.push_back(resolve(p));
    for (const Resolved& r : lists) {
      if (r.foreign() || never_stored(*r.field)) return text("NULL");
    }
    const FieldDef& f = *lists.front().field;
    bool same = true;
    for (std::size_t i = 0; i < lists.size(); ++i) {
      const FieldDef& g = *lists[i].field;
      if (!g.list)
        not_implemented(n.properties[i].column,
                        "HAS needs a list; '" + g.info.name + "' is " + type_word(g.info.type));
      same = same && &g == &f;
    }
    // The template that tests for an item and each property's item expression in it.
    std::string has_template = f.list->has;
    std::vector<std::string> items(lists.size(), f.list->item);
    if (!same) {
      const ZipDef* zip = nullptr;
      for (const ZipDef& z : zip_defs(type_)) {
        const bool all_in = std::all_of(lists.begin(), lists.end(), [&](const Resolved& r) {
          return std::find(z.fields.begin(), z.fields.end(), r.field->info.name) != z.fields.end();
        });
        if (all_in) zip = &z;
      }
      if (zip == nullptr) {
        std::string names;
        for (const Resolved& r : lists) names += (names.empty() ? "" : ":") + r.field->info.name;
        not_implemented(n.properties[1].column,
                        "correlated lists '" + names +
                            "' are not implemented; a list correlated with itself and "
                            "elements:elements_ratios are");
      }
      has_template = zip->has;
      for (std::size_t i = 0; i < lists.size(); ++i) {
        const auto at =
            std::find(zip->fields.begin(), zip->fields.end(), lists[i].field->info.name);
        items[i] = zip->items[static_cast<std::size_t>(at - zip->fields.begin())];
      }
    } else if (f.list->has.empty()) {
      not_implemented(n.properties.front().column,
                      "HAS on '" + f.info.name + "' is not implemented");
    }
    // A row's predicates (one per ':'-joined property) all apply to the same item.
    std::vector<Frag> rows;
    std::vector<std::vector<std::string>> row_elements;
    for (const auto& row : n.rows) {
      std::vector<Frag> conditions;
      std::vector<std::string> needed;
      for (std::size_t i = 0; i < row.size(); ++i) {
        conditions.push_back(item_condition(*lists[i].field, items[i], row[i]));
        for (auto& e : implied_elements(*lists[i].field, row[i])) needed.push_back(std::move(e));
      }
      rows.push_back(join(std::move(conditions), " AND "));
      row_elements.push_back(std::move(needed));
    }
    auto has_item = [&](const Frag& condition) { return expand(has_template, &condition); };
    // `elements HAS "X"`: for an element symbol, a test of the structure's element bit mask
    // (schema 5; one index holds the masks), else through the structure_element index.
    auto element_test = [&](const std::string& element) {
      const chem::Element* e = chem::find_element(std::string_view(element));
      if (e != nullptr && e->symbol == element) {
        const store::ElementMask m = store::element_mask({element});
        return m.low != 0 ? Frag{"((s.elements_mask_low & ?) != 0)", {m.low}}
                          : Frag{"((s.elements_mask_high & ?) != 0)", {m.high}};
      }
      Frag value{"(element = ?)", {element}};
      return expand(find_field(type_, "elements")->list->has, &value);
    };
    // A row of `elements HAS` that is one element compared for equality.
    const bool plain_elements =
        type_ == EntryType::structures && same && f.info.name == "elements" && lists.size() == 1;
    auto single_element = [&](std::size_t r) {
      return plain_elements && row_elements[r].size() == 1;
    };
    // The test for one row, with the elements it implies first (unless it is elements itself).
    auto row_test = [&](std::size_t r) {
      if (single_element(r)) return element_test(row_elements[r].front());
      Frag test = has_item(rows[r]);
      if (type_ != EntryType::structures || (same && f.info.name == "elements")) return test;
      std::vector<Frag> parts;
      for (const std::string& e : row_elements[r]) parts.push_back(element_test(e));
      if (parts.empty()) return test;
      parts.push_back(std::move(test));
      return join(std::move(parts), " AND ");
    };
    auto all_single = [&] {
      for (std::size_t r = 0; r < rows.size(); ++r) {
        if (!single_element(r)) return false;
      }
      return true;
    };
    Frag out;
    switch (n.quantifier) {
      case Quantifier::one:
        out = row_test(0);
        break;
      case Quantifier::all: {
        std::vector<Frag> each;
        for (std::size_t r = 0; r < rows.size(); ++r) each.push_back(row_test(r));
        out = join(std::move(each), " AND ");
        break;
      }
      case Quantifier::any: {
        if (all_single()) {
          std::vector<Frag> each;
          for (std::size_t r = 0; r < rows.size(); ++r) each.push_back(row_test(r));
          out = text("(");
          append(out, join(std::move(each), " OR "));
          out.sql += ')';
        } else {
          out = has_item(join(std::move(rows), " OR "));
        }
        break;
      }
      case Quantifier::only: {
        // `elements HAS ONLY "Li", "O"` (a chemical system): no bit outside the allowed mask.
        // Stored elements are always element symbols (store::element_mask), so values that are
        // not one allow nothing more.
        if (all_single()) {
          std::vector<std::string> allowed;
          for (const auto& e : row_elements) {
            const chem::Element* el = chem::find_element(std::string_view(e.front()));
            if (el != nullptr && el->symbol == e.front()) allowed.push_back(e.front());
          }
          const store::ElementMask m = store::element_mask(allowed);
          out = Frag{"(((s.elements_mask_low & ?) = 0) AND ((s.elements_mask_high & ?) = 0))",
                     {~m.low, ~m.high}};
          break;
        }
        // No item outside the values: NOT (an item that matches none of them exists).
        Frag outside = text("NOT ");
        append(outside, join(std::move(rows), " OR "));
        out = text("(NOT ");
        append(out, has_item(outside));
        out.sql += ')';
        break;
      }
    }
    // A list that is unknown for an entry makes the whole test unknown, not false.
    if (same && !f.known.empty()) {
      Frag guarded = text("(CASE WHEN ");
      append(guarded, expand(f.known));
      guarded.sql += " THEN ";
      append(guarded, out);
      guarded.sql += " END)";
      return guarded;
    }
    return out;
  }

  EntryType type_;
  const SqlOptions& options_;
  std::vector<std::string> warnings_;
};

}  // namespace

SqlWhere to_sql(const Filter& filter, EntryType type, const SqlOptions& options) {
  return Translator(type, options).run(filter.root());
}

std::optional<SqlWhere> field_sql(EntryType type, std::string_view field,
                                  const SqlOptions& options) {
  const FieldDef* f = find_field(type, field);
  if (f == nullptr || f->info.sql.empty()) return std::nullopt;
  Frag e = Translator(type, options).expand(f->info.sql);
  return SqlWhere{std::move(e.sql), std::move(e.params), {}};
}

int bind_params(store::Statement& statement, const std::vector<SqlParam>& params, int first) {
  for (const SqlParam& p : params)
    std::visit([&](const auto& v) { statement.bind(first++, v); }, p);
  return first;
}

}  // namespace pb::optimade
