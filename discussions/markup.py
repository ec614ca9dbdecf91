"""Each comment's markup, rendered when it is written and stored with it (Comment.markup).

A discussion page is then a join of stored strings (discussions.pages.render_thread): the
read path renders no template per comment, formats no name and joins no author or quote.

A comment stores only what is its own, as pieces joined by HOLE (a control character no
stored text contains): STORED_PIECES, rendered by the thread template's macros (see
templates/discussions/_thread.jinja). The markup every comment shares — the article element,
the vote buttons, the links — is rendered once per language with holes (structure()), and
filled in when a page is put together with the comment's id, its stored pieces, and what a
stored comment cannot know: the focus class, the age, the vote counts, the page's sort.

Whatever a comment's markup shows is refreshed where it is written: Comment.save_base for a
saved comment, refresh() for rows changed in bulk (moderation, edits, an author's new name,
a source comment's new text, imports). `manage.py render_comments` renders them all again,
after the thread template's macros changed.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.db import connections, router, transaction
from django.template import engines
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from markupsafe import Markup, escape

from accounts.models import shows_profile
from articles.models import SourceComment
from discussions.jinja import iso_ms, when
from discussions.models import IN_DISCUSSION, Comment, author_name
from discussions.profiles import ProfilePaths

HOLE = "\x1f"
_HOLE = Markup(HOLE)  # noqa: S704 - a control character, no markup
# A comment's stored pieces, in order (what a removed, spam or deleted comment never shows —
# its author, its text — is stored empty).
STORED_PIECES = ("author", "time", "exact_time", "edited", "extras", "body", "fate")
AUTHOR, TIME, EXACT_TIME, EDITED, EXTRAS, BODY, FATE = range(len(STORED_PIECES))
# How much of a quoted source comment's translation a reply shows; the link leads to all of it.
QUOTE_LENGTH = 280
# The platforms a quote's badge names by their label (any other value is shown as stored).
_PLATFORMS = frozenset(SourceComment.Platform.values)
# What the markup is rendered from, read in one query by refresh().
FIELDS = (
    "id", "status", "body_html", "created_at", "edited_at", "hold_reason",
    "guest_name", "author__display_name", "author__username", "author__is_active",
    "status_rule__number", "status_rule__title", "source_comment_id",
    "source_comment__platform", "source_comment__text", "source_comment__article__slug",
)  # fmt: skip
# Fields of a comment whose change changes its markup (Comment.save_base).
RENDERED_FIELDS = frozenset(
    {"status", "body_html", "created_at", "edited_at", "hold_reason", "guest_name",
     "author", "status_rule", "source_comment"}
)  # fmt: skip
REFRESH_BATCH = 2_000


def stored_body(pieces: str) -> str:
    """Return the body (sanitized HTML) among a comment's stored pieces (Comment.markup)."""
    return pieces.split(HOLE, BODY + 1)[BODY]


def _clean(text: str) -> str:
    """Return the text without HOLE (no stored text may hold it: it separates the pieces)."""
    return text.replace(HOLE, "")


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _ms(moment) -> int:
    """Whole epoch milliseconds, cut as the rows' created_ms is (no float rounding)."""
    return (moment - _EPOCH) // timedelta(milliseconds=1)


@dataclass
class Quote:
    """The source comment a reader comment answers, as the thread shows it."""

    id: int
    platform: str
    html: Markup
    href: str


def _quote(pk, platform, text, article_slug) -> Quote | None:
    if pk is None:
        return None
    label = SourceComment.Platform(platform).label if platform in _PLATFORMS else platform
    short = Truncator(text or "").chars(QUOTE_LENGTH)
    path = reverse("articles:detail", args=[article_slug])
    return Quote(
        id=pk,
        platform=str(label),
        html=Markup("<br>").join(escape(line) for line in short.splitlines()),
        href=f"{path}#source-comment-{pk}",
    )


@dataclass
class _Paths:
    policy_url: str
    profiles: ProfilePaths


def _paths() -> _Paths:
    return _Paths(policy_url=reverse("discussions:policy"), profiles=ProfilePaths())


def permalink_base() -> str:
    """The permalinks' prefix, /comments/ (a comment's is the prefix, its id and "/")."""
    return reverse("discussions:permalink", args=[0])[: -len("0/")]


def _macros():
    return engines["jinja2"].get_template("discussions/_thread.jinja").template.module


def _render(values: dict, paths: _Paths, macros) -> str:
    """Return the stored markup of one comment from its FIELDS values."""
    username = values["author__username"] or ""
    zone = timezone.get_default_timezone()
    c = {
        "id": values["id"],
        "status": values["status"],
        "policy_url": paths.policy_url,
        "name": author_name(
            display_name=values["author__display_name"] or "",
            username=username,
            guest_name=values["guest_name"] or "",
        ),
        # The author's profile; none for a guest or an inactive account.
        "profile": paths.profiles(username)
        if shows_profile(username=username, is_active=values["author__is_active"])
        else "",
        "created_iso": iso_ms(_ms(values["created_at"])),
        "created_exact": str(when(_ms(values["created_at"]), zone)),
        "edited_exact": str(when(_ms(values["edited_at"]), zone)) if values["edited_at"] else "",
        "hold_reason": values["hold_reason"],
        "rule_number": values["status_rule__number"],
        "rule_title": values["status_rule__title"] or "",
        "html": Markup(values["body_html"]),  # noqa: S704 - sanitized at write time
        "quote": _quote(
            values["source_comment_id"],
            values["source_comment__platform"],
            values["source_comment__text"],
            values["source_comment__article__slug"],
        ),
    }
    status = values["status"]
    stands = status in IN_DISCUSSION  # as Comment.is_in_discussion asks
    pieces = {
        "author": str(macros.author(c)) if stands else "",
        "time": c["created_iso"],
        "exact_time": c["created_exact"],
        "edited": str(macros.edited(c)) if stands else "",
        "extras": str(macros.extras(c)) if stands else "",
        "body": str(c["html"]) if stands else "",
        "fate": str(macros.placeholder_label(c)) if status != Comment.Status.VISIBLE else "",
    }
    return HOLE.join(_clean(pieces[name]) for name in STORED_PIECES)


