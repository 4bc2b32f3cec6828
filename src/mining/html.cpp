// A lenient HTML reader: publisher pages are rarely well-formed XML, so this is a single pass over
// tags and text (HTML Living Standard §13.2 tokenization, simplified: no implied end tags beyond
// what block boundaries need). Metadata from Highwire <meta name="citation_*"> tags (the
// convention Google Scholar documents) and Dublin Core.
#include <cctype>
#include <string>
#include <vector>

#include "mining/document.hpp"
#include "util/utf8.hpp"

namespace pb::mining {

namespace {

struct Tag {
  std::string name;  // lower case, without '/'
  bool closing = false;
  std::vector<std::pair<std::string, std::string>> attributes;  // names lower case

  std::string attribute(std::string_view key) const {
    for (const auto& [k, v] : attributes) {
      if (k == key) return v;
    }
    return {};
  }
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Named character references that occur in chemistry papers; the rest are kept as written.
constexpr std::pair<std::string_view, std::string_view> kEntities[] = {
    {"amp", "&"},         {"lt", "<"},         {"gt", ">"},         {"quot", "\""},
    {"apos", "'"},        {"nbsp", " "},       {"minus", "\u2212"}, {"times", "\u00D7"},
    {"plusmn", "\u00B1"}, {"deg", "\u00B0"},   {"sup2", "\u00B2"},  {"sup3", "\u00B3"},
    {"sup1", "\u00B9"},   {"micro", "\u00B5"}, {"mu", "\u03BC"},    {"alpha", "\u03B1"},
    {"beta", "\u03B2"},   {"gamma", "\u03B3"}, {"delta", "\u03B4"}, {"sigma", "\u03C3"},
    {"Omega", "\u03A9"},  {"ndash", "\u2013"}, {"mdash", "\u2014"}, {"middot", "\u00B7"},
    {"le", "\u2264"},     {"ge", "\u2265"},    {"asymp", "\u2248"}, {"sim", "\u223C"},
    {"thinsp", " "},      {"ensp", " "},       {"emsp", " "},       {"Aring", "\u00C5"},
};

}  // namespace

std::string decode_entities(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out += text[i];
      continue;
    }
    const std::size_t semi = text.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) {
      out += '&';
      continue;
    }
    std::string_view name = text.substr(i + 1, semi - i - 1);
    bool done = false;
    if (!name.empty() && name[0] == '#') {
      char32_t cp = 0;
      bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
      std::size_t k = hex ? 2 : 1;
      bool ok = k < name.size();
      for (; k < name.size() && ok; ++k) {
        const char c = name[k];
        int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                : hex && std::isxdigit(static_cast<unsigned char>(c))
                    ? std::tolower(static_cast<unsigned char>(c)) - 'a' + 10
                    : -1;
        if (d < 0 || cp > 0x10FFFF) ok = false;
        cp = cp * (hex ? 16 : 10) + static_cast<char32_t>(d < 0 ? 0 : d);
      }
      if (ok && cp > 0 && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF)) {
        utf8::append(out, cp == 0xA0 ? U' ' : cp);
        done = true;
      }
    } else {
      for (const auto& [n, v] : kEntities) {
        if (n == name) {
          out += v;
          done = true;
          break;
        }
      }
    }
    if (done) {
      i = semi;
    } else {
      out += '&';
    }
  }
  return out;
}

