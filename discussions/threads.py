"""Build a discussion page from plain rows: one query for the roots, one for their trees.

No model instances, no recursion: rows arrive in tree pre-order (tree_id, lft), siblings are
sorted in Python, and the page is laid out as a flat list of open/close steps that the Jinja2
template walks in one loop, so a 1,000-deep chain renders like a flat list.
"""

import functools
import math
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import Case, F, FloatField, Lookup, Q, Value, When
from django.db.models.functions import Cast, Greatest, Least, Power, Sqrt

from discussions.models import Comment

SORTS = ("best", "top", "newest", "oldest", "controversial")
DEFAULT_SORT = "best"
# z for an 80% confidence interval, as Reddit's and Lobsters' "confidence" sort.
WILSON_Z = 1.281551565545

VISIBLE = Comment.Status.VISIBLE
PENDING = Comment.Status.PENDING


def parse_sort(value: str | None) -> str:
    return value if value in SORTS else DEFAULT_SORT


def wilson_lower_bound(up: int, down: int) -> float:
    """Return the lower bound of the Wilson score interval for up out of up + down."""
    n = up + down
    if n == 0:
        return 0.0
    z = WILSON_Z
    phat = up / n
    return (phat + z * z / (2 * n) - z * math.sqrt((phat * (1 - phat) + z * z / (4 * n)) / n)) / (
        1 + z * z / n
    )


def controversy(up: int, down: int) -> float:
    """Return Reddit's controversy score: (up + down) ** (smaller / larger), 0 if one side is 0."""
    if up <= 0 or down <= 0:
        return 0.0
    return float(up + down) ** (min(up, down) / max(up, down))


def sort_key(sort: str):
    """Return a key function ordering nodes for the sort (ascending = shown first)."""
    if sort == "top":
        return lambda n: (-(n.up - n.down), -n.created.timestamp(), -n.id)
    if sort == "newest":
        return lambda n: (-n.created.timestamp(), -n.id)
    if sort == "oldest":
        return lambda n: (n.created.timestamp(), n.id)
    if sort == "controversial":
        return lambda n: (-controversy(n.up, n.down), -n.created.timestamp(), -n.id)
    return lambda n: (-wilson_lower_bound(n.up, n.down), n.created.timestamp(), n.id)


ROW_FIELDS = (
    "id", "parent_id", "level", "tree_id", "status", "body_html", "created_at", "edited_at",
    "upvotes", "downvotes", "author_id", "author__display_name", "author__username",
    "guest_name", "status_rule__number", "status_rule__title", "hold_reason",
)  # fmt: skip


class Node:
    __slots__ = (
        "id", "parent_id", "level", "tree_id", "status", "html", "created", "edited", "up",
        "down", "author_id", "name", "rule_number", "rule_title", "hold_reason", "kids", "keep",
        "shown",
    )  # fmt: skip

    def __init__(self, row):
        (
            self.id, self.parent_id, self.level, self.tree_id, self.status, self.html,
            self.created, self.edited, self.up, self.down, self.author_id, display, username,
            guest, self.rule_number, self.rule_title, self.hold_reason,
        ) = row  # fmt: skip
        self.name = display or username or guest or "Anonymous"
        self.kids = []
        self.keep = False
        self.shown = False


@dataclass
class Step:
    """One step of the flat layout: open a comment, close its replies, or link to more."""

    kind: str  # "open", "close", "more"
    node: Node | None = None
    has_replies: bool = False
    continues: bool = False
    remaining: int = 0


@dataclass
class Layout:
    steps: list = field(default_factory=list)
    rendered_ids: list = field(default_factory=list)
    # comment id -> (author id or None, created timestamp) for the rendered comments: enough
    # to add each reader's own edit/delete links and "new" marks without a query.
    owners: dict = field(default_factory=dict)


def build_nodes(rows, *, is_shown) -> list[Node]:
    """Return the kept root nodes of pre-ordered rows, each with its kept children attached."""
    nodes = {}
    order = []
    for row in rows:
        node = Node(row)
        nodes[node.id] = node
        order.append(node)
    for node in reversed(order):
        node.shown = is_shown(node)
        if node.shown or node.keep:
            node.keep = True
            parent = nodes.get(node.parent_id)
            if parent is not None:
                parent.keep = True
    tops = []
    for node in order:
        if not node.keep:
            continue
        parent = nodes.get(node.parent_id)
        if parent is None:
            tops.append(node)
        else:
            parent.kids.append(node)
    return tops


