// `phasebook mine ...`: literature mining (docs/mining.md). add, extract, records, mentions,
// classify, stats, select, review (list/accept/reject/edit/audit), publish, evaluate.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "cli/commands.hpp"
#include "cli/db_option.hpp"
#include "mining/classify.hpp"
#include "mining/document.hpp"
#include "mining/evaluate.hpp"
#include "mining/extract.hpp"
#include "mining/mining_store.hpp"
#include "mining/overview.hpp"
#include "mining/tagger.hpp"
#include "util/error.hpp"

namespace pb::cli {

namespace {

using nlohmann::ordered_json;

struct MineOptions {
  std::string db;
  bool json = false;
  std::vector<std::string> paths;
  std::vector<std::int64_t> ids;
  std::int64_t one_id = 0;
  std::string state;
  std::string review_state = "pending";
  std::string property;
  double min_confidence = 0;
  std::int64_t limit = 1000000;
  std::string text;
  std::string labels;
  std::string model;
  std::string document_class;
  std::string csv;
  std::string wordcloud;
  std::size_t top = 30;
  std::size_t max_documents = 0;
  std::string user;
  std::string note;
  bool restricted = false;
  std::vector<std::string> edits;
  std::string corpus_dir;
  std::string split = "all";
  std::string errors_file;
  std::string train_split;  // evaluate: train a tagger per corpus on this split
  std::size_t folds = 0;    // evaluate: cross-validate a tagger over the split's documents
  std::string tagger_file;  // extract, mentions: a trained mention tagger; tagger: the output
  std::string corpus = "syntheses";
  std::string tagger_split = "train,dev";
  bool show_tokens = false;
  bool show_quantities = false;
  unsigned jobs = 1;
};

ordered_json optional_json(const std::optional<double>& v) {
  return v ? ordered_json(*v) : ordered_json();
}

ordered_json record_json(const mining::MinedRecord& r) {
  ordered_json j;
  j["property"] = r.property;
  j["material"] = r.material;
  j["material_formula"] = r.material_formula;
  j["material_reduced"] = r.material_reduced;
  j["material_source"] = r.material_source;
  j["value"] = r.value_as_given;
  j["unit"] = r.unit_as_given;
  j["qualifier"] = r.qualifier;
  j["value_si"] = optional_json(r.value_si);
  j["uncertainty_si"] = optional_json(r.uncertainty_si);
  j["min_si"] = optional_json(r.min_si);
  j["max_si"] = optional_json(r.max_si);
  j["unit_si"] = r.unit_si;
  j["temperature_K"] = optional_json(r.temperature_K);
  ordered_json c = ordered_json::object();
  for (const auto& [k, v] : r.conditions) {
    if (!c.contains(k)) c[k] = v;
  }
  j["conditions"] = c;
  j["block"] = r.block;
  j["sentence_span"] = {r.sentence.begin, r.sentence.end};
  j["span"] = {r.span.begin, r.span.end};
  j["confidence"] = r.confidence;
  j["extractor_version"] = r.extractor_version;
  return j;
}

std::string conditions_text(const mining::MinedRecord& r) {
  std::string out;
  for (const auto& [k, v] : r.conditions) {
    if (!out.empty()) out += "; ";
    out += k + "=" + v;
  }
  return out;
}

ordered_json row_json(const mining::RecordRow& row) {
  ordered_json j;
  j["id"] = row.id;
  j["document_id"] = row.document_id;
  j["source"] = row.document_source;
  j["doi"] = row.doi;
  ordered_json r = record_json(row.record);
  for (auto& [k, v] : r.items()) j[k] = v;
  j["conditions"] = ordered_json::parse(row.conditions_json, nullptr, false);
  j["sentence"] = row.sentence;
  j["state"] = row.state;
  j["restricted"] = row.restricted;
  j["substance_id"] = row.substance_id ? ordered_json(*row.substance_id) : ordered_json();
  j["property_id"] = row.property_id ? ordered_json(*row.property_id) : ordered_json();
  return j;
}

ordered_json score_json(const mining::Score& s) {
  return {{"predicted", s.predicted},
          {"predicted_matched", s.predicted_matched},
          {"gold", s.gold},
          {"gold_matched", s.gold_matched},
          {"precision", s.precision()},
          {"recall", s.recall()},
          {"f1", s.f1()}};
}

void print_score(std::string_view name, const mining::Score& s) {
  fmt::print("  {:<32} P {:.3f} ({}/{})  R {:.3f} ({}/{})  F1 {:.3f}\n", name, s.precision(),
             s.predicted_matched, s.predicted, s.recall(), s.gold_matched, s.gold, s.f1());
}

std::filesystem::path shared_default(std::string_view sub) {
  return std::filesystem::path("..") / "shared" / "data" / "literature_mining" / sub;
}

int run_add(const MineOptions& o) {
  store::Database db = open_database(o.db);
  std::size_t added = 0, known = 0, failed = 0;
  for (const auto& path : mining::collect_document_files({o.paths.begin(), o.paths.end()})) {
    try {
      const mining::Document doc = mining::read_document_file(path);
      const mining::AddResult r = mining::add_document(db, doc);
      (r.inserted ? added : known)++;
      if (o.json) {
        fmt::print("{}\n", ordered_json{{"file", path.string()},
                                        {"id", r.id},
                                        {"inserted", r.inserted},
                                        {"format", mining::to_string(doc.format)},
                                        {"title", doc.meta.title},
                                        {"authors", doc.meta.authors},
                                        {"journal", doc.meta.journal},
                                        {"year", doc.meta.year ? ordered_json(*doc.meta.year)
                                                               : ordered_json()},
                                        {"doi", doc.meta.doi},
                                        {"blocks", doc.blocks.size()},
                                        {"warnings", doc.warnings}}
                               .dump());
      }
      for (const std::string& w : doc.warnings) {
        fmt::print(stderr, "{}: warning: {}\n", path.string(), w);
      }
    } catch (const ParseError& e) {
      ++failed;
      fmt::print(stderr, "{}\n", e.describe());
    }
  }
  if (!o.json)
    fmt::print("{} documents added, {} already stored, {} failed\n", added, known, failed);
  return failed ? kExitFailed : kExitOk;
}

// The tagger of --tagger, or none.
std::unique_ptr<mining::MentionTagger> load_tagger(const std::string& file) {
  if (file.empty()) return nullptr;
  auto tagger = std::make_unique<mining::MentionTagger>();
  tagger->load(file);
  return tagger;
}

// The output lines of one document extracted without a database.
std::string extract_lines(const std::string& name, const mining::Document& doc, bool json) {
  std::string out;
  const mining::Extraction ex = mining::extract(doc);
  for (const mining::MinedRecord& r : ex.records) {
    const std::string& text = doc.blocks[r.block].text;
    if (json) {
      ordered_json j{{"file", name}};
      const ordered_json fields = record_json(r);
      for (const auto& [k, v] : fields.items()) j[k] = v;
      j["sentence"] = text.substr(r.sentence.begin, r.sentence.end - r.sentence.begin);
      out += j.dump() + "\n";
    } else {
      out += fmt::format("{}\t{}\t{}\t{} {}\t{}\t{:.2f}\n", name, r.material, r.property,
                         r.value_as_given, r.unit_as_given, conditions_text(r), r.confidence);
    }
  }
  return out;
}

int run_extract(const MineOptions& o) {
  if (!o.text.empty() || !o.paths.empty()) {
    // Files (or a text) directly, without a database; with --jobs N the files are read and
    // extracted on N threads, printed in file order.
    if (!o.text.empty()) {
      mining::Document d;
      d.blocks.push_back({mining::BlockKind::kParagraph, "", o.text});
      fmt::print("{}", extract_lines("-", d, o.json));
    }
    const auto files = mining::collect_document_files({o.paths.begin(), o.paths.end()});
    const unsigned jobs = std::max(1U, std::min<unsigned>(o.jobs, 64));
    // Batches keep memory bounded: each holds the output of up to 256 documents per thread.
    const std::size_t batch = 256 * static_cast<std::size_t>(jobs);
    for (std::size_t first = 0; first < files.size(); first += batch) {
      const std::size_t last = std::min(files.size(), first + batch);
      std::vector<std::string> out(last - first);
      std::vector<std::exception_ptr> errors(last - first);
      std::atomic<std::size_t> next{first};
      auto work = [&] {
        for (std::size_t i; (i = next.fetch_add(1)) < last;) {
          try {
            out[i - first] =
                extract_lines(files[i].string(), mining::read_document_file(files[i]), o.json);
          } catch (...) {
            errors[i - first] = std::current_exception();
          }
        }
      };
      std::vector<std::thread> pool;
      for (unsigned t = 1; t < jobs; ++t) pool.emplace_back(work);
      work();
      for (auto& t : pool) t.join();
      for (std::size_t i = 0; i < out.size(); ++i) {
        if (errors[i]) std::rethrow_exception(errors[i]);
        fmt::print("{}", out[i]);
      }
    }
    return kExitOk;
  }
  store::Database db = open_database(o.db);
  const auto tagger = load_tagger(o.tagger_file);
  const mining::ExtractReport rep = mining::extract_documents(db, o.ids, tagger.get());
  if (o.json) {
    fmt::print("{}\n", ordered_json{{"documents", rep.documents},
                                    {"mentions", rep.mentions},
                                    {"records", rep.records},
                                    {"new_records", rep.new_records}}
                           .dump());
  } else {
    fmt::print("{} documents: {} mentions, {} records ({} new)\n", rep.documents, rep.mentions,
               rep.records, rep.new_records);
  }
  return kExitOk;
}

int run_records(const MineOptions& o) {
  store::Database db = open_database(o.db);
  mining::RecordFilter f;
  f.state = o.state;
  f.property = o.property;
  f.min_confidence = o.min_confidence;
  f.limit = o.limit;
  if (!o.ids.empty()) f.document_id = o.ids.front();
  for (const mining::RecordRow& row : mining::list_records(db, f)) {
    if (o.json) {
      fmt::print("{}\n", row_json(row).dump());
    } else {
      const auto& r = row.record;
      fmt::print("{:>6}  {:<9} {:<20} {:<34} {}{} {}  [{}] {:.2f}\n", row.id, row.state,
                 r.material.substr(0, 20), r.property, r.qualifier, r.value_as_given,
                 r.unit_as_given, conditions_text(r), r.confidence);
    }
  }
  return kExitOk;
}

int run_mentions(const MineOptions& o) {
  const auto tagger = load_tagger(o.tagger_file);
  std::vector<std::string> texts;
  if (!o.text.empty()) texts.push_back(o.text);
  for (const auto& p : mining::collect_document_files({o.paths.begin(), o.paths.end()})) {
    const mining::Document doc = mining::read_document_file(p);
    for (const auto& b : doc.blocks) texts.push_back(b.text);
  }
  mining::AbbreviationTable abbreviations;
  std::vector<std::vector<mining::Token>> tokens;
  for (const auto& t : texts) {
    tokens.push_back(mining::tokenize(t));
    mining::find_abbreviations(t, tokens.back(), abbreviations);
  }
  std::set<std::string, std::less<>> used_abbreviations;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    if (o.show_tokens) {
      for (const mining::Token& t : tokens[i]) {
        fmt::print("token\t{}\t{}\n", t.text, static_cast<int>(t.kind));
      }
    }
    if (o.show_tokens || o.show_quantities) {
      for (const mining::Quantity& q : mining::find_quantities(texts[i], tokens[i])) {
        fmt::print("quantity\t{}\t{}\t{}\n", texts[i].substr(q.begin, q.end - q.begin),
                   q.value_text, q.unit_text);
      }
    }
    std::set<std::size_t> accepted_begins;
    std::vector<mining::Mention> found = mining::find_mentions(texts[i], tokens[i], abbreviations);
    if (tagger) found = mining::apply_tagger(*tagger, texts[i], tokens[i], found);
    for (const mining::Mention& m : found) {
      accepted_begins.insert(m.begin);
      if (m.kind == mining::MentionKind::kAbbreviation) used_abbreviations.insert(m.text);
      if (o.json) {
        fmt::print("{}\n", ordered_json{{"text", m.text},
                                        {"begin", m.begin},
                                        {"end", m.end},
                                        {"kind", mining::to_string(m.kind)},
                                        {"formula", m.formula},
                                        {"reduced", m.reduced}}
                               .dump());
      } else {
        fmt::print("{}\t{}\t{}\t{}\n", m.text, mining::to_string(m.kind), m.formula, m.reduced);
      }
    }
    // Rejected words that the formula engine alone would have accepted, with the rule.
    if (!o.json) {
      for (const mining::Token& t : tokens[i]) {
        if (t.kind != mining::TokenKind::kWord || accepted_begins.count(t.begin)) continue;
        const mining::FormulaCheck c = mining::check_formula_word(t.text);
        if (!c.accepted && c.reason != "not a formula" && c.reason != "starts in lower case") {
          fmt::print("{}\trejected: {}\n", t.text, c.reason);
        }
      }
    }
  }
  if (!o.json) {
    for (const auto& [k, a] : abbreviations) {
      if (k.ends_with(" =")) {  // the document's formula with a composition variable
        fmt::print("composition variable {} of {}\n", k.substr(0, 1), a.formula);
        continue;
      }
      // An acronym read off a formula's element symbols: shown where the text uses it.
      if (a.derived && !used_abbreviations.count(k)) continue;
      fmt::print("abbreviation {} = {}{}{}\n", k, a.long_form,
                 a.material ? " (material" + (a.formula.empty() ? "" : ": " + a.formula) + ")" : "",
                 a.derived ? " (read off its element symbols)" : "");
    }
  }
  return kExitOk;
}

int run_classify(const MineOptions& o) {
  store::Database db = open_database(o.db);
  const auto docs = mining::list_documents(db);
  std::map<std::string, std::string> given;  // source or id -> label
  if (!o.labels.empty()) {
    std::ifstream in(o.labels);
    if (!in) throw NotFound("cannot open " + o.labels);
    std::string line;
    std::size_t n = 0;
    while (std::getline(in, line)) {
      ++n;
      if (line.empty() || line[0] == '#') continue;
      const auto tab = line.find('\t');
      if (tab == std::string::npos) {
        throw ParseError({o.labels, n, 1}, "expected DOCUMENT<TAB>LABEL", "");
      }
      given[line.substr(0, tab)] = line.substr(tab + 1);
    }
  }
  std::vector<std::pair<std::string, std::string>> examples;
  std::vector<std::string> texts;
  std::vector<mining::WeakLabel> weak;
  for (const auto& d : docs) {
    const mining::Document doc = mining::load_document(db, d.id);
    texts.push_back(mining::classifier_text(doc));
    const mining::Extraction ex = mining::extract(doc);
    weak.push_back(mining::weak_label(doc, ex));
    std::string label;
    if (auto it = given.find(d.source); it != given.end()) label = it->second;
    if (auto it = given.find(std::to_string(d.id)); it != given.end()) label = it->second;
    if (given.empty()) label = weak.back().label;
    if (!label.empty()) examples.emplace_back(label, texts.back());
  }
  mining::Classifier model;
  if (!examples.empty()) model.train(examples);
  if (!o.model.empty() && !examples.empty()) model.save(o.model);
  const std::string source = given.empty() ? "fasttext (weak labels)" : "fasttext (labels)";
  std::map<std::string, std::size_t> counts;
  std::size_t agree = 0;
  for (std::size_t i = 0; i < docs.size(); ++i) {
    const auto [label, p] = model.predict(texts[i]);
    mining::set_document_class(db, docs[i].id, label, p, source);
    ++counts[label];
    agree += label == weak[i].label;
    if (o.json) {
      fmt::print("{}\n", ordered_json{{"id", docs[i].id},
                                      {"source", docs[i].source},
                                      {"label", label},
                                      {"probability", p},
                                      {"weak_label", weak[i].label},
                                      {"weak_reason", weak[i].reason}}
                             .dump());
    }
  }
  if (!o.json) {
    fmt::print("{} documents classified ({} training examples, {}):", docs.size(), examples.size(),
               source);
    for (const auto& [k, v] : counts) fmt::print(" {} {}", k, v);
    fmt::print("; agreement with weak labels {}/{}\n", agree, docs.size());
  }
  return kExitOk;
}

int run_stats(const MineOptions& o) {
  store::Database db = open_database(o.db);
  const auto items = mining::material_frequencies(db, o.document_class);
  if (!o.csv.empty()) {
    std::ofstream(o.csv) << mining::frequencies_csv(items);
  }
  if (!o.wordcloud.empty()) {
    std::ofstream(o.wordcloud) << mining::word_cloud_svg(items);
  }
  if (o.json) {
    for (std::size_t i = 0; i < items.size() && i < o.top; ++i) {
      const auto& f = items[i];
      fmt::print("{}\n", ordered_json{{"reduced", f.reduced},
                                      {"example", f.example},
                                      {"documents", f.documents},
                                      {"mentions", f.mentions},
                                      {"records", f.records}}
                             .dump());
    }
    return kExitOk;
  }
  fmt::print("{:<28} {:<20} {:>9} {:>9} {:>8}\n", "material", "written", "documents", "mentions",
             "records");
  for (std::size_t i = 0; i < items.size() && i < o.top; ++i) {
    const auto& f = items[i];
    fmt::print("{:<28} {:<20} {:>9} {:>9} {:>8}\n", f.reduced, f.example, f.documents, f.mentions,
               f.records);
  }
  return kExitOk;
}

int run_select(const MineOptions& o) {
  store::Database db = open_database(o.db);
  const mining::Cover cover = mining::select_documents(db, o.max_documents, o.min_confidence);
  for (const auto& s : cover.steps) {
    if (o.json) {
      fmt::print("{}\n", ordered_json{{"document_id", s.document_id},
                                      {"source", s.source},
                                      {"gain", s.gain},
                                      {"covered", s.covered},
                                      {"pairs", cover.pairs}}
                             .dump());
    } else {
      fmt::print("{:>6}  +{:<4} {:>5}/{:<5} {}\n", s.document_id, s.gain, s.covered, cover.pairs,
                 s.source);
    }
  }
  if (!o.json) {
    fmt::print("{} documents cover {} of {} (material, property) pairs\n", cover.steps.size(),
               cover.steps.empty() ? 0 : cover.steps.back().covered, cover.pairs);
  }
  return kExitOk;
}

std::string current_user(const MineOptions& o) {
  if (!o.user.empty()) return o.user;
  if (const char* u = std::getenv("USER"); u && *u) return u;
  return "editor";
}

int run_publish(const MineOptions& o) {
  store::Database db = open_database(o.db);
  const mining::PublishReport r = mining::publish_records(db, {}, current_user(o));
  if (o.json) {
    fmt::print("{}\n", ordered_json{{"published", r.published},
                                    {"already", r.already},
                                    {"unsupported", r.unsupported},
                                    {"linked", r.linked}}
                           .dump());
  } else {
    fmt::print(
        "{} records published as properties ({} before, {} without a property kind); {} "
        "linked to substances\n",
        r.published, r.already, r.unsupported, r.linked);
  }
  return kExitOk;
}

int run_tagger(const MineOptions& o) {
  const std::filesystem::path base =
      o.corpus_dir.empty() ? shared_default("") : std::filesystem::path(o.corpus_dir);
  const std::string& split = o.tagger_split;
  const std::vector<mining::TaggerExample> examples =
      mining::tagger_examples(base, o.corpus, split);
  mining::MentionTagger tagger;
  tagger.train(examples);
  tagger.save(o.tagger_file);
  std::size_t gold = 0;
  for (const auto& e : examples) gold += e.gold.size();
  fmt::print("trained on {} texts of {} ({}), {} material spans; written to {}\n", examples.size(),
             o.corpus, split, gold, o.tagger_file);
  return kExitOk;
}

int run_evaluate(const MineOptions& o) {
  std::vector<mining::EvaluationReport> reports;
  const std::filesystem::path base =
      o.corpus_dir.empty() ? shared_default("") : std::filesystem::path(o.corpus_dir);
  mining::EvaluationOptions options;
  options.split = o.split;
  options.max_documents = o.max_documents;
  options.errors = !o.errors_file.empty();
  options.folds = o.folds;
  // With --train-split, each corpus is scored with a tagger trained on its own split.
  auto tagger = [&](std::string_view corpus) {
    mining::MentionTagger t;
    if (!o.train_split.empty()) t.train(mining::tagger_examples(base, corpus, o.train_split));
    return t;
  };
  if (std::filesystem::exists(base / "sofc-exp-corpus")) {
    const mining::MentionTagger t = tagger("sofc-exp");
    options.tagger = t.trained() ? &t : nullptr;
    reports.push_back(mining::evaluate_sofc_exp(base / "sofc-exp-corpus", options));
  }
  if (std::filesystem::exists(base / "annotated_materials_syntheses")) {
    const mining::MentionTagger t = tagger("syntheses");
    options.tagger = t.trained() ? &t : nullptr;
    reports.push_back(mining::evaluate_syntheses(base / "annotated_materials_syntheses", options));
  }
  if (reports.empty()) {
    throw NotFound("no annotated corpora under " + base.string() +
                   " (expected sofc-exp-corpus/ and annotated_materials_syntheses/)");
  }
  for (const auto& r : reports) {
    if (o.json) {
      fmt::print("{}\n",
                 ordered_json{{"corpus", r.corpus},
                              {"documents", r.documents},
                              {"sentences", r.sentences},
                              {"material_overlap", score_json(r.material_overlap)},
                              {"material_exact", score_json(r.material_exact)},
                              {"material_formula_gold_recall", r.material_formula_gold.recall()},
                              {"value_overlap", score_json(r.value_overlap)},
                              {"value_exact", score_json(r.value_exact)}}
                     .dump());
      continue;
    }
    fmt::print("{}: {} documents, {} sentences\n", r.corpus, r.documents, r.sentences);
    print_score("material mentions (overlap)", r.material_overlap);
    print_score("material mentions (exact)", r.material_exact);
    fmt::print("  {:<32} R {:.3f} ({}/{})\n", "formula-like gold materials",
               r.material_formula_gold.recall(), r.material_formula_gold.gold_matched,
               r.material_formula_gold.gold);
    std::string kinds;
    for (const auto& [kind, k] : r.material_by_kind) {
      kinds += fmt::format("{}{} {}/{}", kinds.empty() ? "" : ", ", kind, k.predicted_matched,
                           k.predicted);
    }
    fmt::print("  {:<32} {}\n", "matched/predicted by kind", kinds);
    print_score("value+unit (overlap)", r.value_overlap);
    print_score("value+unit (exact)", r.value_exact);
  }
  if (!o.errors_file.empty()) {
    std::ofstream out(o.errors_file);
    if (!out) throw InvalidArgument("cannot write " + o.errors_file);
    out << "corpus\ttype\terror\tdocument\tspan\tcontext\n";
    for (const auto& r : reports) {
      for (const auto& e : r.errors) {
        out << r.corpus << '\t' << e.type << '\t' << (e.false_positive ? "FP" : "FN") << '\t'
            << e.document << '\t' << e.text << '\t' << e.context << '\n';
      }
    }
  }
  return kExitOk;
}

}  // namespace

