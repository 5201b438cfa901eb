# Two commands from a fresh Debian 12 machine: `make demo` and `make test`.
# Each one installs what is missing (scripts/setup.sh), configures with CMake + Ninja (the
# "release" preset, into build/) and builds.
JOBS ?= $(shell nproc)
CTEST_ARGS ?=

.PHONY: all setup configure build test demo bench bench-registry bench-complaints format clean

all: build

setup:
	@bash scripts/setup.sh

build/build.ninja: | setup
	cmake --preset release

configure: setup build/build.ninja

build: configure
	cmake --build build -j $(JOBS)

test: build
	ctest --test-dir build --output-on-failure -j $(JOBS) $(CTEST_ARGS)

demo: build
	./build/ecotown demo --db sqlite:demo.db --listen 127.0.0.1:8080

# The shared-workload benchmark beside its peers (bench/run_bench.sh; not part of `make test`).
# Builds into build-bench/, writes bench/results/latest.* and bench/RESULTS.md. SIZES=S for a quick run.
SIZES ?= S M
bench: setup
	bash bench/run_bench.sh --sizes "$(SIZES)"

# The factory registry and inspections at scale (issue 4): 100,000 factories, 500,000 answers,
# list/filter/search latency and the inspection PDF, on SQLite and PostgreSQL.
bench-registry: setup
	bash bench/run_registry_bench.sh

# The public complaint pages under a crowd (issue 5 item 8): 200,000 complaints, 1,000 clients
# polling tracking pages and Open311 requests.json, one filing; SQLite and PostgreSQL.
# BACKEND=sqlite|postgres|both.
BACKEND ?= both
bench-complaints: setup
	bash bench/run_complaints_bench.sh --backend $(BACKEND)

format:
	find src tests -name '*.h' -o -name '*.cc' | xargs clang-format -i

clean:
	rm -rf build build-asan build-bench
