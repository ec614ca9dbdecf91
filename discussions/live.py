"""How an article's discussion stands, for the script of an open page: "3 new comments".

`GET /articles/<slug>/discussion/state/?seen=<n>` answers

    {"version": V, "comments": C, "new": N, "quiet": bool}

V is Article.discussion_version (bumped in the same transaction as every post, edit, vote,
moderation action and import), C the visible comments (Article.comment_count, moved in that
same transaction), N = max(0, C - n) where n is the count the page showed when it was
rendered (the page carries it, so every reader of one cached page asks the same URL), and
quiet says that the discussion has had no visible comment for QUIET_AFTER: the script stops
asking.

Why the count and not "comments with an id above the page's highest": the count is on the
article row that also holds the version, so it is exact for the version read and costs no
query of its own; the page shows it, so after "show" the number in the header grew by N. A
comment removed meanwhile offsets one posted meanwhile.

Where: DiscussionStateMiddleware answers it above the session, CSRF, auth, messages, CSP and
axes middleware (see MIDDLEWARE in config/settings/base.py), as the page cache answers
anonymous pages: polls from open pages are most of a busy discussion's requests, and they need
none of those. Inside Security, WhiteNoise, GZip and RejectBadInput, so the answer still gets
nosniff, Referrer-Policy and COOP, and a NUL byte never reaches a query.

Cost: the article's version comes from page_cache.article_state (this worker's reading of at
most PAGE_STATE_SECONDS ago, shared with the page cache, forgotten at once after this
worker's own writes); with If-None-Match naming that version the answer is a 304 and no
query at all. Otherwise the count comes from this worker's reading of that very version, or
one query on the article's primary key when the version is new to the worker. The view never
touches the session or the user: the answer is the same for everyone, sets no cookie and may
sit in a shared cache for a few seconds.
"""

import json
from datetime import timedelta

from django.db.models import Max, OuterRef, Subquery
from django.http import HttpResponse, HttpResponseNotModified, JsonResponse
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.http import parse_etags
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from articles import page_cache
from articles.models import Article
from discussions.models import Comment

# A discussion with no visible comment this long is quiet: open pages stop asking about it.
QUIET_AFTER = timedelta(days=14)
# Browsers and shared caches may reuse an answer this long; pages ask every 20 s or less often.
CACHE_CONTROL = "public, max-age=5"
# The comment count a page may name (as core.http.parse_page limits page numbers).
MAX_SEEN_DIGITS = 9
MAX_STATES = 5_000
# The headers of the middleware an early answer skips, for a JSON answer: it is no document.
EARLY_HEADERS = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}

# article id -> (discussion_version, comment_count, last activity): this worker's reading of
# each article's discussion, valid as long as article_state reports the same version.
_states: dict[int, tuple[int, int, float]] = {}


class DiscussionStateMiddleware:
    """Answer GET and HEAD of the discussion state URL at once, without the middleware below
    (which it needs none of); everything else goes on down the stack."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._path_parts = None

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            slug = self.state_slug(request.path_info)
            if slug is not None:
                response = discussion_state(request, slug=slug)
                for name, value in EARLY_HEADERS.items():
                    response.headers.setdefault(name, value)
                return response
        return self.get_response(request)

    def state_slug(self, path: str) -> str | None:
        """Return the article slug when the path is a discussion state URL, else None."""
        if self._path_parts is None:
            # From the URLconf, once: "/articles/", "/discussion/state/" around the slug.
            url = "/" + reverse("discussions:discussion_state", args=["-"]).removeprefix(
                get_script_prefix()
            )
            before, after = url.split("/-/")
            self._path_parts = (before + "/", "/" + after)
        before, after = self._path_parts
        if not (path.startswith(before) and path.endswith(after)):
            return None
        slug = path[len(before) : -len(after)]
        return slug if slug and "/" not in slug else None


@require_safe
def discussion_state(request, slug):
    """Answer how the article's discussion stands (see the module docstring)."""
    state = page_cache.article_state(slug)
    if state is None:
        return JsonResponse({"error": gettext("No such article.")}, status=404)
    article_id, version, _updated = state
    if _not_modified(request, _etag(article_id, version)):
        return _headers(HttpResponseNotModified(), article_id, version)
    version, comments, last_activity = discussion_counts(article_id, version)
    seen = _parse_seen(request.GET.get("seen"))
    quiet = timezone.now().timestamp() - last_activity > QUIET_AFTER.total_seconds()
    body = {
        "version": version,
        "comments": comments,
        "new": max(0, comments - seen) if seen is not None else 0,
        "quiet": quiet,
    }
    content = json.dumps(body, separators=(",", ":")).encode()
    response = HttpResponse(content, content_type="application/json")
    response["Content-Length"] = str(len(content))  # CommonMiddleware's job, skipped here
    return _headers(response, article_id, version)


def discussion_counts(article_id: int, version: int) -> tuple[int, int, float]:
    """Return (discussion_version, visible comments, time of the last visible comment or of
    publication, as a timestamp) of the article: this worker's reading when it is of that
    version, else one query (and that reading is kept)."""
    known = _states.get(article_id)
    if known is not None and known[0] == version:
        return known
    last_comment = (
        Comment.objects.visible_to(None)
        .filter(article_id=OuterRef("pk"))
        .order_by()
        .values("article_id")
        .annotate(last=Max("created_at"))
        .values("last")
    )
    row = (
        Article.objects.filter(pk=article_id)
        .annotate(last_comment_at=Subquery(last_comment))
        .values_list("discussion_version", "comment_count", "published_at", "last_comment_at")
        .first()
    )
    if row is None:  # deleted since article_state read it: nothing to count any more
        return (version, 0, 0.0)
    read_version, comments, published_at, last_comment_at = row
    reading = (read_version, comments, (last_comment_at or published_at).timestamp())
    if len(_states) >= MAX_STATES:
        _states.clear()
    _states[article_id] = reading
    return reading


def _etag(article_id: int, version: int) -> str:
    return f'"{article_id}-{version}"'


def _not_modified(request, etag: str) -> bool:
    """Return whether If-None-Match names this version (weak comparison, as RFC 9110 asks)."""
    header = request.META.get("HTTP_IF_NONE_MATCH")
    if not header:
        return False
    tags = parse_etags(header)
    return "*" in tags or any(tag.removeprefix("W/") == etag for tag in tags)


def _headers(response, article_id: int, version: int):
    response["ETag"] = _etag(article_id, version)
    response["Cache-Control"] = CACHE_CONTROL
    return response


def _parse_seen(value: str | None) -> int | None:
    if value and value.isascii() and value.isdigit() and len(value) <= MAX_SEEN_DIGITS:
        return int(value)
    return None