Runner add_mine_command(CLI::App& app) {
  auto o = std::make_shared<MineOptions>();
  CLI::App* cmd = app.add_subcommand("mine", "Literature mining: documents, records, curation");
  cmd->require_subcommand(1);

  CLI::App* add =
      cmd->add_subcommand("add", "Store documents (text, HTML, JATS/Elsevier XML, PDF)");
  add_db_option(*add, o->db);
  add->add_flag("--json", o->json, "One JSON object per file");
  add->add_option("paths", o->paths, "Files or directories")->required()->check(CLI::ExistingPath);

  CLI::App* extract = cmd->add_subcommand(
      "extract", "Extract mentions and property records (stored documents, or files directly)");
  add_db_option(*extract, o->db);
  extract->add_flag("--json", o->json, "JSON Lines");
  extract->add_option("--document", o->ids, "Only these stored document ids");
  extract->add_option("--text", o->text, "Extract from this text (no database)");
  extract->add_option("--jobs,-j", o->jobs, "Threads for files read directly (default 1)")
      ->check(CLI::Range(1, 64));
  extract->add_option("paths", o->paths, "Files to read directly, without a database")
      ->check(CLI::ExistingPath);
  extract->add_option("--tagger", o->tagger_file,
                      "A mention tagger (`mine tagger`): the stored mentions are those it keeps "
                      "and adds; records are unchanged");

  CLI::App* records = cmd->add_subcommand("records", "List mined records");
  add_db_option(*records, o->db);
  records->add_flag("--json", o->json, "JSON Lines");
  records->add_option("--state", o->state, "pending, accepted, rejected or edited");
  records->add_option("--property", o->property, "Only this property");
  records->add_option("--document", o->ids, "Only this document id")->expected(1);
  records->add_option("--min-confidence", o->min_confidence, "Lowest confidence shown");
  records->add_option("--limit", o->limit, "At most this many records");

  CLI::App* mentions = cmd->add_subcommand(
      "mentions", "Material mentions of a text or files, with rejected look-alikes and why");
  mentions->add_flag("--json", o->json, "JSON Lines (accepted mentions only)");
  mentions->add_option("--text", o->text, "A text to analyse");
  mentions->add_flag("--quantities", o->show_quantities, "Also print the quantities (value+unit)");
  mentions->add_flag("--tokens", o->show_tokens, "Also print the tokens and quantities");
  mentions->add_option("paths", o->paths, "Files")->check(CLI::ExistingPath);
  mentions->add_option("--tagger", o->tagger_file,
                       "A mention tagger (`mine tagger`): print the mentions it keeps and the "
                       "spans it adds (kind learned)");

  CLI::App* classify = cmd->add_subcommand(
      "classify", "Classify stored documents (solid_electrolyte, cathode, anode, other)");
  add_db_option(*classify, o->db);
  classify->add_flag("--json", o->json, "JSON Lines");
  classify->add_option("--labels", o->labels,
                       "TSV of DOCUMENT<TAB>LABEL (source path or id); default: weak labels");
  classify->add_option("--model", o->model, "Save the trained fastText model here");

  CLI::App* stats = cmd->add_subcommand("stats", "Material frequencies, CSV and SVG word cloud");
  add_db_option(*stats, o->db);
  stats->add_flag("--json", o->json, "JSON Lines");
  stats->add_option("--class", o->document_class, "Only documents of this class");
  stats->add_option("--csv", o->csv, "Write all frequencies as CSV");
  stats->add_option("--wordcloud", o->wordcloud, "Write an SVG word cloud");
  stats->add_option("--top", o->top, "Rows printed")->capture_default_str();

  CLI::App* select = cmd->add_subcommand(
      "select", "Few papers covering the most (material, property) pairs (greedy set cover)");
  add_db_option(*select, o->db);
  select->add_flag("--json", o->json, "JSON Lines");
  select->add_option("--max", o->max_documents, "At most this many papers (0 = until covered)");
  select->add_option("--min-confidence", o->min_confidence, "Ignore records below this");

  CLI::App* review = cmd->add_subcommand("review", "Curate records: list, accept, reject, edit");
  review->require_subcommand(1);
  CLI::App* rlist = review->add_subcommand("list", "Records waiting for review (default pending)");
  add_db_option(*rlist, o->db);
  rlist->add_flag("--json", o->json, "JSON Lines");
  rlist->add_option("--state", o->review_state, "State to list")->capture_default_str();
  rlist->add_option("--min-confidence", o->min_confidence, "Lowest confidence shown");
  rlist->add_option("--limit", o->limit, "At most this many records");
  CLI::App* accept = review->add_subcommand("accept", "Accept records");
  CLI::App* reject = review->add_subcommand("reject", "Reject records");
  CLI::App* reset = review->add_subcommand("reset", "Put records back to pending");
  for (CLI::App* a : {accept, reject, reset}) {
    add_db_option(*a, o->db);
    a->add_option("ids", o->ids, "Record ids")->required();
    a->add_option("--user", o->user, "Editor name for the audit (default $USER)");
    a->add_option("--note", o->note, "Why");
  }
  accept->add_flag("--restricted", o->restricted, "Publish to the members-only dataset");
  CLI::App* edit = review->add_subcommand("edit", "Edit fields of one record (marks it edited)");
  add_db_option(*edit, o->db);
  edit->add_option("id", o->one_id, "Record id")->required();
  edit->add_option("edits", o->edits,
                   "FIELD=VALUE: material, formula, property, value, unit, temperature (K), "
                   "substance, restricted, condition.NAME (e.g. condition.sintering_temperature)")
      ->required();
  edit->add_option("--user", o->user, "Editor name for the audit (default $USER)");
  CLI::App* audit = review->add_subcommand("audit", "The audit trail of a record");
  add_db_option(*audit, o->db);
  audit->add_option("id", o->one_id, "Record id")->required();
  audit->add_flag("--json", o->json, "JSON Lines");

  CLI::App* publish = cmd->add_subcommand(
      "publish", "Accepted and edited records become properties linked to substances");
  add_db_option(*publish, o->db);
  publish->add_flag("--json", o->json, "JSON object");
  publish->add_option("--user", o->user, "Editor name for the audit (default $USER)");

  CLI::App* evaluate = cmd->add_subcommand(
      "evaluate", "Precision/recall of mentions and values on the annotated corpora");
  evaluate->add_option("--corpora", o->corpus_dir,
                       "Folder with sofc-exp-corpus/ and annotated_materials_syntheses/ "
                       "(default ../shared/data/literature_mining)");
  evaluate
      ->add_option("--split", o->split,
                   "Documents: all, or splits of each corpus (train, dev, test; e.g. "
                   "train,dev for tuning, test held out)")
      ->capture_default_str();
  evaluate->add_option("--max-documents", o->max_documents, "Documents per corpus (0 = all)");
  evaluate->add_option("--errors", o->errors_file,
                       "Write false positives and missed gold spans as TSV (corpus, type, "
                       "FP/FN, document, span, context)");
  evaluate->add_flag("--json", o->json, "JSON Lines");
  CLI::Option* train_split = evaluate->add_option(
      "--train-split", o->train_split,
      "Score the mentions of a tagger trained on these splits of each corpus "
      "(e.g. train for --split dev, train,dev for --split test) instead of the "
      "rules alone");
  evaluate
      ->add_option("--folds", o->folds,
                   "Cross-validate a tagger over the documents of --split (K folds by "
                   "document) instead of the rules alone")
      ->excludes(train_split);

  CLI::App* tagger =
      cmd->add_subcommand("tagger", "Train a mention tagger on an annotated corpus and save it");
  tagger->add_option("--corpora", o->corpus_dir,
                     "Folder with sofc-exp-corpus/ and annotated_materials_syntheses/ "
                     "(default ../shared/data/literature_mining)");
  tagger->add_option("--corpus", o->corpus, "sofc-exp or syntheses")
      ->check(CLI::IsMember({"sofc-exp", "syntheses"}))
      ->capture_default_str();
  tagger->add_option("--split", o->tagger_split, "Documents to train on (all, or train,dev,test)")
      ->capture_default_str();
  tagger->add_option("-o,--output", o->tagger_file, "Model file to write")->required();

  return [o, add, extract, records, mentions, classify, stats, select, rlist, accept, reject, reset,
          edit, audit, publish, evaluate, tagger]() -> int {
    if (tagger->parsed()) return run_tagger(*o);
    if (add->parsed()) return run_add(*o);
    if (extract->parsed()) return run_extract(*o);
    if (records->parsed()) return run_records(*o);
    if (mentions->parsed()) return run_mentions(*o);
    if (classify->parsed()) return run_classify(*o);
    if (stats->parsed()) return run_stats(*o);
    if (select->parsed()) return run_select(*o);
    if (publish->parsed()) return run_publish(*o);
    if (evaluate->parsed()) return run_evaluate(*o);
    if (rlist->parsed()) {
      o->state = o->review_state;  // its own default (pending) must not leak into `records`
      return run_records(*o);
    }
    if (accept->parsed() || reject->parsed() || reset->parsed()) {
      store::Database db = open_database(o->db);
      const std::string state = accept->parsed()   ? "accepted"
                                : reject->parsed() ? "rejected"
                                                   : "pending";
      for (std::int64_t id : o->ids) {
        mining::set_record_state(db, id, state, current_user(*o), o->note);
        if (accept->parsed() && o->restricted) {
          mining::edit_record(db, id, "restricted", "true", current_user(*o));
        }
      }
      fmt::print("{} records {}\n", o->ids.size(), state);
      return kExitOk;
    }
    if (edit->parsed()) {
      store::Database db = open_database(o->db);
      std::vector<std::pair<std::string, std::string>> edits;
      for (const std::string& e : o->edits) {
        const auto eq = e.find('=');
        if (eq == std::string::npos) throw InvalidArgument("'" + e + "': expected FIELD=VALUE");
        edits.emplace_back(e.substr(0, eq), e.substr(eq + 1));
      }
      mining::edit_record(db, o->one_id, edits, current_user(*o));  // all fields or none
      fmt::print("record {} edited\n", o->one_id);
      return kExitOk;
    }
    if (audit->parsed()) {
      store::Database db = open_database(o->db);
      for (const auto& a : mining::record_audit(db, o->one_id)) {
        if (o->json) {
          fmt::print("{}\n", ordered_json{{"time", a.time},
                                          {"user", a.user},
                                          {"action", a.action},
                                          {"before", ordered_json::parse(a.before, nullptr, false)},
                                          {"after", ordered_json::parse(a.after, nullptr, false)},
                                          {"note", a.note}}
                                 .dump());
        } else {
          fmt::print("{}  {:<10} {:<16} {}\n", a.time, a.user, a.action, a.note);
        }
      }
      return kExitOk;
    }
    return kExitUsage;
  };
}

}  // namespace pb::cli
