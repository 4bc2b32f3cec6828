// Evaluation against annotated corpora. Gold offsets are in characters (Python string indices),
// ours in UTF-8 bytes; every text is converted once to a byte -> character map.
#include "mining/evaluate.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <vector>

#include "chem/aliases.hpp"
#include "mining/document.hpp"
#include "mining/mentions.hpp"
#include "mining/quantities.hpp"
#include "mining/tagger.hpp"
#include "util/error.hpp"
#include "util/units.hpp"

namespace pb::mining {

namespace {

struct Gold {
  std::size_t begin;  // characters
  std::size_t end;
  std::string text;
};

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw NotFound("cannot open " + p.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> split(std::string_view line, char sep) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (true) {
    const std::size_t next = line.find(sep, pos);
    out.emplace_back(line.substr(pos, next == std::string_view::npos ? next : next - pos));
    if (next == std::string_view::npos) break;
    pos = next + 1;
  }
  return out;
}

// Byte offset of each character start, plus the end.
std::vector<std::size_t> char_starts(std::string_view text) {
  std::vector<std::size_t> starts;
  for (std::size_t pos = 0; pos < text.size();) {
    starts.push_back(pos);
    std::size_t len = 1;
    (void)code_point_at(text, pos, len);
    pos += len;
  }
  starts.push_back(text.size());
  return starts;
}

std::size_t to_char(const std::vector<std::size_t>& starts, std::size_t byte) {
  return static_cast<std::size_t>(std::lower_bound(starts.begin(), starts.end(), byte) -
                                  starts.begin());
}

struct Predicted {
  std::size_t begin;  // characters
  std::size_t end;
  std::string_view kind = {};  // mention kind (materials only)
};

// Where errors go: the scored text (characters indexed by `starts`) and its document.
struct ErrorSink {
  std::vector<EvaluationError>* errors = nullptr;
  std::string_view document;
  std::string_view text;
  const std::vector<std::size_t>* starts = nullptr;
  bool whole_sentence = false;  ///< context = the whole text, else 60 characters around

  void add(const char* type, bool false_positive, std::size_t begin, std::size_t end) const {
    if (!errors || !starts || end >= starts->size() || begin > end) return;
    const auto& st = *starts;
    const std::size_t cb = whole_sentence || begin < 60 ? 0 : begin - 60;
    const std::size_t ce = whole_sentence ? st.size() - 1 : std::min(st.size() - 1, end + 60);
    std::string context(text.substr(st[cb], st[ce] - st[cb]));
    std::replace(context.begin(), context.end(), '\n', ' ');
    std::replace(context.begin(), context.end(), '\t', ' ');
    std::string span(text.substr(st[begin], st[end] - st[begin]));
    std::replace(span.begin(), span.end(), '\n', ' ');
    std::replace(span.begin(), span.end(), '\t', ' ');
    errors->push_back({type, false_positive, std::string(document), span, context});
  }
};

void score(const std::vector<Predicted>& pred, const std::vector<Gold>& gold, Score& overlap,
           Score& exact, const ErrorSink& sink = {}, const char* type = "") {
  overlap.predicted += pred.size();
  exact.predicted += pred.size();
  overlap.gold += gold.size();
  exact.gold += gold.size();
  for (const Predicted& p : pred) {
    bool o = false;
    bool e = false;
    for (const Gold& g : gold) {
      if (p.begin < g.end && g.begin < p.end) o = true;
      if (p.begin == g.begin && p.end == g.end) e = true;
    }
    overlap.predicted_matched += o;
    exact.predicted_matched += e;
    if (!o) sink.add(type, true, p.begin, p.end);
  }
  for (const Gold& g : gold) {
    bool o = false;
    bool e = false;
    for (const Predicted& p : pred) {
      if (p.begin < g.end && g.begin < p.end) o = true;
      if (p.begin == g.begin && p.end == g.end) e = true;
    }
    overlap.gold_matched += o;
    exact.gold_matched += e;
    if (!o) sink.add(type, false, g.begin, g.end);
  }
}

// The documents of a split: "all" or a comma-separated list of split names.
bool in_split(const std::string& split, std::string_view document_split) {
  if (split == "all") return true;
  for (const std::string& s : [&] {
         std::vector<std::string> out;
         std::size_t pos = 0;
         while (pos <= split.size()) {
           const std::size_t next = std::min(split.find(',', pos), split.size());
           out.push_back(split.substr(pos, next - pos));
           pos = next + 1;
         }
         return out;
       }()) {
    if (s == document_split) return true;
  }
  return false;
}

// SOFC-Exp-Metadata.csv: tab-separated, fields may be quoted over several lines; the split of each
// document ("name" -> "set").
std::map<std::string, std::string> sofc_splits(const std::string& csv) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < csv.size(); ++i) {
    const char c = csv[i];
    if (quoted) {
      if (c == '"')
        quoted = false;
      else
        field += c;
    } else if (c == '"' && field.empty()) {
      quoted = true;
    } else if (c == '\t') {
      rows.back().push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      if (!field.empty() && field.back() == '\r') field.pop_back();
      rows.back().push_back(std::move(field));
      field.clear();
      rows.emplace_back();
    } else {
      field += c;
    }
  }
  rows.back().push_back(field);
  std::map<std::string, std::string> out;
  if (rows.empty()) return out;
  const auto& head = rows[0];
  const auto name = std::find(head.begin(), head.end(), "name") - head.begin();
  const auto set = std::find(head.begin(), head.end(), "set") - head.begin();
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    if (static_cast<std::size_t>(std::max(name, set)) < row.size()) {
      out[row[static_cast<std::size_t>(name)]] = row[static_cast<std::size_t>(set)];
    }
  }
  return out;
}