namespace {

// Parses the tag starting at text[pos] == '<'; returns the position after '>'.
std::size_t parse_tag(std::string_view text, std::size_t pos, Tag& tag) {
  std::size_t i = pos + 1;
  tag = Tag{};
  if (i < text.size() && text[i] == '/') {
    tag.closing = true;
    ++i;
  }
  std::size_t start = i;
  while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i])) && text[i] != '>' &&
         text[i] != '/') {
    ++i;
  }
  tag.name = lower(text.substr(start, i - start));
  while (i < text.size() && text[i] != '>') {
    if (std::isspace(static_cast<unsigned char>(text[i])) || text[i] == '/') {
      ++i;
      continue;
    }
    start = i;
    while (i < text.size() && text[i] != '=' && text[i] != '>' &&
           !std::isspace(static_cast<unsigned char>(text[i]))) {
      ++i;
    }
    std::string key = lower(text.substr(start, i - start));
    std::string value;
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i < text.size() && text[i] == '=') {
      ++i;
      while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
      if (i < text.size() && (text[i] == '"' || text[i] == '\'')) {
        const char q = text[i++];
        start = i;
        while (i < text.size() && text[i] != q) ++i;
        value = decode_entities(text.substr(start, i - start));
        if (i < text.size()) ++i;
      } else {
        start = i;
        while (i < text.size() && text[i] != '>' &&
               !std::isspace(static_cast<unsigned char>(text[i]))) {
          ++i;
        }
        value = decode_entities(text.substr(start, i - start));
      }
    }
    if (!key.empty()) tag.attributes.emplace_back(std::move(key), std::move(value));
  }
  return i < text.size() ? i + 1 : text.size();
}

bool is_heading(std::string_view name) {
  return name.size() == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6';
}

class HtmlReader {
 public:
  explicit HtmlReader(Document& doc) : doc_(doc) {}

  void run(std::string_view text) {
    std::size_t pos = 0;
    while (pos < text.size()) {
      const std::size_t lt = text.find('<', pos);
      const std::size_t end = lt == std::string_view::npos ? text.size() : lt;
      if (end > pos && skip_depth_ == 0) buffer_ += decode_entities(text.substr(pos, end - pos));
      if (lt == std::string_view::npos) break;
      if (text.substr(lt, 4) == "<!--") {
        const std::size_t close = text.find("-->", lt + 4);
        pos = close == std::string_view::npos ? text.size() : close + 3;
        continue;
      }
      if (lt + 1 < text.size() && (text[lt + 1] == '!' || text[lt + 1] == '?')) {
        const std::size_t close = text.find('>', lt);
        pos = close == std::string_view::npos ? text.size() : close + 1;
        continue;
      }
      if (lt + 1 >= text.size() ||
          !(std::isalpha(static_cast<unsigned char>(text[lt + 1])) || text[lt + 1] == '/')) {
        if (skip_depth_ == 0) buffer_ += '<';  // a bare '<' in text ("x < 0.5")
        pos = lt + 1;
        continue;
      }
      Tag tag;
      pos = parse_tag(text, lt, tag);
      // Raw-text elements: skip to their end tag.
      if (!tag.closing && (tag.name == "script" || tag.name == "style")) {
        const std::size_t close = lower(text.substr(pos)).find("</" + tag.name);
        pos = close == std::string::npos ? text.size() : pos + close;
        continue;
      }
      handle(tag);
    }
    flush();
  }

 private:
  void handle(const Tag& tag) {
    const std::string& n = tag.name;
    if (n == "meta" && !tag.closing) return meta(tag);
    if (n == "nav" || n == "footer" || n == "noscript") {
      skip_depth_ += tag.closing ? (skip_depth_ > 0 ? -1 : 0) : 1;
      if (!tag.closing) buffer_.clear();
      return;
    }
    if (n == "title") {
      if (tag.closing && in_head_title_) {
        if (doc_.meta.title.empty()) doc_.meta.title = normalise_space(buffer_);
        buffer_.clear();
      } else if (!tag.closing) {
        flush();
      }
      in_head_title_ = !tag.closing;
      return;
    }
    if (n == "table") {
      flush();
      if (tag.closing) {
        end_table();
      } else {
        in_table_ = true;
        rows_.clear();
      }
      return;
    }
    if (in_table_ && (n == "tr")) {
      end_cell();
      if (!tag.closing) rows_.emplace_back();
      return;
    }
    if (in_table_ && (n == "td" || n == "th")) {
      end_cell();
      return;
    }
    if (n == "caption" || n == "figcaption") {
      flush();
      kind_ = tag.closing ? BlockKind::kParagraph : BlockKind::kCaption;
      return;
    }
    if (is_heading(n)) {
      flush();
      kind_ = tag.closing ? BlockKind::kParagraph : BlockKind::kHeading;
      return;
    }
    if (n == "p" || n == "div" || n == "li" || n == "br" || n == "section" || n == "article" ||
        n == "blockquote" || n == "ul" || n == "ol" || n == "body" || n == "head" ||
        n == "header" || n == "main" || n == "aside" || n == "figure" || n == "dd" || n == "dt") {
      flush();
      if (n == "section" || n == "div") {
        const std::string cls = lower(tag.attribute("class") + " " + tag.attribute("id"));
        if (!tag.closing && cls.find("abstract") != std::string::npos) in_abstract_ = true;
      }
      return;
    }
    if (n == "sub" || n == "sup" || n == "i" || n == "b" || n == "em" || n == "strong" ||
        n == "span" || n == "a" || n == "small") {
      return;  // inline: text continues without a space ("Li<sub>7</sub>La<sub>3</sub>")
    }
  }

