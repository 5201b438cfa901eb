#!/usr/bin/env bash
# run_registry_bench.sh -- `make bench-registry`: the factory side of ecotown at scale (issue 4):
# 100,000 factories and 500,000 inspection answers, on SQLite and on PostgreSQL.
#
# For each backend, on a fresh database:
#   1. `ecotown import factories` of FACTORIES rows in the shape of DIW's registry extract
#      (bench/gen_factories.py: real Prachinburi rows, made unique), timed;
#   2. inspections planned through the API, each answered with every item of the shipped
#      environment checklist through the offline sync endpoint (bench/registry_seed.py), until
#      ANSWERS answers exist; every fifth inspection also gets a finding and a corrective action;
#   3. `ecotown serve`, then bench_client latency over the list, filter and search requests of
#      the registry, inspections and actions screens (p50/p95/p99 over CONNECTIONS keep-alive
#      connections), and over the inspection PDF report.
# Targets (issue 4): list/filter/search p95 <= 20 ms on both backends; an inspection PDF <= 500 ms.
# Writes bench/results/registry.json and .md, and the generated section of bench/RESULTS.md.
#
# Usage: bench/run_registry_bench.sh [--factories 100000] [--answers 500000] [--rounds 20]
#                                    [--connections 4] [--backends "sqlite postgres"] [--work DIR]
#                                    [--keep] [--build-dir DIR] [--no-build] [--no-results-md]
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FACTORIES=100000
ANSWERS=500000
ROUNDS=20
CONNECTIONS=4
BACKENDS="sqlite postgres"
WORK=""
KEEP=0
BUILD_DIR=$REPO/build-bench
BUILD=1
RESULTS_MD=1
ORG=bench
PG_PORT=15434
COMMAND_LINE="bench/run_registry_bench.sh $*"

while [ $# -gt 0 ]; do
  case "$1" in
    --factories) FACTORIES=$2; shift 2 ;;
    --answers) ANSWERS=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --backends) BACKENDS=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --build-dir) BUILD_DIR=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --no-results-md) RESULTS_MD=0; shift ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "run_registry_bench.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done
for n in "$FACTORIES" "$ANSWERS" "$ROUNDS" "$CONNECTIONS"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "run_registry_bench.sh: counts must be positive integers" >&2; exit 2; }
done
for b in $BACKENDS; do
  case "$b" in sqlite|postgres) ;; *) echo "run_registry_bench.sh: unknown backend '$b'" >&2; exit 2 ;; esac
done

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
T_ALL=$(date +%s)
ensure_packages

if [ "$BUILD" = 1 ]; then
  log "building ecotown and bench_client in $BUILD_DIR"
  cmake --preset bench -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$BUILD_DIR" -j "${JOBS:-2}" --target ecotown bench_client >/dev/null
fi
ECO=$BUILD_DIR/ecotown
CLIENT=$BUILD_DIR/bench/bench_client
[ -x "$ECO" ] && [ -x "$CLIENT" ] || { echo "run_registry_bench.sh: $ECO or $CLIENT missing" >&2; exit 1; }

if [ -z "$WORK" ]; then
  WORK=$(mktemp -d /tmp/ecotown-registry-bench.XXXXXX)
elif [ -e "$WORK" ] && [ ! -e "$WORK/.ecotown-bench" ]; then
  echo "run_registry_bench.sh: $WORK exists and was not made by a bench script" >&2; exit 1
else
  rm -rf "$WORK"
  mkdir -p "$WORK"
fi
touch "$WORK/.ecotown-bench"
chmod 755 "$WORK"
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

case " $BACKENDS " in *" postgres "*) start_pg_cluster ;; esac

log "generating $FACTORIES factories"
python3 "$REPO/bench/gen_factories.py" "$FACTORIES" > "$WORK/factories.csv"

RESULTS=$WORK/results.json
echo '{}' > "$RESULTS"
# record BACKEND KEY JSON: sets results[BACKEND][KEY].
record() {
  python3 - "$RESULTS" "$1" "$2" "$3" <<'EOF'
import json, sys
path, backend, key, value = sys.argv[1:]
data = json.load(open(path))
data.setdefault(backend, {})[key] = json.loads(value)
json.dump(data, open(path, 'w'), indent=1)
EOF
}

