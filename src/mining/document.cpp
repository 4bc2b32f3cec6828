// Format detection, dispatch, plain text and the small helpers every reader shares.
#include "mining/document.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <sstream>

#include "util/error.hpp"
#include "util/sha256.hpp"
#include "util/utf8.hpp"

namespace pb::mining {

namespace {

constexpr std::array<std::string_view, 6> kBlockNames = {"title",     "abstract", "heading",
                                                         "paragraph", "caption",  "table"};

bool ends_with_ci(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (std::size_t i = 0; i < suffix.size(); ++i) {
    char a = s[s.size() - suffix.size() + i];
    if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
    if (a != suffix[i]) return false;
  }
  return true;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// Bytes that begin the first element of an XML or HTML document, after any BOM, declaration,
// comments and doctype.
std::string_view first_element(std::string_view bytes) {
  std::size_t pos = 0;
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") pos = 3;
  while (pos < bytes.size()) {
    while (pos < bytes.size() && is_space(bytes[pos])) ++pos;
    if (pos >= bytes.size() || bytes[pos] != '<') return {};
    if (bytes.substr(pos, 2) == "<?" || bytes.substr(pos, 2) == "<!") {
      std::size_t end =
          bytes.substr(pos, 4) == "<!--" ? bytes.find("-->", pos) : bytes.find('>', pos);
      if (end == std::string_view::npos) return {};
      pos = end + 1;
      continue;
    }
    return bytes.substr(pos, 200);
  }
  return {};
}

// True when `next` continues the line `prev` that a period ended too early: a decimal point
// ("0." / "05"), or an abbreviation followed by a number or lower-case word ("Fig." / "2a").
bool continues_line(std::string_view prev, std::string_view next) {
  if (prev.empty() || prev.back() != '.' || next.empty()) return false;
  const unsigned char n = static_cast<unsigned char>(next[0]);
  if (prev.size() >= 2 && std::isdigit(static_cast<unsigned char>(prev[prev.size() - 2]))) {
    return std::isdigit(n) != 0;
  }
  std::size_t start = prev.size() - 1;
  while (start > 0 && prev[start - 1] != ' ') --start;
  const std::string_view word = prev.substr(start, prev.size() - start);
  static constexpr std::string_view kShort[] = {"Fig.", "Figs.", "Eq.",  "Eqs.", "Ref.", "Refs.",
                                                "al.",  "e.g.",  "i.e.", "ca.",  "vs."};
  for (std::string_view w : kShort) {
    if (word == w) return std::isdigit(n) || std::islower(n) || n == '(' || n == '[';
  }
  return false;
}

}  // namespace

std::string_view to_string(BlockKind kind) { return kBlockNames[static_cast<std::size_t>(kind)]; }

BlockKind block_kind_from_string(std::string_view name) {
  for (std::size_t i = 0; i < kBlockNames.size(); ++i) {
    if (kBlockNames[i] == name) return static_cast<BlockKind>(i);
  }
  throw InvalidArgument("unknown block kind '" + std::string(name) + "'");
}

std::string_view to_string(DocumentFormat format) {
  switch (format) {
    case DocumentFormat::kText:
      return "text";
    case DocumentFormat::kHtml:
      return "html";
    case DocumentFormat::kJats:
      return "jats";
    case DocumentFormat::kElsevier:
      return "elsevier";
    case DocumentFormat::kPdf:
      return "pdf";
  }
  return "text";
}

DocumentFormat detect_format(std::string_view name, std::string_view bytes) {
  if (bytes.substr(0, 5) == "%PDF-" || ends_with_ci(name, ".pdf")) return DocumentFormat::kPdf;
  std::string_view head = first_element(bytes);
  std::string lower;
  for (char c : head) lower += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  if (lower.starts_with("<html") || lower.starts_with("<head") || lower.starts_with("<body") ||
      ends_with_ci(name, ".html") || ends_with_ci(name, ".htm")) {
    return DocumentFormat::kHtml;
  }
  if (lower.starts_with("<article") || lower.starts_with("<pmc-articleset")) {
    return DocumentFormat::kJats;
  }
  if (lower.starts_with("<full-text-retrieval-response") || lower.starts_with("<xocs:doc") ||
      lower.starts_with("<ja:article") || lower.starts_with("<converted-article")) {
    return DocumentFormat::kElsevier;
  }
  if (ends_with_ci(name, ".xml") || ends_with_ci(name, ".nxml")) return DocumentFormat::kJats;
  return DocumentFormat::kText;
}

Document read_document(std::string_view bytes, std::string_view name,
                       std::optional<DocumentFormat> format) {
  Document doc;
  doc.source = std::string(name);
  doc.format = format ? *format : detect_format(name, bytes);
  doc.content_hash = sha256_hex(bytes);
  switch (doc.format) {
    case DocumentFormat::kText:
      read_plain_text(bytes, doc);
      break;
    case DocumentFormat::kHtml:
      read_html(bytes, doc);
      break;
    case DocumentFormat::kJats:
      read_jats(bytes, doc);
      break;
    case DocumentFormat::kElsevier:
      read_elsevier(bytes, doc);
      break;
    case DocumentFormat::kPdf:
      read_pdf(bytes, doc);
      break;
  }
  // Blocks without text carry nothing to mine.
  std::erase_if(doc.blocks, [](const Block& b) { return b.text.empty(); });
  if (doc.meta.title.empty()) {
    for (const Block& b : doc.blocks) {
      if (b.kind == BlockKind::kTitle) {
        doc.meta.title = b.text;
        break;
      }
    }
  }
  return doc;
}

Document read_document_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw NotFound("cannot open " + path.string());
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return read_document(buffer.str(), path.string());
}

std::vector<std::filesystem::path> collect_document_files(
    const std::vector<std::filesystem::path>& paths) {
  static constexpr std::array<std::string_view, 7> kExtensions = {".txt",  ".html", ".htm", ".xml",
                                                                  ".nxml", ".pdf",  ".text"};
  std::vector<std::filesystem::path> out;
  for (const auto& p : paths) {
    if (std::filesystem::is_directory(p)) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(p)) {
        if (!entry.is_regular_file()) continue;
        const std::string name = entry.path().filename().string();
        for (std::string_view ext : kExtensions) {
          if (ends_with_ci(name, ext)) {
            out.push_back(entry.path());
            break;
          }
        }
      }
    } else {
      out.push_back(p);  // named explicitly: read whatever it is
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void read_plain_text(std::string_view bytes, Document& doc) {
  const std::string text = utf8::from_latin1_fallback(bytes);
  // Paragraphs are separated by blank lines; a text without blank lines (one sentence per line,
  // as in the SOFC-Exp corpus) has one paragraph per line.
  const bool blank_lines =
      text.find("\n\n") != std::string::npos || text.find("\r\n\r\n") != std::string::npos;
  std::vector<std::string> paragraphs;
  std::string current;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::string trimmed = normalise_space(line);
    if (!blank_lines && !trimmed.empty() && !paragraphs.empty() &&
        continues_line(paragraphs.back(), trimmed)) {
      // Sentence-per-line files split at every period, also "0." + "05 S cm−1" and "Fig." +
      // "2a)" (SOFC-Exp texts/*.txt); such lines are one sentence.
      std::string& prev = paragraphs.back();
      const bool decimal = prev.size() >= 2 &&
                           std::isdigit(static_cast<unsigned char>(prev[prev.size() - 2])) &&
                           std::isdigit(static_cast<unsigned char>(trimmed[0]));
      if (!decimal) prev += ' ';
      prev += trimmed;
    } else if (trimmed.empty() || !blank_lines) {
      if (!current.empty()) paragraphs.push_back(std::move(current));
      current.clear();
      if (!blank_lines && !trimmed.empty()) paragraphs.push_back(std::move(trimmed));
    } else {
      if (!current.empty()) current += ' ';
      current += trimmed;
    }
    pos = end + 1;
  }
  if (!current.empty()) paragraphs.push_back(std::move(current));
  // A leading bare DOI line and a short title line (the layout of the annotated synthesis
  // corpus) become metadata.
  std::size_t first = 0;
  if (!paragraphs.empty() && paragraphs[0].size() < 100 && paragraphs[0].starts_with("10.") &&
      paragraphs[0].find(' ') == std::string::npos) {
    doc.meta.doi = find_doi(paragraphs[0]);
    first = 1;
  }
  for (std::size_t i = first; i < paragraphs.size(); ++i) {
    BlockKind kind = BlockKind::kParagraph;
    if (i == first && first == 1 && paragraphs[i].size() < 300) kind = BlockKind::kTitle;
    doc.blocks.push_back({kind, "", std::move(paragraphs[i])});
  }
  if (doc.meta.doi.empty()) doc.meta.doi = find_doi(text.substr(0, 4000));
}

std::string normalise_space(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    // U+00A0 no-break space counts as white space.
    if (is_space(c) || (c == '\xC2' && i + 1 < text.size() && text[i + 1] == '\xA0')) {
      if (c == '\xC2') ++i;
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string find_doi(std::string_view text) {
  std::size_t pos = 0;
  while ((pos = text.find("10.", pos)) != std::string_view::npos) {
    std::size_t i = pos + 3;
    std::size_t digits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i, ++digits;
    const bool word_start = pos == 0 || !(std::isalnum(static_cast<unsigned char>(text[pos - 1])));
    if (digits >= 4 && i < text.size() && text[i] == '/' && word_start) {
      std::size_t end = i + 1;
      while (end < text.size() && !is_space(text[end]) && text[end] != '"' && text[end] != '<' &&
             text[end] != '>') {
        ++end;
      }
      while (end > i + 1 &&
             std::string_view(".,;:)]").find(text[end - 1]) != std::string_view::npos) {
        --end;
      }
      if (end > i + 1) return std::string(text.substr(pos, end - pos));
    }
    pos += 3;
  }
  return {};
}

std::optional<int> find_year(std::string_view text) {
  for (std::size_t i = 0; i + 4 <= text.size(); ++i) {
    if (i > 0 && std::isdigit(static_cast<unsigned char>(text[i - 1]))) continue;
    if (i + 4 < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 4]))) continue;
    if ((text[i] == '1' && text[i + 1] == '9') || (text[i] == '2' && text[i + 1] == '0')) {
      if (std::isdigit(static_cast<unsigned char>(text[i + 2])) &&
          std::isdigit(static_cast<unsigned char>(text[i + 3]))) {
        return (text[i] - '0') * 1000 + (text[i + 1] - '0') * 100 + (text[i + 2] - '0') * 10 +
               (text[i + 3] - '0');
      }
    }
  }
  return std::nullopt;
}

}  // namespace pb::mining