bool formula_like_gold(const std::string& text) {
  if (chem::find_alias(text)) return true;
  return check_formula_word(text).accepted;
}

// Material scores, and recall over the gold materials that are formulas or abbreviations.
void score_materials(const std::vector<Predicted>& pred, const std::vector<Gold>& gold,
                     EvaluationReport& report, const ErrorSink& sink) {
  score(pred, gold, report.material_overlap, report.material_exact, sink, "material");
  for (const Predicted& p : pred) {
    Score& k = report.material_by_kind[std::string(p.kind)];
    ++k.predicted;
    k.predicted_matched += std::any_of(gold.begin(), gold.end(), [&](const Gold& g) {
      return p.begin < g.end && g.begin < p.end;
    });
  }
  std::vector<Gold> formula_gold;
  for (const Gold& g : gold) {
    if (formula_like_gold(g.text)) formula_gold.push_back(g);
  }
  Score unused;
  Score formula;
  score(pred, formula_gold, formula, unused);
  report.material_formula_gold.gold += formula.gold;
  report.material_formula_gold.gold_matched += formula.gold_matched;
}

// SOFC-Exp's VALUE spans are measured quantities and operating conditions of experiments
// (temperatures, conductivities, resistances, voltages, current and power densities, thicknesses,
// durations, frequencies); amounts and compositions are not annotated: none of its 1,547 VALUE
// spans is a percentage, ppm, wt%/mol%/vol%, a pressure, an area, a charge or a flow (found in the
// train/dev false positives, checked on the train/dev gold). Quantities of those kinds are left
// out of the SOFC-Exp value score; they are still found and kept by the extractor.
bool sofc_exp_value_kind(const Quantity& q) {
  if (q.composition) return false;
  if (!q.unit) return true;  // C-rates, bare listed numbers
  const units::Dimension& d = q.unit->dimension;
  auto is = [&](std::array<std::int8_t, 6> e) { return d == units::Dimension{e}; };
  if (d.dimensionless()) return false;                     // %, ppm
  if (is({-1, 1, -2, 0, 0, 0})) return false;              // pressure (atm, bar, Pa)
  if (is({2, 0, 0, 0, 0, 0})) return false;                // area (cm2)
  if (is({0, 0, 1, 1, 0, 0})) return false;                // charge (15 C)
  if (is({3, 0, -1, 0, 0, 0}) || is({0, 0, -1, 0, 0, 1}))  // flow (mL/min, sccm)
    return false;
  return true;
}

