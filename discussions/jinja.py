"""The phrases of the thread's markup: ages, exact times, "N more replies".

The thread's markup is macros (templates/discussions/_thread.jinja, in the site's Jinja2
environment, core.jinja) that Python calls: each comment's own pieces when it is written, the
markup every comment shares once per language (discussions.markup). Comment bodies arrive as
Markup (sanitized at write time), everything else is escaped.
"""

from datetime import UTC, datetime
from functools import lru_cache

from django.utils import timezone
from django.utils.translation import gettext, ngettext
from markupsafe import Markup, escape

# Phrase caches. The language (and for exact times the time zone) is part of each key, so a
# cached phrase is never served in another language or zone.
_MINUTE_UNITS = (
    (525_600, "{n} year ago", "{n} years ago"),
    (43_200, "{n} month ago", "{n} months ago"),
    (1_440, "{n} day ago", "{n} days ago"),
    (60, "{n} hour ago", "{n} hours ago"),
    (1, "{n} minute ago", "{n} minutes ago"),
)


@lru_cache(maxsize=4096)
def _relative_phrase(minutes: int, language: str | None) -> Markup:
    """Return "N units ago" for an age in whole minutes."""
    for size, singular, plural in _MINUTE_UNITS:
        if minutes >= size:
            n = minutes // size
            return escape(ngettext(singular, plural, n).format(n=n))
    return escape(gettext("just now"))


@lru_cache(maxsize=16_384)
def _exact_phrase(minute: int, zone) -> Markup:
    moment = datetime.fromtimestamp(minute * 60, UTC)
    return escape(timezone.localtime(moment, zone).strftime("%Y-%m-%d %H:%M %Z"))


@lru_cache(maxsize=512)
def more_replies_phrase(count: int, language: str | None) -> Markup:
    return escape(ngettext("%(num)d more reply", "%(num)d more replies", count) % {"num": count})


# Phrases of epoch milliseconds (rows carry them so no timestamp is parsed per comment), for
# discussions.markup and discussions.pages.render_thread.
def iso_ms(ms: int) -> str:
    """Return the moment as ISO 8601 to the millisecond (the precision readers' clocks use)."""
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="milliseconds")


def ago(ms: int, now_ms: int, language: str | None) -> Markup:
    return _relative_phrase(max(0, now_ms - ms) // 60_000, language)


def when(ms: int, zone) -> Markup:
    return _exact_phrase(ms // 60_000, zone)
