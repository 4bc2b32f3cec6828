// The template language of template.hpp: parsed into a small tree once, then rendered.
#include "calc/template.hpp"

#include <fmt/format.h>

#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "util/error.hpp"

namespace pb::calc {

namespace {

struct Node {
  enum class Kind { kText, kValue, kSection, kInverted } kind = Kind::kText;
  std::string text;        // literal text, or the name
  std::size_t offset = 0;  // of the tag, for error messages (line and column found on demand)
  std::vector<Node> children;
};

SourceLocation locate(std::string_view text, std::string_view source, std::size_t at) {
  std::size_t line = 1, col = 1;
  for (std::size_t i = 0; i < at && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return {std::string(source), line, col};
}

struct Parser {
  std::string_view text;
  std::string_view source;
  std::size_t pos = 0;

  SourceLocation where(std::size_t at) const { return locate(text, source, at); }

  // True when [begin, end) is the only non-blank content of its line; extends the range over
  // the line's indentation and newline so that standalone tags leave no blank line.
  bool standalone(std::size_t& begin, std::size_t& end) const {
    std::size_t b = begin;
    while (b > 0 && (text[b - 1] == ' ' || text[b - 1] == '\t')) --b;
    if (b > 0 && text[b - 1] != '\n') return false;
    std::size_t e = end;
    while (e < text.size() && (text[e] == ' ' || text[e] == '\t' || text[e] == '\r')) ++e;
    if (e < text.size() && text[e] != '\n') return false;
    if (e < text.size()) ++e;
    begin = b;
    end = e;
    return true;
  }

  // Parses until the closing tag of `open` (or the end when `open` is empty).
  std::vector<Node> parse(const std::string& open, std::size_t open_at) {
    std::vector<Node> out;
    while (pos < text.size()) {
      std::size_t tag = text.find("{{", pos);
      if (tag == std::string_view::npos) {
        out.push_back({Node::Kind::kText, std::string(text.substr(pos)), 0, {}});
        pos = text.size();
        break;
      }
      std::size_t close = text.find("}}", tag + 2);
      if (close == std::string_view::npos) {
        throw ParseError(where(tag), "'{{' without a closing '}}'");
      }
      std::string_view inner = text.substr(tag + 2, close - tag - 2);
      while (!inner.empty() && inner.front() == ' ') inner.remove_prefix(1);
      while (!inner.empty() && inner.back() == ' ') inner.remove_suffix(1);
      char sigil = inner.empty() ? '\0' : inner.front();
      bool block = sigil == '#' || sigil == '^' || sigil == '/' || sigil == '!';
      std::size_t begin = tag, end = close + 2;
      if (block) standalone(begin, end);
      if (begin > pos) {
        out.push_back({Node::Kind::kText, std::string(text.substr(pos, begin - pos)), 0, {}});
      }
      pos = end;
      if (sigil == '!') continue;
      std::string name(block ? inner.substr(1) : inner);
      while (!name.empty() && name.front() == ' ') name.erase(0, 1);
      if (name.empty()) throw ParseError(where(tag), "empty tag", "write {{name}}");
      if (sigil == '/') {
        if (name != open) {
          throw ParseError(where(tag),
                           open.empty()
                               ? fmt::format("'{{{{/{}}}}}' closes no section", name)
                               : fmt::format("'{{{{/{}}}}}' where '{{{{/{}}}}}' was expected "
                                             "(section opened at line {})",
                                             name, open, where(open_at).line));
        }
        return out;
      }
      Node node{sigil == '#'   ? Node::Kind::kSection
                : sigil == '^' ? Node::Kind::kInverted
                               : Node::Kind::kValue,
                name,
                tag,
                {}};
      if (block) node.children = parse(name, tag);
      out.push_back(std::move(node));
    }
    if (!open.empty()) {
      throw ParseError(where(open_at), fmt::format("section '{}' is never closed", open),
                       fmt::format("add {{{{/{}}}}}", open));
    }
    return out;
  }
};

// A chain of scopes, innermost last; names resolve from the innermost outwards.
using Scopes = std::vector<const nlohmann::json*>;

const nlohmann::json* lookup(const Scopes& scopes, const std::string& name) {
  if (name == ".") return scopes.back();
  std::string_view first = name;
  std::size_t dot = name.find('.');
  if (dot != std::string::npos) first = first.substr(0, dot);
  for (auto it = scopes.rbegin(); it != scopes.rend(); ++it) {
    const nlohmann::json& scope = **it;
    if (!scope.is_object()) continue;
    auto found = scope.find(first);
    if (found == scope.end()) continue;
    const nlohmann::json* value = &*found;
    while (dot != std::string::npos) {
      std::size_t next = name.find('.', dot + 1);
      std::string key = name.substr(dot + 1, next == std::string::npos ? next : next - dot - 1);
      if (!value->is_object() || !value->contains(key)) return nullptr;
      value = &(*value)[key];
      dot = next;
    }
    return value;
  }
  return nullptr;
}

bool truthy(const nlohmann::json* v) {
  if (v == nullptr || v->is_null()) return false;
  if (v->is_boolean()) return v->get<bool>();
  if (v->is_array() || v->is_string()) return !v->empty();
  if (v->is_number()) return v->get<double>() != 0;
  return true;
}

std::string scalar_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_number_unsigned()) return std::to_string(v.get<unsigned long long>());
  if (v.is_number_float()) return fmt::format("{}", v.get<double>());
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_null()) return "";
  return v.dump();
}

void render(const std::vector<Node>& nodes, Scopes& scopes, std::string_view text,
            std::string_view source, std::string& out) {
  for (const Node& n : nodes) {
    if (n.kind == Node::Kind::kText) {
      out += n.text;
      continue;
    }
    const nlohmann::json* v = lookup(scopes, n.text);
    if (n.kind == Node::Kind::kValue) {
      if (v == nullptr) {
        throw ParseError(locate(text, source, n.offset), fmt::format("unknown name '{}'", n.text));
      }
      out += scalar_text(*v);
    } else if (n.kind == Node::Kind::kInverted) {
      if (!truthy(v)) render(n.children, scopes, text, source, out);
    } else if (truthy(v)) {
      if (v->is_array()) {
        for (const auto& item : *v) {
          scopes.push_back(&item);
          render(n.children, scopes, text, source, out);
          scopes.pop_back();
        }
      } else {
        scopes.push_back(v);
        render(n.children, scopes, text, source, out);
        scopes.pop_back();
      }
    }
  }
}

}  // namespace

std::string render_template(std::string_view text, const nlohmann::json& context,
                            std::string_view source) {
  // Parsed templates are kept by their text: inputs for thousands of structures reuse a handful.
  static std::mutex mutex;
  static std::unordered_map<std::string, std::shared_ptr<const std::vector<Node>>> cache;
  std::shared_ptr<const std::vector<Node>> nodes;
  {
    std::lock_guard lock(mutex);
    auto it = cache.find(std::string(text));
    if (it != cache.end()) nodes = it->second;
  }
  if (!nodes) {
    Parser p{text, source};
    nodes = std::make_shared<const std::vector<Node>>(p.parse({}, 0));
    std::lock_guard lock(mutex);
    if (cache.size() < 256) cache.emplace(std::string(text), nodes);
  }
  Scopes scopes{&context};
  std::string out;
  out.reserve(text.size() * 2);
  render(*nodes, scopes, text, source, out);
  return out;
}

}  // namespace pb::calc
