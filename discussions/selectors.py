"""Reads of discussions: every query a discussion page makes, on the database the router picks.

Rows come back as plain tuples in their sort's order (Sort.order_by(), the one spelling of
each sort: PostgreSQL orders, Python never does); discussions.layout nests them into a page in
that order. What a reader may see (`shown_to_q`), how a sort orders and how an author is named
(`author_name`) are asked of their one definition, in SQL where they are used.
"""

import functools
from types import SimpleNamespace

from django.conf import settings
from django.contrib.postgres.aggregates import JSONBAgg
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    SmallIntegerField,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, JSONObject

from accounts.models import shows_profile
from core.prepared import PreparedQuery
from discussions.models import Comment, Flag, Vote, author_name, shown_to_q
from discussions.sorts import Sort

# One row of a discussion: its place, its stored markup (discussions.markup) and what fills
# the markup's holes (age, vote counts). No join: the markup already holds the author's name,
# the quote and the placeholder's rule. Nothing orders it but the query's ORDER BY.
ROW_FIELDS = (
    "id", "parent_id", "level", "pieces", "created_ms", "upvotes", "downvotes", "author_id",
    "shown",
)  # fmt: skip
ID, PARENT_ID, LEVEL, PIECES, CREATED_MS, UPVOTES, DOWNVOTES, AUTHOR_ID, SHOWN = range(
    len(ROW_FIELDS)
)


class EpochMs(Func):
    """A timestamp as whole epoch milliseconds. Through date_part's double precision, not
    EXTRACT: EXTRACT returns numeric (PostgreSQL 14 on), whose arithmetic took 6 ms of a
    2,000-row read. The double holds the microseconds exactly enough to be rounded back to
    them before they are cut to milliseconds, so the result is EXTRACT's to the millisecond."""

    template = "floor(round(date_part('epoch', %(expressions)s) * 1000000) / 1000)::bigint"
    output_field = BigIntegerField()


def _epoch_ms(field: str):
    return EpochMs(field)


def rows_queryset(*, sort: Sort | str, viewer, shape_only: bool = False):
    """Return the comments as ROW_FIELDS rows in the sort's order, with whether this viewer
    sees each one (hidden rows still hold their visible replies' places).

    shape_only: each row's markup read as "" — enough to lay the rows out (which comments a
    page shows), not to render them; a 670-comment tree's markup is ~250 kB."""
    sort = Sort(sort)
    return (
        Comment.objects.annotate(
            pieces=Value("") if shape_only else F("markup"),
            created_ms=_epoch_ms("created_at"),
            shown=ExpressionWrapper(shown_to_q(viewer), output_field=BooleanField()),
        )
        .order_by(*sort.order_by())
        .values_list(*ROW_FIELDS)
    )


# Stand-ins: ids no row has, distinct from each other and from every constant in the queries.
_ARTICLE = -7_310_431
_TREES = [-7_310_432]
_USER = -7_310_433


def _viewer_kind(viewer) -> str:
    if viewer is None or not viewer.is_authenticated:
        return "public"
    return "moderator" if viewer.is_moderator else "reader"


_STAND_IN_VIEWERS = {
    "public": None,
    "moderator": SimpleNamespace(is_authenticated=True, is_moderator=True, pk=_USER),
    "reader": SimpleNamespace(is_authenticated=True, is_moderator=False, pk=_USER),
}


@functools.cache
def _roots_query(sort: Sort) -> PreparedQuery:
    """(tree_id, comments in the tree) of the article's top-level comments, in the sort's
    order: a root's tree holds (rght - lft + 1) / 2 comments."""
    return PreparedQuery(
        Comment,
        lambda article: (
            Comment.objects.filter(article_id=article, level=0)
            .annotate(size=(F("rght") - F("lft") + 1) / 2)
            .order_by(*sort.order_by())
            .values_list("tree_id", "size")
        ),
        article=_ARTICLE,
    )


@functools.cache
def _tree_rows_query(
    sort: Sort, kind: str, every_tree: bool, shape_only: bool = False
) -> PreparedQuery:
    viewer = _STAND_IN_VIEWERS[kind]
    stand_ins = {"article": _ARTICLE}
    if not every_tree:
        stand_ins["trees"] = _TREES
    if kind == "reader":
        stand_ins["user"] = _USER

    def build(article, trees=None, user=None):
        rows = rows_queryset(sort=sort, viewer=viewer, shape_only=shape_only)
        rows = rows.filter(article_id=article)
        # No LIMIT, ever: with one, the generic plan PostgreSQL keeps for a prepared statement
        # took the rows in comment_tree's order, filtering out every other article's comments
        # (8.8 ms instead of 0.3 ms for a 200-comment discussion among 12,200 comments).
        return rows if every_tree else rows.filter(tree_id__in_array=trees)

    return PreparedQuery(Comment, build, **stand_ins)


def page_trees(article, *, sort: Sort | str) -> list[list[tuple[int, int]]]:
    """Return the trees of each page as (tree_id, comments in it): whole top-level threads in
    sort order, as many as fit the page's comment budget (at least one).

    One query: PostgreSQL orders the roots and hands back each tree's id and size."""
    sort = Sort(sort)
    budget = settings.CROSSTALK["PAGE_COMMENT_BUDGET"]
    pages: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    used = 0
    for tree in _roots_query(sort).rows(article=article.pk):
        # A tree bigger than the budget counts as the budget: it is a page of its own.
        weight = tree[1] if tree[1] < budget else budget
        if used + weight > budget and current:
            pages.append(current)
            current, used = [], 0
        current.append(tree)
        used += weight
    if current:
        pages.append(current)
    return pages


