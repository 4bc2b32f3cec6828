// mining_throughput CORPORA_DIR [DOCUMENTS] [THREADS]: the literature-mining text pipeline
// (mining::extract: tokens, sentences, abbreviations, mentions, quantities, records) on DOCUMENTS
// abstract-sized documents (default 260,000, the size of the corpus screened for the battery
// database) spread over THREADS threads (default 1). The documents are built here, in memory, from
// the real texts under CORPORA_DIR (../shared/data/literature_mining): the 230 synthesis
// paragraphs and the SOFC-Exp full texts cut into abstract-sized pieces of about 1,200 characters.
// Document i is piece i mod n with its sentences rotated by i / n, so repeats are not identical.
// Prints one JSON line: documents, threads, seconds, documents/s, the projected time for 260,000
// documents, records, mentions, characters and peak RSS (getrusage).
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "mining/document.hpp"
#include "mining/extract.hpp"
#include "mining/text.hpp"

namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<fs::path> files_with(const fs::path& dir, const std::string& ext) {
  std::vector<fs::path> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ext) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Abstract-sized pieces (lists of sentences) of the real texts.
std::vector<std::vector<std::string>> pieces(const fs::path& corpora) {
  std::vector<std::vector<std::string>> out;
  auto sentences_of = [](const std::string& text) {
    std::vector<std::string> s;
    for (const auto& span : pb::mining::split_sentences(text)) {
      s.push_back(text.substr(span.begin, span.end - span.begin));
    }
    return s;
  };
  for (const auto& p : files_with(corpora / "annotated_materials_syntheses" / "data", ".txt")) {
    const std::string text = slurp(p);
    // Skip the DOI and title lines: the paragraph is the abstract-sized body.
    std::size_t body = 0;
    for (int line = 0; line < 2 && body != std::string::npos; ++line) {
      body = text.find('\n', body);
      if (body != std::string::npos) ++body;
    }
    if (body == std::string::npos || body >= text.size()) continue;
    auto s = sentences_of(text.substr(body));
    if (!s.empty()) out.push_back(std::move(s));
  }
  for (const auto& p : files_with(corpora / "sofc-exp-corpus" / "texts", ".txt")) {
    std::vector<std::string> piece;
    std::size_t chars = 0;
    for (auto& s : sentences_of(slurp(p))) {
      chars += s.size() + 1;
      piece.push_back(std::move(s));
      if (chars >= 1200) {
        out.push_back(std::move(piece));
        piece.clear();
        chars = 0;
      }
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: mining_throughput CORPORA_DIR [DOCUMENTS] [THREADS]\n");
    return 2;
  }
  const fs::path corpora = argv[1];
  const std::size_t n = argc > 2 ? std::stoul(argv[2]) : 260000;
  const unsigned threads = argc > 3 ? static_cast<unsigned>(std::stoul(argv[3])) : 1U;
  const auto base = pieces(corpora);
  if (base.empty()) {
    std::fprintf(stderr, "no texts under %s\n", corpora.c_str());
    return 1;
  }
  // Document i, built when it is processed (as a stream of abstracts would arrive).
  auto make = [&](std::size_t i) {
    const auto& s = base[i % base.size()];
    const std::size_t rot = (i / base.size()) % s.size();
    pb::mining::Document doc;
    std::string text;
    for (std::size_t k = 0; k < s.size(); ++k) {
      if (!text.empty()) text += ' ';
      text += s[(k + rot) % s.size()];
    }
    doc.blocks.push_back({pb::mining::BlockKind::kAbstract, "", std::move(text)});
    return doc;
  };
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> records{0}, mentions{0}, chars{0};
  const auto t0 = std::chrono::steady_clock::now();
  auto work = [&] {
    std::size_t r = 0, m = 0, c = 0;
    for (std::size_t i; (i = next.fetch_add(1)) < n;) {
      const pb::mining::Document doc = make(i);
      const pb::mining::Extraction ex = pb::mining::extract(doc);
      r += ex.records.size();
      for (const auto& b : ex.mentions) m += b.size();
      c += doc.blocks[0].text.size();
    }
    records += r;
    mentions += m;
    chars += c;
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const double rate = static_cast<double>(n) / seconds;
  std::printf(
      "{\"documents\": %zu, \"distinct_pieces\": %zu, \"threads\": %u, \"seconds\": %.2f, "
      "\"documents_per_second\": %.1f, \"projected_seconds_260k\": %.1f, \"records\": %zu, "
      "\"mentions\": %zu, \"mean_characters\": %.0f, \"peak_rss_mb\": %.1f}\n",
      n, base.size(), threads, seconds, rate, 260000.0 / rate, records.load(), mentions.load(),
      static_cast<double>(chars.load()) / static_cast<double>(n),
      static_cast<double>(ru.ru_maxrss) / 1024.0);
  return 0;
}