for b in $BACKENDS; do
  name=eco_registry
  url=$(fresh_db "$b" "$name")
  setup_log=$WORK/eco/$b-setup.log
  log "$b: migrating and adding the organisation"
  "$ECO" migrate --db "$url" >>"$setup_log" 2>&1
  "$ECO" org add --db "$url" --code "$ORG" --type town --name-th "เทศบาลเมืองทดสอบ" --name-en "Benchmark Town" \
    --subdistrict 250214 >>"$setup_log" 2>&1
  printf 'bench-password-1\n' | "$ECO" user add --db "$url" --org "$ORG" --role inspector --username bench.inspector \
    --display-name "ผู้ตรวจทดสอบ" --password-stdin >>"$setup_log" 2>&1

  log "$b: importing $FACTORIES factories"
  t0=$(now_ns)
  "$ECO" import factories "$WORK/factories.csv" --org "$ORG" --db "$url" > "$WORK/eco/$b-import.log" 2>&1 ||
    { tail -n 20 "$WORK/eco/$b-import.log" >&2; exit 1; }
  t1=$(now_ns)
  import_s=$(python3 -c "print(round(($t1 - $t0) / 1e9, 2))")
  record "$b" import "{\"factories\": $FACTORIES, \"seconds\": $import_s, \"summary\": $(tail -n 5 "$WORK/eco/$b-import.log" | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))')}"
  log "$b: imported in ${import_s} s"

  start_server "$url" "$WORK/eco/$b-server.log"
  token=$("$ECO" token create --db "$url" --org "$ORG" --name bench 2>/dev/null)

  log "$b: planning inspections and syncing $ANSWERS answers"
  t0=$(now_ns)
  python3 "$REPO/bench/registry_seed.py" --port "$PORT" --username bench.inspector --password bench-password-1 \
    --answers "$ANSWERS" --out "$WORK/eco/$b-seed.json" > "$WORK/eco/$b-seed.log" 2>&1 ||
    { tail -n 20 "$WORK/eco/$b-seed.log" >&2; exit 1; }
  t1=$(now_ns)
  record "$b" seed "$(python3 -c "import json; d = json.load(open('$WORK/eco/$b-seed.json')); d['seconds'] = round(($t1 - $t0) / 1e9, 1); print(json.dumps(d))")"

  log "$b: latency of list, filter and search requests"
  python3 "$REPO/bench/registry_seed.py" --port "$PORT" --token "$token" --requests-only \
    --seed-file "$WORK/eco/$b-seed.json" --write-requests "$WORK/eco/$b-requests.tsv" --pdf-requests "$WORK/eco/$b-pdf.tsv"
  "$CLIENT" latency --port "$PORT" --token "$token" --requests "$WORK/eco/$b-requests.tsv" \
    --connections "$CONNECTIONS" --rounds "$ROUNDS" > "$WORK/eco/$b-latency.json"
  record "$b" latency "$(cat "$WORK/eco/$b-latency.json")"
  "$CLIENT" latency --port "$PORT" --token "$token" --requests "$WORK/eco/$b-pdf.tsv" --connections 1 --rounds 5 \
    > "$WORK/eco/$b-pdf.json"
  record "$b" pdf "$(cat "$WORK/eco/$b-pdf.json")"
  record "$b" disk_bytes "$(db_bytes "$b" "$name")"
  stop_server
done

mkdir -p "$REPO/bench/results"
python3 "$REPO/bench/registry_report.py" --results "$RESULTS" --command "$COMMAND_LINE" \
  --wall "$(( $(date +%s) - T_ALL ))" --json "$REPO/bench/results/registry.json" --md "$REPO/bench/results/registry.md" \
  $( [ "$RESULTS_MD" = 1 ] && echo --results-md "$REPO/bench/RESULTS.md" )
log "done: bench/results/registry.md"
