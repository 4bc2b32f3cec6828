# Phasebook front door. `make demo` and `make test` work on a fresh Debian bookworm machine:
# they install what is missing (scripts/install-deps), configure with CMake presets and build.
PRESET     ?= dev
BUILD_DIR  := build/$(PRESET)
FUZZ_SECONDS ?= 600
CTEST_JOBS ?= 2

.PHONY: all deps configure build web test demo bench bench-db bench-load bench-calc bench-mining fuzz format lint clean

all: build

deps:
	@scripts/install-deps

configure: deps
	@cmake --preset $(PRESET) >/dev/null

build: configure web
	@cmake --build --preset $(PRESET)

# The web UI (web/: TypeScript + Vite) into web/dist, which `phasebook serve` offers at /.
# `npm ci` runs only when node_modules is missing or older than package-lock.json.
web: deps
	@cd web && { [ node_modules/.package-lock.json -nt package-lock.json ] || \
	  npm ci --no-audit --no-fund --loglevel=error; } && npm run --silent build -- --logLevel warn

# Every CTest suite: unit, corpus (reads ../shared in place), CLI and peer agreement.
test: build
	@ctest --preset $(PRESET) -j $(CTEST_JOBS)

# The demo database: OBELiX structures and conductivities (data/demo) in build/demo.db, linked
# to substances, then served over HTTP (OPTIMADE and the native API) until Ctrl-C. Idempotent:
# loading again adds nothing. DEMO_PORT=0 picks a free port.
DEMO_DB := build/demo.db
DEMO_PORT ?= 8080
demo: build
	@$(BUILD_DIR)/bin/phasebook ingest cif --db $(DEMO_DB) data/demo/structures
	@$(BUILD_DIR)/bin/phasebook ingest properties --db $(DEMO_DB) data/demo/ionic_conductivity.csv
	@$(BUILD_DIR)/bin/phasebook db info --db $(DEMO_DB)
	@echo "Demo database: $(DEMO_DB). Try: $(BUILD_DIR)/bin/phasebook search --db $(DEMO_DB) --elements Li,Zr,O"
	@echo "Serving http://127.0.0.1:$(DEMO_PORT) (Ctrl-C stops)"
	@$(BUILD_DIR)/bin/phasebook serve --db $(DEMO_DB) --port $(DEMO_PORT)

# Google Benchmark for the parser, then pymatgen and Phasebook side by side on the same lists.
bench: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release
	@build/release/bench/formula_bench --benchmark_min_time=0.5
	@/usr/bin/python3 bench/peer_formula.py build/release
	@/usr/bin/python3 bench/peer_cif.py build/release

# Search latency at AtomWork scale: `phasebook synth` builds 365k structures, 459k properties,
# 47k phase diagrams and 166k references from the demo and cod-tools prototypes (about 6 minutes
# and 8 GB), then p50/p99 of 20 realistic searches and a substance page.
BENCH_DB ?= build/atomwork.db
bench-db: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release --target phasebook query_latency
	@[ -f $(BENCH_DB) ] || build/release/bin/phasebook synth --db $(BENCH_DB) data/demo/structures \
	  ../shared/data/crystal_structures/cod_tools_test_cifs
	@build/release/bench/query_latency $(BENCH_DB) 30

# HTTP load on the AtomWork-scale database: one wrk per request kind (info, filter, full entries,
# substance pages) against `phasebook serve`, requests/s and latency percentiles per kind.
LOAD_SECONDS ?= 30
bench-load: bench-db
	@/usr/bin/python3 bench/load.py build/release --db $(BENCH_DB) --seconds $(LOAD_SECONDS) --kinds filter
	@/usr/bin/python3 bench/load.py build/release --db $(BENCH_DB) --seconds $(LOAD_SECONDS) \
	    --paced info=100,full=20,substance=100
	@/usr/bin/python3 bench/load.py build/release --db $(BENCH_DB) --seconds $(LOAD_SECONDS)

# DFT workflows (docs/calc.md): QE scf inputs/s for thousands of demo-derived structures read
# from a database, pymatgen PWInput beside it; controller overhead per job against a shell.
bench-calc: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release --target phasebook
	@/usr/bin/python3 bench/peer_calc.py build/release
	@/usr/bin/python3 bench/calc_controller.py build/release

# Literature mining (docs/mining.md): 260,000 abstract-sized documents built in memory from the
# real corpora, through the whole text pipeline on one and on two threads, with peak memory; then
# precision/recall/F1 of mentions and values on the held-out test splits.
bench-mining: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release --target phasebook mining_throughput
	@for t in 1 2; do /usr/bin/time -f "peak RSS %M KiB, %e s wall" \
	  build/release/bench/mining_throughput ../shared/data/literature_mining 260000 $$t; done
	@build/release/bin/phasebook mine evaluate --split test

# libFuzzer (clang): each target for FUZZ_SECONDS, growing its corpus in fuzz/corpus/<target>.
# The CIF target also reads the cod-tools syntax torture tests in ../shared as seeds.
FUZZ_TARGETS ?= formula cif_syntax cif_structure poscar xyz optimade bibliography filter calc_output mining_text mining_document
CIF_SEEDS := ../shared/data/crystal_structures/cod_tools_test_cifs/parser_edge_cases
POSCAR_SEEDS := ../shared/data/crystal_structures/spglib_poscar/data/cubic
fuzz: deps
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz
	@mkdir -p fuzz/crashes
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p fuzz/corpus/$$t; \
	  seeds=""; case $$t in cif_*) [ -d $(CIF_SEEDS) ] && seeds=$(CIF_SEEDS);; esac; \
	  [ $$t = poscar ] && [ -d $(POSCAR_SEEDS) ] && seeds=$(POSCAR_SEEDS); \
	  dict=fuzz/$${t%%_*}.dict; \
	  build/fuzz/fuzz/$${t}_fuzz -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	    -artifact_prefix=fuzz/crashes/ -dict=$$dict fuzz/corpus/$$t $$seeds || exit 1; \
	done

format:
	@find src tests bench fuzz -name '*.cpp' -o -name '*.hpp' | xargs clang-format -i

# clang-tidy (naming, bugprone, performance) over the sources, with the dev compile database.
lint: configure
	@clang-tidy -p $(BUILD_DIR) --quiet $$(find src -name '*.cpp' ! -name element_table.cpp)

clean:
	@rm -rf build
