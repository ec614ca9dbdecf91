"""Assemble the discussion part of a page: the shared fragment plus the reader's own bits."""

from dataclasses import dataclass

from django.middleware.csrf import get_token
from django.utils.safestring import mark_safe

from discussions.cache import cache_get, cache_set
from discussions.models import Vote
from discussions.rendering import personalize, render_layout
from discussions.threads import build_nodes, lay_out, page_trees, public_shown, tree_rows

FRAGMENT_KEY = "thread:1:{article}:{version}:{sort}:{page}"


@dataclass
class Fragment:
    html: str
    comment_ids: list
    page: int
    pages: int


def thread_fragment(article, *, sort: str, page: int) -> Fragment:
    """Return the public discussion page, from the cache when this version was rendered."""
    key = FRAGMENT_KEY.format(
        article=article.pk, version=article.discussion_version, sort=sort, page=page
    )
    cached = cache_get(key)
    if cached is not None:
        return Fragment(*cached)
    tree_ids, pages = page_trees(article, sort=sort, page=page)
    page = min(max(page, 1), pages)
    rows = tree_rows(article, tree_ids) if tree_ids else ()
    layout = lay_out(build_nodes(rows, is_shown=public_shown), sort=sort)
    return_path = article.get_absolute_url() + f"?sort={sort}&page={page}"
    html = render_layout(layout, sort=sort, return_path=return_path)
    fragment = Fragment(html, layout.rendered_ids, page, pages)
    cache_set(key, (fragment.html, fragment.comment_ids, fragment.page, fragment.pages))
    return fragment


def own_votes(user, comment_ids) -> dict[int, int]:
    if not user.is_authenticated or not comment_ids:
        return {}
    return dict(
        Vote.objects.filter(user=user, comment_id__in=comment_ids).values_list(
            "comment_id", "value"
        )
    )


def personal_html(request, html: str, comment_ids) -> str:
    """Return the fragment with the reader's CSRF token and own votes filled in."""
    return mark_safe(  # noqa: S308 - the fragment is rendered by an autoescaping template
        personalize(
            html,
            csrf_token=get_token(request),
            own_votes=own_votes(request.user, comment_ids),
        )
    )
