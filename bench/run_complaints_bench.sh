#!/usr/bin/env bash
# run_complaints_bench.sh -- `make bench-complaints`: the public complaint pages under a crowd
# (issue 5, item 8): with COMPLAINTS complaints in the four pilot LAOs, CLIENTS residents poll
# their tracking page and the LAO's Open311 requests.json about once a second each, while one
# more client files complaints through the public form.
#
# For each backend, on a fresh database:
#   1. `ecotown migrate`, the four pilot LAOs with `ecotown org add`;
#   2. bench/complaints_seed.py writes the complaints and their history (direct SQL, see there);
#   3. `ecotown serve` with bench/complaints_bench.toml (trust_proxy: each client is limited on
#      its own address, as behind nginx), then bench/crowd_client for SECONDS seconds.
# Targets (issue 5 item 8): tracking page and requests.json p95 <= 20 ms; filing p95 <= 50 ms.
# Writes bench/results/complaints.json and .md, and the generated section of bench/RESULTS.md;
# with --no-results-md it leaves every tracked file alone and writes complaints.json and .md to
# --results-dir DIR, by default WORK/results (kept when the rest of WORK is removed).
# The load, the machine's load average before and at the end of the run (the crowd itself counts
# in the latter) and the server's CPU time are recorded.
#
# PG_STAT_STATEMENTS=1 in the environment records PostgreSQL's per-statement costs of each crowd
# run in WORK/eco/postgres-statements.txt (with --keep to read them).
#
# Usage: bench/run_complaints_bench.sh [--backend sqlite|postgres|both] [--complaints 200000]
#          [--clients 1000] [--seconds 60] [--warmup 10] [--filings-per-second 2] [--work DIR]
#          [--accept-encoding gzip|none] [--keep] [--build-dir DIR] [--no-build] [--no-results-md]
#          [--results-dir DIR]
# The crowd's GETs send Accept-Encoding: gzip (as browsers and phone apps do) unless
# --accept-encoding none.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
COMPLAINTS=200000
CLIENTS=1000
SECONDS_RUN=60
WARMUP=10
FILINGS=2
ACCEPT_ENCODING=gzip
BACKENDS="sqlite postgres"
WORK=""
KEEP=0
BUILD_DIR=$REPO/build-bench
BUILD=1
RESULTS_MD=1
RESULTS_DIR=""
PG_PORT=15435
ORGS=banpong,boekphrai,krapyai,phatong
COMMAND_LINE="bench/run_complaints_bench.sh $*"

while [ $# -gt 0 ]; do
  case "$1" in
    --backend)
      case "$2" in both) BACKENDS="sqlite postgres" ;; sqlite|postgres) BACKENDS=$2 ;;
        *) echo "run_complaints_bench.sh: --backend is sqlite, postgres or both" >&2; exit 2 ;; esac
      shift 2 ;;
    --complaints) COMPLAINTS=$2; shift 2 ;;
    --clients) CLIENTS=$2; shift 2 ;;
    --seconds) SECONDS_RUN=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --filings-per-second) FILINGS=$2; shift 2 ;;
    --accept-encoding) ACCEPT_ENCODING=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --build-dir) BUILD_DIR=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --no-results-md) RESULTS_MD=0; shift ;;
    --results-dir) RESULTS_DIR=$2; shift 2 ;;
    -h|--help) sed -n '2,27p' "$0"; exit 0 ;;
    *) echo "run_complaints_bench.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done
for n in "$COMPLAINTS" "$CLIENTS" "$SECONDS_RUN" "$WARMUP"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "run_complaints_bench.sh: counts must be positive integers" >&2; exit 2; }
done
[ "$SECONDS_RUN" -gt "$WARMUP" ] || { echo "run_complaints_bench.sh: --seconds must exceed --warmup" >&2; exit 2; }

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
T_ALL=$(date +%s)
ensure_packages

if [ "$BUILD" = 1 ]; then
  log "building ecotown and crowd_client in $BUILD_DIR"
  cmake --preset bench -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$BUILD_DIR" -j "${JOBS:-2}" --target ecotown crowd_client >/dev/null
fi
ECO=$BUILD_DIR/ecotown
CLIENT=$BUILD_DIR/bench/crowd_client
[ -x "$ECO" ] && [ -x "$CLIENT" ] || { echo "run_complaints_bench.sh: $ECO or $CLIENT missing" >&2; exit 1; }

make_work "$WORK" complaints-bench
PG_DIR=$WORK/pg
SERVER_PID=""
# Where complaints.json and .md go: the tracked bench/results, or with --no-results-md only what
# the caller names (WORK/results unless --results-dir).
if [ "$RESULTS_MD" = 1 ]; then
  OUT_DIR=${RESULTS_DIR:-$REPO/bench/results}
else
  OUT_DIR=${RESULTS_DIR:-$WORK/results}
fi
mkdir -p "$OUT_DIR"
cleanup() {
  stop_server
  stop_pg
  if [ "$KEEP" = 1 ]; then
    log "scratch directory kept: $WORK"
  elif [ "$OUT_DIR" = "$WORK/results" ]; then
    find "$WORK" -mindepth 1 -maxdepth 1 ! -name results ! -name .ecotown-bench -exec rm -rf {} +
    log "results kept in $OUT_DIR"
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

case " $BACKENDS " in *" postgres "*) start_pg_cluster ;; esac

