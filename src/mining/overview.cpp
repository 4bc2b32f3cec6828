// Material frequencies, the word cloud and the greedy paper selection.
#include "mining/overview.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "plot/chart.hpp"
#include "util/utf8.hpp"

namespace pb::mining {

namespace {

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

struct Box {
  double x0, y0, x1, y1;
  bool overlaps(const Box& o) const { return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }
};

}  // namespace

std::vector<MaterialFrequency> material_frequencies(store::Database& db,
                                                    std::string_view document_class) {
  std::string sql =
      "SELECT m.reduced, m.text, count(DISTINCT d.id), count(*) FROM mining_mention m "
      "JOIN mining_block b ON b.id = m.block_id JOIN mining_document d ON d.id = b.document_id "
      "WHERE (m.elements >= 2 OR m.kind IN ('alias', 'abbreviation')) "
      "AND m.kind NOT IN ('ambient', 'composition', 'medium', 'reagent', 'reference', 'role')";
  if (!document_class.empty()) sql += " AND d.class_label = ?";
  sql += " GROUP BY m.reduced, m.text";
  store::Statement st = db.connection().prepare(sql);
  if (!document_class.empty()) st.bind(1, document_class);
  std::map<std::string, MaterialFrequency> by_reduced;
  std::map<std::string, std::int64_t> best_spelling;
  std::map<std::string, std::set<std::string>> spellings;
  while (st.step()) {
    const std::string reduced = st.column_text(0);
    const std::string text = st.column_text(1);
    MaterialFrequency& f = by_reduced[reduced];
    f.reduced = reduced;
    const std::int64_t n = st.column_int64(3);
    f.mentions += n;
    f.documents = std::max(f.documents, st.column_int64(2));  // refined below
    if (n > best_spelling[reduced]) {
      best_spelling[reduced] = n;
      f.example = text;
    }
  }
  // Distinct documents per reduced formula (a document may write it in several ways).
  std::string docs_sql =
      "SELECT m.reduced, count(DISTINCT b.document_id) FROM mining_mention m "
      "JOIN mining_block b ON b.id = m.block_id JOIN mining_document d ON d.id = b.document_id "
      "WHERE (m.elements >= 2 OR m.kind IN ('alias', 'abbreviation')) "
      "AND m.kind NOT IN ('ambient', 'composition', 'medium', 'reagent', 'reference', 'role')";
  if (!document_class.empty()) docs_sql += " AND d.class_label = ?";
  docs_sql += " GROUP BY m.reduced";
  store::Statement docs = db.connection().prepare(docs_sql);
  if (!document_class.empty()) docs.bind(1, document_class);
  while (docs.step()) by_reduced[docs.column_text(0)].documents = docs.column_int64(1);
  store::Statement recs = db.connection().prepare(
      "SELECT material_reduced, count(*) FROM mining_record WHERE state != 'rejected' "
      "GROUP BY material_reduced");
  while (recs.step()) {
    auto it = by_reduced.find(recs.column_text(0));
    if (it != by_reduced.end()) it->second.records = recs.column_int64(1);
  }
  std::vector<MaterialFrequency> out;
  for (auto& [k, v] : by_reduced) out.push_back(std::move(v));
  std::sort(out.begin(), out.end(), [](const MaterialFrequency& a, const MaterialFrequency& b) {
    if (a.mentions != b.mentions) return a.mentions > b.mentions;
    return a.reduced < b.reduced;
  });
  return out;
}

std::string frequencies_csv(const std::vector<MaterialFrequency>& items) {
  std::string out = "reduced,example,documents,mentions,records\n";
  for (const auto& f : items) {
    out += fmt::format("{},{},{},{},{}\n", csv_field(f.reduced), csv_field(f.example), f.documents,
                       f.mentions, f.records);
  }
  return out;
}

std::string word_cloud_svg(const std::vector<MaterialFrequency>& items,
                           const WordCloudOptions& options) {
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" "
      "viewBox=\"0 0 {0} {1}\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n",
      options.width, options.height);
  if (items.empty()) return svg + "</svg>\n";
  double max_count = 0;
  for (const auto& f : items) max_count = std::max(max_count, static_cast<double>(f.mentions));
  static constexpr const char* kColours[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd",
                                             "#ff7f0e", "#8c564b", "#17becf", "#7f7f7f"};
  std::vector<Box> placed;
  const double cx = options.width / 2.0;
  const double cy = options.height / 2.0;
  std::size_t shown = 0;
  for (std::size_t i = 0; i < items.size() && shown < options.max_words; ++i) {
    const auto& f = items[i];
    const double size = options.max_font_px * static_cast<double>(f.mentions) / max_count;
    if (size < options.min_font_px) break;  // sorted: the rest are smaller still
    const std::string word = f.example.empty() ? f.reduced : f.example;
    // Glyph advance of a sans-serif face is about 0.6 em on average.
    const double w = 0.6 * size * static_cast<double>(utf8::count_code_points(word));
    const double h = size;
    bool done = false;
    // Archimedean spiral from the centre.
    for (double t = 0; t < 400 && !done; t += 0.1) {
      const double r = 4.0 * t;
      const double x = cx + r * std::cos(t) - w / 2;
      const double y = cy + 0.6 * r * std::sin(t) + h / 3;
      Box b{x, y - h * 0.85, x + w, y + h * 0.2};
      if (b.x0 < 0 || b.y0 < 0 || b.x1 > options.width || b.y1 > options.height) continue;
      if (std::any_of(placed.begin(), placed.end(), [&](const Box& o) { return o.overlaps(b); })) {
        continue;
      }
      placed.push_back(b);
      svg += fmt::format(
          "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"{:.2f}\" fill=\"{}\" "
          "data-count=\"{}\"><title>{}: {} mentions in {} documents</title>{}</text>\n",
          x, y, size, kColours[i % 8], f.mentions, plot::escape(f.reduced), f.mentions, f.documents,
          plot::escape(word));
      done = true;
      ++shown;
    }
  }
  return svg + "</svg>\n";
}

Cover select_documents(store::Database& db, std::size_t max_documents, double min_confidence) {
  store::Statement st = db.connection().prepare(
      "SELECT r.document_id, d.source, r.material_reduced, r.property FROM mining_record r "
      "JOIN mining_document d ON d.id = r.document_id WHERE r.state != 'rejected' AND "
      "r.material_reduced != '' AND r.confidence >= ? ORDER BY r.document_id");
  st.bind(1, min_confidence);
  std::map<std::int64_t, std::set<std::string>> sets;
  std::map<std::int64_t, std::string> sources;
  std::set<std::string> universe;
  while (st.step()) {
    const std::int64_t doc = st.column_int64(0);
    sources[doc] = st.column_text(1);
    const std::string pair = st.column_text(2) + "\x1F" + st.column_text(3);
    sets[doc].insert(pair);
    universe.insert(pair);
  }
  Cover cover;
  cover.pairs = universe.size();
  std::set<std::string> covered;
  while (covered.size() < universe.size()) {
    if (max_documents && cover.steps.size() >= max_documents) break;
    std::int64_t best = -1;
    std::size_t best_gain = 0;
    for (const auto& [doc, pairs] : sets) {
      std::size_t gain = 0;
      for (const auto& p : pairs) gain += covered.count(p) ? 0 : 1;
      if (gain > best_gain) {
        best_gain = gain;
        best = doc;
      }
    }
    if (best < 0) break;
    for (const auto& p : sets[best]) covered.insert(p);
    cover.steps.push_back({best, sources[best], best_gain, covered.size()});
    sets.erase(best);
  }
  return cover;
}

}  // namespace pb::mining
