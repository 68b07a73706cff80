#!/usr/bin/env bash
# A throwaway PostgreSQL server on 127.0.0.1 for the test suite.
#   bash scripts/postgres.sh start   - install (Debian's postgresql) if missing, start, print the URL
#   bash scripts/postgres.sh stop    - stop it and remove its data directory
# The server listens on loopback only, trusts local connections and lives under /tmp.
set -euo pipefail

PORT="${MONITOR_PG_PORT:-55432}"
DATA="${MONITOR_PG_DATA:-/tmp/news-monitor-pg-$PORT}"
RUN_AS=postgres

pg_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

install_if_missing() {
  if [ -z "$(pg_bin)" ]; then
    echo "postgres.sh: installing Debian's postgresql" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
  fi
  id "$RUN_AS" >/dev/null 2>&1 || useradd --system --no-create-home "$RUN_AS"
}

as_pg() {
  # PostgreSQL refuses to run as root.
  if [ "$(id -u)" -eq 0 ]; then
    su "$RUN_AS" -s /bin/sh -c "$*"
  else
    sh -c "$*"
  fi
}

start() {
  install_if_missing
  local bin
  bin="$(pg_bin)"
  if [ ! -s "$DATA/PG_VERSION" ]; then
    mkdir -p "$DATA"
    [ "$(id -u)" -eq 0 ] && chown "$RUN_AS" "$DATA"
    as_pg "'$bin/initdb' -D '$DATA' -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null"
  fi
  if ! as_pg "'$bin/pg_ctl' -D '$DATA' status" >/dev/null 2>&1; then
    as_pg "'$bin/pg_ctl' -D '$DATA' -w -t 60 -l '$DATA/server.log' \
      -o \"-h 127.0.0.1 -p $PORT -k '$DATA' -c fsync=off -c synchronous_commit=off -c full_page_writes=off\" start" >/dev/null
  fi
  echo "postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres"
}

stop() {
  local bin
  bin="$(pg_bin)"
  if [ -n "$bin" ] && [ -d "$DATA" ]; then
    as_pg "'$bin/pg_ctl' -D '$DATA' -m fast -w stop" >/dev/null 2>&1 || true
    rm -rf "$DATA"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: bash scripts/postgres.sh start|stop" >&2; exit 2 ;;
esac
