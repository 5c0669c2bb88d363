#!/usr/bin/env bash
# A throw-away PostgreSQL cluster on 127.0.0.1 for tests and benchmarks.
#   .ci/pg.sh start DIR [PORT]   installs Debian's postgresql if missing, initdb, starts;
#                                prints the DATABASE_URL on stdout; creates the
#                                application role yaoan_app beside the owner yaoan
#   .ci/pg.sh stop DIR
set -euo pipefail
action=${1:?start|stop}
dir=$(realpath -m "${2:?cluster directory}")
port=${3:-55432}

pg_bin() {
  local d
  # the client package alone creates bin/ without a server: look for initdb
  d=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n1 || true)
  [ -n "$d" ] && dirname "$d"
  return 0
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$action" in
start)
  if [ -z "$(pg_bin)" ]; then
    echo "installing postgresql (Debian package)…" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  fi
  bin=$(pg_bin)
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
  if [ ! -f "$dir/PG_VERSION" ]; then
    as_postgres "$bin/initdb" -D "$dir" -U yaoan --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  as_postgres "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w \
    -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >&2
  as_postgres "$bin/psql" -h 127.0.0.1 -p "$port" -U yaoan -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname='yaoan'" | grep -q 1 || \
    as_postgres "$bin/createdb" -h 127.0.0.1 -p "$port" -U yaoan yaoan
  # the application's own role (S15): no UPDATE, DELETE or TRUNCATE on the audit table;
  # run the suite with YAOAN_DB_APP_ROLE=yaoan_app and migrations grant it the rest
  as_postgres "$bin/psql" -h 127.0.0.1 -p "$port" -U yaoan -d postgres -tAc \
    "SELECT 1 FROM pg_roles WHERE rolname='yaoan_app'" | grep -q 1 || \
    as_postgres "$bin/psql" -h 127.0.0.1 -p "$port" -U yaoan -d postgres -qc \
      "CREATE ROLE yaoan_app LOGIN" >&2
  echo "postgres://yaoan@127.0.0.1:$port/yaoan"
  ;;
stop)
  bin=$(pg_bin)
  [ -n "$bin" ] && [ -f "$dir/postmaster.pid" ] && as_postgres "$bin/pg_ctl" -D "$dir" -m fast -w stop >&2 || true
  ;;
*) echo "usage: $0 start|stop DIR [PORT]" >&2; exit 2 ;;
esac
