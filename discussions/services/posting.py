"""Every write to the comment tree happens here, in one transaction under advisory locks.

django-mptt keeps each tree as nested sets (lft/rght) and allocates tree_id as MAX()+1, both
of which corrupt under concurrent writers. So each write takes a PostgreSQL transaction-scoped
advisory lock first: a global one when it creates a root (a new tree_id), one per tree when it
adds a reply, and re-reads the parent under that lock before mptt computes positions.
"""

from datetime import datetime

from django.db import connection, transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from articles.models import Article, SourceComment
from core.prepared import PreparedModelQuery, PreparedQuery
from core.text import normalize_body
from discussions import markup, screening, signals
from discussions.invalidation import articles_touch
from discussions.mentions import render_body
from discussions.models import (
    Comment,
    CommentRevision,
    ModerationAction,
    PolicyRule,
    RejectedComment,
    edit_window_message,
)
from discussions.services.errors import CommentRejected, ModerationError
from discussions.services.log import log_action

# Two-key advisory lock namespaces (pg_advisory_xact_lock(int, int)), chosen to be unlikely to
# collide with anything else that shares the database.
LOCK_NAMESPACE_ROOTS = 0x43540001
LOCK_NAMESPACE_TREE = 0x43540002
LOCK_NAMESPACE_AUTHOR = 0x43540003


def lock_new_roots() -> None:
    """Serialize tree_id allocation for new top-level comments (until the transaction ends)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [LOCK_NAMESPACE_ROOTS])


def lock_tree(*, tree_id: int) -> None:
    """Serialize writes into one tree (until the transaction ends)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE_TREE, tree_id])


def lock_author(*, author_id: int) -> None:
    """Serialize one author's posting and editing, so rate limits and duplicate checks are
    exact."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE_AUTHOR, author_id])


def comment_submit(
    *,
    article: Article,
    author: User,
    body: str,
    parent_id: int | None = None,
    ip_address: str | None = None,
    source_comment: SourceComment | None = None,
) -> Comment:
    """Screen a reader's comment and post it (visible, or held for review); raise
    CommentRejected with the reason when screening refuses it.

    source_comment: the article's source comment it answers, quoted by reference."""
    body = normalize_body(body)
    with transaction.atomic():
        lock_author(author_id=author.pk)
        verdict = screening.screen(
            screening.Submission(author=author, article=article, body=body, now=timezone.now())
        )
        if verdict is None or verdict.action == screening.HOLD:
            comment = comment_post(
                article=article,
                author=author,
                body=body,
                parent_id=parent_id,
                ip_address=ip_address,
                source_comment=source_comment,
                status=Comment.Status.PENDING if verdict else Comment.Status.VISIBLE,
                hold_reason=verdict.message if verdict else "",
            )
            if verdict:
                _log_hold(comment, verdict, note=_("held by screening ({code})"))
                signals.comment_decided.send(Comment, comment=comment, decision="held")
            return comment
        RejectedComment.objects.create(
            article=article, author=author, body=body, code=verdict.code, reason=verdict.message
        )
    raise CommentRejected(
        verdict.message, code=verdict.code, status=verdict.status, retry_after=verdict.retry_after
    )