// SOFC-Exp's MATERIAL spans are the materials of cells and the fuels and oxidants fed to them;
// diluent gases, water and steam (the medium kind: 0 of 14 "steam", 0 of 4 "N2" annotated),
// generic nouns of procedures ("the samples", "the powder") and the reagents of syntheses and
// processing (the reagent kind: citric acid, urea, PMMA pore formers; its guidelines, §1:
// "synthesis route: no annotations here", "pore formers ... processing: no annotations here") are
// not. The synthesis corpus annotates every substance of a procedure, so it scores those kinds; it
// leaves the values of composition variables unannotated ("CuFeS2-x (x = 0, 0.05, ...)": 0 of 13 on
// train/dev), which SOFC-Exp annotates as naming a compound, so they are left out of its score.
bool sofc_exp_material_kind(MentionKind kind) {
  return kind != MentionKind::kMedium && kind != MentionKind::kReference &&
         kind != MentionKind::kReagent;
}
bool synthesis_material_kind(MentionKind kind) { return kind != MentionKind::kComposition; }

// Mentions and quantities of one text, as character spans. With a tagger, the mentions are those
// `mine extract --tagger` keeps (apply_tagger), all scored: the tagger has learnt the corpus's
// convention.
// `starts` is char_starts(text).
void predict(std::string_view text, const std::vector<std::size_t>& starts,
             const AbbreviationTable& abbreviations, const MentionTagger* tagger,
             std::vector<Predicted>& mentions, std::vector<Predicted>& values,
             bool (*value_kind)(const Quantity&) = nullptr) {
  const std::vector<Token> tokens = tokenize(text);
  std::vector<Mention> found = find_mentions(text, tokens, abbreviations);
  if (tagger) found = apply_tagger(*tagger, text, tokens, found);
  for (const Mention& m : found) {
    if (!tagger && (value_kind == sofc_exp_value_kind ? !sofc_exp_material_kind(m.kind)
                                                      : !synthesis_material_kind(m.kind))) {
      continue;
    }
    mentions.push_back({to_char(starts, m.begin), to_char(starts, m.end), to_string(m.kind)});
  }
  for (const Quantity& q : find_quantities(text, tokens)) {
    if (value_kind && !value_kind(q)) continue;
    values.push_back({to_char(starts, q.begin), to_char(starts, q.end)});
  }
}

// One scored text, an experiment sentence of SOFC-Exp or a synthesis paragraph, with its gold
// spans (characters).
struct Unit {
  std::string document;
  std::string text;
  std::shared_ptr<const AbbreviationTable> abbreviations;
  std::vector<Gold> materials;
  std::vector<Gold> values;
  std::vector<std::size_t> starts = char_starts(text);  ///< byte offset of each character
};

struct Corpus {
  bool sofc_exp = false;
  std::size_t documents = 0;
  std::size_t sentences = 0;
  std::vector<Unit> units;
};

