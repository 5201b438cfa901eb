#!/usr/bin/env bash
# run_bench.sh -- `make bench`: ecotown on the shared workload (../shared/bench/README.md), beside
# the peers measured in the same run.
#
# For each size: the shared peers (SQLite and PostgreSQL loaded the naive way, by the shared
# run_peers.sh), then ecotown on SQLite and on PostgreSQL:
#   1. CSV import: `ecotown import readings FILE` into a fresh database (wall time, rows/s, peak
#      RSS from /usr/bin/time -v, bytes on disk: SQLite file + WAL, or pg_database_size);
#   2. Q1-Q4 through `ecotown serve` on that database (bench_client: median of RUNS after one
#      warm-up, full request + response + JSON parse in the client);
#   3. HTTP batch ingest: a fresh database, `ecotown serve`, bench_client posting batches of
#      10,000 rows over several connections; then Q1-Q4 once more on that database.
# Every answer is compared with the peers' (bench/bench_report.py); a disagreement is printed
# loudly and recorded. Writes bench/results/latest.md and latest.json and updates the generated
# section of bench/RESULTS.md.
#
# Usage: bench/run_bench.sh [--sizes "S M"] [--runs 5] [--connections 8] [--backends "sqlite postgres"]
#                           [--peers "sqlite postgres"|none] [--work DIR] [--keep] [--build-dir DIR]
#                           [--no-build] [--no-results-md]
#   --work   scratch directory (default: a new one under /tmp, removed at the end unless --keep)
# Needs root for the PostgreSQL clusters (run as the 'postgres' user) and to install missing
# Debian packages (postgresql-15, sqlite3, python3-psycopg2, time).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED=${ECOTOWN_SHARED_BENCH:-$REPO/../shared/bench}
SIZES="S M"
RUNS=5
# Posters of 10,000-reading batches at once. Group commit stores the batches of one caller that
# wait together, so with 4 posters the server's two cores take turns (the 4 wait for one
# transaction, then all send at once): 8 keep both busy. bench/RESULTS.md has both figures.
CONNECTIONS=8
BACKENDS="sqlite postgres"
PEERS="sqlite postgres"
WORK=""
KEEP=0
BUILD_DIR=$REPO/build-bench
BUILD=1
RESULTS_MD=1
START=2025-01-01
T0=1735689600  # START as Unix seconds; gen_readings' and run_peers.sh's default
SEED=42
ORG=bench
PG_PORT=15433
COMMAND_LINE="bench/run_bench.sh $*"

while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) SIZES=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --backends) BACKENDS=$2; shift 2 ;;
    --peers) PEERS=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --build-dir) BUILD_DIR=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --no-results-md) RESULTS_MD=0; shift ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "run_bench.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done
[ "$PEERS" = none ] && PEERS=""
for s in $SIZES; do
  case "$s" in S|M) ;; *) echo "run_bench.sh: unknown size '$s' (S and/or M)" >&2; exit 2 ;; esac
done
for b in $BACKENDS; do
  case "$b" in sqlite|postgres) ;; *) echo "run_bench.sh: unknown backend '$b' (sqlite and/or postgres)" >&2; exit 2 ;; esac
done
for p in $PEERS; do
  case "$p" in sqlite|postgres|influx|pandas) ;; *) echo "run_bench.sh: unknown peer '$p'" >&2; exit 2 ;; esac
done
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "run_bench.sh: --runs must be a positive integer" >&2; exit 2; }
[[ "$CONNECTIONS" =~ ^[1-9][0-9]*$ ]] || { echo "run_bench.sh: --connections must be a positive integer" >&2; exit 2; }
[ -d "$SHARED" ] || { echo "run_bench.sh: shared workload not found at $SHARED (set ECOTOWN_SHARED_BENCH)" >&2; exit 1; }

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
T_ALL=$(date +%s)

size_dims() {  # sensors days
  case "$1" in
    S) echo "50 30" ;;
    M) echo "200 90" ;;
  esac
}