def _rendering():
    """The language, zone and URL prefix stored markup is rendered in: the site's own."""
    return translation.override(settings.LANGUAGE_CODE)


def for_comment(comment: Comment) -> str:
    """Return the stored markup of a comment about to be saved (no query when its author,
    source comment and rule are loaded, as when a service creates it)."""
    with _rendering():
        return _render(_values(comment), _paths(), _macros())


def render_values(values: dict) -> str:
    """Return the stored markup of a comment given as its FIELDS values."""
    with _rendering():
        return _render(values, _paths(), _macros())


def fill(comments) -> None:
    """Set the markup of comments about to be created in bulk (their authors loaded)."""
    with _rendering():
        paths, macros = _paths(), _macros()
        for comment in comments:
            comment.markup = _render(_values(comment), paths, macros)


def _values(comment: Comment) -> dict:
    """Return a comment's FIELDS values, read from the instance and what it has loaded."""
    author = comment.author if comment.author_id else None
    source = comment.source_comment if comment.source_comment_id else None
    rule = comment.status_rule if comment.status_rule_id else None
    slug = None
    if source is not None:
        same = source.article_id == comment.article_id
        slug = comment.article.slug if same else source.article.slug
    return {
        "id": comment.pk,
        "status": comment.status,
        "body_html": comment.body_html,
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
        "hold_reason": comment.hold_reason,
        "guest_name": comment.guest_name,
        "author__display_name": author.display_name if author else None,
        "author__username": author.username if author else None,
        "author__is_active": author.is_active if author else None,
        "status_rule__number": rule.number if rule else None,
        "status_rule__title": rule.title if rule else None,
        "source_comment_id": source.pk if source else None,
        "source_comment__platform": source.platform if source else None,
        "source_comment__text": source.text if source else None,
        "source_comment__article__slug": slug,
    }


def refresh(comments) -> int:
    """Render and store the markup of these comments (a queryset or ids) again; return how
    many. One read and one UPDATE per REFRESH_BATCH comments, in the caller's transaction."""
    if not hasattr(comments, "values_list"):
        comments = Comment.objects.filter(pk__in=list(comments))
    ids = list(comments.order_by().values_list("pk", flat=True))
    if not ids:
        return 0
    alias = router.db_for_write(Comment)
    table = Comment._meta.db_table
    with _rendering(), transaction.atomic(using=alias):
        paths, macros = _paths(), _macros()
        for start in range(0, len(ids), REFRESH_BATCH):
            batch = ids[start : start + REFRESH_BATCH]
            rows = Comment._base_manager.using(alias).filter(pk__in=batch).values(*FIELDS)
            rendered = [(row["id"], _render(row, paths, macros)) for row in rows]
            with connections[alias].cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} AS c SET markup = v.markup "  # noqa: S608 - our table name
                    "FROM unnest(%s::bigint[], %s::text[]) AS v(id, markup) WHERE c.id = v.id",
                    [[pk for pk, _m in rendered], [m for _pk, m in rendered]],
                )
    return len(ids)


def stale(comments) -> list[int]:
    """Return the ids of those of these comments (a queryset) whose stored markup is not what
    rendering them now gives: none, when every write refreshed what it changed."""
    found = []
    with _rendering():
        paths, macros = _paths(), _macros()
        for row in comments.order_by("pk").values(*FIELDS, "markup").iterator(chunk_size=2000):
            stored = row.pop("markup")
            if stored != _render(row, paths, macros):
                found.append(row["id"])
    return found


# The thread's structure ------------------------------------------------------------------


@dataclass(frozen=True)
class Structure:
    """The markup every comment shares, split at its holes, in one language."""

    comment: tuple
    placeholder: tuple
    focus: str
    item_open: str
    replies_open: tuple
    continues: tuple
    item_close: str
    replies_close: str
    more: tuple


@lru_cache(maxsize=16)
def structure(language: str | None, permalink_base: str) -> Structure:
    macros = _macros()
    hole = _HOLE
    base = escape(permalink_base)
    return Structure(
        comment=tuple(str(macros.comment(base, hole)).split(HOLE)),
        placeholder=tuple(str(macros.placeholder(hole)).split(HOLE)),
        focus=" is-focus",
        item_open=str(macros.item_open()),
        replies_open=tuple(str(macros.replies_open(hole)).split(HOLE)),
        continues=tuple(str(macros.continues(base, hole)).split(HOLE)),
        item_close=str(macros.item_close()),
        replies_close=str(macros.replies_close()),
        more=tuple(str(macros.more(base, hole)).split(HOLE)),
    )
