"""Lay out a discussion from plain rows: no model instances, no recursion.

Rows arrive in tree pre-order (discussions.selectors); replies are ordered by the sort's key
over the values PostgreSQL computed, and the page is laid out as a flat list of open/close
steps that discussions.pages.render_thread joins with the comments' stored markup in one
loop, so a 1,000-deep chain renders like a flat list.
"""

from dataclasses import dataclass, field

from django.conf import settings

from discussions.markup import HOLE
from discussions.sorts import Sort


class Node:
    """One comment of a page: its place, what orders it and its stored markup's pieces
    (discussions.markup.STORED_PIECES)."""

    __slots__ = (
        "id", "parent_id", "level", "pieces", "created_ms", "up", "down", "author_id",
        "score", "shown", "kids", "keep",
    )  # fmt: skip

    def __init__(self, row):
        (
            self.id, self.parent_id, self.level, markup, self.created_ms, self.up,
            self.down, self.author_id, self.score, self.shown,
        ) = row  # fmt: skip
        self.pieces = markup.split(HOLE)
        self.kids = []
        self.keep = self.shown


@dataclass(slots=True)
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
    # comment id -> (author id or None, created epoch ms) for the shown comments: enough to
    # give each reader their own edit/delete links and "new" marks without a query.
    owners: dict = field(default_factory=dict)


def build_nodes(rows) -> list[Node]:
    """Return the kept root nodes of pre-ordered rows, each with its kept children attached:
    a node is kept when its reader sees it or any of its descendants."""
    nodes = {}
    order = []
    for row in rows:
        node = Node(row)
        nodes[node.id] = node
        order.append(node)
    for node in reversed(order):
        if node.keep:
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


def lay_out(tops, *, sort: Sort, focus_id=None, base_level: int = 0) -> Layout:
    """Return the flat steps that render tops and their kept descendants within the limits."""
    conf = settings.CROSSTALK
    max_depth = base_level + conf["MAX_INLINE_DEPTH"]
    max_replies = conf["MAX_INLINE_REPLIES"]
    budget = conf["PAGE_COMMENT_BUDGET"]
    key = sort.key()
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
            layout.owners[node.id] = (node.author_id, node.created_ms)
        if node.kids and node.level < max_depth:
            steps.append(Step("open", node, has_replies=True))
            stack.append([sorted(node.kids, key=key), 0, node])
        else:
            steps.append(Step("open", node, continues=bool(node.kids)))
    return layout