// SOFC-Exp: the experiment sentences (label 1) of the documents in the split.
Corpus read_sofc_exp(const std::filesystem::path& dir, const std::string& split_names,
                     std::size_t max_documents) {
  Corpus corpus;
  corpus.sofc_exp = true;
  std::map<std::string, std::string> splits;
  if (split_names != "all") splits = sofc_splits(read_file(dir / "SOFC-Exp-Metadata.csv"));
  std::vector<std::filesystem::path> texts;
  for (const auto& e : std::filesystem::directory_iterator(dir / "texts")) {
    if (e.path().extension() == ".txt") texts.push_back(e.path());
  }
  std::sort(texts.begin(), texts.end());
  for (const auto& path : texts) {
    if (max_documents && corpus.documents >= max_documents) break;
    const std::string name = path.stem().string();
    if (split_names != "all" && !in_split(split_names, splits[name])) continue;
    const std::string text = read_file(path);
    const std::vector<std::size_t> starts = char_starts(text);
    // Sentences: id, label, begin, end (characters into the text).
    std::map<int, std::pair<std::size_t, std::size_t>> experiment_sentences;
    {
      std::istringstream in(read_file(dir / "annotations" / "sentences" / (name + ".csv")));
      std::string line;
      while (std::getline(in, line)) {
        const auto f = split(line, '\t');
        if (f.size() < 4 || f[1] != "1") continue;
        experiment_sentences[std::stoi(f[0])] = {std::stoul(f[2]), std::stoul(f[3])};
      }
    }
    std::map<int, std::vector<Gold>> materials, values;
    {
      std::istringstream in(read_file(dir / "annotations" / "frames" / (name + ".csv")));
      std::string line;
      while (std::getline(in, line)) {
        const auto f = split(line, '\t');
        if (f.size() < 6 || f[0] != "SPAN") continue;
        const int sentence = std::stoi(f[3]);
        Gold g{std::stoul(f[4]), std::stoul(f[5]), ""};
        if (f[2] == "MATERIAL") materials[sentence].push_back(g);
        if (f[2] == "VALUE") values[sentence].push_back(g);
      }
    }
    // Abbreviations are learnt from the whole document, as `mine extract` does.
    auto abbreviations = std::make_shared<AbbreviationTable>();
    find_abbreviations(text, tokenize(text), *abbreviations);
    for (const auto& [id, range] : experiment_sentences) {
      const auto [cb, ce] = range;
      if (ce >= starts.size() || cb > ce) continue;
      Unit unit{name, text.substr(starts[cb], starts[ce] - starts[cb]), abbreviations,
                std::move(materials[id]), std::move(values[id])};
      const std::vector<std::size_t>& sstarts = unit.starts;
      for (Gold& g : unit.materials) {
        if (g.end < sstarts.size()) {
          g.text = unit.text.substr(sstarts[g.begin], sstarts[g.end] - sstarts[g.begin]);
        }
      }
      corpus.units.push_back(std::move(unit));
      ++corpus.sentences;
    }
    ++corpus.documents;
  }
  return corpus;
}

// The synthesis corpus: whole paragraphs; Material entities, and Number entities followed by a
// *-Unit entity as values.
Corpus read_syntheses(const std::filesystem::path& dir, const std::string& split_names,
                      std::size_t max_documents) {
  Corpus corpus;
  std::vector<std::string> names;
  if (split_names == "all") {
    for (const auto& e : std::filesystem::directory_iterator(dir / "data")) {
      if (e.path().extension() == ".ann") names.push_back(e.path().stem().string());
    }
  } else {
    for (const std::string split : {"train", "dev", "test"}) {
      if (!in_split(split_names, split)) continue;
      std::istringstream in(read_file(dir / ("ner-" + split + "-fnames.txt")));
      std::string line;
      while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!line.empty()) names.push_back(line);
      }
    }
  }
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    if (max_documents && corpus.documents >= max_documents) break;
    Unit unit{name, read_file(dir / "data" / (name + ".txt")), nullptr, {}, {}};
    std::vector<Gold> numbers, unit_spans;
    std::istringstream in(read_file(dir / "data" / (name + ".ann")));
    std::string line;
    while (std::getline(in, line)) {
      const auto f = split(line, '\t');
      if (f.size() < 3 || f[0].empty() || f[0][0] != 'T') continue;
      const auto head = split(f[1], ' ');
      if (head.size() < 3 || head[2].find(';') != std::string::npos) continue;
      Gold g{std::stoul(head[1]), std::stoul(head[2]), f[2]};
      if (head[0] == "Material") unit.materials.push_back(g);
      if (head[0] == "Number") numbers.push_back(g);
      if (head[0].ends_with("-Unit")) unit_spans.push_back(g);
    }
    // A value is a number followed by a unit within two characters ("120 degC", "5mmol").
    for (const Gold& n : numbers) {
      for (const Gold& u : unit_spans) {
        if (u.begin >= n.end && u.begin <= n.end + 2) {
          unit.values.push_back({n.begin, u.end, ""});
          break;
        }
      }
    }
    auto abbreviations = std::make_shared<AbbreviationTable>();
    find_abbreviations(unit.text, tokenize(unit.text), *abbreviations);
    unit.abbreviations = std::move(abbreviations);
    corpus.sentences += split_sentences(unit.text).size();
    corpus.units.push_back(std::move(unit));
    ++corpus.documents;
  }
  return corpus;
}

