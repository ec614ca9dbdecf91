#!/usr/bin/env bash
# `make run`'s last step: gunicorn and the task worker that sends mail, side by side in the
# foreground (and nginx in front, when scripts/serve.sh sets CROSSTALK_NGINX_CONF). Ctrl-C stops
# them all; when one exits, the others are stopped too, and the script exits with the status of
# the one that stopped first. The environment (settings module, SECRET_KEY, PORT, …) comes from
# the Makefile.
set -uo pipefail

cd "$(dirname "$0")/.."
BIN=.venv/bin

# Mail queued while no worker ran, or whose task was lost, gets a task again (idempotent).
$BIN/python manage.py outbox_requeue || exit
# Tomorrow's notification digests (idempotent: one queued run at most).
$BIN/python manage.py schedule_digests || exit

# Metrics of every gunicorn worker, added up at /metrics (core/metrics.py); fresh each start.
export PROMETHEUS_MULTIPROC_DIR=${PROMETHEUS_MULTIPROC_DIR:-$PWD/.metrics}
rm -rf "$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"

$BIN/gunicorn -c gunicorn.conf.py config.wsgi &
web=$!
$BIN/python manage.py db_worker --queue-name default --no-reload &
worker=$!
pids=("$web" "$worker")
if [[ -n ${CROSSTALK_NGINX_CONF:-} ]]; then
  conf=$CROSSTALK_NGINX_CONF
  nginx -p "$(dirname "$conf")" -c "$conf" -e "$(dirname "$conf")/logs/nginx-error.log" &
  pids+=("$!")
fi

alive() {
  local pid
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then echo "$pid"; fi
  done
}

# Wait up to $1 seconds for both to be gone; return 1 if one is still there.
wait_gone() {
  local ticks=$(($1 * 10))
  while [[ -n $(alive) ]] && ((ticks-- > 0)); do sleep 0.1; done
  [[ -z $(alive) ]]
}

# Stop whatever still runs: TERM (both stop gracefully: gunicorn lets requests finish, the worker
# its current mail), then KILL after 15 s. $1: seconds to wait first, for processes that
# were sent the signal already (Ctrl-C reaches the whole foreground group, and a second
# signal would make the worker abandon the mail it is sending).
stop_all() {
  trap '' INT TERM HUP
  wait_gone "$1" && return
  kill -TERM $(alive) 2>/dev/null
  wait_gone 15 && return
  kill -KILL $(alive) 2>/dev/null
}

trap 'stop_all 5; wait; exit 130' INT
trap 'stop_all 2; wait; exit 143' TERM HUP

wait -n "${pids[@]}"
status=$?
if ! kill -0 "$web" 2>/dev/null; then
  echo "run: gunicorn stopped (status $status); stopping the rest" >&2
elif ! kill -0 "$worker" 2>/dev/null; then
  echo "run: the task worker stopped (status $status); stopping the rest" >&2
else
  echo "run: nginx stopped (status $status); stopping the rest" >&2
fi
stop_all 0
wait
exit "$status"
