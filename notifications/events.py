"""Who is told of what: notifications are written here, in the transaction of their event.

These receive the signals of discussions.signals, which the discussion services send inside
the transaction of each change (connected in NotificationsConfig.ready).

A comment notifies only once it is in the discussion for everyone (visible, on a public
article): a held comment notifies nobody until a moderator approves it, and a comment that
leaves the discussion (removed, spam, deleted by its author, held again) takes its
notifications out of every inbox. Nobody is told of their own actions, and a moderator's
identity is never stored on a notification.

Mail is never sent here: once the transaction commits, notifications.tasks schedules it.
"""

from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.prepared import PreparedQuery
from discussions import signals
from discussions.mentions import mentioned_users
from discussions.models import Comment
from notifications.models import POST_KINDS, Follow, Kind, Notification
from notifications.tasks import schedule_mail


def _follows_queryset(article, tree, lft, rght):
    """(user_id, muted) of the followers of the article, and of the followers and muters of a
    subtree holding the comment at (tree, lft, rght): its ancestors enclose it."""
    in_followed_subtree = Q(comment__tree_id=tree, comment__lft__lt=lft, comment__rght__gt=rght)
    return Follow.objects.filter(Q(article_id=article) | in_followed_subtree).values_list(
        "user_id", "muted"
    )


# Built by the ORM once (core.prepared), run on every published comment. Stand-ins no row
# has; the tree's within the range of its positive integer columns, or the ORM would drop the
# condition as never true.
_FOLLOWS = PreparedQuery(
    Follow,
    _follows_queryset,
    article=-7_310_470,
    tree=2_147_483_001,
    lft=2_147_483_002,
    rght=2_147_483_003,
)


def comment_published(sender=None, *, comment: Comment, **kwargs) -> list[int]:
    """Tell readers of a comment that has just entered the discussion for everyone (posted
    visible, or approved after a hold): its parent's author (reply), the readers it mentions
    (mention), and those following its article or a subtree it is in (follow). Each reader
    gets one notification, of the first kind that applies, unless they muted a subtree the
    comment is in."""
    if not comment.is_visible() or not comment.article.is_public():
        return []
    follows = _FOLLOWS.rows(
        article=comment.article_id, tree=comment.tree_id, lft=comment.lft, rght=comment.rght
    )
    muted = {user_id for user_id, is_mute in follows if is_mute}
    following = [user_id for user_id, is_mute in follows if not is_mute]

    recipients: dict[int, str] = {}
    # The parent as the posting service read it under the tree's lock (no query), or read now.
    parent_author = comment.parent.author_id if comment.parent_id else None
    if parent_author is not None:
        recipients[parent_author] = Kind.REPLY
    for user in mentioned_users(comment.body):
        recipients.setdefault(user.pk, Kind.MENTION)
    for user_id in following:
        recipients.setdefault(user_id, Kind.FOLLOW)
    recipients.pop(comment.author_id, None)
    for user_id in muted:
        recipients.pop(user_id, None)
    if not recipients:
        return []
    told = _tell(comment, recipients)
    schedule_mail(told)
    return told


def _tell(comment: Comment, recipients: dict[int, str]) -> list[int]:
    """Write one notification of the comment per recipient (their kind) and add one to each
    one's unread count; return the readers told. Two statements whatever the number of
    readers (a discussion with many followers fans out in SQL, not in Python objects).

    A reader told of this comment before (it was approved again after a hold) is skipped by
    the one-per-post constraint, and their count stays as it is: RETURNING names only the
    rows written, so each count moves by exactly the notifications added."""
    table = connections["default"].ops.quote_name(Notification._meta.db_table)
    with connections["default"].cursor() as cursor:  # a write: the primary
        cursor.execute(
            f"INSERT INTO {table} (recipient_id, kind, comment_id, actor_id, decision, created_at)"  # noqa: S608 - our own table name
            " SELECT recipient, kind, %s, %s, '', %s"
            " FROM unnest(%s::bigint[], %s::varchar[]) AS told (recipient, kind)"
            " ON CONFLICT DO NOTHING RETURNING recipient_id",
            [comment.pk, comment.author_id, timezone.now(),
             list(recipients), list(recipients.values())],
        )  # fmt: skip
        told = [row[0] for row in cursor.fetchall()]
    if told:
        get_user_model().objects.filter(pk__in=told).update(
            unread_notifications=F("unread_notifications") + 1
        )
    return told


def comment_withdrawn(sender=None, *, comment: Comment, **kwargs) -> None:
    """Take a comment that left the discussion out of every inbox but its author's."""
    told = Notification.objects.filter(comment=comment, kind__in=POST_KINDS)
    recipients = list(told.values_list("recipient_id", flat=True))
    if recipients:
        told.delete()
        recount_unread(recipients)


def comment_decided(
    sender=None, *, comment: Comment, decision: str, moderator=None, rule=None, **kwargs
) -> None:
    """Tell the author of a comment that it was held, approved or removed (citing the rule).
    A moderator deciding on their own comment is not told of it."""
    author_id = comment.author_id
    if author_id is None or (moderator is not None and moderator.pk == author_id):
        return
    Notification.objects.create(
        recipient_id=author_id,
        kind=Kind.MODERATION,
        comment=comment,
        decision=decision,
        rule=rule,
    )
    recount_unread([author_id])
    schedule_mail({author_id: Kind.MODERATION})


def comment_featured(sender=None, *, comment: Comment, moderator=None, **kwargs) -> None:
    """Tell the author that the editors picked their comment (once per comment)."""
    author_id = comment.author_id
    if author_id is None or (moderator is not None and moderator.pk == author_id):
        return
    if Notification.objects.filter(comment=comment, kind=Kind.FEATURED).exists():
        return
    Notification.objects.create(
        recipient_id=author_id, kind=Kind.FEATURED, comment=comment, actor=None
    )
    recount_unread([author_id])
    schedule_mail({author_id: Kind.FEATURED})


def recount_unread(user_ids) -> None:
    """Set each reader's unread count (User.unread_notifications) from their notifications,
    in this transaction: exact whatever ran concurrently, one UPDATE for all of them."""
    unread = (
        Notification.objects.filter(recipient_id=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("recipient_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    get_user_model().objects.filter(pk__in=list(user_ids)).update(
        unread_notifications=Coalesce(Subquery(unread), 0)
    )


def connect() -> None:
    for name in ("comment_published", "comment_withdrawn", "comment_decided", "comment_featured"):
        getattr(signals, name).connect(globals()[name], dispatch_uid=f"notifications.{name}")
