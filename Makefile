# eldersim: the two set-up commands (see README.md).
#   make run   installs missing Debian packages, builds, runs configs/guangzhou.yaml and plots it
#   make test  installs missing Debian packages, builds and runs every test (C++ and Python)
# Also: make build, make bench, make deps, make format, make clean, and make tradeoff (the
# bed-conversion and fewer-home-beds scenarios against the baseline at 10% scale, with plots).

BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc)
PYTHON := /usr/bin/python3
CONFIG ?= configs/guangzhou.yaml
OUT ?= results/$(basename $(notdir $(CONFIG))).h5
THREADS ?= 0

.PHONY: run test build deps bench format clean tradeoff

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

clean:
	rm -rf $(BUILD_DIR)
