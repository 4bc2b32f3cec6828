#include "store/bibliography.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "util/error.hpp"
#include "util/utf8.hpp"

namespace pb::store {

namespace {

// 1-based line and column (in code points) of byte offset `pos`.
SourceLocation locate(std::string_view text, std::size_t pos, std::string_view file) {
  pos = std::min(pos, text.size());
  std::size_t line_start = text.rfind('\n', pos == 0 ? 0 : pos - 1);
  line_start = (line_start == std::string_view::npos || pos == 0) ? 0 : line_start + 1;
  std::size_t line = 1;
  for (std::size_t i = 0; i < line_start; ++i) line += text[i] == '\n';
  return {std::string(file), line,
          utf8::count_code_points(text.substr(line_start, pos - line_start)) + 1};
}

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Collapses runs of white space (BibTeX values span lines) to one space.
std::string squeeze(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::optional<int> year_of(std::string_view s) {
  for (std::size_t i = 0; i + 4 <= s.size(); ++i) {
    bool digits = true;
    for (std::size_t k = 0; k < 4; ++k)
      digits = digits && std::isdigit(static_cast<unsigned char>(s[i + k]));
    bool bounded = (i == 0 || !std::isdigit(static_cast<unsigned char>(s[i - 1]))) &&
                   (i + 4 == s.size() || !std::isdigit(static_cast<unsigned char>(s[i + 4])));
    if (digits && bounded) return std::stoi(std::string(s.substr(i, 4)));
  }
  return std::nullopt;
}

// "123--130" and "123–130" -> "123-130".
std::string pages_text(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    if (s.compare(i, 3, "\xE2\x80\x93") == 0) {  // en dash
      out += '-';
      i += 3;
    } else if (s[i] == '-') {
      out += '-';
      while (i < s.size() && s[i] == '-') ++i;
    } else {
      out += s[i++];
    }
  }
  return trim(out);
}

// --- LaTeX to Unicode (minimal: accents on one letter, escaped specials, dropped commands) ---

// Combining marks for the accent commands; a precomposed letter is used for the common
// Latin-1 cases so that "M\"{u}ller" compares equal to "Müller" as typed.
char32_t combining_mark(char accent) {
  switch (accent) {
    case '`':
      return U'\u0300';
    case '\'':
      return U'\u0301';
    case '^':
      return U'\u0302';
    case '~':
      return U'\u0303';
    case '=':
      return U'\u0304';
    case 'u':
      return U'\u0306';
    case '.':
      return U'\u0307';
    case '"':
      return U'\u0308';
    case 'r':
      return U'\u030A';
    case 'H':
      return U'\u030B';
    case 'v':
      return U'\u030C';
    case 'c':
      return U'\u0327';
    case 'k':
      return U'\u0328';
    default:
      return 0;
  }
}

char32_t precomposed(char accent, char letter) {
  static constexpr std::string_view kLetters = "AEIOUaeiou";
  static constexpr char32_t kGrave[] = {U'À', U'È', U'Ì', U'Ò', U'Ù', U'à', U'è', U'ì', U'ò', U'ù'};
  static constexpr char32_t kAcute[] = {U'Á', U'É', U'Í', U'Ó', U'Ú', U'á', U'é', U'í', U'ó', U'ú'};
  static constexpr char32_t kCirc[] = {U'Â', U'Ê', U'Î', U'Ô', U'Û', U'â', U'ê', U'î', U'ô', U'û'};
  static constexpr char32_t kUml[] = {U'Ä', U'Ë', U'Ï', U'Ö', U'Ü', U'ä', U'ë', U'ï', U'ö', U'ü'};
  std::size_t i = kLetters.find(letter);
  if (i != std::string_view::npos) {
    switch (accent) {
      case '`':
        return kGrave[i];
      case '\'':
        return kAcute[i];
      case '^':
        return kCirc[i];
      case '"':
        return kUml[i];
      default:
        break;
    }
  }
  if (accent == '~' && letter == 'n') return U'ñ';
  if (accent == '~' && letter == 'N') return U'Ñ';
  if (accent == 'c' && letter == 'c') return U'ç';
  if (accent == 'c' && letter == 'C') return U'Ç';
  return 0;
}

std::string latex_to_text(std::string_view s) {
  static const std::map<std::string, std::string, std::less<>> kNamed = {
      {"aa", "å"}, {"AA", "Å"}, {"o", "ø"},          {"O", "Ø"},          {"ss", "ß"},
      {"ae", "æ"}, {"AE", "Æ"}, {"oe", "œ"},         {"l", "ł"},          {"L", "Ł"},
      {"i", "ı"},  {"j", "ȷ"},  {"textendash", "–"}, {"textemdash", "—"}, {"textasciitilde", "~"}};
  std::string out;
  std::size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '{' || c == '}' || c == '$') {
      ++i;
      continue;
    }
    if (c == '~') {
      out += ' ';
      ++i;
      continue;
    }
    if (c != '\\' || i + 1 >= s.size()) {
      out += c;
      ++i;
      continue;
    }
    char next = s[i + 1];
    if (std::string_view("&%_$#{}").find(next) != std::string_view::npos) {
      out += next;
      i += 2;
      continue;
    }
    char32_t mark = combining_mark(next);
    bool symbol_accent = std::string_view("`'^~=.\"").find(next) != std::string_view::npos;
    // A letter accent command (\c, \v, ...) must not swallow a longer command name (\cite).
    bool letter_accent = mark != 0 && !symbol_accent &&
                         (i + 2 >= s.size() || !std::isalpha(static_cast<unsigned char>(s[i + 2])));
    if (symbol_accent || letter_accent) {
      std::size_t j = i + 2;
      while (j < s.size() && (s[j] == ' ' || s[j] == '{')) ++j;
      if (j < s.size() && s[j] == '\\' && j + 1 < s.size() &&
          (s[j + 1] == 'i' || s[j + 1] == 'j')) {
        ++j;  // \'{\i}: dotless i takes the accent
      }
      if (j < s.size() && std::isalpha(static_cast<unsigned char>(s[j]))) {
        char letter = s[j];
        ++j;
        while (j < s.size() && s[j] == '}') ++j;
        if (char32_t p = precomposed(next, letter)) {
          utf8::append(out, p);
        } else {
          out += letter;
          utf8::append(out, mark);
        }
        i = j;
        continue;
      }
      i += 2;
      continue;
    }
    // A named command: a known letter or symbol, else dropped (its braced argument stays).
    std::size_t j = i + 1;
    while (j < s.size() && std::isalpha(static_cast<unsigned char>(s[j]))) ++j;
    if (j == i + 1) {  // "\\" or "\ " and the like
      i += 2;
      out += ' ';
      continue;
    }
    auto it = kNamed.find(s.substr(i + 1, j - i - 1));
    if (it != kNamed.end()) out += it->second;
    while (j < s.size() && s[j] == ' ' && it != kNamed.end()) ++j;
    i = j;
  }
  return squeeze(out);
}

