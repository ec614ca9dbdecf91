"""Assemble the discussion part of a page: the shared fragment plus the reader's own bits."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.safestring import mark_safe

from discussions.cache import cache_get, cache_set
from discussions.models import EDIT_WINDOW, Comment, Vote
from discussions.rendering import personalize, render_layout
from discussions.threads import (
    build_nodes,
    landing_page,
    lay_out,
    page_trees,
    public_shown,
    shown_to,
    tree_rows,
)

# Bump the number whenever the thread markup changes, so no page mixes old and new markup.
FRAGMENT_KEY = "thread:3:{article}:{version}:{sort}:{page}"


@dataclass
class Fragment:
    html: str
    comment_ids: list
    page: int
    pages: int
    owners: dict = field(default_factory=dict)
    featured: list = field(default_factory=list)

    def as_tuple(self):
        return (self.html, self.comment_ids, self.page, self.pages, self.owners, self.featured)


def is_moderator(user) -> bool:
    """Return whether the user moderates discussions (staff with the queue permission)."""
    return bool(
        user.is_authenticated
        and user.is_staff
        and user.has_perm("discussions.change_queuedcomment")
    )


def featured_comments(article) -> list[dict]:
    """Return the article's editors' picks, newest pick first, as plain values."""
    return list(
        Comment.objects.filter(article=article, is_featured=True, status=Comment.Status.VISIBLE)
        .order_by("-featured_at")
        .values("id", "body_html", "author__display_name", "author__username", "guest_name")[:5]
    )


def thread_fragment(article, *, sort: str, page: int, viewer=None) -> Fragment:
    """Return a discussion page. Readers share one cached rendering per article version; a
    viewer with pending comments to see (their own, or a moderator) gets a private one."""
    if viewer is not None:
        return _render(article, sort=sort, page=page, is_shown=viewer)
    key = FRAGMENT_KEY.format(
        article=article.pk, version=article.discussion_version, sort=sort, page=page
    )
    cached = cache_get(key)
    if cached is not None:
        return Fragment(*cached)
    fragment = _render(article, sort=sort, page=page, is_shown=public_shown)
    cache_set(key, fragment.as_tuple())
    return fragment


def _render(article, *, sort: str, page: int, is_shown) -> Fragment:
    tree_ids, pages = page_trees(article, sort=sort, page=page)
    page = min(max(page, 1), pages)
    rows = tree_rows(article, tree_ids) if tree_ids else ()
    layout = lay_out(build_nodes(rows, is_shown=is_shown), sort=sort)
    return_path = article.get_absolute_url() + f"?sort={sort}&page={page}"
    html = render_layout(layout, sort=sort, return_path=return_path)
    return Fragment(html, layout.rendered_ids, page, pages, layout.owners,
                    featured_comments(article))  # fmt: skip


def landing_url(user, article, comment, *, sort: str) -> str:
    """Return where the author of a new comment sees it: the article page that shows it (the
    public page for a visible comment, the author's own view for a held one), else its
    permalink. Found from the page trees and the comment's own tree, without rendering."""
    if comment.status == Comment.Status.VISIBLE:
        is_shown = public_shown
    else:
        is_shown = shown_to(user.pk, moderator=is_moderator(user))
    page = landing_page(article, comment, sort=sort, is_shown=is_shown)
    if page is None:
        return f"{comment.get_absolute_url()}?sort={sort}#comment-{comment.pk}"
    query = urlencode({"sort": sort, "page": page}) if (sort, page) != ("best", 1) else ""
    return f"{article.get_absolute_url()}{'?' if query else ''}{query}#comment-{comment.pk}"


def viewer_filter(request, article):
    """Return the visibility test for this reader when it differs from the public one."""
    user = request.user
    if not user.is_authenticated:
        return None
    moderator = is_moderator(user)
    if moderator or getattr(article, "has_own_pending", False):
        return shown_to(user.pk, moderator=moderator)
    return None


def own_votes(user, comment_ids) -> dict[int, int]:
    if not user.is_authenticated or not comment_ids:
        return {}
    return dict(
        Vote.objects.filter(user=user, comment_id__in=comment_ids).values_list(
            "comment_id", "value"
        )
    )


def personal_html(request, html: str, comment_ids, owners: dict, last_seen=None) -> str:
    """Return the fragment with the reader's CSRF token, own votes and own-comment links, and
    the comments posted by others since last_seen marked new."""
    user = request.user
    own_comments = {}
    new_ids = frozenset()
    if user.is_authenticated and last_seen is not None:
        since = last_seen.timestamp()
        new_ids = frozenset(
            pk
            for pk, (author_id, created) in owners.items()
            if created > since and author_id != user.pk
        )
    if user.is_authenticated:
        now = timezone.now().timestamp()
        window = EDIT_WINDOW.total_seconds()
        own_comments = {
            pk: now - created <= window
            for pk, (author_id, created) in owners.items()
            if author_id == user.pk
        }
    return mark_safe(  # noqa: S308 - the fragment is rendered by an autoescaping template
        personalize(
            html,
            csrf_token=get_token(request),
            own_votes=own_votes(user, comment_ids),
            own_comments=own_comments,
            new_ids=new_ids,
        )
    )