# ------------------------------------------------------------------ packages
ensure_packages
# ------------------------------------------------------------------ build
# RelWithDebInfo (-O2), the build `make` ships; the preset's Release (-O3) also trips a GCC 12
# false positive (-Wrestrict) that -Werror turns into a failure.
if [ "$BUILD" = 1 ]; then
  log "building ecotown and bench_client in $BUILD_DIR"
  cmake --preset bench -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$BUILD_DIR" -j "${JOBS:-2}" --target ecotown bench_client >/dev/null
fi
ECO=$BUILD_DIR/ecotown
CLIENT=$BUILD_DIR/bench/bench_client
[ -x "$ECO" ] && [ -x "$CLIENT" ] || { echo "run_bench.sh: $ECO or $CLIENT missing (build first)" >&2; exit 1; }

# ------------------------------------------------------------------ scratch dir + cleanup
if [ -z "$WORK" ]; then
  WORK=$(mktemp -d /tmp/ecotown-bench.XXXXXX)
elif [ -e "$WORK" ] && [ ! -e "$WORK/.ecotown-bench" ]; then
  echo "run_bench.sh: $WORK exists and was not made by run_bench.sh; choose another --work" >&2; exit 1
else
  rm -rf "$WORK"
  mkdir -p "$WORK"
fi
touch "$WORK/.ecotown-bench"
chmod 755 "$WORK"  # the postgres user reads the CSV files (server-side COPY of the peer) and owns the clusters
mkdir -p "$WORK/eco"
PG_DIR=$WORK/pg
SERVER_PID=""

cleanup() {
  stop_server
  stop_pg
  if [ "$KEEP" = 0 ]; then rm -rf "$WORK"; else log "scratch directory kept: $WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------ peers (and the data)
if [ -n "$PEERS" ]; then
  log "peers: $PEERS, sizes $SIZES (shared run_peers.sh)"
  cp -r "$SHARED" "$WORK/peers-src"
  chmod -R u+w "$WORK/peers-src"
  bash "$WORK/peers-src/run_peers.sh" --sizes "$SIZES" --peers "$PEERS" --runs "$RUNS" --work "$WORK/peers" \
    --keep --no-install
  DATA=$WORK/peers/data
else
  log "no peers: generating the data"
  DATA=$WORK/data
  mkdir -p "$DATA"
  g++ -O2 -std=c++17 -o "$WORK/gen_readings" "$SHARED/gen_readings.cpp"
  for s in $SIZES; do
    read -r n d < <(size_dims "$s")
    "$WORK/gen_readings" --sensors "$n" --days "$d" --start "$START" --seed "$SEED" > "$DATA/$s.csv"
  done
fi

# ------------------------------------------------------------------ ecotown's PostgreSQL cluster
case " $BACKENDS " in *" postgres "*) start_pg_cluster ;; esac

# ------------------------------------------------------------------ helpers
# setup_db URL SENSORS: migrations, the organisation and its sensors s0001..sNNNN.
setup_db() {
  local url=$1 n=$2 i
  local setup_log=$WORK/eco/setup.log
  fail_setup() { tail -n 20 "$setup_log" >&2; echo "run_bench.sh: setting up $url failed" >&2; exit 1; }
  "$ECO" migrate --db "$url" >>"$setup_log" 2>&1 || fail_setup
  "$ECO" org add --db "$url" --code "$ORG" --type town --name-th "เทศบาลเมืองทดสอบ" --name-en "Benchmark Town" \
    >>"$setup_log" 2>&1 || fail_setup
  for i in $(seq 1 "$n"); do
    "$ECO" sensor add --db "$url" --org "$ORG" --code "$(printf 's%04d' "$i")" --model other \
      --lat "$(awk -v i="$i" 'BEGIN { printf "%.4f", 13.5 + (i % 20) * 0.02 }')" \
      --lon "$(awk -v i="$i" 'BEGIN { printf "%.4f", 99.8 + int(i / 20) * 0.02 }')" --interval 60 \
      >>"$setup_log" 2>&1 || fail_setup
  done
}

