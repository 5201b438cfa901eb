#!/usr/bin/env bash
# complaints_bench_outputs.sh BUILD_DIR: bench/run_complaints_bench.sh --no-results-md writes its
# results only under its --work dir (or --results-dir) and leaves the tracked bench/results and
# bench/RESULTS.md alone. A tiny crowd on SQLite (200 complaints, 5 clients, 3 s).
set -euo pipefail
BUILD_DIR=$(cd "$1" && pwd)
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SCRATCH=$(mktemp -d /tmp/ecotown-bench-outputs.XXXXXX)
trap 'rm -rf "$SCRATCH"' EXIT
tracked() { sha256sum "$REPO"/bench/RESULTS.md "$REPO"/bench/results/complaints.json "$REPO"/bench/results/complaints.md; }
before=$(tracked)
run() {
  "$REPO/bench/run_complaints_bench.sh" --backend sqlite --complaints 200 --clients 5 --seconds 3 --warmup 1 \
    --build-dir "$BUILD_DIR" --no-build --no-results-md "$@" > "$SCRATCH/log" 2>&1 ||
    { cat "$SCRATCH/log"; echo "FAIL: the bench did not run"; exit 1; }
}
fail() { echo "FAIL: $*"; cat "$SCRATCH/log"; exit 1; }

# Without --keep: the results stay under WORK/results, the rest of WORK is removed.
run --work "$SCRATCH/work"
[ "$(tracked)" = "$before" ] || fail "a tracked file changed"
[ -s "$SCRATCH/work/results/complaints.json" ] && [ -s "$SCRATCH/work/results/complaints.md" ] ||
  fail "no results under --work"
[ ! -e "$SCRATCH/work/eco" ] || fail "the scratch files were not removed"
grep -q '"sqlite"' "$SCRATCH/work/results/complaints.json" || fail "complaints.json has no sqlite run"

# --results-dir: there, and nothing tracked changes either.
run --work "$SCRATCH/work2" --results-dir "$SCRATCH/out"
[ "$(tracked)" = "$before" ] || fail "a tracked file changed"
[ -s "$SCRATCH/out/complaints.json" ] && [ -s "$SCRATCH/out/complaints.md" ] || fail "no results in --results-dir"
[ ! -e "$SCRATCH/work2" ] || fail "WORK was not removed"
echo "ok"