def public_shown(node: Node) -> bool:
    return node.status == VISIBLE


def shown_to(viewer_id: int | None, *, moderator: bool):
    """Return the visibility test for one reader: pending comments show to their author and
    to moderators."""

    def is_shown(node: Node) -> bool:
        if node.status == VISIBLE:
            return True
        return node.status == PENDING and (moderator or node.author_id == viewer_id)

    return is_shown


def lay_out(tops, *, sort: str, focus_id=None, base_level: int = 0) -> Layout:
    """Return the flat steps that render tops and their kept descendants within the limits."""
    conf = settings.CROSSTALK
    max_depth = base_level + conf["MAX_INLINE_DEPTH"]
    max_replies = conf["MAX_INLINE_REPLIES"]
    budget = conf["PAGE_COMMENT_BUDGET"]
    key = sort_key(sort)
    layout = Layout()
    steps = layout.steps
    emitted = 0
    stack = [[sorted(tops, key=key), 0, None]]
    while stack:
        frame = stack[-1]
        kids, index, parent = frame
        if parent is not None and index < len(kids):
            capped = index >= max_replies and parent.id != focus_id
            if capped or emitted >= budget:
                steps.append(Step("more", parent, remaining=len(kids) - index))
                index = frame[1] = len(kids)
        if index >= len(kids):
            stack.pop()
            if parent is not None:
                steps.append(Step("close", parent))
            continue
        node = kids[index]
        frame[1] = index + 1
        emitted += 1
        layout.rendered_ids.append(node.id)
        if node.shown:
            layout.owners[node.id] = (node.author_id, node.created.timestamp())
        if node.kids and node.level < max_depth:
            steps.append(Step("open", node, has_replies=True))
            stack.append([sorted(node.kids, key=key), 0, node])
        else:
            steps.append(Step("open", node, continues=bool(node.kids)))
    return layout


def _wilson_sql():
    """Return wilson_lower_bound() as a SQL expression: the same float8 operations in the same
    order, so PostgreSQL orders the roots exactly as sort_key() orders them in Python."""
    up = Cast("upvotes", FloatField())
    n = Cast(F("upvotes") + F("downvotes"), FloatField())
    z = Value(WILSON_Z)
    zz = Value(WILSON_Z * WILSON_Z)
    phat = up / n
    bound = (
        phat
        + zz / (Value(2.0) * n)
        - z * Sqrt((phat * (Value(1.0) - phat) + zz / (Value(4.0) * n)) / n)
    ) / (Value(1.0) + zz / n)
    return Case(When(Q(upvotes=0, downvotes=0), then=Value(0.0)), default=bound,
                output_field=FloatField())  # fmt: skip


def _controversy_sql():
    """Return controversy() as a SQL expression."""
    total = Cast(F("upvotes") + F("downvotes"), FloatField())
    ratio = Cast(Least("upvotes", "downvotes"), FloatField()) / Cast(
        Greatest("upvotes", "downvotes"), FloatField()
    )
    return Case(When(Q(upvotes__gt=0, downvotes__gt=0), then=Power(total, ratio)),
                default=Value(0.0), output_field=FloatField())  # fmt: skip


def _root_order(sort: str) -> list:
    """Return the SQL ordering of top-level comments that matches sort_key(sort)."""
    if sort == "top":
        return [(F("upvotes") - F("downvotes")).desc(), F("created_at").desc(), F("id").desc()]
    if sort == "newest":
        return [F("created_at").desc(), F("id").desc()]
    if sort == "oldest":
        return [F("created_at").asc(), F("id").asc()]
    if sort == "controversial":
        return [_controversy_sql().desc(), F("created_at").desc(), F("id").desc()]
    return [_wilson_sql().desc(), F("created_at").asc(), F("id").asc()]


