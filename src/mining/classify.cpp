// Weak labels and the fastText classifier (trained through mining/fasttext_train.hpp, which
// writes the examples in fastText's "__label__X text" format to a temporary file).
#include "mining/classify.hpp"

#include <fasttext/fasttext.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <sstream>

#include "mining/fasttext_train.hpp"
#include "util/error.hpp"

namespace pb::mining {

namespace {

std::size_t count_of(std::string_view haystack, std::string_view needle) {
  std::size_t n = 0;
  for (std::size_t pos = haystack.find(needle); pos != std::string_view::npos;
       pos = haystack.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

bool contains_element(std::string_view reduced, std::string_view symbol) {
  for (std::size_t pos = reduced.find(symbol); pos != std::string_view::npos;
       pos = reduced.find(symbol, pos + 1)) {
    const std::size_t after = pos + symbol.size();
    if (after >= reduced.size() || !std::islower(static_cast<unsigned char>(reduced[after]))) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string classifier_text(const Document& doc) {
  std::string out;
  for (const Block& b : doc.blocks) {
    if (b.kind == BlockKind::kTable) continue;
    for (char c : b.text) {
      const unsigned char u = static_cast<unsigned char>(c);
      if (c == '\n' || c == '\r' || c == '\t') {
        out += ' ';
      } else if (std::isalnum(u) || u >= 0x80) {
        out += static_cast<char>(std::tolower(u));
      } else if (!out.empty() && out.back() != ' ') {
        out += ' ';
      }
    }
    out += ' ';
    if (out.size() > 200000) break;  // the opening of a paper decides its class
  }
  return out;
}

WeakLabel weak_label(const Document& doc, const Extraction& ex) {
  std::string text;
  for (const Block& b : doc.blocks) {
    for (char c : b.text) text += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    text += ' ';
  }
  std::array<double, 4> score{};  // solid_electrolyte, cathode, anode, other
  std::array<std::string, 4> why;
  auto add = [&](int cls, double w, const std::string& reason) {
    score[static_cast<std::size_t>(cls)] += w;
    if (w > 0 && !reason.empty()) {
      auto& s = why[static_cast<std::size_t>(cls)];
      if (!s.empty()) s += ", ";
      s += reason;
    }
  };
  std::size_t conductivity = 0;
  std::size_t capacity_cathode = 0;
  std::size_t capacity_anode = 0;
  for (const MinedRecord& r : ex.records) {
    if (r.property.find("ionic_conductivity") != std::string::npos ||
        r.property == "activation_energy") {
      ++conductivity;
    }
    if (r.property == "specific_capacity" || r.property == "capacity_retention") {
      const std::string& f = r.material_reduced;
      const bool tm = contains_element(f, "Co") || contains_element(f, "Ni") ||
                      contains_element(f, "Mn") || contains_element(f, "Fe") ||
                      contains_element(f, "V");
      const bool anode_like = f == "C" || f == "Si" || f == "Sn" || f.starts_with("Li4Ti5O12") ||
                              f == "Li4Ti5O12" || contains_element(f, "Ti");
      if (anode_like) {
        ++capacity_anode;
      } else if (tm && contains_element(f, "Li")) {
        ++capacity_cathode;
      }
    }
  }
  add(0, 1.0 * static_cast<double>(conductivity),
      conductivity ? std::to_string(conductivity) + " conductivity/Ea records" : "");
  add(1, 1.0 * static_cast<double>(capacity_cathode),
      capacity_cathode ? std::to_string(capacity_cathode) + " cathode capacity records" : "");
  add(2, 1.0 * static_cast<double>(capacity_anode),
      capacity_anode ? std::to_string(capacity_anode) + " anode capacity records" : "");
  struct Phrase {
    int cls;
    std::string_view text;
    double weight;
  };
  static constexpr Phrase kPhrases[] = {{0, "solid electrolyte", 2},
                                        {0, "solid-state electrolyte", 2},
                                        {0, "ionic conductor", 2},
                                        {0, "ionic conductivity", 1},
                                        {0, "superionic", 2},
                                        {0, "argyrodite", 2},
                                        {0, "garnet", 1},
                                        {0, "nasicon", 1},
                                        {0, "all-solid-state", 1},
                                        {1, "cathode", 1},
                                        {1, "positive electrode", 2},
                                        {1, "layered oxide", 1},
                                        {1, "olivine", 1},
                                        {1, "spinel", 0.5},
                                        {2, "anode", 1},
                                        {2, "negative electrode", 2},
                                        {2, "graphite", 1},
                                        {2, "silicon anode", 2},
                                        {2, "lithium metal anode", 1},
                                        {3, "fuel cell", 3},
                                        {3, "sofc", 3},
                                        {3, "catalys", 1},
                                        {3, "photovolta", 2},
                                        {3, "thermoelectric", 2},
                                        {3, "supercapacitor", 2}};
  for (const Phrase& p : kPhrases) {
    const std::size_t n = count_of(text, p.text);
    if (n)
      add(p.cls, p.weight * static_cast<double>(n),
          "'" + std::string(p.text) + "' x" + std::to_string(n));
  }
  // Battery papers mention the other electrode too; "other" needs no battery evidence.
  const std::size_t best =
      static_cast<std::size_t>(std::max_element(score.begin(), score.end()) - score.begin());
  double total = 0;
  for (double s : score) total += s;
  WeakLabel out;
  if (total < 3) {
    out.label = "other";
    out.score = 0.5;
    out.reason = "little battery evidence";
    return out;
  }
  out.label = std::string(kClasses[best]);
  out.score = score[best] / total;
  out.reason = why[best];
  return out;
}

struct Classifier::Impl {
  fasttext::FastText model;
  bool trained = false;
};

Classifier::Classifier() : impl_(std::make_unique<Impl>()) {}
Classifier::~Classifier() = default;
Classifier::Classifier(Classifier&&) noexcept = default;
Classifier& Classifier::operator=(Classifier&&) noexcept = default;

void Classifier::train(const std::vector<std::pair<std::string, std::string>>& examples,
                       const ClassifierParams& params) {
  if (examples.empty()) throw InvalidArgument("no labelled documents to train on");
  for (const auto& [label, text] : examples) {
    if (std::find(std::begin(kClasses), std::end(kClasses), label) == std::end(kClasses)) {
      throw InvalidArgument("unknown class '" + label +
                            "'; classes: solid_electrolyte, cathode, anode, other");
    }
  }
  FastTextSettings settings;
  settings.lr = params.lr;
  settings.epoch = params.epoch;
  settings.dim = params.dim;
  settings.word_ngrams = params.word_ngrams;
  settings.bucket = 200000;
  settings.seed = params.seed;
  train_supervised(
      impl_->model,
      [&](std::ostream& out) {
        for (const auto& [label, text] : examples) {
          out << "__label__" << label << ' ' << text << '\n';
        }
      },
      settings);
  impl_->trained = true;
}

void Classifier::save(const std::filesystem::path& path) const {
  if (!impl_->trained) throw InvalidArgument("the classifier has not been trained");
  impl_->model.saveModel(path.string());
}

void Classifier::load(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) throw NotFound("no model file " + path.string());
  impl_->model.loadModel(path.string());
  impl_->trained = true;
}

std::pair<std::string, double> Classifier::predict(std::string_view text) const {
  if (!impl_->trained) throw InvalidArgument("the classifier has not been trained");
  std::istringstream in{std::string(text) + "\n"};
  std::vector<std::pair<fasttext::real, std::string>> predictions;
  impl_->model.predictLine(in, predictions, 1, 0.0);
  if (predictions.empty()) return {"other", 0.0};
  std::string label = predictions[0].second;
  if (label.starts_with("__label__")) label.erase(0, 9);
  return {label, static_cast<double>(predictions[0].first)};
}

}  // namespace pb::mining
