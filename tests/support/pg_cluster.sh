#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests, on a unix socket only (no TCP).
#   pg_cluster.sh start DIR PORT   initdb (as the postgres user when run as root) and start
#   pg_cluster.sh stop DIR         stop and remove the cluster
# PostgreSQL refuses to run as root, so as root the cluster belongs to the postgres user.
set -euo pipefail
action=${1:?start|stop}
dir=${2:?directory}
port=${3:-54329}

bindir=/usr/lib/postgresql/15/bin
[[ -x $bindir/initdb ]] || bindir=$(dirname "$(command -v initdb)")

as_pg() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case $action in
  start)
    if [[ -f $dir/data/postmaster.pid ]]; then
      as_pg "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    [[ $(id -u) -eq 0 ]] && chown postgres:postgres "$dir"
    as_pg "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses='' -k $dir -p $port -c fsync=off -c max_connections=200 -c shared_buffers=128MB" \
      start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgresql:///postgres?host=$dir&port=$port&user=postgres"
    ;;
  stop)
    if [[ -d $dir/data ]]; then
      # Immediate: the cluster is deleted next, so its shutdown checkpoint would be wasted time.
      as_pg "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start|stop DIR [PORT]" >&2; exit 2 ;;
esac
