#pragma once
/// A paper as the mining pipeline sees it: metadata and text blocks (title, abstract, headings,
/// paragraphs, captions, tables kept apart), read from plain text, HTML, JATS XML, Elsevier
/// full-text XML or PDF (docs/mining.md).
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pb::mining {

/// What a block of text is in its paper.
enum class BlockKind { kTitle, kAbstract, kHeading, kParagraph, kCaption, kTable };

std::string_view to_string(BlockKind kind);
/// The kind named by to_string(); throws InvalidArgument for another name.
BlockKind block_kind_from_string(std::string_view name);

/// One block: its kind, the section heading it sits under, and its text (UTF-8, one line per
/// table row with cells separated by tabs).
struct Block {
  BlockKind kind = BlockKind::kParagraph;
  std::string section;
  std::string text;
};

/// Bibliographic data where the format carries it.
struct DocumentMetadata {
  std::string title;
  std::vector<std::string> authors;  ///< as written ("Given Family" or "Family, Given")
  std::string journal;
  std::optional<int> year;
  std::string doi;
};

/// The input formats.
enum class DocumentFormat { kText, kHtml, kJats, kElsevier, kPdf };

std::string_view to_string(DocumentFormat format);

/// A document read from one file.
struct Document {
  std::string source;  ///< file path as given
  DocumentFormat format = DocumentFormat::kText;
  std::string content_hash;  ///< SHA-256 of the file bytes: the idempotency key
  DocumentMetadata meta;
  std::vector<Block> blocks;
  std::vector<std::string> warnings;  ///< recoverable oddities, e.g. a PDF page without text
};

/// Guesses the format from the file name and the first bytes (%PDF, <article, <html, ...).
DocumentFormat detect_format(std::string_view name, std::string_view bytes);

/// Reads a document from bytes; `name` is stored as the source. Throws ParseError (with the
/// name and, for XML, the byte offset) when the bytes are not in the format.
Document read_document(std::string_view bytes, std::string_view name,
                       std::optional<DocumentFormat> format = std::nullopt);

/// Reads a file (format detected); throws NotFound when it cannot be opened.
Document read_document_file(const std::filesystem::path& path);

/// The files under `paths` (directories walked recursively) with a readable extension, sorted.
std::vector<std::filesystem::path> collect_document_files(
    const std::vector<std::filesystem::path>& paths);

// Per-format readers (document.cpp, html.cpp, xml_readers.cpp, pdf.cpp); each fills blocks and
// meta, and leaves source, format and content_hash to read_document.
void read_plain_text(std::string_view bytes, Document& doc);
void read_html(std::string_view bytes, Document& doc);
void read_jats(std::string_view bytes, Document& doc);
void read_elsevier(std::string_view bytes, Document& doc);
void read_pdf(std::string_view bytes, Document& doc);

/// Decodes HTML character references (&amp;, &minus;, &#8722;, &#x2212;); unknown names are
/// kept as written.
std::string decode_entities(std::string_view text);
/// Collapses runs of white space to one space and trims the ends.
std::string normalise_space(std::string_view text);
/// The first DOI ("10.NNNN/...") in a text, without trailing punctuation; empty when none.
std::string find_doi(std::string_view text);
/// The first plausible year (1900-2099) in a text.
std::optional<int> find_year(std::string_view text);

}  // namespace pb::mining
