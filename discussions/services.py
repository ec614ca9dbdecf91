"""Every write to the comment tree happens here, in one transaction under advisory locks.

django-mptt keeps each tree as nested sets (lft/rght) and allocates tree_id as MAX()+1, both
of which corrupt under concurrent writers. So each write takes a PostgreSQL transaction-scoped
advisory lock first: a global one when it creates a root (a new tree_id), one per tree when it
adds a reply, and re-reads the parent under that lock before mptt computes positions.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from articles.models import Article
from discussions import screening
from discussions.models import Comment, RejectedComment, Vote
from discussions.text import normalize_body, render_comment

# Two-key advisory lock namespaces (pg_advisory_xact_lock(int, int)), chosen to be unlikely to
# collide with anything else that shares the database.
LOCK_NAMESPACE_ROOTS = 0x43540001
LOCK_NAMESPACE_TREE = 0x43540002


LOCK_NAMESPACE_AUTHOR = 0x43540003


class CommentRejected(Exception):
    """The comment cannot be posted; the message says why, in words a reader understands."""

    def __init__(self, message: str, *, code: str, status: int = 400, retry_after=None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.retry_after = retry_after


def lock_new_roots() -> None:
    """Serialize tree_id allocation for new top-level comments (until the transaction ends)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [LOCK_NAMESPACE_ROOTS])


def lock_tree(tree_id: int) -> None:
    """Serialize writes into one tree (until the transaction ends)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE_TREE, tree_id])


def lock_author(author_id: int) -> None:
    """Serialize one author's posting, so rate limits and duplicate checks are exact."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE_AUTHOR, author_id])


def comment_submit(
    *,
    article: Article,
    author,
    body: str,
    parent_id: int | None = None,
    ip_address: str | None = None,
) -> Comment:
    """Screen a reader's comment and post it (visible, or held for review); raise
    CommentRejected with the reason when screening refuses it."""
    body = normalize_body(body)
    with transaction.atomic():
        lock_author(author.pk)
        verdict = screening.screen(
            screening.Submission(author=author, article=article, body=body, now=timezone.now())
        )
        if verdict is None or verdict.action == screening.HOLD:
            return comment_post(
                article=article,
                author=author,
                body=body,
                parent_id=parent_id,
                ip_address=ip_address,
                status=Comment.Status.PENDING if verdict else Comment.Status.VISIBLE,
                hold_reason=verdict.message if verdict else "",
            )
        RejectedComment.objects.create(
            article=article, author=author, body=body, code=verdict.code, reason=verdict.message
        )
    raise CommentRejected(
        verdict.message, code=verdict.code, status=verdict.status, retry_after=verdict.retry_after
    )


