// Google Benchmark for the formula parser: a simple formula, the 375 literature strings, and the
// first 50k formulas of matbench mp_e_form when ../shared is present.
#include <benchmark/benchmark.h>

#include <fstream>
#include <string>
#include <vector>

#include "chem/formula.hpp"
#include "util/error.hpp"

namespace {

std::vector<std::string> literature() {
  std::vector<std::string> out;
  std::ifstream in(PB_SOURCE_DIR "/tests/data/formulas/literature.tsv", std::ios::binary);
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    auto a = line.find('\t');
    auto b = line.find('\t', a + 1);
    out.push_back(line.substr(a + 1, b - a - 1));
  }
  return out;
}

std::vector<std::string> mp_formulas(std::size_t limit) {
  std::vector<std::string> out;
  std::ifstream in(PB_SHARED_DIR "/data/materials_properties/crabnet/matbench/mp_e_form.csv");
  std::string line;
  std::getline(in, line);
  while (out.size() < limit && std::getline(in, line))
    out.push_back(line.substr(0, line.find(',')));
  return out;
}

void run_list(benchmark::State& state, const std::vector<std::string>& list) {
  if (list.empty()) {
    state.SkipWithError("input not found");
    return;
  }
  std::size_t i = 0;
  for (auto _ : state) {
    try {
      benchmark::DoNotOptimize(pb::chem::parse_formula(list[i]));
    } catch (const pb::ParseError&) {
    }
    if (++i == list.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_ParseSimple(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(pb::chem::parse_formula("Li7La3Zr2O12"));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_ParseSimpleWithOutputs(benchmark::State& state) {
  for (auto _ : state) {
    auto f = pb::chem::parse_formula("Li7La3Zr2O12");
    benchmark::DoNotOptimize(f.composition.molar_mass());
    benchmark::DoNotOptimize(f.composition.reduced_formula());
    benchmark::DoNotOptimize(f.composition.formula_reduced_optimade());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_ParseLiterature(benchmark::State& state) {
  static const auto list = literature();
  run_list(state, list);
}

void BM_ParseMpFormationEnergy(benchmark::State& state) {
  static const auto list = mp_formulas(50000);
  run_list(state, list);
}

}  // namespace

BENCHMARK(BM_ParseSimple);
BENCHMARK(BM_ParseSimpleWithOutputs);
BENCHMARK(BM_ParseLiterature);
BENCHMARK(BM_ParseMpFormationEnergy);
BENCHMARK_MAIN();
