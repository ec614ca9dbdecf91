"""Lay out a discussion from plain rows: no model instances, no recursion.

Rows arrive in tree pre-order (discussions.selectors); replies are ordered by the sort's key
over the values PostgreSQL computed, and the page is laid out as a flat list of open/close
steps that the thread template walks in one loop, so a 1,000-deep chain renders like a flat
list.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils.text import Truncator
from markupsafe import Markup, escape

from articles.models import SourceComment
from discussions.models import author_name
from discussions.profiles import ProfilePaths
from discussions.sorts import Sort

# How much of a quoted source comment's translation a reply shows; the link leads to all of it.
QUOTE_LENGTH = 280
# The platforms a quote's badge names by their label (any other value is shown as stored).
_PLATFORMS = frozenset(SourceComment.Platform.values)


class Quote:
    """The source comment a reader comment answers, as the thread shows it: escaped markup."""

    __slots__ = ("id", "platform", "html", "href")

    def __init__(self, pk: int, platform: str, text: str, article_slug: str):
        self.id = pk
        label = SourceComment.Platform(platform).label if platform in _PLATFORMS else platform
        self.platform = escape(label)
        short = Truncator(text).chars(QUOTE_LENGTH)
        self.html = Markup("<br>").join(escape(line) for line in short.splitlines())
        path = reverse("articles:detail", args=[article_slug])
        self.href = escape(f"{path}#source-comment-{pk}")


class Node:
    __slots__ = (
        "id", "parent_id", "level", "tree_id", "status", "html", "created_ms", "edited_ms",
        "up", "down", "author_id", "name", "rule_number", "rule_title", "hold_reason", "score",
        "shown", "kids", "keep", "profile", "quote",
    )  # fmt: skip

    def __init__(self, row, profile_paths: ProfilePaths):
        (
            self.id, self.parent_id, self.level, self.tree_id, self.status, html,
            self.created_ms, self.edited_ms, self.up, self.down, self.author_id, display,
            username, guest, self.rule_number, self.rule_title, self.hold_reason, self.score,
            self.shown, active, quote_id, quote_platform, quote_text, quote_slug,
        ) = row  # fmt: skip
        # Every text a row shows is markup from here on: the body was sanitized at write time
        # (core.text), the rest is escaped now, once, so the thread template's loop prints
        # nothing unescaped (see templates/discussions/_thread.jinja).
        self.html = Markup(html)  # noqa: S704
        self.name = escape(
            author_name(display_name=display or "", username=username or "", guest_name=guest)
        )
        self.hold_reason = escape(self.hold_reason)
        self.rule_title = escape(self.rule_title or "")
        # The author's profile path, escaped; empty for a guest or an inactive account.
        self.profile = profile_paths(username) if username and active else ""
        self.quote = Quote(quote_id, quote_platform, quote_text, quote_slug) if quote_id else None
        self.kids = []
        self.keep = self.shown


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
    # comment id -> (author id or None, created epoch ms) for the shown comments: enough to
    # give each reader their own edit/delete links and "new" marks without a query.
    owners: dict = field(default_factory=dict)


def build_nodes(rows) -> list[Node]:
    """Return the kept root nodes of pre-ordered rows, each with its kept children attached:
    a node is kept when its reader sees it or any of its descendants."""
    nodes = {}
    order = []
    profile_paths = ProfilePaths()
    for row in rows:
        node = Node(row, profile_paths)
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
