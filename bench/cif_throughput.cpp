// cif_throughput FILE_LIST [PASSES] [--structures|--symmetry]: reads every CIF named in
// FILE_LIST (one path per line), PASSES times (default 3), on one thread, and prints as JSON the
// median files/s and MB/s and the number of files with errors. --structures also builds every
// block into a structure (symmetry expansion), as pymatgen's CifParser.get_structures does;
// --symmetry then also runs spglib on it. The files are loaded into memory first; the timing
// brackets only the reading.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "crystal/cif_structure.hpp"
#include "crystal/cif_syntax.hpp"
#include "crystal/symmetry.hpp"
#include "util/error.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: cif_throughput FILE_LIST [PASSES]\n");
    return 2;
  }
  std::ifstream list(argv[1]);
  std::vector<std::pair<std::string, std::string>> files;  // name, contents
  double bytes = 0;
  for (std::string path; std::getline(list, path);) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    files.emplace_back(path, std::move(s).str());
    bytes += static_cast<double>(files.back().second.size());
  }
  int passes = argc > 2 ? std::atoi(argv[2]) : 3;
  std::string mode = argc > 3 ? argv[3] : "";
  bool structures = mode == "--structures" || mode == "--symmetry";
  bool symmetry = mode == "--symmetry";
  std::vector<double> seconds;
  std::size_t failures = 0, blocks = 0;
  for (int p = 0; p < passes; ++p) {
    failures = blocks = 0;
    auto t0 = std::chrono::steady_clock::now();
    for (const auto& [name, text] : files) {
      auto d = pb::crystal::cif::read_text(text, name);
      bool failed = !d.errors.empty();
      blocks += d.blocks.size();
      if (structures) {
        for (const auto& b : d.blocks) {
          try {
            auto s = pb::crystal::read_structure(b, name);
            pb::crystal::SymmetryOptions o;
            o.symprec = 0.01;
            if (symmetry &&
                !pb::crystal::analyse_symmetry(pb::crystal::typed_cell(s.structure), o)) {
              failed = true;
            }
          } catch (const pb::ParseError&) {
            failed = true;
          }
        }
      }
      failures += failed ? 1 : 0;
    }
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(seconds.begin(), seconds.end());
  double t = seconds[seconds.size() / 2];
  std::printf(
      "{\"files\": %zu, \"files_per_second\": %.1f, \"mb_per_second\": %.2f, "
      "\"failures\": %zu, \"blocks\": %zu}\n",
      files.size(), static_cast<double>(files.size()) / t, bytes / 1e6 / t, failures, blocks);
  return 0;
}
