# bench/lib.sh -- shell functions shared by the benchmark scripts (run_bench.sh, run_complaints_bench.sh,
# run_registry_bench.sh). Sourced; the caller sets WORK, PG_DIR, PG_PORT and ECO, and keeps
# SERVER_PID and PORT.
# shellcheck shell=bash

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

# ensure_packages: installs the Debian packages the benchmarks need (root only).
ensure_packages() {
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
    if [ "$(id -u)" != 0 ]; then echo "$(basename "$0"): missing packages (${need[*]}) and not root" >&2; exit 1; fi
    log "installing: ${need[*]}"
    # postgresql-15 would otherwise start a 'main' cluster as a service: forbid service starts.
    made_policy=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && made_policy=1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    # (an if, not `&&`: as the function's last command a false test would fail the caller's set -e)
    if [ "$made_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
  fi
}
PGBIN=/usr/lib/postgresql/15/bin

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


# The same settings as the PostgreSQL peer (bench_peers.py): unix socket only, shared_buffers 25 %
# of RAM, fsync on.
pg_url() { echo "postgresql:///$1?host=$PG_DIR/sock&port=$PG_PORT&user=postgres"; }
psql_admin() {
  PGOPTIONS="-c client_min_messages=warning" psql -X -q -A -t -h "$PG_DIR/sock" -p "$PG_PORT" -U postgres -d postgres -c "$1"
}
start_pg_cluster() {
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
  # PG_STAT_STATEMENTS=1: record what each statement costs (run_complaints_bench.sh writes the top
  # statements of each crowd run next to the server's log).
  if [ "${PG_STAT_STATEMENTS:-0}" = 1 ]; then
    echo "shared_preload_libraries = 'pg_stat_statements'" >> "$PG_DIR/data/postgresql.conf"
  fi
  as_pg "$PGBIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 120 start >/dev/null
}

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

# start_server URL LOG: starts `ecotown serve` on a free port; sets SERVER_PID and PORT.
start_server() {
  PORT=$(free_port)
  "$ECO" serve --db "$1" --listen "127.0.0.1:$PORT" > "$2" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 200); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null; then return 0; fi
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$2" >&2; echo "$(basename "$0"): server exited early" >&2; exit 1; }
    sleep 0.1
  done
  cat "$2" >&2
  echo "$(basename "$0"): server did not answer /healthz" >&2
  exit 1
}

now_ns() { date +%s%N; }


# make_work DIR SCRIPT_NAME: sets WORK to a fresh scratch directory (DIR, or a new one under /tmp
# when DIR is empty) marked as made by a bench script; refuses a DIR that a bench script did not make.
make_work() {
  WORK=$1
  if [ -z "$WORK" ]; then
    WORK=$(mktemp -d "/tmp/ecotown-$2.XXXXXX")
  elif [ -e "$WORK" ] && [ ! -e "$WORK/.ecotown-bench" ]; then
    echo "$2: $WORK exists and was not made by a bench script" >&2; exit 1
  else
    rm -rf "$WORK"
    mkdir -p "$WORK"
  fi
  touch "$WORK/.ecotown-bench"
  chmod 755 "$WORK"
  mkdir -p "$WORK/eco"
}

# record_json FILE BACKEND KEY JSON: sets FILE's [BACKEND][KEY] to the JSON value.
record_json() {
  python3 - "$1" "$2" "$3" "$4" <<'PY'
import json, sys
path, backend, key, value = sys.argv[1:]
data = json.load(open(path))
data.setdefault(backend, {})[key] = json.loads(value)
json.dump(data, open(path, 'w'), indent=1)
PY
}