def page_tree_ids(article, *, sort: Sort | str) -> list[list[int]]:
    """Return the tree ids of each page (page_trees without the sizes)."""
    return [[tree_id for tree_id, _size in page] for page in page_trees(article, sort=sort)]


def tree_rows(
    article,
    tree_ids,
    *,
    sort: Sort | str,
    viewer=None,
    shape_only: bool = False,
) -> list[tuple]:
    """Return the ROW_FIELDS rows of the article's comments in these trees (None: in all of
    them, as when the discussion fits one page), in the sort's order (shape_only:
    rows_queryset's)."""
    sort = Sort(sort)
    kind = _viewer_kind(viewer)
    values = {"article": article.pk}
    if tree_ids is not None:
        # Matching 500 trees' ids took a 2,000-row read 6 ms; a one-page discussion skips it.
        values["trees"] = list(tree_ids)
    if kind == "reader":
        values["user"] = viewer.pk
    query = _tree_rows_query(sort, kind, tree_ids is None, shape_only)
    return query.rows(**values)


def subtree_rows(comment, *, sort: Sort, viewer=None, also=()):
    """Return the rows of the comment's ancestors, itself and its descendants, and of the
    comments of the same tree whose ids are in `also`, in the sort's order: one query."""
    # Ancestors enclose the comment; descendants lie inside it.
    around = Q(lft__lte=comment.lft, rght__gte=comment.rght) | Q(
        lft__gt=comment.lft, rght__lt=comment.rght
    )
    if also:
        around |= Q(pk__in=list(also))
    return list(
        rows_queryset(sort=sort, viewer=viewer)
        .filter(tree_id=comment.tree_id, article_id=comment.article_id)
        .filter(around)
    )


_FEATURED = PreparedQuery(
    Comment,
    lambda article: (
        Comment.objects.visible_to(None)
        .filter(article_id=article, is_featured=True)
        .order_by("-featured_at")
        .values_list(
            "id",
            "body_html",
            "author__display_name",
            "author__username",
            "guest_name",
            "author__is_active",
        )[:5]
    ),
    article=_ARTICLE,
)


def featured_comments(article) -> list[dict]:
    """Return the article's editors' picks (at most five), newest pick first, as plain values."""
    rows = _FEATURED.rows(article=article.pk)
    return [
        {
            "id": pk,
            "body_html": html,
            "name": author_name(
                display_name=display or "", username=username or "", guest_name=guest
            ),
            # Whose profile the name links to, if anyone's.
            "username": username if shows_profile(username=username, is_active=active) else "",
        }  # fmt: skip
        for pk, html, display, username, guest, active in rows
    ]


# What own_reactions reads for a flag, beside the votes' 1 and -1.
_FLAGGED = 0


def _own_reactions_queryset(user, comments):
    votes = Vote.objects.filter(user=user, comment__in_array=comments).values_list(
        "comment_id", "value"
    )
    flags = (
        Flag.objects.filter(user=user, comment__in_array=comments)
        .annotate(mark=Value(_FLAGGED, output_field=SmallIntegerField()))
        .values_list("comment_id", "mark")
    )
    return votes.union(flags, all=True)


_OWN_REACTIONS = PreparedQuery(Vote, _own_reactions_queryset, user=_USER, comments=_TREES)


def own_reactions(user, comment_ids) -> tuple[dict[int, int], list[int]]:
    """Return the user's votes on these comments (comment id -> 1 or -1) and the ids of
    those they flagged: one query (votes and flags in one UNION ALL)."""
    if not user.is_authenticated or not comment_ids:
        return {}, []
    pressed: dict[int, int] = {}
    flagged: list[int] = []
    for comment_id, value in _OWN_REACTIONS.rows(user=user.pk, comments=list(comment_ids)):
        if value == _FLAGGED:
            flagged.append(comment_id)
        else:
            pressed[comment_id] = value
    return pressed, sorted(flagged)


def source_reply_annotations() -> dict:
    """Return what a SourceComment query annotates: how many reader comments everyone may see
    answer each one (reply_count) and those replies, oldest first (reply_list: dicts of id,
    display_name, username, guest_name). Subqueries of the source comments' own query, asked of
    shown_to_q for an anonymous reader: the page that shows them is shared by every reader."""
    replies = Comment.objects.filter(shown_to_q(None), source_comment=OuterRef("pk")).order_by()
    count = replies.values("source_comment").annotate(n=Count("pk")).values("n")
    listed = (
        replies.values("source_comment")
        .annotate(
            items=JSONBAgg(
                JSONObject(
                    id="pk",
                    display_name="author__display_name",
                    username="author__username",
                    guest_name="guest_name",
                ),
                order_by=("created_at", "pk"),
            )
        )
        .values("items")
    )
    return {
        "reply_count": Coalesce(Subquery(count), 0),
        "reply_list": Subquery(listed),
    }


def source_reply_links(reply_list) -> list[dict]:
    """Return the annotated replies of a source comment as (id, author name) dicts."""
    return [
        {
            "id": item["id"],
            "name": author_name(
                display_name=item["display_name"] or "",
                username=item["username"] or "",
                guest_name=item["guest_name"] or "",
            ),
        }
        for item in reply_list or ()
    ]
