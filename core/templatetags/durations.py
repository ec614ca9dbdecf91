"""Template filters for lengths of time a page states in words."""

from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def whole_minutes(value: timedelta | None) -> int | None:
    """Return the length in whole minutes, rounded up (a lock of 90 seconds is "2 minutes"),
    or None when there is none: for {% blocktranslate count %}."""
    if not isinstance(value, timedelta):
        return None
    return -(-int(value.total_seconds()) // 60)