# ------------------------------------------------------------------ ecotown
for s in $SIZES; do
  read -r n d < <(size_dims "$s")
  csv=$DATA/$s.csv
  [ -f "$csv" ] || { echo "run_bench.sh: $csv missing" >&2; exit 1; }
  sl=$(echo "$s" | tr 'SM' 'sm')
  for b in $BACKENDS; do
    out=$WORK/eco/$b-$s
    mkdir -p "$out"

    # 1. CSV import
    name=eco_${sl}_import
    url=$(fresh_db "$b" "$name")
    log "ecotown $b $s: setting up $n sensors"
    setup_db "$url" "$n"
    sync
    log "ecotown $b $s: CSV import"
    t=$(now_ns)
    if ! /usr/bin/time -v -o "$out/import.time" "$ECO" import readings "$csv" --org "$ORG" --no-progress --db "$url" \
        > "$out/import.out" 2>&1; then
      cat "$out/import.out" >&2
      echo "run_bench.sh: ecotown import failed ($b $s)" >&2
      exit 1
    fi
    echo $(( $(now_ns) - t )) > "$out/import.wall_ns"
    db_bytes "$b" "$name" > "$out/import.bytes"
    tail -n 12 "$out/import.out" | sed 's/^/    /'
    # Untimed, as after the PostgreSQL peer's load: the import's dirty pages go to disk now, not
    # while the queries are timed.
    if [ "$b" = postgres ]; then psql_admin "CHECKPOINT"; fi

    # 2. Q1-Q4 on the imported database
    token=$("$ECO" token create --db "$url" --org "$ORG" --name bench 2>/dev/null)
    start_server "$url" "$out/serve-import.log"
    log "ecotown $b $s: Q1-Q4 on the imported database (port $PORT)"
    "$CLIENT" query --port "$PORT" --token "$token" --org "$ORG" --t0 "$T0" --days "$d" --runs "$RUNS" \
      --answers "$out/answers-import.json" > "$out/query-import.json"
    grep -E 'VmHWM' "/proc/$SERVER_PID/status" | awk '{ print $2 }' > "$out/serve-import.vmhwm_kb" || true
    stop_server
    [ "$KEEP" = 1 ] || drop_db "$b" "$name"

    # 3. HTTP batch ingest into a fresh database, then the answers once more
    name=eco_${sl}_http
    url=$(fresh_db "$b" "$name")
    log "ecotown $b $s: setting up $n sensors (HTTP ingest)"
    setup_db "$url" "$n"
    token=$("$ECO" token create --db "$url" --org "$ORG" --name bench 2>/dev/null)
    start_server "$url" "$out/serve-http.log"
    log "ecotown $b $s: HTTP batch ingest, $CONNECTIONS connections (port $PORT)"
    "$CLIENT" post --port "$PORT" --token "$token" --csv "$csv" --connections "$CONNECTIONS" --batch 10000 \
      > "$out/post.json"
    cat "$out/post.json" | sed 's/^/    /'
    grep -E 'VmHWM' "/proc/$SERVER_PID/status" | awk '{ print $2 }' > "$out/serve-http.vmhwm_kb" || true
    "$CLIENT" query --port "$PORT" --token "$token" --org "$ORG" --t0 "$T0" --days "$d" --runs 1 \
      --answers "$out/answers-http.json" > "$out/query-http.json"
    stop_server
    db_bytes "$b" "$name" > "$out/http.bytes"
    [ "$KEEP" = 1 ] || drop_db "$b" "$name"
  done
done

# ------------------------------------------------------------------ report
log "report"
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD_DIR/CMakeCache.txt" 2>/dev/null || true)
revision=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
report_args=(--work "$WORK" --sizes "$SIZES" --backends "$BACKENDS" --runs "$RUNS" --connections "$CONNECTIONS"
             --command "$COMMAND_LINE" --md "$REPO/bench/results/latest.md" --json "$REPO/bench/results/latest.json"
             --wall-s "$(( $(date +%s) - T_ALL ))"
             --build "${build_type:-unknown} build of commit $revision plus the working tree's changes, $(g++ --version | head -1)")
[ "$RESULTS_MD" = 1 ] && report_args+=(--results-md "$REPO/bench/RESULTS.md")
mkdir -p "$REPO/bench/results"
status=0
/usr/bin/python3 "$REPO/bench/bench_report.py" "${report_args[@]}" || status=$?
log "done in $(( $(date +%s) - T_ALL )) s"
exit "$status"
