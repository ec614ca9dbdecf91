"""Bulk import of comments from other systems' exports, trees built in one pass."""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Max

from articles.models import Article
from core.text import render_comment
from discussions import markup
from discussions.models import Comment
from discussions.services.posting import article_touch, lock_new_roots, lock_tree


@dataclass
class ImportedComment:
    """One comment read from an export, before it has a place in a tree."""

    external_id: str
    parent_external_id: str | None
    body: str  # our own source format; its HTML is rendered on insert
    created_at: datetime
    status: str = Comment.Status.VISIBLE
    guest_name: str = ""
    guest_email: str = ""
    ip_address: str | None = None
    author_id: int | None = None
    edited_at: datetime | None = None
    upvotes: int = 0
    downvotes: int = 0


@dataclass
class ImportOutcome:
    created: int = 0
    already_there: int = 0
    orphans: int = 0
    created_ids: dict = field(default_factory=dict)  # external id -> comment id


def comments_import(
    *, article: Article, source: str, items: list[ImportedComment]
) -> ImportOutcome:
    """Insert a batch of imported comments for one article, building their trees in bulk.

    Comments already imported from the same source are skipped. New comments whose parent was
    imported earlier are added as replies under that tree's lock; the rest form whole new trees
    whose nested-set positions are computed here in one pass and inserted in bulk, under the
    global roots lock that allocates their tree ids. A reply whose parent appears later in the
    file is placed correctly because the trees are built only after the whole batch is read; a
    reply whose parent is nowhere becomes a top-level comment (counted as an orphan).
    """
    outcome = ImportOutcome()
    with transaction.atomic():
        # Parents may have come in an earlier import of the same source: look them up too.
        wanted = {item.external_id for item in items}
        wanted |= {item.parent_external_id for item in items if item.parent_external_id}
        known = dict(
            Comment.objects.filter(import_source=source, external_id__in=wanted).values_list(
                "external_id", "pk"
            )
        )
        outcome.already_there = sum(1 for item in items if item.external_id in known)
        fresh = {item.external_id: item for item in items if item.external_id not in known}
        children: dict[str | None, list[ImportedComment]] = {}
        grafts: list[ImportedComment] = []
        for item in fresh.values():
            parent = item.parent_external_id
            if parent and parent in known and parent not in fresh:
                grafts.append(item)
                continue
            if parent and parent not in fresh:
                outcome.orphans += 1
                parent = None
            children.setdefault(parent, []).append(item)
        _break_reply_loops(children, outcome)
        for siblings in children.values():
            siblings.sort(key=lambda it: (it.created_at, it.external_id))
        roots = children.get(None, [])
        if roots:
            _insert_forest(article, source, roots, children, outcome)
        for item in sorted(grafts, key=lambda it: it.created_at):
            _insert_graft(article, source, item, known, outcome)
        article_touch(article_id=article.pk)
    return outcome


def _break_reply_loops(children: dict, outcome: ImportOutcome) -> None:
    """Make the oldest comment of each reply loop (corrupt data) a top-level one, so every
    comment is reachable from a root and none is silently dropped."""
    while True:
        reached = set()
        stack = [None]
        while stack:
            for child in children.get(stack.pop(), []):
                if child.external_id not in reached:
                    reached.add(child.external_id)
                    stack.append(child.external_id)
        stranded = [
            item
            for parent, items in children.items()
            if parent is not None
            for item in items
            if item.external_id not in reached
        ]
        if not stranded:
            return
        first = min(stranded, key=lambda it: (it.created_at, it.external_id))
        children[first.parent_external_id].remove(first)
        children.setdefault(None, []).append(first)
        outcome.orphans += 1


def _insert_forest(article, source, roots, children, outcome) -> None:
    lock_new_roots()
    next_tree = (Comment.objects.aggregate(m=Max("tree_id"))["m"] or 0) + 1
    total = sum(len(v) for v in children.values())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Comment._meta.db_table, total],
        )
        ids = [row[0] for row in cursor.fetchall()]
    ids.reverse()
    rows: list[Comment] = []
    for tree_offset, root in enumerate(roots):
        tree_id = next_tree + tree_offset
        counter = 0
        # Iterative pre-order walk: (item, parent pk, level, entering?)
        stack = [(root, None, 0)]
        open_nodes: list[tuple[Comment, str]] = []
        while stack:
            item, parent_pk, level = stack.pop()
            if item is None:
                node, _ext = open_nodes.pop()
                counter += 1
                node.rght = counter
                continue
            counter += 1
            node = _comment_from(article, source, item, pk=ids.pop(), parent_id=parent_pk)
            node.tree_id, node.level, node.lft = tree_id, level, counter
            rows.append(node)
            outcome.created_ids[item.external_id] = node.pk
            open_nodes.append((node, item.external_id))
            stack.append((None, None, None))
            for child in reversed(children.get(item.external_id, [])):
                stack.append((child, node.pk, level + 1))
    authors = get_user_model().objects.in_bulk({row.author_id for row in rows if row.author_id})
    for row in rows:
        if row.author_id in authors:
            row.author = authors[row.author_id]
    markup.fill(rows)
    Comment.objects.bulk_create(rows, batch_size=2000)
    outcome.created += len(rows)


def _insert_graft(article, source, item, known, outcome) -> None:
    parent_pk = known.get(item.parent_external_id) or outcome.created_ids.get(
        item.parent_external_id
    )
    tree_id = Comment.objects.filter(pk=parent_pk).values_list("tree_id", flat=True)[0]
    lock_tree(tree_id=tree_id)
    parent = Comment.objects.get(pk=parent_pk)
    node = _comment_from(article, source, item, pk=None, parent_id=None)
    node.parent = parent
    node.save()
    known[item.external_id] = node.pk
    outcome.created_ids[item.external_id] = node.pk
    outcome.created += 1


def _comment_from(article, source, item: ImportedComment, *, pk, parent_id) -> Comment:
    return Comment(
        pk=pk,
        article=article,
        parent_id=parent_id,
        author_id=item.author_id,
        guest_name=item.guest_name[:100],
        guest_email=item.guest_email,
        ip_address=item.ip_address,
        body=item.body,
        body_html=render_comment(item.body),
        created_at=item.created_at,
        edited_at=item.edited_at,
        status=item.status,
        upvotes=item.upvotes,
        downvotes=item.downvotes,
        import_source=source,
        external_id=item.external_id,
    )
