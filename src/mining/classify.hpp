#pragma once
/// Document classes for screening: solid electrolyte, cathode, anode or other. A fastText
/// supervised model (libfasttext) is trained on labelled documents, or on weak labels derived
/// from the extracted entities when no labels are given.
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mining/document.hpp"
#include "mining/extract.hpp"

namespace pb::mining {

/// The class labels.
inline constexpr std::string_view kClasses[] = {"solid_electrolyte", "cathode", "anode", "other"};

/// A label with the evidence behind it.
struct WeakLabel {
  std::string label;
  double score = 0;    ///< margin of the winning class's evidence (0..1)
  std::string reason;  ///< e.g. "12 conductivity records, 'solid electrolyte' x4"
};

/// A rule-based label from records, mentions and key phrases.
WeakLabel weak_label(const Document& doc, const Extraction& ex);

/// The text a classifier sees: lower-case words of the title, abstract and body, one line.
std::string classifier_text(const Document& doc);

/// Training parameters (defaults as fastText's supervised mode, fewer dimensions).
struct ClassifierParams {
  int epoch = 25;
  double lr = 0.5;
  int dim = 50;
  int word_ngrams = 2;
  int seed = 0;
};

/// A fastText supervised classifier.
class Classifier {
 public:
  Classifier();
  ~Classifier();
  Classifier(Classifier&&) noexcept;
  Classifier& operator=(Classifier&&) noexcept;

  /// Trains on (label, text) pairs; throws InvalidArgument for an unknown label or no examples.
  void train(const std::vector<std::pair<std::string, std::string>>& examples,
             const ClassifierParams& params = {});
  void save(const std::filesystem::path& path) const;
  void load(const std::filesystem::path& path);
  /// The most likely label and its probability.
  std::pair<std::string, double> predict(std::string_view text) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pb::mining
