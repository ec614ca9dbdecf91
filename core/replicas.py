"""Reads on streaming replicas, writes on the primary, and a reader's own writes in sight.

With DATABASE_REPLICA_URLS set (config/settings/base.py), the web requests' reads go to a
replica and everything else stays on the primary ("default"):

- django-multidb-router's pinning does the read-your-writes part: a request that writes (any
  method but GET, HEAD, OPTIONS, TRACE) answers with a cookie that keeps that reader's reads on
  the primary for MULTIDB_PINNING_SECONDS, longer than the replicas lag behind when healthy.
  We chose it over a session flag because it needs no session read (the anonymous page cache
  answers before the session middleware), is maintained, and is a few dozen lines we would
  otherwise write ourselves. Its ReplicaRouter round-robins per query; ours picks one replica
  per request, so a page and the page cache's freshness check read the same server.
- Only web requests use replicas (ReplicaMiddleware marks them). The task worker, management
  commands and migrations read and write the primary: a mail task that runs right after a
  commit must see it.
- A replica that is down, or further behind than REPLICA_MAX_LAG_SECONDS, is skipped. Each
  process asks a replica at most every REPLICA_CHECK_SECONDS (pg_last_xact_replay_timestamp()
  against the WAL it has received). A replica that fails between two checks costs the
  request nothing either: a read-only request that failed on it is answered again from the
  primary, and that replica is left out until a later check finds it well.
"""

import logging
import random
import threading
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from multidb import PinningReplicaRouter
from multidb.middleware import READ_ONLY_METHODS, PinningRouterMiddleware
from multidb.pinning import pin_this_thread, this_thread_is_pinned

logger = logging.getLogger(__name__)

# Apps whose tables are read and written by the task worker: always on the primary.
PRIMARY_ONLY_APPS = frozenset({"django_tasks_db"})

_LAG_SQL = (
    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0"
    " WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0"
    " ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"
)

_request = threading.local()
# alias -> (monotonic time checked, usable)
_health: dict[str, tuple[float, bool]] = {}


def replica_aliases() -> list[str]:
    return list(getattr(settings, "REPLICA_DATABASES", ()))


def replica_lag(alias: str) -> float | None:
    """Return how many seconds the replica's replay is behind, or None when it does not
    answer (its connection is then closed, so the next use reconnects)."""
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(_LAG_SQL)
            return float(cursor.fetchone()[0])
    except DatabaseError as error:
        logger.warning("replica %s does not answer (%s)", alias, error)
        try:
            connections[alias].close()
        except DatabaseError:
            pass
        return None


def replica_usable(alias: str, *, force: bool = False) -> bool:
    """Return whether the replica answers and is no further behind than allowed; asked at
    most every REPLICA_CHECK_SECONDS per process unless forced."""
    now = time.monotonic()
    known = _health.get(alias)
    if not force and known is not None and now - known[0] < settings.REPLICA_CHECK_SECONDS:
        return known[1]
    lag = replica_lag(alias)
    usable = lag is not None and lag <= settings.REPLICA_MAX_LAG_SECONDS
    if lag is not None and not usable:
        logger.warning("replica %s is %.1f s behind: reads go elsewhere", alias, lag)
    _health[alias] = (now, usable)
    return usable


def choose_replica() -> str | None:
    """Return a usable replica for this request, at random among the usable ones, or None."""
    aliases = replica_aliases()
    random.shuffle(aliases)
    for alias in aliases:
        if replica_usable(alias):
            return alias
    return None


def request_replica() -> str | None:
    """Return the replica this web request reads from, or None (primary)."""
    return getattr(_request, "replica", None)


class ReplicaRouter(PinningReplicaRouter):
    """Reads: the request's replica, unless the reader is pinned to the primary (they wrote
    recently) or this is not a web request. Writes and migrations: the primary."""

    def db_for_read(self, model, **hints):
        if model._meta.app_label in PRIMARY_ONLY_APPS or this_thread_is_pinned():
            return DEFAULT_DB_ALIAS
        return request_replica() or DEFAULT_DB_ALIAS


class ReplicaMiddleware(PinningRouterMiddleware):
    """Pick the request's replica (multidb's middleware pins writers and sets their cookie);
    answer a read-only request again from the primary when its replica failed under it."""

    def __call__(self, request):
        self.process_request(request)
        _request.replica = None if this_thread_is_pinned() else choose_replica()
        try:
            response = self.get_response(request)
            replica = _request.replica
            if (
                replica is not None
                and response.status_code >= 500
                and request.method in READ_ONLY_METHODS
                and not replica_usable(replica, force=True)
            ):
                _request.replica = None
                pin_this_thread()
                response = self.get_response(request)
        finally:
            _request.replica = None
        return self.process_response(request, response)
