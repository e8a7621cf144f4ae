# eldersim: the two set-up commands (see README.md).
#   make run   installs missing Debian packages, builds, runs configs/guangzhou.yaml and plots it
#   make test  installs missing Debian packages, builds and runs every test (C++ and Python)
# Also: make build, make bench, make deps, make format, make clean.

BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc)
PYTHON := /usr/bin/python3
CONFIG ?= configs/guangzhou.yaml
OUT ?= results/$(basename $(notdir $(CONFIG))).h5
THREADS ?= 0

.PHONY: run test build deps bench format clean

deps:
	@scripts/install-deps.sh

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	$(BUILD_DIR)/eldersim run $(CONFIG) --out $(OUT) --threads $(THREADS)
	$(PYTHON) results/plot_run.py $(OUT)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

bench: build
	$(BUILD_DIR)/bench/eldersim_bench
	bench/macro.sh

format:
	clang-format -i sim/*.hpp sim/*.cpp models/*.hpp models/*.cpp app/*.cpp tests/*/*.cpp tests/*.hpp bench/*.cpp

clean:
	rm -rf $(BUILD_DIR)
