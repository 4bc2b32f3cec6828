#include "mining/fasttext_train.hpp"

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "util/error.hpp"

namespace pb::mining {

void train_supervised(fasttext::FastText& model, const std::function<void(std::ostream&)>& write,
                      const FastTextSettings& settings) {
  std::random_device rd;
  const std::filesystem::path file =
      std::filesystem::temp_directory_path() /
      ("pb-fasttext-train-" + std::to_string(rd()) + "-" + std::to_string(rd()) + ".txt");
  try {
    {
      std::ofstream out(file);
      if (!out) throw InvalidArgument("cannot write " + file.string());
      write(out);
    }
    fasttext::Args args;
    args.input = file.string();
    args.model = fasttext::model_name::sup;
    args.loss = fasttext::loss_name::softmax;
    args.minCount = 1;
    args.minn = 0;
    args.maxn = 0;
    args.lr = settings.lr;
    args.epoch = settings.epoch;
    args.dim = settings.dim;
    args.wordNgrams = settings.word_ngrams;
    args.bucket = settings.bucket;
    args.thread = 1;
    args.seed = settings.seed;
    args.verbose = 0;
    model.train(args);
  } catch (...) {
    std::filesystem::remove(file);
    throw;
  }
  std::filesystem::remove(file);
}

}  // namespace pb::mining
