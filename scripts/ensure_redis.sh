#!/usr/bin/env bash
# Make sure redis-server is there for the Redis fault tests (tests/faults) and `make soak`.
# Those start their own throwaway redis-server on a free loopback port; without one, the Redis
# fault tests are skipped (loudly) and the soak runs with the local-memory cache.
set -euo pipefail
command -v redis-server >/dev/null && exit 0
if [[ $(id -u) != 0 ]]; then
  echo "redis-server is missing: the Redis fault tests will be skipped; install the Debian package 'redis-server' (sudo apt-get install -y redis-server)" >&2
  exit 0
fi
echo "installing Debian's redis-server for the Redis fault tests..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq redis-server >/dev/null
command -v redis-server >/dev/null || { echo "redis-server did not install" >&2; exit 1; }
