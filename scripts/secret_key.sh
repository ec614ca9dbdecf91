#!/usr/bin/env bash
# Print this checkout's secret key, making it (random, private, git-ignored) the first time.
set -euo pipefail
file="$(cd "$(dirname "$0")/.." && pwd)/.secret_key"
if [[ ! -s $file ]]; then
  umask 077
  python3 -c "import secrets; print(secrets.token_urlsafe(50))" > "$file"
fi
cat "$file"