// Splits "A and B and {C and D}" at " and " outside braces.
std::vector<std::string> split_authors(std::string_view raw) {
  std::vector<std::string> out;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '{') ++depth;
    if (raw[i] == '}') --depth;
    if (depth == 0 && std::isspace(static_cast<unsigned char>(raw[i])) &&
        raw.substr(i + 1, 4) == "and " && i + 4 < raw.size()) {
      out.push_back(latex_to_text(raw.substr(start, i - start)));
      start = i + 5;
      i += 4;
    }
  }
  out.push_back(latex_to_text(raw.substr(start)));
  std::erase_if(out, [](const std::string& a) { return a.empty(); });
  return out;
}

// --- BibTeX ---

class BibParser {
 public:
  BibParser(std::string_view text, std::string_view file) : s_(text), file_(file) {
    static constexpr std::string_view kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                   "jul", "aug", "sep", "oct", "nov", "dec"};
    for (std::size_t m = 0; m < 12; ++m) macros_[std::string(kMonths[m])] = std::to_string(m + 1);
  }

  std::vector<ReferenceRecord> parse() {
    std::vector<ReferenceRecord> out;
    while (true) {
      std::size_t at = s_.find('@', pos_);
      if (at == std::string_view::npos) break;
      pos_ = at + 1;
      std::string type = lower(identifier());
      if (type.empty()) fail(at, "'@' without an entry type");
      skip_space();
      if (pos_ >= s_.size() || (s_[pos_] != '{' && s_[pos_] != '(')) {
        fail(pos_, "expected '{' or '(' after @" + type);
      }
      char close = s_[pos_] == '{' ? '}' : ')';
      std::size_t open = pos_++;
      if (type == "comment" || type == "preamble") {
        skip_balanced(open, close);
      } else if (type == "string") {
        read_string_macro(open, close);
      } else {
        out.push_back(read_entry(type, at, open, close));
      }
    }
    return out;
  }

 private:
  [[noreturn]] void fail(std::size_t pos, std::string message, std::string hint = {}) {
    throw ParseError(locate(s_, pos, file_), std::move(message), std::move(hint));
  }

  void skip_space() {
    while (pos_ < s_.size()) {
      if (std::isspace(static_cast<unsigned char>(s_[pos_]))) {
        ++pos_;
      } else if (s_[pos_] == '%') {  // comment to end of line
        while (pos_ < s_.size() && s_[pos_] != '\n') ++pos_;
      } else {
        break;
      }
    }
  }

  std::string identifier() {
    std::size_t start = pos_;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (std::isalnum(static_cast<unsigned char>(c)) ||
          std::string_view("_-:./+'").find(c) != std::string_view::npos) {
        ++pos_;
      } else {
        break;
      }
    }
    return std::string(s_.substr(start, pos_ - start));
  }

  void skip_balanced(std::size_t open, char close) {
    int depth = 1;
    while (pos_ < s_.size() && depth > 0) {
      char c = s_[pos_++];
      if (c == '{' || (close == ')' && c == '(')) ++depth;
      if (c == '}' || (close == ')' && c == ')')) --depth;
    }
    if (depth > 0) fail(open, "unbalanced braces: this entry is never closed");
  }

  // The text of a value up to its closing delimiter ('}' after '{', '"' after '"'), inner
  // braces kept; `open` is where the value started, for the error.
  std::string delimited(std::size_t open, char close) {
    int depth = close == '}' ? 1 : 0;
    std::size_t start = pos_;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == '\\' && pos_ + 1 < s_.size()) {
        pos_ += 2;
        continue;
      }
      if (c == '{') ++depth;
      if (c == '}') --depth;
      if ((close == '}' && depth == 0) || (close == '"' && c == '"' && depth <= 0)) break;
      if (c == '@' && depth == 1 && s_[pos_ - 1] == '\n') {
        fail(open, "unbalanced braces in value", "a new entry starts before this value ends");
      }
      ++pos_;
    }
    if (pos_ >= s_.size()) {
      fail(open, close == '}' ? "unbalanced braces in value" : "unterminated quoted value");
    }
    std::string v(s_.substr(start, pos_ - start));
    ++pos_;
    return v;
  }

  // value = part ('#' part)*, part = {..} | ".." | number | macro
  std::string value() {
    std::string v;
    while (true) {
      skip_space();
      if (pos_ >= s_.size()) fail(pos_, "value expected before the end of the file");
      std::size_t start = pos_;
      char c = s_[pos_];
      if (c == '{') {
        ++pos_;
        v += delimited(start, '}');
      } else if (c == '"') {
        ++pos_;
        v += delimited(start, '"');
      } else {
        std::string name = identifier();
        if (name.empty()) fail(start, std::string("unexpected '") + c + "' where a value belongs");
        if (std::all_of(name.begin(), name.end(),
                        [](char d) { return std::isdigit(static_cast<unsigned char>(d)); })) {
          v += name;
        } else {
          auto it = macros_.find(lower(name));
          if (it == macros_.end()) {
            fail(start, "undefined @string macro '" + name + "'",
                 "define it with @string{" + name + " = {...}} or put the value in braces");
          }
          v += it->second;
        }
      }
      skip_space();
      if (pos_ < s_.size() && s_[pos_] == '#') {
        ++pos_;
        continue;
      }
      return v;
    }
  }

  void read_string_macro(std::size_t open, char close) {
    skip_space();
    std::size_t start = pos_;
    std::string name = lower(identifier());
    if (name.empty()) fail(start, "@string needs a name");
    skip_space();
    if (pos_ >= s_.size() || s_[pos_] != '=') fail(pos_, "expected '=' after @string name");
    ++pos_;
    macros_[name] = value();
    skip_space();
    if (pos_ >= s_.size() || s_[pos_] != close) fail(open, "@string is not closed");
    ++pos_;
  }

  ReferenceRecord read_entry(const std::string& type, std::size_t at, std::size_t open,
                             char close) {
    skip_space();
    std::string key = identifier();
    skip_space();
    if (pos_ < s_.size() && s_[pos_] == ',') ++pos_;
    std::map<std::string, std::string> fields;
    while (true) {
      skip_space();
      if (pos_ >= s_.size()) fail(open, "entry '" + key + "' is not closed");
      if (s_[pos_] == close) {
        ++pos_;
        break;
      }
      std::size_t start = pos_;
      std::string name = lower(identifier());
      if (name.empty())
        fail(start, std::string("expected a field name, found '") + s_[start] + "'");
      skip_space();
      if (pos_ >= s_.size() || s_[pos_] != '=')
        fail(pos_, "expected '=' after field '" + name + "'");
      ++pos_;
      fields[name] = value();
      skip_space();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
      } else if (pos_ < s_.size() && s_[pos_] != close) {
        fail(pos_, "expected ',' or the end of the entry after field '" + name + "'");
      }
    }
    ReferenceRecord r;
    r.kind = type;
    SourceLocation where = locate(s_, at, file_);
    r.source = where.file + ":" + std::to_string(where.line);
    auto get = [&](std::string_view name) -> std::string {
      auto it = fields.find(std::string(name));
      return it == fields.end() ? std::string{} : it->second;
    };
    r.authors = split_authors(get("author"));
    r.title = latex_to_text(get("title"));
    for (std::string_view f : {"journal", "journaltitle", "booktitle", "publisher"}) {
      if (r.journal.empty()) r.journal = latex_to_text(get(f));
    }
    std::string year = get("year");
    r.year = year_of(year.empty() ? get("date") : year);
    r.volume = latex_to_text(get("volume"));
    r.issue = latex_to_text(get("number"));
    if (r.issue.empty()) r.issue = latex_to_text(get("issue"));
    r.pages = pages_text(latex_to_text(get("pages")));
    r.doi = normalise_doi(trim(get("doi")));
    if (r.doi.empty()) r.doi = normalise_doi(get("url"));
    return r;
  }

  std::string_view s_;
  std::string file_;
  std::size_t pos_ = 0;
  std::map<std::string, std::string> macros_;
};

