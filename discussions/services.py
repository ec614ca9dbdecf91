"""Every write to the comment tree happens here, in one transaction under advisory locks.

django-mptt keeps each tree as nested sets (lft/rght) and allocates tree_id as MAX()+1, both
of which corrupt under concurrent writers. So each write takes a PostgreSQL transaction-scoped
advisory lock first: a global one when it creates a root (a new tree_id), one per tree when it
adds a reply, and re-reads the parent under that lock before mptt computes positions.
"""

from django.db import connection, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from articles.models import Article
from discussions.models import Comment, Vote
from discussions.text import normalize_body, render_comment

# Two-key advisory lock namespaces (pg_advisory_xact_lock(int, int)), chosen to be unlikely to
# collide with anything else that shares the database.
LOCK_NAMESPACE_ROOTS = 0x43540001
LOCK_NAMESPACE_TREE = 0x43540002


class CommentRejected(Exception):
    """The comment cannot be posted; the message says why, in words a reader understands."""

    def __init__(self, message: str, *, code: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


def lock_new_roots() -> None:
    """Serialize tree_id allocation for new top-level comments (until the transaction ends)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [LOCK_NAMESPACE_ROOTS])


def lock_tree(tree_id: int) -> None:
    """Serialize writes into one tree (until the transaction ends)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE_TREE, tree_id])


def article_touch(*, article_id: int) -> None:
    """Bump the discussion's cache version and recount its visible comments, in this transaction."""
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
            ip_address=ip_address,
        )
        comment.save()
        article_touch(article_id=article.pk)
    return comment


def lock_vote(*, user_id: int, comment_id: int) -> None:
    """Serialize one user's votes on one comment (one-key locks never meet two-key ones)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [(user_id << 32) | comment_id])


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
    counted = Comment.objects.annotate(
        up=Count("votes", filter=Q(votes__value=1)),
        down=Count("votes", filter=Q(votes__value=-1)),
    ).exclude(upvotes=F("up"), downvotes=F("down"))
    wrong = [
        (row.pk, row.upvotes, row.downvotes, row.up, row.down)
        for row in counted.only("pk", "upvotes", "downvotes")
    ]
    if repair:
        with transaction.atomic():
            for pk, _up, _down, up, down in wrong:
                Comment.objects.filter(pk=pk).update(upvotes=up, downvotes=down)
    return wrong
