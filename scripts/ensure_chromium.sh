#!/usr/bin/env bash
# Make sure Debian's chromium is there for the browser tests (Playwright cannot download one).
set -euo pipefail
[[ -x /usr/lib/chromium/chromium ]] && exit 0
if [[ $(id -u) != 0 ]]; then
  echo "chromium is missing: install the Debian package 'chromium' (sudo apt-get install -y chromium)" >&2
  exit 1
fi
echo "installing Debian's chromium for the browser tests..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq chromium >/dev/null
[[ -x /usr/lib/chromium/chromium ]] || { echo "chromium did not install" >&2; exit 1; }
