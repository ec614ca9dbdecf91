"""Readers' votes: one row per reader and comment, counters moved in the same transaction."""

from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils.translation import gettext as _

from accounts.models import User
from discussions.models import Comment, Vote
from discussions.services.errors import ActionRefused, check_reaction
from discussions.services.posting import article_touch


def lock_vote(*, user_id: int, comment_id: int) -> None:
    """Serialize one user's votes on one comment. The key is a 64-bit hash in the one-key
    space (which never meets the two-key locks); a collision only serializes two votes."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
            [f"vote:{user_id}:{comment_id}"],
        )


VOTE_VALUES = (1, -1, 0)


def vote_cast(*, comment: Comment, user: User, value: int) -> tuple[int, int, int]:
    """Record the user's vote (1, -1, or 0 to withdraw) and return (upvotes, downvotes, value).

    The counters move by SQL arithmetic in the same transaction as the vote row, so they always
    equal the vote rows, also under concurrent voters. Raise ActionRefused when the user may
    not vote on it.
    """
    if value not in VOTE_VALUES:
        raise ActionRefused(
            _("A vote is 1 (up), -1 (down) or 0 (withdraw)."), code="bad_value", status=400
        )
    check_reaction(
        comment,
        user,
        allowed=comment.is_votable_by(user),
        refusals={
            "hidden": _("This comment cannot be voted on."),
            "own": _("You cannot vote on your own comment."),
            "sanctioned": _("Your account cannot vote at the moment."),
        },
    )
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
            article_touch(article_id=comment.article_id, count_change=0)
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
