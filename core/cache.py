"""Cache access that never takes the site down: a failing cache means serving uncached."""

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)


def cache_get(key: str):
    try:
        return cache.get(key)
    except Exception as exc:  # noqa: BLE001 - any cache failure means "not cached"
        logger.warning("cache unavailable on get (%s): serving uncached", exc.__class__.__name__)
        return None


def cache_set(key: str, value, timeout: int | None = None) -> None:
    try:
        if timeout is None:
            cache.set(key, value)
        else:
            cache.set(key, value, timeout)
    except Exception as exc:  # noqa: BLE001
        logger.warning("cache unavailable on set (%s): not cached", exc.__class__.__name__)
