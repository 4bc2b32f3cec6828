#pragma once
/// Supervised fastText training shared by the document classifier and the mention tagger
/// (internal to pb_mining). fastText reads its examples from a file, so they are written to a
/// temporary file in its "__label__X features..." format and removed afterwards.
#include <fasttext/fasttext.h>

#include <functional>
#include <ostream>

namespace pb::mining {

struct FastTextSettings {
  double lr = 0.1;
  int epoch = 5;
  int dim = 10;
  int word_ngrams = 1;
  int bucket = 0;  ///< hash buckets for word n-grams (0 without them)
  int seed = 1;
};

/// Trains `model` (softmax loss, no character n-grams, one thread so that the same examples and
/// seed give the same model) on the lines `write` produces.
void train_supervised(fasttext::FastText& model, const std::function<void(std::ostream&)>& write,
                      const FastTextSettings& settings);

}  // namespace pb::mining