  void meta(const Tag& tag) {
    std::string name = lower(tag.attribute("name"));
    if (name.empty()) name = lower(tag.attribute("property"));
    const std::string content = normalise_space(tag.attribute("content"));
    if (content.empty()) return;
    auto& m = doc_.meta;
    if (name == "citation_title" || name == "dc.title" || name == "og:title") {
      if (name == "citation_title" || m.title.empty()) m.title = content;
    } else if (name == "citation_author" || name == "dc.creator") {
      if (name == "citation_author" || !saw_citation_author_) m.authors.push_back(content);
      if (name == "citation_author") saw_citation_author_ = true;
    } else if (name == "citation_journal_title" || name == "prism.publicationname" ||
               name == "dc.source") {
      if (m.journal.empty() || name == "citation_journal_title") m.journal = content;
    } else if (name == "citation_publication_date" || name == "citation_date" ||
               name == "citation_year" || name == "dc.date" || name == "prism.publicationdate") {
      if (!m.year) m.year = find_year(content);
    } else if (name == "citation_doi" || name == "dc.identifier" || name == "prism.doi") {
      if (m.doi.empty()) m.doi = find_doi(content);
    }
  }

  void end_cell() {
    if (!in_table_) return;
    std::string cell = normalise_space(buffer_);
    buffer_.clear();
    if (cell.empty()) return;
    if (rows_.empty()) rows_.emplace_back();
    rows_.back().push_back(std::move(cell));
  }

  void end_table() {
    end_cell();
    std::string text;
    for (const auto& row : rows_) {
      if (row.empty()) continue;
      if (!text.empty()) text += '\n';
      for (std::size_t i = 0; i < row.size(); ++i) {
        if (i) text += '\t';
        text += row[i];
      }
    }
    if (!text.empty()) doc_.blocks.push_back({BlockKind::kTable, section_, std::move(text)});
    rows_.clear();
    in_table_ = false;
  }

  void flush() {
    if (in_table_ && kind_ != BlockKind::kCaption) {
      return;  // cell text waits for end_cell()
    }
    std::string text = normalise_space(buffer_);
    buffer_.clear();
    if (text.empty() || in_head_title_) return;
    BlockKind kind = kind_;
    if (kind == BlockKind::kHeading) {
      section_ = text;
      in_abstract_ = lower(text) == "abstract";
    } else if (kind == BlockKind::kParagraph && in_abstract_) {
      kind = BlockKind::kAbstract;
    }
    doc_.blocks.push_back({kind, kind == BlockKind::kHeading ? "" : section_, std::move(text)});
  }

  Document& doc_;
  std::string buffer_;
  std::string section_;
  BlockKind kind_ = BlockKind::kParagraph;
  bool in_head_title_ = false;
  bool in_abstract_ = false;
  bool in_table_ = false;
  bool saw_citation_author_ = false;
  int skip_depth_ = 0;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace

void read_html(std::string_view bytes, Document& doc) {
  const std::string text = utf8::from_latin1_fallback(bytes);
  HtmlReader(doc).run(text);
  if (!doc.meta.title.empty()) {
    doc.blocks.insert(doc.blocks.begin(), Block{BlockKind::kTitle, "", doc.meta.title});
  }
}

}  // namespace pb::mining
