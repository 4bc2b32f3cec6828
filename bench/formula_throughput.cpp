// formula_throughput FILE [PASSES]: parses every line of FILE, PASSES times (default 5), on one
// thread, and prints the median formulas per second and the number of lines that failed, as
// JSON. The timing brackets only the library call, like the pymatgen side of peer_formula.py.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "chem/formula.hpp"
#include "util/error.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: formula_throughput FILE [PASSES]\n");
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  int passes = argc > 2 ? std::atoi(argv[2]) : 5;
  std::vector<double> rates;
  std::size_t failures = 0;
  double checksum = 0;
  for (int p = 0; p < passes; ++p) {
    failures = 0;
    auto t0 = std::chrono::steady_clock::now();
    for (const auto& s : lines) {
      try {
        checksum += static_cast<double>(pb::chem::parse_formula(s).composition.entries().size());
      } catch (const pb::ParseError&) {
        ++failures;
      }
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    rates.push_back(static_cast<double>(lines.size()) / seconds);
  }
  std::sort(rates.begin(), rates.end());
  std::printf("{\"n\": %zu, \"per_second\": %.1f, \"failures\": %zu, \"checksum\": %.0f}\n",
              lines.size(), rates[rates.size() / 2], failures, checksum);
  return 0;
}
