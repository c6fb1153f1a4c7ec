#!/usr/bin/env bash
# A throwaway PostgreSQL 15 for the tests: its own data directory and port on
# 127.0.0.1, never the system's `main` cluster.
#   scripts/pg.sh start   prints the URL to export as LINKHUB_TEST_PG
#   scripts/pg.sh stop
# As root, initdb and pg_ctl run as the `postgres` user (they refuse root).
set -euo pipefail
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
PGROOT=${LINKHUB_PG_ROOT:-/tmp/linkhub-pg}
PGPORT=${LINKHUB_PG_PORT:-55432}

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
      echo "pg.sh: no PostgreSQL server binaries under /usr/lib/postgresql (run scripts/setup.sh)" >&2
      exit 1
    fi
    if [ -f "$PGROOT/data/postmaster.pid" ]; then
      as_pg "$PGBIN/pg_ctl" -D "$PGROOT/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$PGROOT"
    if [ "$(id -u)" = 0 ]; then
      install -d -o postgres -g postgres -m 700 "$PGROOT"
    else
      install -d -m 700 "$PGROOT"
    fi
    as_pg "$PGBIN/initdb" -D "$PGROOT/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync \
      >"$PGROOT/initdb.log" 2>&1 || { cat "$PGROOT/initdb.log" >&2; exit 1; }
    # fsync=off: a test database need not survive a power cut.
    as_pg "$PGBIN/pg_ctl" -D "$PGROOT/data" -l "$PGROOT/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGROOT -c fsync=off -c max_connections=200" start >/dev/null \
      || { cat "$PGROOT/server.log" >&2; exit 1; }
    as_pg "$PGBIN/psql" -X -q -h 127.0.0.1 -p "$PGPORT" -U postgres -v ON_ERROR_STOP=1 \
      -c "create role linkhub login password 'linkhub' createdb" -c "create database linkhub owner linkhub" >/dev/null
    echo "postgresql://linkhub:linkhub@127.0.0.1:$PGPORT/linkhub"
    ;;
  stop)
    if [ -n "$PGBIN" ] && [ -f "$PGROOT/data/postmaster.pid" ]; then
      as_pg "$PGBIN/pg_ctl" -D "$PGROOT/data" -m fast -w stop >/dev/null
    fi
    ;;
  *)
    echo "usage: scripts/pg.sh start|stop" >&2
    exit 2
    ;;
esac
