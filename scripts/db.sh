#!/usr/bin/env bash
# Run the project-local PostgreSQL cluster in .postgres/ (Unix socket only, no TCP port).
#   scripts/db.sh start   create the cluster and the database when missing, start the server
#   scripts/db.sh stop    stop the server if it runs
# Does nothing when DATABASE_URL is set: that database is used as it is.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
LINK="$ROOT/.postgres"
DBNAME=${CROSSTALK_DB_NAME:-crosstalk}

die() { echo "db: $*" >&2; exit 1; }

find_bindir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [[ -x $d/initdb && -x $d/pg_ctl ]] && { echo "$d"; return 0; }
  done
  if command -v pg_ctl >/dev/null && command -v initdb >/dev/null; then
    dirname "$(command -v pg_ctl)"; return 0
  fi
  return 1
}

as_owner() {
  if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Choose where the cluster lives: .postgres/ itself, or (when the postgres user cannot enter the
# checkout, or the socket path would pass the 107-byte limit) a short folder under the temp dir
# that .postgres links to.
prepare_dir() {
  if [[ -e $LINK || -L $LINK ]]; then
    DIR=$(readlink -f "$LINK")
    mkdir -p "$DIR"
  else
    local sock="$LINK/run/.s.PGSQL.5432" ok=1
    (( ${#sock} <= 100 )) || ok=0
    if [[ $(id -u) == 0 ]] && ! runuser -u postgres -- test -x "$ROOT" 2>/dev/null; then ok=0; fi
    if (( ok )); then
      DIR=$LINK
      mkdir -p "$DIR"
    else
      DIR="${TMPDIR:-/tmp}/crosstalk-pg-$(printf '%s' "$ROOT" | md5sum | cut -c1-10)"
      mkdir -p "$DIR"
      ln -sfn "$DIR" "$LINK"
    fi
  fi
  mkdir -p "$DIR/run"
  if [[ $(id -u) == 0 ]]; then
    id postgres >/dev/null 2>&1 || die "the OS user 'postgres' is missing; install the Debian package 'postgresql'"
    chown -R postgres:postgres "$DIR"
    chmod 700 "$DIR"
  fi
}

start() {
  [[ -n ${DATABASE_URL:-} ]] && return 0
  local bindir
  bindir=$(find_bindir) || die "PostgreSQL server binaries not found: install the Debian package 'postgresql' (apt-get install -y postgresql)"
  prepare_dir
  if [[ ! -f $DIR/data/PG_VERSION ]]; then
    rm -rf "$DIR/data"
    as_owner "$bindir/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 \
      || die "initdb failed; see $DIR/initdb.log"
  fi
  if ! as_owner "$bindir/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
    as_owner "$bindir/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
      -o "-k $DIR/run -c listen_addresses='' -c max_connections=300 -c shared_buffers=256MB -c synchronous_commit=off" \
      start >/dev/null || die "PostgreSQL did not start; see $DIR/server.log"
  fi
  local psql="$bindir/psql"
  [[ -x $psql ]] || psql=psql
  if [[ -z $("$psql" -h "$DIR/run" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DBNAME'") ]]; then
    "$psql" -h "$DIR/run" -U postgres -d postgres -qc "CREATE DATABASE \"$DBNAME\"" >/dev/null
  fi
}

stop() {
  [[ -e $LINK ]] || return 0
  DIR=$(readlink -f "$LINK")
  [[ -f $DIR/data/PG_VERSION ]] || return 0
  local bindir
  bindir=$(find_bindir) || return 0
  if as_owner "$bindir/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
    as_owner "$bindir/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null
    echo "db: stopped"
  fi
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  *) die "usage: scripts/db.sh start|stop" ;;
esac