def article_touch(*, article_id: int, added_visible: bool | None = None) -> None:
    """Bump the discussion's cache version and recount its visible comments, in this transaction.

    added_visible: the change was one new comment and nothing else, visible or not; the count
    then moves by SQL arithmetic (exact under concurrent posts, as each UPDATE re-reads the
    row it waited for) instead of counting the whole discussion again.
    """
    if added_visible is not None:
        Article.objects.filter(pk=article_id).update(
            discussion_version=F("discussion_version") + 1,
            comment_count=F("comment_count") + int(added_visible),
        )
        return
    visible = (
        Comment.objects.filter(article_id=OuterRef("pk"), status=Comment.Status.VISIBLE)
        .order_by()
        .values("article_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Article.objects.filter(pk=article_id).update(
        discussion_version=F("discussion_version") + 1,
        comment_count=Coalesce(Subquery(visible), 0),
    )


def comment_post(
    *,
    article: Article,
    author,
    body: str,
    parent_id: int | None = None,
    status: str = Comment.Status.VISIBLE,
    ip_address: str | None = None,
    created_at=None,
    hold_reason: str = "",
) -> Comment:
    """Create a comment (a new tree, or a reply as the last child of its parent) and return it."""
    body = normalize_body(body)
    with transaction.atomic():
        parent = None
        if parent_id is None:
            lock_new_roots()
        else:
            tree_id = (
                Comment.objects.filter(pk=parent_id, article_id=article.pk)
                .values_list("tree_id", flat=True)
                .first()
            )
            if tree_id is None:
                raise CommentRejected(
                    "The comment you replied to does not exist in this discussion.",
                    code="bad_parent",
                )
            lock_tree(tree_id)
            # Re-read under the lock: lft/rght may have moved since the first read.
            parent = Comment.objects.get(pk=parent_id)
            if parent.status not in (Comment.Status.VISIBLE, Comment.Status.PENDING):
                raise CommentRejected(
                    "The comment you replied to is no longer in the discussion.",
                    code="parent_gone",
                    status=409,
                )
        comment = Comment(
            article=article,
            parent=parent,
            author=author,
            body=body,
            body_html=render_comment(body),
            created_at=created_at or timezone.now(),
            status=status,
            hold_reason=hold_reason,
            ip_address=ip_address,
        )
        comment.save()
        article_touch(article_id=article.pk, added_visible=status == Comment.Status.VISIBLE)
    return comment


def lock_vote(*, user_id: int, comment_id: int) -> None:
    """Serialize one user's votes on one comment. The key is a 64-bit hash in the one-key
    space (which never meets the two-key locks); a collision only serializes two votes."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
            [f"vote:{user_id}:{comment_id}"],
        )


def vote_cast(*, comment: Comment, user, value: int) -> tuple[int, int, int]:
    """Record the user's vote (1, -1, or 0 to withdraw) and return (upvotes, downvotes, value).

    The counters move by SQL arithmetic in the same transaction as the vote row, so they always
    equal the vote rows, also under concurrent voters.
    """
    with transaction.atomic():
        lock_vote(user_id=user.pk, comment_id=comment.pk)
        existing = Vote.objects.filter(comment=comment, user=user).first()
        old = existing.value if existing else 0
        new = 0 if value == old else value  # voting the same way twice withdraws
        if new != old:
            if existing is None:
                Vote.objects.create(comment=comment, user=user, value=new)
            elif new == 0:
                existing.delete()
            else:
                existing.value = new
                existing.save(update_fields=["value"])
            Comment.objects.filter(pk=comment.pk).update(
                upvotes=F("upvotes") + ((new == 1) - (old == 1)),
                downvotes=F("downvotes") + ((new == -1) - (old == -1)),
            )
            Article.objects.filter(pk=comment.article_id).update(
                discussion_version=F("discussion_version") + 1
            )
        up, down = _counts(comment.pk)
    return up, down, new


def _counts(comment_id: int) -> tuple[int, int]:
    return tuple(Comment.objects.filter(pk=comment_id).values_list("upvotes", "downvotes")[0])


def votes_recount(*, repair: bool) -> list[tuple[int, int, int, int, int]]:
    """Return comments whose counters differ from their vote rows; fix them when repair is set.

    Each entry is (comment id, stored up, stored down, counted up, counted down).
    """
    # Imported comments carry the counts of the site they came from, without vote rows here.
    counted = (
        Comment.objects.filter(import_source="")
        .annotate(
            up=Count("votes", filter=Q(votes__value=1)),
            down=Count("votes", filter=Q(votes__value=-1)),
        )
        .exclude(upvotes=F("up"), downvotes=F("down"))
    )
    wrong = [
        (row.pk, row.upvotes, row.downvotes, row.up, row.down)
        for row in counted.only("pk", "upvotes", "downvotes")
    ]
    if repair:
        with transaction.atomic():
            for pk, _up, _down, up, down in wrong:
                Comment.objects.filter(pk=pk).update(upvotes=up, downvotes=down)
    return wrong


@dataclass
class ImportedComment:
    """One comment read from an export, before it has a place in a tree."""

    external_id: str
    parent_external_id: str | None
    body: str
    body_html: str
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
    Comment.objects.bulk_create(rows, batch_size=2000)
    outcome.created += len(rows)


def _insert_graft(article, source, item, known, outcome) -> None:
    parent_pk = known.get(item.parent_external_id) or outcome.created_ids.get(
        item.parent_external_id
    )
    tree_id = Comment.objects.filter(pk=parent_pk).values_list("tree_id", flat=True)[0]
    lock_tree(tree_id)
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
        body_html=item.body_html,
        created_at=item.created_at,
        edited_at=item.edited_at,
        status=item.status,
        upvotes=item.upvotes,
        downvotes=item.downvotes,
        import_source=source,
        external_id=item.external_id,
    )
