#!/usr/bin/env bash
# Install the Node tools of package.json (vnu-jar, lighthouse) into node_modules/ when they are
# missing or older than package-lock.json. The test suite's HTML check and `make audit` use them.
# Install scripts are skipped: vnu-jar's would download a Java runtime; the machine's Java 17 runs
# vnu.jar, and lighthouse has none.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v java >/dev/null; then
  echo "java is missing: install a Java 17 runtime for the Nu Html Checker (apt-get install -y openjdk-17-jre-headless)" >&2
  exit 1
fi

marker=node_modules/.package-lock.json  # npm writes it on every install
if [[ -f $marker && ! package-lock.json -nt $marker && -f node_modules/vnu-jar/build/dist/vnu.jar ]]; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  echo "npm is missing: install Node.js 18.16+ with npm (apt-get install -y nodejs npm) for vnu-jar and lighthouse" >&2
  exit 1
fi
echo "installing the Node tools (vnu-jar, lighthouse) with npm ci..." >&2
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >&2
touch "$marker"
