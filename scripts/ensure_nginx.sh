#!/usr/bin/env bash
# Make sure Debian's nginx (and PgBouncer, for the connection-pooling test and option) are
# installed: `make serve` and the serving tests need them. As root they are installed with
# apt-get; otherwise one line says which packages to install.
set -euo pipefail
missing=()
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
command -v pgbouncer >/dev/null || [[ -x /usr/sbin/pgbouncer ]] || missing+=(pgbouncer)
((${#missing[@]})) || exit 0
if [[ $(id -u) != 0 ]]; then
  echo "missing: ${missing[*]}; install the Debian packages (sudo apt-get install -y ${missing[*]})" >&2
  exit 1
fi
echo "installing Debian's ${missing[*]}..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 || {
  apt-get update -qq >/dev/null
  apt-get install -y -qq "${missing[@]}" >/dev/null
}
# The packages start their system services where an init system runs; the project uses its own.
for service in nginx pgbouncer; do
  if command -v service >/dev/null; then service "$service" stop >/dev/null 2>&1 || true; fi
done
for binary in nginx pgbouncer; do
  command -v $binary >/dev/null || [[ -x /usr/sbin/$binary ]] || { echo "$binary did not install" >&2; exit 1; }
done
