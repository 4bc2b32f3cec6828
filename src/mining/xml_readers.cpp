// Publisher XML: JATS (NISO Z39.96, the PubMed Central format) and Elsevier full-text XML (the
// ScienceDirect article API: coredata + originalText with the ce: "common element" schema).
// Elements are matched by local name so that namespace prefixes do not matter.
#include <cstring>
#include <pugixml.hpp>
#include <string>

#include "mining/document.hpp"
#include "util/error.hpp"

namespace pb::mining {

namespace {

std::string_view local(const pugi::xml_node& n) {
  std::string_view name = n.name();
  const std::size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

pugi::xml_node child(const pugi::xml_node& n, std::string_view name) {
  for (pugi::xml_node c : n.children()) {
    if (c.type() == pugi::node_element && local(c) == name) return c;
  }
  return {};
}

// First descendant (depth first) with this local name.
pugi::xml_node find(const pugi::xml_node& n, std::string_view name) {
  for (pugi::xml_node c : n.children()) {
    if (c.type() != pugi::node_element) continue;
    if (local(c) == name) return c;
    if (pugi::xml_node d = find(c, name)) return d;
  }
  return {};
}

// Element names whose text is left out of the running text of their parent: floats are read
// as their own blocks, and labels/cross-reference lists are noise.
bool is_float(std::string_view name) {
  return name == "fig" || name == "table-wrap" || name == "figure" || name == "table" ||
         name == "float-anchor" || name == "display" || name == "supplementary-material";
}

void append_text(const pugi::xml_node& n, std::string& out, bool skip_floats) {
  for (pugi::xml_node c : n.children()) {
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) {
      out += c.value();
    } else if (c.type() == pugi::node_element) {
      if (skip_floats && is_float(local(c))) continue;
      append_text(c, out, skip_floats);
    }
  }
}

std::string text_of(const pugi::xml_node& n, bool skip_floats = true) {
  std::string out;
  append_text(n, out, skip_floats);
  return normalise_space(decode_entities(out));
}

pugi::xml_document load(std::string_view bytes, const Document& doc) {
  pugi::xml_document xml;
  const pugi::xml_parse_result r = xml.load_buffer(
      bytes.data(), bytes.size(), pugi::parse_default | pugi::parse_ws_pcdata, pugi::encoding_auto);
  if (!r) {
    throw ParseError({doc.source, 0, 0},
                     "XML error at byte " + std::to_string(r.offset) + ": " + r.description(),
                     "the file is not well-formed XML; publisher HTML pages are read as .html");
  }
  return xml;
}

// Table rows: JATS tr/td/th, Elsevier (CALS) row/entry.
void table_text(const pugi::xml_node& n, std::string& out) {
  for (pugi::xml_node c : n.children()) {
    if (c.type() != pugi::node_element) continue;
    const std::string_view name = local(c);
    if (name == "tr" || name == "row") {
      std::string row;
      for (pugi::xml_node cell : c.children()) {
        if (cell.type() != pugi::node_element) continue;
        if (!row.empty()) row += '\t';
        row += text_of(cell);
      }
      if (!out.empty()) out += '\n';
      out += row;
    } else if (name != "caption" && name != "label" && name != "table-wrap-foot") {
      table_text(c, out);
    }
  }
}

void add_float(const pugi::xml_node& n, const std::string& section, Document& doc) {
  if (pugi::xml_node cap = child(n, "caption")) {
    doc.blocks.push_back({BlockKind::kCaption, section, text_of(cap)});
  }
  const std::string_view name = local(n);
  if (name == "table-wrap" || name == "table") {
    std::string rows;
    if (name == "table") {
      table_text(n, rows);
    } else {
      for (pugi::xml_node c : n.children()) {
        if (c.type() == pugi::node_element && local(c) == "table") table_text(c, rows);
      }
    }
    if (!rows.empty()) doc.blocks.push_back({BlockKind::kTable, section, rows});
  }
}

// Walks a body: sections with titles, paragraphs and floats (also floats nested in paragraphs).
void walk_body(const pugi::xml_node& n, const std::string& section, Document& doc,
               BlockKind paragraph_kind) {
  for (pugi::xml_node c : n.children()) {
    if (c.type() != pugi::node_element) continue;
    const std::string_view name = local(c);
    if (name == "sec" || name == "section" || name == "abstract-sec" || name == "sections" ||
        name == "body" || name == "boxed-text") {
      std::string title;
      if (pugi::xml_node t = child(c, "title")) title = text_of(t);
      if (pugi::xml_node t = child(c, "section-title")) title = text_of(t);
      if (!title.empty()) doc.blocks.push_back({BlockKind::kHeading, "", title});
      walk_body(c, title.empty() ? section : title, doc, paragraph_kind);
    } else if (name == "p" || name == "para" || name == "simple-para") {
      doc.blocks.push_back({paragraph_kind, section, text_of(c)});
      walk_body(c, section, doc, paragraph_kind);  // floats inside the paragraph
    } else if (is_float(name)) {
      add_float(c, section, doc);
    } else if (name == "list" || name == "list-item" || name == "display" ||
               name == "float-anchor") {
      walk_body(c, section, doc, paragraph_kind);
    }
  }
}

void read_elsevier_head(const pugi::xml_node& root, Document& doc) {
  auto& m = doc.meta;
  if (pugi::xml_node t = find(root, "title")) m.title = text_of(t);
  for (pugi::xml_node a = find(root, "author"); a; a = a.next_sibling()) {
    if (local(a) != "author") continue;
    std::string name = text_of(child(a, "given-name")) + " " + text_of(child(a, "surname"));
    name = normalise_space(name);
    if (!name.empty()) m.authors.push_back(name);
  }
  if (pugi::xml_node d = find(root, "doi")) m.doi = find_doi(text_of(d));
}

}  // namespace

void read_jats(std::string_view bytes, Document& doc) {
  pugi::xml_document xml = load(bytes, doc);
  pugi::xml_node article = find(xml, "article");
  if (!article) article = xml.document_element();
  pugi::xml_node front = child(article, "front");
  pugi::xml_node meta = child(front, "article-meta");
  auto& m = doc.meta;
  if (pugi::xml_node jm = child(front, "journal-meta")) {
    if (pugi::xml_node j = find(jm, "journal-title")) m.journal = text_of(j);
  }
  if (pugi::xml_node t = find(child(meta, "title-group"), "article-title")) m.title = text_of(t);
  for (pugi::xml_node group : meta.children()) {
    if (local(group) != "contrib-group") continue;
    for (pugi::xml_node c : group.children()) {
      if (local(c) != "contrib") continue;
      const std::string type = c.attribute("contrib-type").value();
      if (!type.empty() && type != "author") continue;
      std::string name;
      if (pugi::xml_node n = child(c, "name")) {
        name =
            normalise_space(text_of(child(n, "given-names")) + " " + text_of(child(n, "surname")));
      } else if (pugi::xml_node s = child(c, "string-name")) {
        name = text_of(s);
      } else if (pugi::xml_node col = child(c, "collab")) {
        name = text_of(col);
      }
      if (!name.empty()) m.authors.push_back(name);
    }
  }
  for (pugi::xml_node c : meta.children()) {
    if (local(c) == "article-id" && std::string_view(c.attribute("pub-id-type").value()) == "doi") {
      m.doi = find_doi(text_of(c));
    }
    if (local(c) == "pub-date" && !m.year) {
      if (pugi::xml_node y = child(c, "year")) m.year = find_year(text_of(y));
    }
  }
  if (!m.title.empty()) doc.blocks.push_back({BlockKind::kTitle, "", m.title});
  for (pugi::xml_node c : meta.children()) {
    if (local(c) == "abstract") walk_body(c, "Abstract", doc, BlockKind::kAbstract);
  }
  if (pugi::xml_node body = child(article, "body")) {
    walk_body(body, "", doc, BlockKind::kParagraph);
  }
  // Floats gathered at the end (<floats-group>) in some publishers' JATS.
  if (pugi::xml_node floats = child(article, "floats-group")) {
    walk_body(floats, "", doc, BlockKind::kParagraph);
  }
  if (doc.blocks.empty()) doc.warnings.push_back("no article text found in the JATS XML");
}

void read_elsevier(std::string_view bytes, Document& doc) {
  pugi::xml_document xml = load(bytes, doc);
  pugi::xml_node root = xml.document_element();
  auto& m = doc.meta;
  if (pugi::xml_node core = child(root, "coredata")) {
    m.title = text_of(child(core, "title"));
    m.journal = text_of(child(core, "publicationName"));
    m.doi = find_doi(text_of(child(core, "doi")));
    m.year = find_year(text_of(child(core, "coverDate")));
    for (pugi::xml_node c : core.children()) {
      if (local(c) == "creator") m.authors.push_back(text_of(c));
      if (local(c) == "creators") {
        for (pugi::xml_node a : c.children()) {
          if (local(a) == "creator") m.authors.push_back(text_of(a));
        }
      }
    }
  }
  pugi::xml_node body_root = child(root, "originalText");
  if (!body_root) body_root = root;
  if (m.title.empty()) read_elsevier_head(body_root, doc);
  if (!m.title.empty()) doc.blocks.push_back({BlockKind::kTitle, "", m.title});
  bool abstract = false;
  if (pugi::xml_node a = find(body_root, "abstract")) {
    walk_body(a, "Abstract", doc, BlockKind::kAbstract);
    abstract = true;
  }
  if (!abstract) {
    if (pugi::xml_node core = child(root, "coredata")) {
      std::string text = text_of(child(core, "description"));
      if (text.starts_with("Abstract ")) text.erase(0, 9);
      if (!text.empty()) doc.blocks.push_back({BlockKind::kAbstract, "Abstract", text});
    }
  }
  if (pugi::xml_node sections = find(body_root, "sections")) {
    walk_body(sections, "", doc, BlockKind::kParagraph);
  }
  // Floats (ce:floats) sit outside the sections.
  if (pugi::xml_node floats = find(body_root, "floats")) {
    walk_body(floats, "", doc, BlockKind::kParagraph);
  }
  if (doc.blocks.empty()) doc.warnings.push_back("no article text found in the Elsevier XML");
}

}  // namespace pb::mining
