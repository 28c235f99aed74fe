#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL server for tests: scripts/pg-test-server.sh start|stop
# Env: PGPORT (default 54329), PGTEST_DIR (default /tmp/pg-test-$PGPORT). Prints DATABASE_URL on start.
set -euo pipefail
cmd=${1:-start}
PORT=${PGPORT:-54329}
DIR=$(realpath -m "${PGTEST_DIR:-/tmp/pg-test-$PORT}")
if ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
  echo "PostgreSQL is not installed (apt-get install postgresql)" >&2
  exit 1
fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | head -1)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "$cmd" in
  start)
    if [ ! -s "$DIR/PG_VERSION" ]; then
      mkdir -p "$DIR"
      if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$DIR"; chmod 700 "$DIR"; fi
      as_pg "$PGBIN/initdb" -D "$DIR" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    as_pg "$PGBIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null
    echo "postgres://postgres@127.0.0.1:$PORT/postgres"
    ;;
  stop)
    as_pg "$PGBIN/pg_ctl" -D "$DIR" -m fast -w stop >/dev/null
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
