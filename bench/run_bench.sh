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
# Usage: bench/run_bench.sh [--sizes "S M"] [--runs 5] [--connections 4] [--backends "sqlite postgres"]
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
CONNECTIONS=4
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

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
T_ALL=$(date +%s)

size_dims() {  # sensors days
  case "$1" in
    S) echo "50 30" ;;
    M) echo "200 90" ;;
  esac
}

# ------------------------------------------------------------------ packages
need=()
command -v g++ >/dev/null || need+=(g++)
command -v sqlite3 >/dev/null || need+=(sqlite3)
command -v curl >/dev/null || need+=(curl)
command -v runuser >/dev/null || need+=(util-linux)
[ -x /usr/bin/time ] || need+=(time)
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql-15)
command -v psql >/dev/null || need+=(postgresql-client-15)
/usr/bin/python3 -c 'import psycopg2' 2>/dev/null || need+=(python3-psycopg2)  # the PostgreSQL peer
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then echo "run_bench.sh: missing packages (${need[*]}) and not root" >&2; exit 1; fi
  log "installing: ${need[*]}"
  # postgresql-15 would otherwise start a 'main' cluster as a service: forbid service starts.
  made_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && made_policy=1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  [ "$made_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
fi
PGBIN=/usr/lib/postgresql/15/bin

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

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$SERVER_PID" 2>/dev/null && kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

stop_pg() {
  if [ -f "$PG_DIR/data/postmaster.pid" ]; then
    as_pg "$PGBIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
}

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
# The same settings as the PostgreSQL peer (bench_peers.py): unix socket only, shared_buffers 25 %
# of RAM, fsync on.
pg_url() { echo "postgresql:///$1?host=$PG_DIR/sock&port=$PG_PORT&user=postgres"; }
psql_admin() {
  PGOPTIONS="-c client_min_messages=warning" psql -X -q -A -t -h "$PG_DIR/sock" -p "$PG_PORT" -U postgres -d postgres -c "$1"
}
case " $BACKENDS " in *" postgres "*)
  log "starting ecotown's PostgreSQL cluster"
  mkdir -p "$PG_DIR/sock"
  [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$PG_DIR"
  as_pg "$PGBIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
  shared_mb=$(awk '/MemTotal/ { v = int($2 / 4 / 1024); print (v < 128 ? 128 : v) }' /proc/meminfo)
  cat >> "$PG_DIR/data/postgresql.conf" <<EOF
# ecotown bench: as the PostgreSQL peer
listen_addresses = ''
port = $PG_PORT
unix_socket_directories = '$PG_DIR/sock'
shared_buffers = '${shared_mb}MB'
work_mem = '64MB'
maintenance_work_mem = '512MB'
max_wal_size = '8GB'
checkpoint_timeout = '30min'
timezone = 'UTC'
EOF
  as_pg "$PGBIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 120 start >/dev/null
  ;;
esac

# ------------------------------------------------------------------ helpers
free_port() { /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# fresh_db BACKEND NAME: prints the URL of a new empty database.
fresh_db() {
  if [ "$1" = sqlite ]; then
    rm -f "$WORK/eco/$2.db" "$WORK/eco/$2.db-wal" "$WORK/eco/$2.db-shm"
    echo "sqlite:$WORK/eco/$2.db"
  else
    psql_admin "DROP DATABASE IF EXISTS $2" >/dev/null
    psql_admin "CREATE DATABASE $2" >/dev/null
    pg_url "$2"
  fi
}

# db_bytes BACKEND NAME: bytes on disk (SQLite: file + WAL, allocated blocks; PostgreSQL: pg_database_size).
db_bytes() {
  if [ "$1" = sqlite ]; then
    local total=0 f
    for f in "$WORK/eco/$2.db" "$WORK/eco/$2.db-wal"; do
      [ -e "$f" ] && total=$(( total + $(stat -c '%b * %B' "$f") ))
    done
    echo "$total"
  else
    psql_admin "SELECT pg_database_size('$2')"
  fi
}

drop_db() {
  if [ "$1" = sqlite ]; then rm -f "$WORK/eco/$2.db" "$WORK/eco/$2.db-wal" "$WORK/eco/$2.db-shm"
  else psql_admin "DROP DATABASE IF EXISTS $2" >/dev/null; fi
}

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

# start_server URL LOG: starts `ecotown serve` on a free port; sets SERVER_PID and PORT.
start_server() {
  PORT=$(free_port)
  "$ECO" serve --db "$1" --listen "127.0.0.1:$PORT" > "$2" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 200); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null; then return 0; fi
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$2" >&2; echo "run_bench.sh: server exited early" >&2; exit 1; }
    sleep 0.1
  done
  cat "$2" >&2
  echo "run_bench.sh: server did not answer /healthz" >&2
  exit 1
}

now_ns() { date +%s%N; }

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
