"""Write every discussion as crosstalk's JSON (CONTRACT.md) and read that JSON back in.

The export never carries an email or IP address. The import validates the whole document
before it writes anything, and names each comment "<slug>:<id>" as its external id, so a second
import of the same document adds nothing. A body is our own source format both ways: the import
renders it with render_comment, whatever it looks like, as the export wrote it.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_unicode_slug
from django.db import reset_queries, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Article
from core.text import has_control_characters, normalize_body
from discussions.importers.common import ImportFileError, ImportStats, break_loops, parse_iso
from discussions.models import Comment, ImportSource
from discussions.services import ImportedComment, comments_import

FORMAT = "crosstalk-discussions/1"
COMMAND = "import_json"
SOURCE = ImportSource.JSON.value
STATUSES = set(Comment.Status.values)

_ROW = (
    "id", "parent_id", "author_id", "author__display_name", "author__username", "guest_name",
    "created_at", "edited_at", "status", "body", "upvotes", "downvotes",
)  # fmt: skip


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def article_discussion(article: Article) -> dict:
    """Return one article's entry of the export, its comments in tree pre-order, siblings oldest
    first (each top-level comment roots its own tree, so the order is rebuilt here)."""
    rows = Comment.objects.filter(article=article).values_list(*_ROW)
    children: dict[int | None, list[tuple]] = {}
    for row in rows:
        children.setdefault(row[1], []).append(row)
    for siblings in children.values():
        siblings.sort(key=lambda r: (r[6], r[0]))
    comments = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        row = stack.pop()
        pk, parent, author_id, display, username, guest = row[:6]
        created, edited, status, body, up, down = row[6:]
        name = (display or username) if author_id else guest
        comments.append(
            {
                "id": str(pk),
                "parent": str(parent) if parent else None,
                "author": name or None,
                "created": _iso(created),
                "edited": _iso(edited),
                "status": status,
                "body": body,
                "upvotes": up,
                "downvotes": down,
            }
        )
        stack.extend(reversed(children.get(pk, [])))
    return {
        "slug": article.slug,
        "title": article.title,
        "url": article.get_absolute_url(),
        "comments": comments,
    }


def write_export(out, articles) -> None:
    """Write the export document to out, one article at a time."""
    encoding = (getattr(out, "encoding", None) or "utf-8").lower().replace("-", "")
    ascii_only = encoding != "utf8"
    out.write('{"format": ' + json.dumps(FORMAT) + ', "articles": [', ending="")
    for index, article in enumerate(articles):
        entry = json.dumps(article_discussion(article), ensure_ascii=ascii_only)
        out.write(("," if index else "") + "\n" + entry, ending="")
    out.write("\n]}")


# Import --------------------------------------------------------------------------------------


@dataclass
class _Entry:
    slug: str
    title: str
    comments: list[dict]


class _Invalid(Exception):
    pass


def read_document(path) -> list[_Entry]:
    """Return the validated articles of the JSON file at path, or raise ImportFileError."""
    try:
        with open(path, encoding="utf-8") as fh:
            document = json.load(fh)
    except FileNotFoundError:
        raise ImportFileError(COMMAND, path, _("no such file")) from None
    except json.JSONDecodeError as exc:
        raise ImportFileError(COMMAND, path, exc.msg, line=exc.lineno) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFileError(COMMAND, path, str(exc)) from None
    try:
        return _validate(document)
    except _Invalid as exc:
        raise ImportFileError(COMMAND, path, str(exc)) from None


def _require(condition: bool, where: str, problem: str) -> None:
    if not condition:
        raise _Invalid(f"{where}: {problem}")


def _storable(value) -> bool:
    """Return whether a string can be stored: JSON's \\u0000 and lone \\ud800-\\udfff escapes
    decode to characters PostgreSQL (and any UTF-8 output) cannot take."""
    return not isinstance(value, str) or not (
        "\x00" in value or any("\ud800" <= ch <= "\udfff" for ch in value)
    )


def _require_storable(value, where: str) -> None:
    _require(_storable(value), where, _("contains a NUL byte or an unpaired surrogate"))


def _validate(document) -> list[_Entry]:
    _require(isinstance(document, dict), "document", _("not a JSON object"))
    _require(
        document.get("format") == FORMAT,
        "format",
        _("expected {expected!r}, found {found!r}").format(
            expected=FORMAT, found=document.get("format")
        ),
    )
    articles = document.get("articles")
    _require(isinstance(articles, list), "articles", _("not a list"))
    entries = []
    for a, article in enumerate(articles):
        where = f"articles[{a}]"
        _require(isinstance(article, dict), where, _("not an object"))
        slug, title = article.get("slug"), article.get("title")
        _require(isinstance(slug, str) and slug != "", f"{where}.slug", _("not a string"))
        try:
            validate_unicode_slug(slug)
        except ValidationError:
            raise _Invalid(f"{where}.slug: " + _("not a valid slug")) from None
        _require(isinstance(title, str), f"{where}.title", _("not a string"))
        _require_storable(title, f"{where}.title")
        comments = article.get("comments")
        _require(isinstance(comments, list), f"{where}.comments", _("not a list"))
        for c, comment in enumerate(comments):
            _check_comment(comment, f"{where}.comments[{c}]")
        entries.append(_Entry(slug[:200], title, comments))
    return entries


def _check_comment(comment, where: str) -> None:
    _require(isinstance(comment, dict), where, _("not an object"))
    _require(isinstance(comment.get("id"), str) and comment["id"], f"{where}.id", _("not a string"))
    for key in ("parent", "author", "edited"):
        value = comment.get(key)
        _require(value is None or isinstance(value, str), f"{where}.{key}", _("not a string"))
    _require(isinstance(comment.get("body"), str), f"{where}.body", _("not a string"))
    for key in ("id", "parent", "author", "body", "created", "edited"):
        _require_storable(comment.get(key), f"{where}.{key}")
    for key in ("author", "body"):  # what readers see, held to what a form would take
        _require(
            not has_control_characters(comment.get(key) or ""),
            f"{where}.{key}",
            _("contains control characters"),
        )
    created = comment.get("created")
    _require(
        isinstance(created, str) and parse_iso(created) is not None,
        f"{where}.created",
        _("not an ISO-8601 date"),
    )
    edited = comment.get("edited")
    _require(edited is None or parse_iso(edited), f"{where}.edited", _("not an ISO-8601 date"))
    _require(comment.get("status") in STATUSES, f"{where}.status", _("not a known status"))
    for key in ("upvotes", "downvotes"):
        value = comment.get(key, 0)
        _require(
            isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**31,
            f"{where}.{key}",
            _("not a count"),
        )


def _external_id(slug: str, comment_id: str) -> str:
    value = f"{slug}:{comment_id}"
    return value if len(value) <= 200 else hashlib.sha256(value.encode()).hexdigest()


def import_document(entries: list[_Entry], *, dry_run: bool = False) -> ImportStats:
    """Import validated entries in one transaction; return what was done."""
    stats = ImportStats()
    with transaction.atomic():
        for entry in entries:
            article = (
                Article.objects.filter(slug=entry.slug).first()
                # An article an earlier import created, renamed since.
                or Article.objects.filter(import_source=SOURCE, external_id=entry.slug).first()
            )
            if article is None:
                article = Article.objects.create(
                    title=entry.title[:200] or entry.slug,
                    slug=entry.slug,
                    body="",
                    status=Article.Status.PUBLISHED,
                    published_at=timezone.now(),
                    import_source=SOURCE,
                    external_id=entry.slug,
                )
                stats.articles_created += 1
            else:
                stats.articles_matched += 1
            items = [_item(entry.slug, c) for c in entry.comments]
            if items:
                stats.loops += break_loops(items)
                outcome = comments_import(article=article, source=SOURCE, items=items)
                stats.add_outcome(outcome, items)
            reset_queries()  # with DEBUG on, Django would keep every INSERT's SQL
        if dry_run:
            transaction.set_rollback(True)
    return stats


def _item(slug: str, comment: dict) -> ImportedComment:
    parent = comment.get("parent")
    body = normalize_body(comment["body"])
    return ImportedComment(
        external_id=_external_id(slug, comment["id"]),
        parent_external_id=_external_id(slug, parent) if parent else None,
        body=body,
        created_at=parse_iso(comment["created"]),
        edited_at=parse_iso(comment.get("edited") or ""),
        status=comment["status"],
        guest_name=(comment.get("author") or "")[:100],
        upvotes=comment.get("upvotes", 0),
        downvotes=comment.get("downvotes", 0),
    )
