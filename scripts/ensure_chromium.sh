#!/usr/bin/env bash
# Make sure Debian's chromium is there for the browser tests (Playwright cannot download one),
# with a font that has Hangul and Han characters, so screenshots of the source text are legible.
set -euo pipefail
missing=()
[[ -x /usr/lib/chromium/chromium ]] || missing+=(chromium)
[[ -e /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ]] || missing+=(fonts-wqy-zenhei)
((${#missing[@]} == 0)) && exit 0
if [[ $(id -u) != 0 ]]; then
  echo "missing Debian packages for the browser tests: ${missing[*]} (sudo apt-get install -y ${missing[*]})" >&2
  exit 1
fi
echo "installing Debian's ${missing[*]} for the browser tests..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq "${missing[@]}" >/dev/null
[[ -x /usr/lib/chromium/chromium ]] || { echo "chromium did not install" >&2; exit 1; }
