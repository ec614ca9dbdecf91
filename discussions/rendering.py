"""Render discussion layouts with Jinja2: the comment list is the hot path of every page.

Measured on this machine, a Jinja2 loop over pre-rendered bodies renders 2,000 comments in
about a tenth of the time of the equivalent Django template loop; the page shell stays in
Django templates.
"""

import re
from datetime import datetime
from functools import lru_cache

import jinja2
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape as django_escape
from django.utils.translation import get_language, gettext, ngettext
from markupsafe import Markup, escape

# Stands for the request's CSRF token inside shared (cached) fragments.
CSRF_PLACEHOLDER = "__CSRF_TOKEN__"
_PRESSED = re.compile(r'data-vote="(\d+):(-?1)" aria-pressed="false"')
_OWN = re.compile(r"<!--own:(\d+)-->")
_COMMENT_OPEN = re.compile(r'<article class="comment" id="comment-(\d+)"')


# Phrase caches. Every value is escaped markup, safe in the thread template's unescaped loop.
# The language (and for exact times the time zone) is part of each key, so a cached phrase is
# never served in another language or zone.
_MINUTE_UNITS = (
    (525_600, "{n} year ago", "{n} years ago"),
    (43_200, "{n} month ago", "{n} months ago"),
    (1_440, "{n} day ago", "{n} days ago"),
    (60, "{n} hour ago", "{n} hours ago"),
    (1, "{n} minute ago", "{n} minutes ago"),
)


@lru_cache(maxsize=4096)
def _relative_phrase(minutes: int, language: str | None) -> Markup:
    """Return "N units ago" for an age in whole minutes (each unit is whole minutes, so the
    phrase depends on nothing finer)."""
    for size, singular, plural in _MINUTE_UNITS:
        if minutes >= size:
            n = minutes // size
            return escape(ngettext(singular, plural, n).format(n=n))
    return escape(gettext("just now"))


@lru_cache(maxsize=16_384)
def _exact_phrase(moment: datetime, zone) -> Markup:
    return escape(timezone.localtime(moment, zone).strftime("%Y-%m-%d %H:%M %Z"))


@lru_cache(maxsize=512)
def _more_replies_phrase(count: int, language: str | None) -> Markup:
    return escape(ngettext("%(num)d more reply", "%(num)d more replies", count) % {"num": count})


def iso_ms(moment: datetime) -> str:
    """Return the moment as ISO 8601 to the millisecond (the precision readers' clocks use)."""
    return moment.isoformat(timespec="milliseconds")


# Filters of the thread template, which hands them the render's clock, language and zone
# (a filter is a plain call in compiled Jinja2; a function call goes through context.call).
def _ago_filter(moment: datetime, now: datetime, language: str | None) -> Markup:
    return _relative_phrase(max(0, int((now - moment).total_seconds())) // 60, language)


def relative_time(moment: datetime, now: datetime) -> Markup:
    return _ago_filter(moment, now, get_language())


def _make_env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(settings.BASE_DIR / "templates")),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=settings.DEBUG,
    )
    env.install_gettext_callables(gettext, ngettext, newstyle=True)
    env.filters.update(
        iso_ms=iso_ms, ago=_ago_filter, when=_exact_phrase, more_replies=_more_replies_phrase
    )
    env.globals.update(csrf_placeholder=CSRF_PLACEHOLDER)
    return env


_env = None


def environment() -> jinja2.Environment:
    global _env
    if _env is None:
        _env = _make_env()
    return _env


def render_layout(layout, *, sort: str, return_path: str, focus_id=None) -> str:
    """Return the HTML of a laid-out discussion, shared by every reader (no per-user bits)."""
    template = environment().get_template("discussions/_thread.jinja")
    return template.render(
        steps=layout.steps,
        sort=sort,
        focus_id=focus_id,
        return_path=return_path,
        now=timezone.now(),
        language=get_language(),
        time_zone=timezone.get_current_timezone(),
        permalink_base=reverse("discussions:permalink", args=[0])[: -len("0/")],
        policy_url=reverse("discussions:policy"),
    )


def own_actions_html(comment_id: int, *, editable: bool) -> str:
    base = reverse("discussions:permalink", args=[comment_id])
    links = []
    if editable:
        links.append(
            f'<a class="edit-link" href="{base}edit/">{django_escape(gettext("Edit"))}</a>'
        )
    links.append(
        f'<a class="delete-link" href="{base}delete/">{django_escape(gettext("Delete"))}</a>'
    )
    return " ".join(links)


def personalize(
    html: str,
    *,
    csrf_token: str,
    own_votes: dict[int, int],
    own_comments: dict[int, bool],
    new_ids: frozenset = frozenset(),
) -> str:
    """Fill a shared fragment with the reader's CSRF token, press the reader's own votes, add
    edit/delete links to the reader's own comments (own_comments: id -> still editable) and
    mark the comments that are new since the reader's last visit."""
    html = html.replace(CSRF_PLACEHOLDER, csrf_token)
    if new_ids:

        def mark_new(match):
            if int(match.group(1)) in new_ids:
                return f'<article class="comment is-new" id="comment-{match.group(1)}"'
            return match.group(0)

        html = _COMMENT_OPEN.sub(mark_new, html)
    if own_comments:

        def own(match):
            pk = int(match.group(1))
            if pk in own_comments:
                return own_actions_html(pk, editable=own_comments[pk])
            return ""

        html = _OWN.sub(own, html)
    if own_votes:

        def press(match):
            if own_votes.get(int(match.group(1))) == int(match.group(2)):
                return match.group(0).replace('"false"', '"true"')
            return match.group(0)

        html = _PRESSED.sub(press, html)
    return html
