# Two commands from a fresh Debian 12 machine: `make demo` and `make test`.
# Each one installs what is missing (scripts/setup.sh), configures with CMake + Ninja and builds.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CTEST_ARGS ?=

.PHONY: all setup configure build test demo bench format clean

all: build

setup:
	@bash scripts/setup.sh

$(BUILD_DIR)/build.ninja: | setup
	cmake --preset release

configure: setup $(BUILD_DIR)/build.ninja

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) $(CTEST_ARGS)

demo: build
	./$(BUILD_DIR)/ecotown demo --db sqlite:demo.db --listen 127.0.0.1:8080

bench: setup
	cmake --preset bench
	cmake --build build-bench -j $(JOBS)
	bash bench/run.sh

format:
	find src tests bench -name '*.h' -o -name '*.cc' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR) build-asan build-bench
