// Evaluation against annotated corpora. Gold offsets are in characters (Python string indices),
// ours in UTF-8 bytes; every text is converted once to a byte -> character map.
#include "mining/evaluate.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <vector>

#include "chem/aliases.hpp"
#include "mining/document.hpp"
#include "mining/mentions.hpp"
#include "mining/quantities.hpp"
#include "util/error.hpp"

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
};

void score(const std::vector<Predicted>& pred, const std::vector<Gold>& gold, Score& overlap,
           Score& exact) {
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
  }
}

bool formula_like_gold(const std::string& text) {
  if (chem::find_alias(text)) return true;
  return check_formula_word(text).accepted;
}

// Material scores, and recall over the gold materials that are formulas or abbreviations.
void score_materials(const std::vector<Predicted>& pred, const std::vector<Gold>& gold,
                     EvaluationReport& report) {
  score(pred, gold, report.material_overlap, report.material_exact);
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

// Mentions and quantities of one text, as character spans.
void predict(std::string_view text, const AbbreviationTable& abbreviations,
             std::vector<Predicted>& mentions, std::vector<Predicted>& values) {
  const std::vector<Token> tokens = tokenize(text);
  const std::vector<std::size_t> starts = char_starts(text);
  for (const Mention& m : find_mentions(text, tokens, abbreviations)) {
    mentions.push_back({to_char(starts, m.begin), to_char(starts, m.end)});
  }
  for (const Quantity& q : find_quantities(text, tokens)) {
    values.push_back({to_char(starts, q.begin), to_char(starts, q.end)});
  }
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

EvaluationReport evaluate_sofc_exp(const std::filesystem::path& dir, std::size_t max_documents) {
  EvaluationReport report;
  report.corpus = "SOFC-Exp";
  std::vector<std::filesystem::path> texts;
  for (const auto& e : std::filesystem::directory_iterator(dir / "texts")) {
    if (e.path().extension() == ".txt") texts.push_back(e.path());
  }
  std::sort(texts.begin(), texts.end());
  for (const auto& path : texts) {
    if (max_documents && report.documents >= max_documents) break;
    const std::string name = path.stem().string();
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
    AbbreviationTable abbreviations;
    find_abbreviations(text, tokenize(text), abbreviations);
    for (const auto& [id, range] : experiment_sentences) {
      const auto [cb, ce] = range;
      if (ce >= starts.size() || cb > ce) continue;
      const std::string sentence = text.substr(starts[cb], starts[ce] - starts[cb]);
      std::vector<Predicted> m, v;
      predict(sentence, abbreviations, m, v);
      std::vector<Gold>& gm = materials[id];
      const std::vector<std::size_t> sstarts = char_starts(sentence);
      for (Gold& g : gm) {
        if (g.end < sstarts.size())
          g.text = sentence.substr(sstarts[g.begin], sstarts[g.end] - sstarts[g.begin]);
      }
      score_materials(m, gm, report);
      score(v, values[id], report.value_overlap, report.value_exact);
      ++report.sentences;
    }
    ++report.documents;
  }
  return report;
}

EvaluationReport evaluate_syntheses(const std::filesystem::path& dir,
                                    const std::string& split_name) {
  EvaluationReport report;
  report.corpus = "Materials Science Procedural Text Corpus (" + split_name + ")";
  std::vector<std::string> names;
  if (split_name == "all") {
    for (const auto& e : std::filesystem::directory_iterator(dir / "data")) {
      if (e.path().extension() == ".ann") names.push_back(e.path().stem().string());
    }
  } else {
    std::istringstream in(read_file(dir / ("ner-" + split_name + "-fnames.txt")));
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!line.empty()) names.push_back(line);
    }
  }
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    const std::string text = read_file(dir / "data" / (name + ".txt"));
    std::vector<Gold> materials, numbers, unit_spans;
    std::istringstream in(read_file(dir / "data" / (name + ".ann")));
    std::string line;
    while (std::getline(in, line)) {
      const auto f = split(line, '\t');
      if (f.size() < 3 || f[0].empty() || f[0][0] != 'T') continue;
      const auto head = split(f[1], ' ');
      if (head.size() < 3 || head[2].find(';') != std::string::npos) continue;
      Gold g{std::stoul(head[1]), std::stoul(head[2]), f[2]};
      if (head[0] == "Material") materials.push_back(g);
      if (head[0] == "Number") numbers.push_back(g);
      if (head[0].ends_with("-Unit")) unit_spans.push_back(g);
    }
    // A value is a number followed by a unit within two characters ("120 degC", "5mmol").
    std::vector<Gold> values;
    for (const Gold& n : numbers) {
      for (const Gold& u : unit_spans) {
        if (u.begin >= n.end && u.begin <= n.end + 2) {
          values.push_back({n.begin, u.end, ""});
          break;
        }
      }
    }
    AbbreviationTable abbreviations;
    find_abbreviations(text, tokenize(text), abbreviations);
    std::vector<Predicted> m, v;
    predict(text, abbreviations, m, v);
    score_materials(m, materials, report);
    score(v, values, report.value_overlap, report.value_exact);
    report.sentences += split_sentences(text).size();
    ++report.documents;
  }
  return report;
}

}  // namespace pb::mining