def _pages(article, *, sort: str) -> list[list[int]]:
    """Return the tree ids of each page: whole top-level threads in sort order, as many as fit
    the page's comment budget (at least one).

    One query: PostgreSQL orders the roots and hands back only what sizes each tree, (tree_id,
    lft, rght); a tree holds (rght - lft + 1) / 2 comments. (Computing the size in SQL costs
    more: Django then converts every row's value, about 4 ms for 2,500 roots.)"""
    budget = settings.CROSSTALK["PAGE_COMMENT_BUDGET"]
    roots = _run(_roots_query(sort), article.pk)
    pages: list[list[int]] = []
    current: list[int] = []
    used = 0
    for tree_id, lft, rght in roots:
        size = min((rght - lft + 1) // 2, budget)
        if current and used + size > budget:
            pages.append(current)
            current, used = [], 0
        current.append(tree_id)
        used += size
    if current:
        pages.append(current)
    return pages


class _InArray(Lookup):
    """`tree_id__in_array=ids`: `= ANY(%s::integer[])` with the ids as one parameter, so the
    SQL text is the same whatever their number and the query can be built once."""

    lookup_name = "in_array"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return "%s", [list(value)]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs}::integer[])", [*lhs_params, *rhs_params]


Comment._meta.get_field("tree_id").register_lookup(_InArray)

# Stand-ins for the values of the hot queries below while the ORM builds them, once each: for
# these small queries building cost more than running (~1 ms for the Wilson ordering, ~1.7 ms
# for the tree rows, measured), on every uncached page and every reply.
_ARTICLE = -7_310_431
_TREES = [-7_310_432]


def _prebuilt(queryset, *stand_ins) -> tuple[str, tuple, tuple[int, ...]]:
    """Return the queryset's SQL, its parameters and where each stand-in sits among them."""
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params), tuple(params.index(stand_in) for stand_in in stand_ins)


def _run(prebuilt, *values) -> list[tuple]:
    """Run a prebuilt query with the stand-ins replaced by these values, in the same order."""
    sql, params, positions = prebuilt
    params = list(params)
    for at, value in zip(positions, values, strict=True):
        params[at] = value
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@functools.cache
def _roots_query(sort: str):
    """(tree_id, lft, rght) of the article's top-level comments, in the sort's SQL order."""
    return _prebuilt(
        Comment.objects.filter(article_id=_ARTICLE, level=0)
        .order_by(*_root_order(sort))
        .values_list("tree_id", "lft", "rght"),
        _ARTICLE,
    )


@functools.cache
def _tree_rows_query():
    return _prebuilt(
        Comment.objects.filter(article_id=_ARTICLE, tree_id__in_array=_TREES)
        .order_by("tree_id", "lft")
        .values_list(*ROW_FIELDS),
        _ARTICLE,
        _TREES,
    )


def page_trees(article, *, sort: str, page: int) -> tuple[list[int], int]:
    """Return the tree ids on the page (clamped to the last page) and the number of pages."""
    pages = _pages(article, sort=sort)
    if not pages:
        return [], 1
    page = min(max(page, 1), len(pages))
    return pages[page - 1], len(pages)


def landing_page(article, comment, *, sort: str, is_shown) -> int | None:
    """Return the page of the article's discussion that shows the comment inline, or None when
    it is on no page (hidden from this reader, or beyond the depth, reply or page caps).

    Two queries and no rendering: the page comes from the page trees, and only the comment's
    own tree is laid out. That tree is laid out on its page exactly as on its own: a page of
    several trees holds at most PAGE_COMMENT_BUDGET comments, so the budget never cuts it, and
    a bigger tree has a page to itself."""
    pages = _pages(article, sort=sort)
    number = next((n for n, ids in enumerate(pages, start=1) if comment.tree_id in ids), None)
    if number is None:
        return None
    tops = build_nodes(tree_rows(article, [comment.tree_id]), is_shown=is_shown)
    if comment.pk in lay_out(tops, sort=sort).rendered_ids:
        return number
    return None


def tree_rows(article, tree_ids) -> list[tuple]:
    """Return the ROW_FIELDS rows of the article's comments in these trees, in pre-order."""
    return _run(_tree_rows_query(), article.pk, list(tree_ids))


def subtree_rows(comment):
    """Return the rows of the comment's ancestors, itself and its descendants, in pre-order."""
    return (
        Comment.objects.filter(tree_id=comment.tree_id, article_id=comment.article_id)
        # Ancestors enclose the comment; descendants lie inside it.
        .filter(
            Q(lft__lte=comment.lft, rght__gte=comment.rght)
            | Q(lft__gt=comment.lft, rght__lt=comment.rght)
        )
        .order_by("lft")
        .values_list(*ROW_FIELDS)
    )
