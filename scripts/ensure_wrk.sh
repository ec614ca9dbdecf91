#!/usr/bin/env bash
# `make bench` measures HTTP load with wrk (Debian package wrk). Without it, and without root to
# install it, the bench falls back to a slower Python client and says so in its figures.
set -euo pipefail
command -v wrk >/dev/null && exit 0
if [[ $(id -u) != 0 ]]; then
  echo "wrk is missing (sudo apt-get install -y wrk): HTTP figures will use the Python client" >&2
  exit 0
fi
echo "installing Debian's wrk for the HTTP figures..." >&2
export DEBIAN_FRONTEND=noninteractive
(apt-get install -y -qq wrk || { apt-get update -qq && apt-get install -y -qq wrk; }) >/dev/null 2>&1 \
  || echo "wrk did not install: HTTP figures will use the Python client" >&2