def article_touch(*, article_id: int, count_change: int | None = None) -> None:
    """Bump the discussion's cache version and recount its visible comments, in this transaction.

    count_change: how many visible comments the change added, when it is known exactly (a new
    comment: 1 or 0; a vote: 0); the count then moves by SQL arithmetic (exact under
    concurrent posts, as each UPDATE re-reads the row it waited for) instead of counting the
    whole discussion again.
    """
    articles = Article.objects.filter(pk=article_id)
    if count_change is not None:
        articles_touch(articles, comment_count=F("comment_count") + count_change)
        return
    visible = (
        Comment.objects.visible_to(None)
        .filter(article_id=OuterRef("pk"))
        .order_by()
        .values("article_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    articles_touch(articles, comment_count=Coalesce(Subquery(visible), 0))


# A reply's reads of its parent, built by the ORM once (core.prepared): the parent's tree in
# the article (to lock it), then the parent itself under that lock. Stand-ins no row has.
_PARENT_STAND_IN, _ARTICLE_STAND_IN = -7_310_460, -7_310_461
_PARENT_TREE = PreparedQuery(
    Comment,
    lambda parent, article: Comment.objects.filter(pk=parent, article_id=article).values_list(
        "tree_id"
    ),
    parent=_PARENT_STAND_IN,
    article=_ARTICLE_STAND_IN,
)
_PARENT = PreparedModelQuery(
    Comment, lambda parent: Comment.objects.filter(pk=parent), parent=_PARENT_STAND_IN
)


def comment_post(
    *,
    article: Article,
    author: User,
    body: str,
    parent_id: int | None = None,
    status: str = Comment.Status.VISIBLE,
    ip_address: str | None = None,
    created_at: datetime | None = None,
    hold_reason: str = "",
    source_comment: SourceComment | None = None,
) -> Comment:
    """Create a comment (a new tree, or a reply as the last child of its parent) and return it.

    source_comment: the source comment it quotes; only one of the same article."""
    body = normalize_body(body)
    if source_comment is not None and source_comment.article_id != article.pk:
        raise CommentRejected(
            _("The source comment you are replying to is not one of this article's."),
            code="bad_source_comment",
        )
    with transaction.atomic():
        parent = None
        if parent_id is None:
            lock_new_roots()
        else:
            found = _PARENT_TREE.rows(parent=parent_id, article=article.pk)
            if found:
                lock_tree(tree_id=found[0][0])
                # Re-read under the lock: lft/rght may have moved since the first read.
                parent = _PARENT.first(parent=parent_id)
            if parent is None:
                raise CommentRejected(
                    _("The comment you replied to does not exist in this discussion."),
                    code="bad_parent",
                )
            if not parent.is_in_discussion():
                raise CommentRejected(
                    _("The comment you replied to is no longer in the discussion."),
                    code="parent_gone",
                    status=409,
                )
        comment = Comment(
            article=article,
            parent=parent,
            author=author,
            body=body,
            body_html=render_body(body),
            created_at=created_at or timezone.now(),
            status=status,
            hold_reason=hold_reason,
            ip_address=ip_address,
            source_comment=source_comment,
        )
        if parent is not None:
            # Make the reply's room in the tree from the parent as read under the tree's lock
            # (current): mptt's save would read the parent once more first.
            comment.insert_at(parent, position="last-child", refresh_target=False)
        comment.save()
        article_touch(article_id=article.pk, count_change=int(comment.is_visible()))
        signals.comment_published.send(Comment, comment=comment)
    return comment


def _log_hold(comment: Comment, verdict, *, note: str) -> None:
    """Log a screening hold like a flag hold: automatic, citing the rule when there is one."""
    rule = None
    if verdict.rule_id is not None:
        rule = PolicyRule.objects.filter(pk=verdict.rule_id).first()
    log_action(
        action=ModerationAction.Action.HOLD,
        comment=comment,
        rule=rule,
        note=note.format(code=verdict.code),
    )


def _locked_as_it_stands(comment: Comment) -> Comment:
    """Return the comment's row as it is now, locked for this transaction as comment_moderate
    locks it: what its author saw may have been decided on meanwhile. Raise ModerationError
    (409) when it no longer stands in the discussion."""
    current = (
        Comment.objects.select_for_update(no_key=True)
        .only("pk", "status", "author_id", "created_at", "body")
        .filter(pk=comment.pk)
        .first()
    )
    if current is None or not current.is_in_discussion():
        raise ModerationError(
            _("This comment is no longer in the discussion."), code="gone", status=409
        )
    return current


def comment_edit(*, comment: Comment, user: User, body: str) -> Comment:
    """Replace the text of the user's own comment within the edit window, keeping the old one.

    Screened like a new comment's text (and the author's standing), under the author's lock;
    a hold puts it back for review, logged like any hold. Asked again of the comment as it
    stands once locked, so an edit never lands on a comment a moderator removed meanwhile."""
    if not comment.is_editable_by(user):
        raise ModerationError(edit_window_message(), code="not_editable", status=403)
    body = normalize_body(body)
    with transaction.atomic():
        lock_author(author_id=user.pk)
        current = _locked_as_it_stands(comment)
        if not current.is_editable_by(user):
            raise ModerationError(edit_window_message(), code="not_editable", status=403)
        verdict = screening.screen(
            screening.Submission(
                author=user, article=comment.article, body=body, now=timezone.now()
            ),
            rules=screening.EDIT_RULES,
        )
        if verdict and verdict.action == screening.REJECT:
            raise ModerationError(verdict.message, code=verdict.code, status=verdict.status)
        changes = {"body": body, "body_html": render_body(body), "edited_at": timezone.now()}
        if verdict:  # held for review
            changes.update(status=Comment.Status.PENDING, hold_reason=verdict.message)
        CommentRevision.objects.create(comment=comment, body=current.body)
        Comment.objects.filter(pk=comment.pk).update(**changes)
        markup.refresh([comment.pk])
        if verdict:
            _log_hold(comment, verdict, note=_("held after its author's edit ({code})"))
            signals.comment_withdrawn.send(Comment, comment=comment)
            signals.comment_decided.send(Comment, comment=comment, decision="held")
        article_touch(article_id=comment.article_id)
    comment.refresh_from_db()
    return comment


def comment_delete(*, comment: Comment, user: User) -> None:
    """Withdraw the user's own comment; its replies stay, under a placeholder. Asked again of
    the comment as it stands once locked: a comment removed meanwhile stays removed."""
    if not comment.is_deletable_by(user):
        raise ModerationError(
            _("Only its author can delete a comment."), code="not_deletable", status=403
        )
    with transaction.atomic():
        _locked_as_it_stands(comment)
        Comment.objects.filter(pk=comment.pk).update(
            status=Comment.Status.DELETED, is_featured=False
        )
        markup.refresh([comment.pk])
        signals.comment_withdrawn.send(Comment, comment=comment)
        article_touch(article_id=comment.article_id)
