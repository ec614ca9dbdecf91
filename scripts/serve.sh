#!/usr/bin/env bash
# `make serve`'s last step: nginx on 127.0.0.1:$PORT in front of gunicorn on a Unix socket, and
# the task worker (scripts/run.sh runs and stops them together). The configuration is rendered
# from deploy/nginx.conf.template into .serve/ (pid, logs, temporary files and the microcache
# live there too); nothing outside the project is touched.
set -euo pipefail
cd "$(dirname "$0")/.."

run_dir=$PWD/.serve
# A Unix socket path may not exceed 107 bytes: fall back to a short folder for the socket.
socket=$run_dir/gunicorn.sock
if ((${#socket} > 100)); then
  socket_dir=${TMPDIR:-/tmp}/crosstalk-$(printf %s "$PWD" | md5sum | cut -c1-10)
  mkdir -p "$socket_dir"
  socket=$socket_dir/gunicorn.sock
fi
rm -f "$socket"
conf=$(.venv/bin/python -m deploy.nginx "$run_dir" --listen "127.0.0.1:${PORT:-8000}" --upstream "unix:$socket")
nginx -t -q -p "$run_dir" -c "$conf" -e "$run_dir/logs/nginx-error.log" \
  || { echo "serve: nginx refused its configuration ($conf)" >&2; exit 1; }

export GUNICORN_BIND="unix:$socket" CROSSTALK_NGINX_CONF="$conf" CROSSTALK_BEHIND_PROXY=1 \
  CROSSTALK_NGINX_ACCESS_LOG="$run_dir/logs/nginx-access.log" PROMETHEUS_MULTIPROC_DIR="$run_dir/metrics"
exec scripts/run.sh