RESULTS=$WORK/results.json
echo '{}' > "$RESULTS"
record() { record_json "$RESULTS" "$@"; }
# cpu_seconds PID: user + system CPU time of a process so far.
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }

for b in $BACKENDS; do
  name=eco_complaints
  url=$(fresh_db "$b" "$name")
  setup_log=$WORK/eco/$b-setup.log
  log "$b: migrating and adding the four pilot LAOs"
  "$ECO" migrate --db "$url" >>"$setup_log" 2>&1
  "$ECO" org add --db "$url" --code banpong --type town --name-th "เทศบาลเมืองบ้านโป่ง" \
    --name-en "Ban Pong Town Municipality" --subdistrict 700501 >>"$setup_log" 2>&1
  "$ECO" org add --db "$url" --code boekphrai --type subdistrict-municipality --name-th "เทศบาลตำบลเบิกไพร" \
    --name-en "Boek Phrai Subdistrict Municipality" --subdistrict 700514 >>"$setup_log" 2>&1
  "$ECO" org add --db "$url" --code krapyai --type subdistrict-municipality --name-th "เทศบาลตำบลกรับใหญ่" \
    --name-en "Krap Yai Subdistrict Municipality" --subdistrict 700503 >>"$setup_log" 2>&1
  "$ECO" org add --db "$url" --code phatong --type subdistrict-municipality --name-th "เทศบาลตำบลพะตง" \
    --name-en "Phatong Subdistrict Municipality" --subdistrict 901118 >>"$setup_log" 2>&1

  log "$b: seeding $COMPLAINTS complaints"
  /usr/bin/python3 "$REPO/bench/complaints_seed.py" --db "$url" --orgs "$ORGS" --complaints "$COMPLAINTS" \
    --trackings "$WORK/eco/trackings.tsv" --points "$WORK/eco/points.tsv" > "$WORK/eco/$b-seed.json" ||
    { echo "run_complaints_bench.sh: seeding failed" >&2; exit 1; }
  record "$b" seed "$(cat "$WORK/eco/$b-seed.json")"
  log "$b: seeded: $(cat "$WORK/eco/$b-seed.json")"

  ECOTOWN_CONFIG=$REPO/bench/complaints_bench.toml start_server "$url" "$WORK/eco/$b-server.log"
  if [ "$b" = postgres ] && [ "${PG_STAT_STATEMENTS:-0}" = 1 ]; then
    psql_admin "CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset()" >/dev/null
  fi
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  cpu_before=$(cpu_seconds "$SERVER_PID")
  log "$b: $CLIENTS clients for $SECONDS_RUN s (warm-up $WARMUP s), $FILINGS filings a second (load before: $load_before)"
  status=0
  "$CLIENT" --port "$PORT" --trackings "$WORK/eco/trackings.tsv" --points "$WORK/eco/points.tsv" \
    --clients "$CLIENTS" --seconds "$SECONDS_RUN" --warmup "$WARMUP" --filings-per-second "$FILINGS" \
    --accept-encoding "$ACCEPT_ENCODING" \
    > "$WORK/eco/$b-crowd.json" 2> "$WORK/eco/$b-crowd.err" || status=$?
  [ "$status" -le 1 ] || { cat "$WORK/eco/$b-crowd.err" >&2; exit 1; }
  [ "$status" = 0 ] || { log "$b: the crowd saw errors:"; head -n 5 "$WORK/eco/$b-crowd.err" >&2; }
  cpu_after=$(cpu_seconds "$SERVER_PID")
  if [ "$b" = postgres ] && [ "${PG_STAT_STATEMENTS:-0}" = 1 ]; then
    psql_admin "SELECT calls, round(total_exec_time::numeric, 1) AS total_ms, round(mean_exec_time::numeric, 3) AS mean_ms,
                rows, left(regexp_replace(query, '\s+', ' ', 'g'), 160) FROM pg_stat_statements
                ORDER BY total_exec_time DESC LIMIT 30" > "$WORK/eco/$b-statements.txt"
  fi
  load_after=$(cut -d' ' -f1-3 /proc/loadavg)
  record "$b" crowd "$(cat "$WORK/eco/$b-crowd.json")"
  record "$b" machine "{\"load_before\": \"$load_before\", \"load_after\": \"$load_after\", \"server_cpu_seconds\": $(python3 -c "print(round($cpu_after - $cpu_before, 1))"), \"cores\": $(nproc)}"
  record "$b" disk_bytes "$(db_bytes "$b" "$name")"
  stop_server
done

python3 "$REPO/bench/complaints_report.py" --results "$RESULTS" --command "$COMMAND_LINE" \
  --wall "$(( $(date +%s) - T_ALL ))" --json "$OUT_DIR/complaints.json" \
  --md "$OUT_DIR/complaints.md" $( [ "$RESULTS_MD" = 1 ] && echo --results-md "$REPO/bench/RESULTS.md" )
log "done: $OUT_DIR/complaints.md"