// --- RIS ---

bool is_tag_line(std::string_view line) {
  // "TY  - JOUR": two characters, two spaces, a hyphen, then a space or the end of the line.
  return line.size() >= 5 && std::isupper(static_cast<unsigned char>(line[0])) &&
         std::isalnum(static_cast<unsigned char>(line[1])) && line[2] == ' ' && line[3] == ' ' &&
         line[4] == '-' && (line.size() == 5 || line[5] == ' ');
}

std::string ris_kind(std::string_view ty) {
  if (ty == "JOUR" || ty == "JFULL" || ty == "EJOUR") return "article";
  if (ty == "BOOK") return "book";
  if (ty == "CHAP") return "incollection";
  if (ty == "CONF" || ty == "CPAPER") return "inproceedings";
  if (ty == "THES") return "phdthesis";
  if (ty == "RPRT") return "techreport";
  return lower(ty);
}

}  // namespace

std::vector<ReferenceRecord> parse_bibtex(std::string_view text, std::string_view file) {
  return BibParser(text, file).parse();
}

std::vector<ReferenceRecord> parse_ris(std::string_view text, std::string_view file) {
  std::vector<ReferenceRecord> out;
  std::optional<ReferenceRecord> current;
  std::map<std::string, std::string> journal;  // by tag, to prefer full names
  std::string start_page, end_page;
  std::string* last = nullptr;  // value that a continuation line extends
  std::size_t line_no = 0;
  std::size_t record_line = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 byte-order mark
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (trim(line).empty()) continue;
    if (!is_tag_line(line)) {
      if (current && last != nullptr) {  // a wrapped value
        *last += " " + trim(line);
        continue;
      }
      throw ParseError({std::string(file), line_no, 1}, "not an RIS tag line",
                       "RIS lines look like 'TY  - JOUR' (tag, two spaces, '-', space)");
    }
    std::string tag(line.substr(0, 2));
    std::string value = line.size() > 6 ? trim(line.substr(6)) : std::string{};
    if (tag == "TY") {
      if (current) {
        throw ParseError(
            {std::string(file), line_no, 1},
            "TY before the record of line " + std::to_string(record_line) + " was closed with ER");
      }
      current = ReferenceRecord{};
      current->kind = ris_kind(value);
      current->source = std::string(file) + ":" + std::to_string(line_no);
      record_line = line_no;
      journal.clear();
      start_page.clear();
      end_page.clear();
      last = nullptr;
      continue;
    }
    if (!current) {
      throw ParseError({std::string(file), line_no, 1}, "tag " + tag + " outside a record",
                       "every record starts with 'TY  - '");
    }
    ReferenceRecord& r = *current;
    last = nullptr;
    if (tag == "ER") {
      for (const char* t : {"JF", "JO", "T2", "JA", "J2"}) {
        if (r.journal.empty() && journal.count(t)) r.journal = journal[t];
      }
      r.pages = start_page;
      if (!end_page.empty() && end_page != start_page) r.pages += "-" + end_page;
      r.pages = pages_text(r.pages);
      out.push_back(std::move(r));
      current.reset();
    } else if (tag == "AU" || tag == "A1") {
      r.authors.push_back(value);
      last = &r.authors.back();
    } else if (tag == "TI" || tag == "T1") {
      if (r.title.empty()) r.title = value;
      last = &r.title;
    } else if (tag == "JO" || tag == "JF" || tag == "T2" || tag == "JA" || tag == "J2") {
      journal[tag] = value;
    } else if (tag == "PY" || tag == "Y1" || tag == "DA") {
      if (!r.year) r.year = year_of(value);
    } else if (tag == "VL") {
      r.volume = value;
    } else if (tag == "IS") {
      r.issue = value;
    } else if (tag == "SP") {
      start_page = value;
    } else if (tag == "EP") {
      end_page = value;
    } else if (tag == "DO") {
      r.doi = normalise_doi(value);
    } else if (tag == "UR" && r.doi.empty()) {
      if (value.find("doi.org/") != std::string::npos) r.doi = normalise_doi(value);
    }
  }
  if (current) {
    throw ParseError({std::string(file), record_line, 1}, "record is not closed with 'ER  - '");
  }
  return out;
}

std::vector<ReferenceRecord> read_references(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw NotFound("cannot read " + path.string());
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  const std::string ext = lower(path.extension().string());
  if (ext == ".ris") return parse_ris(text, path.string());
  if (ext == ".bib" || ext == ".bibtex") return parse_bibtex(text, path.string());
  // Unknown extension: RIS files start with a TY line, BibTeX with '@' after comments.
  std::size_t first = text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (first != std::string::npos && text.compare(first, 2, "TY") == 0) {
    return parse_ris(text, path.string());
  }
  return parse_bibtex(text, path.string());
}

}  // namespace pb::store
