"""Count attempts per key in Django's cache: the limits of the account forms that could
otherwise be used to probe addresses or send mail in bulk."""

import hashlib
import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)


def allow(scope: str, key: str, *, limit: int, window: int) -> bool:
    """Count one attempt for key in scope; return whether it is within limit per window
    seconds.

    The key is hashed (an address or IP never sits in the cache in clear). A failing cache
    allows: an outage of the cache must not lock every reader out of their account.
    """
    digest = hashlib.sha256(f"{scope}\0{key}".encode()).hexdigest()
    name = f"throttle:{scope}:{digest}"
    try:
        if cache.add(name, 1, window):
            return True
        try:
            count = cache.incr(name)
        except ValueError:  # expired between add and incr
            cache.set(name, 1, window)
            count = 1
    except Exception as exc:  # noqa: BLE001 - any cache failure means "not counted"
        logger.warning("cache unavailable for throttle %s (%s)", scope, exc.__class__.__name__)
        return True
    return count <= limit


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"