TaggerExample tagger_example(const Unit& unit) {
  const std::vector<std::size_t>& starts = unit.starts;
  TaggerExample e{unit.text, {}, unit.abbreviations};
  for (const Gold& g : unit.materials) {
    if (g.end < starts.size() && g.begin < g.end)
      e.gold.push_back({starts[g.begin], starts[g.end]});
  }
  return e;
}

void score_unit(const Corpus& corpus, const Unit& unit, const MentionTagger* tagger, bool errors,
                EvaluationReport& report) {
  std::vector<Predicted> m, v;
  predict(unit.text, unit.starts, *unit.abbreviations, tagger, m, v,
          corpus.sofc_exp ? sofc_exp_value_kind : nullptr);
  const ErrorSink sink{errors ? &report.errors : nullptr, unit.document, unit.text, &unit.starts,
                       corpus.sofc_exp};
  score_materials(m, unit.materials, report, sink);
  score(v, unit.values, report.value_overlap, report.value_exact, sink, "value");
}

EvaluationReport evaluate(const Corpus& corpus, const EvaluationOptions& options) {
  EvaluationReport report;
  report.documents = corpus.documents;
  report.sentences = corpus.sentences;
  if (options.folds < 2) {
    for (const Unit& unit : corpus.units)
      score_unit(corpus, unit, options.tagger, options.errors, report);
    return report;
  }
  // Cross-validation by document: document i (in name order) is in fold i mod folds; each fold
  // is scored with a tagger trained on the others.
  std::map<std::string_view, std::size_t> fold_of;
  for (const Unit& unit : corpus.units) {
    fold_of.try_emplace(unit.document, fold_of.size() % options.folds);
  }
  for (std::size_t fold = 0; fold < options.folds; ++fold) {
    std::vector<TaggerExample> examples;
    for (const Unit& unit : corpus.units) {
      if (fold_of[unit.document] != fold) examples.push_back(tagger_example(unit));
    }
    MentionTagger tagger;
    tagger.train(examples, options.tagger_params);
    for (const Unit& unit : corpus.units) {
      if (fold_of[unit.document] == fold) score_unit(corpus, unit, &tagger, options.errors, report);
    }
  }
  return report;
}

Corpus read_corpus(const std::filesystem::path& corpora, std::string_view corpus,
                   const std::string& split, std::size_t max_documents) {
  if (corpus == "sofc-exp") return read_sofc_exp(corpora / "sofc-exp-corpus", split, max_documents);
  if (corpus == "syntheses") {
    return read_syntheses(corpora / "annotated_materials_syntheses", split, max_documents);
  }
  throw InvalidArgument("unknown corpus '" + std::string(corpus) +
                        "'; corpora: sofc-exp, syntheses");
}

}  // namespace

double Score::precision() const {
  return predicted ? static_cast<double>(predicted_matched) / static_cast<double>(predicted) : 0;
}
double Score::recall() const {
  return gold ? static_cast<double>(gold_matched) / static_cast<double>(gold) : 0;
}
double Score::f1() const {
  const double p = precision();
  const double r = recall();
  return p + r > 0 ? 2 * p * r / (p + r) : 0;
}
Score& Score::operator+=(const Score& o) {
  predicted += o.predicted;
  predicted_matched += o.predicted_matched;
  gold += o.gold;
  gold_matched += o.gold_matched;
  return *this;
}

EvaluationReport evaluate_sofc_exp(const std::filesystem::path& dir,
                                   const EvaluationOptions& options) {
  EvaluationReport report =
      evaluate(read_sofc_exp(dir, options.split, options.max_documents), options);
  report.corpus = "SOFC-Exp (" + options.split + ")";
  return report;
}

EvaluationReport evaluate_syntheses(const std::filesystem::path& dir,
                                    const EvaluationOptions& options) {
  EvaluationReport report =
      evaluate(read_syntheses(dir, options.split, options.max_documents), options);
  report.corpus = "Materials Science Procedural Text Corpus (" + options.split + ")";
  return report;
}

std::vector<TaggerExample> tagger_examples(const std::filesystem::path& corpora,
                                           std::string_view corpus, const std::string& split) {
  std::vector<TaggerExample> out;
  for (const Unit& unit : read_corpus(corpora, corpus, split, 0).units) {
    out.push_back(tagger_example(unit));
  }
  return out;
}

}  // namespace pb::mining
