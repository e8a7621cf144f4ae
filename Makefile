# eldersim: the two set-up commands (see README.md).
#   make run   installs missing Debian packages, builds, runs configs/guangzhou.yaml and plots it
#   make test  installs missing Debian packages, builds and runs every test (C++ and Python)
# Also: make build, make bench, make deps, make format, make clean, and make tradeoff (the
# bed-conversion and fewer-home-beds scenarios against the baseline at 10% scale, with plots).
# Reliability tools (docs/reliability.md): make asan, make tsan, make fuzz, make tidy; make ci is
# what CI runs (.ci/run): make test, then the ASan and UBSan suite.

BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc)
PYTHON := /usr/bin/python3
CONFIG ?= configs/guangzhou.yaml
OUT ?= results/$(basename $(notdir $(CONFIG))).h5
THREADS ?= 0

.PHONY: run test build deps bench format clean tradeoff asan tsan fuzz tidy ci

deps:
	@scripts/install-deps.sh

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	$(BUILD_DIR)/eldersim run $(CONFIG) --out $(OUT) --threads $(THREADS) --force
	$(PYTHON) results/plot_run.py $(OUT)

# Baseline and two hospital scenarios at 10% scale (about a minute each on 2 cores), then the
# trade-off plot: hospital occupancy against institution waits and delayed discharge.
TRADEOFF_SCALE ?= 0.1
tradeoff: build
	for c in guangzhou hospital-beds-to-nursing fewer-institution-beds; do \
	  $(BUILD_DIR)/eldersim run configs/$$c.yaml --set population.scale=$(TRADEOFF_SCALE) \
	    --out results/$$c-scale$(TRADEOFF_SCALE).h5 --threads $(THREADS) --force -q || exit 1; \
	done
	$(PYTHON) results/compare_runs.py --tradeoff results/guangzhou-scale$(TRADEOFF_SCALE).h5 \
	  results/hospital-beds-to-nursing-scale$(TRADEOFF_SCALE).h5 \
	  results/fewer-institution-beds-scale$(TRADEOFF_SCALE).h5

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

bench: build
	$(BUILD_DIR)/bench/eldersim_bench
	bench/macro.sh

format:
	clang-format -i sim/*.hpp sim/*.cpp models/*.hpp models/*.cpp app/*.cpp tests/*/*.cpp tests/*.hpp bench/*.cpp bench/*.hpp

# Sanitizer builds, each in its own directory (docs/reliability.md, "Sanitizers and static
# analysis"): every C++ test runs there and must pass with no report; the Python tests and the
# format check are left out (tests/sanitizers/run-ctest.sh). SAN_EXCLUDE: a regular expression
# of more tests to leave out, for a shorter run.
#   make asan  AddressSanitizer with UndefinedBehaviorSanitizer, in build-asan
#   make tsan  ThreadSanitizer, in build-tsan, with a oneTBB built with TSan for it
ASAN_DIR ?= build-asan
TSAN_DIR ?= build-tsan
SAN_EXCLUDE ?=
SAN_CMAKE := -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g" -DELDERSIM_BUILD_BENCH=OFF

asan: deps
	cmake -S . -B $(ASAN_DIR) $(SAN_CMAKE) -DELDERSIM_SANITIZE=address
	cmake --build $(ASAN_DIR) -j $(JOBS)
	tests/sanitizers/run-ctest.sh address $(ASAN_DIR) $(JOBS) '$(SAN_EXCLUDE)'

tsan: deps
	tests/sanitizers/build-tbb-tsan.sh $(TSAN_DIR)/tbb $(JOBS)
	cmake -S . -B $(TSAN_DIR) $(SAN_CMAKE) -DELDERSIM_SANITIZE=thread \
	  -DTBB_DIR=$(abspath $(TSAN_DIR))/tbb/prefix/lib/cmake/TBB
	cmake --build $(TSAN_DIR) -j $(JOBS)
	tests/sanitizers/run-ctest.sh thread $(TSAN_DIR) $(JOBS) '$(SAN_EXCLUDE)'

# libFuzzer targets (tests/fuzz/), built with clang, ASan and UBSan in build-fuzz, each run for
# FUZZ_SECONDS from its corpus; any crash in eldersim's code fails (tests/fuzz/run-fuzz.sh).
# FUZZ_TARGETS: some of config overrides h5_reader saved_state (default all).
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
fuzz: build
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_DIR) -DELDERSIM_FUZZ=ON -DELDERSIM_WITH_MPI=OFF \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
	  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g" >/dev/null
	cmake --build $(FUZZ_DIR) -j $(JOBS)
	tests/fuzz/run-fuzz.sh $(FUZZ_DIR) $(BUILD_DIR)/eldersim $(FUZZ_SECONDS) $(FUZZ_TARGETS)

ci: test asan

# clang-tidy (.clang-tidy) on every source of sim/ and models/ and the headers they include;
# any finding fails. Uses the compile commands of its own configured (not built) directory.
TIDY_DIR ?= build-tidy
tidy: deps
	cmake -S . -B $(TIDY_DIR) -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DELDERSIM_BUILD_BENCH=OFF >/dev/null
	cmake --build $(TIDY_DIR) --target eldersim_version_info >/dev/null
	ls sim/*.cpp models/*.cpp | xargs -P $(JOBS) -n 4 clang-tidy -p $(TIDY_DIR) --quiet \
	  --warnings-as-errors='*'

clean:
	rm -rf $(BUILD_DIR)
