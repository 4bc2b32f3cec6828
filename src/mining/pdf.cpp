// PDF through poppler-cpp: the document information dictionary (PDF 32000-1 §14.3.3) for
// metadata, page text in reading order, then lines regrouped into paragraphs, headings and
// captions, with end-of-line hyphenation undone. Text after a "References" heading is dropped.
#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-page.h>

#include <cctype>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "mining/document.hpp"
#include "util/error.hpp"

namespace pb::mining {

namespace {

std::string utf8(const poppler::ustring& s) {
  const poppler::byte_array bytes = s.to_utf8();
  return std::string(bytes.begin(), bytes.end());
}

void quiet(const std::string&, void*) {}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

// Headings as papers print them: "1. Introduction", "2 Experimental", "Abstract", "Results".
bool looks_like_heading(std::string_view line) {
  if (line.size() > 70 || line.empty() || line.back() == '.' || line.back() == ',') return false;
  static constexpr std::string_view kWords[] = {"abstract",
                                                "introduction",
                                                "experimental",
                                                "methods",
                                                "materials and methods",
                                                "results",
                                                "discussion",
                                                "conclusion",
                                                "conclusions",
                                                "references",
                                                "acknowledgements",
                                                "acknowledgments",
                                                "results and discussion",
                                                "summary",
                                                "keywords"};
  std::size_t i = 0;
  while (i < line.size() && (std::isdigit(static_cast<unsigned char>(line[i])) || line[i] == '.')) {
    ++i;
  }
  const bool numbered = i > 0 && i < line.size() && line[i] == ' ';
  std::string_view rest = line.substr(i);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  for (std::string_view w : kWords) {
    if (rest.size() == w.size() && starts_with_ci(rest, w)) return true;
  }
  // A numbered short line starting with a capital letter ("3.2 Electrochemical tests").
  return numbered && !rest.empty() && std::isupper(static_cast<unsigned char>(rest[0])) &&
         rest.size() < 60;
}

bool looks_like_caption(std::string_view line) {
  return starts_with_ci(line, "fig. ") || starts_with_ci(line, "figure ") ||
         starts_with_ci(line, "table ") || starts_with_ci(line, "scheme ");
}

}  // namespace

void read_pdf(std::string_view bytes, Document& doc) {
  static std::once_flag silence;
  std::call_once(silence, [] { poppler::set_debug_error_function(quiet, nullptr); });
  std::unique_ptr<poppler::document> pdf(
      poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())));
  if (!pdf) throw ParseError({doc.source, 0, 0}, "not a readable PDF file", "is it damaged?");
  if (pdf->is_locked()) throw ParseError({doc.source, 0, 0}, "the PDF is encrypted", "");
  auto& m = doc.meta;
  m.title = normalise_space(utf8(pdf->info_key("Title")));
  const std::string author = utf8(pdf->info_key("Author"));
  std::string current;
  for (std::size_t i = 0; i <= author.size(); ++i) {
    if (i == author.size() || author[i] == ';' || author[i] == ',' ||
        std::string_view(author).substr(i, 5) == " and ") {
      const std::string name = normalise_space(current);
      if (!name.empty()) m.authors.push_back(name);
      current.clear();
      if (i < author.size() && author[i] == ' ') i += 4;
    } else {
      current += author[i];
    }
  }
  const std::string subject = normalise_space(utf8(pdf->info_key("Subject")));
  m.doi = find_doi(utf8(pdf->info_key("doi")));
  if (m.doi.empty()) m.doi = find_doi(subject);
  // Publishers put "Journal, volume (year) pages" into Subject.
  if (!subject.empty()) {
    const std::size_t comma = subject.find(',');
    m.journal = subject.substr(0, comma);
    if (comma != std::string::npos) m.year = find_year(subject.substr(comma));
  }

  std::vector<std::string> lines;
  const int pages = pdf->pages();
  for (int p = 0; p < pages; ++p) {
    std::unique_ptr<poppler::page> page(pdf->create_page(p));
    if (!page) continue;
    const std::string text = utf8(page->text(poppler::rectf(), poppler::page::raw_order_layout));
    if (normalise_space(text).empty()) {
      doc.warnings.push_back("page " + std::to_string(p + 1) + " has no text layer (scanned?)");
    }
    if (p == 0 && m.doi.empty()) m.doi = find_doi(text);
    std::size_t pos = 0;
    while (pos <= text.size()) {
      std::size_t end = text.find('\n', pos);
      if (end == std::string::npos) end = text.size();
      lines.push_back(normalise_space(std::string_view(text).substr(pos, end - pos)));
      pos = end + 1;
    }
    lines.emplace_back();  // a page break ends a paragraph only if the text says so
  }

  std::string section;
  std::string paragraph;
  BlockKind kind = BlockKind::kParagraph;
  bool title_done = !m.title.empty();
  auto flush = [&] {
    if (!paragraph.empty()) doc.blocks.push_back({kind, section, paragraph});
    paragraph.clear();
    kind = section == "Abstract" ? BlockKind::kAbstract : BlockKind::kParagraph;
  };
  for (const std::string& line : lines) {
    if (line.empty()) {
      flush();
      continue;
    }
    if (!title_done) {
      m.title = line;
      title_done = true;
      continue;
    }
    if (looks_like_heading(line)) {
      flush();
      std::string_view name = line;
      if (starts_with_ci(name, "references")) break;
      section = line;
      if (starts_with_ci(line, "abstract")) section = "Abstract";
      doc.blocks.push_back({BlockKind::kHeading, "", line});
      kind = section == "Abstract" ? BlockKind::kAbstract : BlockKind::kParagraph;
      continue;
    }
    if (looks_like_caption(line)) {
      flush();
      kind = BlockKind::kCaption;
    }
    if (!paragraph.empty()) {
      // "elec-" + "trolyte" -> "electrolyte"; a hyphen before a capital or digit stays
      // ("Li-" + "La-Zr-O" is a formula line break).
      if (paragraph.back() == '-' && paragraph.size() > 1 &&
          std::islower(static_cast<unsigned char>(paragraph[paragraph.size() - 2])) &&
          std::islower(static_cast<unsigned char>(line[0]))) {
        paragraph.pop_back();
      } else {
        paragraph += ' ';
      }
    }
    paragraph += line;
  }
  flush();
  if (!m.title.empty()) doc.blocks.insert(doc.blocks.begin(), {BlockKind::kTitle, "", m.title});
}

}  // namespace pb::mining
