#!/usr/bin/env bash
# A throw-away PostgreSQL 15 server on 127.0.0.1, for tests and benchmarks.
#   scripts/scratch-postgres.sh start DIR   initialises DIR, starts the server on a free port,
#                                           creates database `kiln`, prints its postgres:// URL
#   scripts/scratch-postgres.sh stop DIR    stops the server and removes DIR
# initdb refuses to run as root, so as root the server runs as the `postgres` user (Debian's
# package creates it), or `nobody` when there is none. A whole cluster-mode e2e session keeps
# some eighty nodes running, each with its pool, hence the many connections allowed.
set -euo pipefail

bin="${KILN_POSTGRES_BIN:-/usr/lib/postgresql/15/bin}"
command="${1:?start or stop}"
dir="${2:?a directory}"

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    local user=postgres
    id postgres >/dev/null 2>&1 || user=nobody
    runuser -u "$user" -- "$@"
  else
    "$@"
  fi
}

case "$command" in
  start)
    [ -x "$bin/initdb" ] || { echo "no PostgreSQL 15 at $bin (install postgresql-15)" >&2; exit 3; }
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then
      user=postgres; id postgres >/dev/null 2>&1 || user=nobody
      chown "$user" "$dir"
    fi
    chmod 700 "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -A trust -U kiln -E UTF8 --locale=C >"$dir/initdb.log" 2>&1
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=1000 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null 2>&1 </dev/null
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U kiln kiln
    echo "$port" >"$dir/port"
    echo "postgres://kiln@127.0.0.1:$port/kiln"
    ;;
  stop)
    if [ -d "$dir/data" ]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
