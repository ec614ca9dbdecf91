"""What an article page shows a signed-in reader of their follows, at no extra query: the
article query annotates it (follow_annotations), the page reads it (follow_state)."""

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Exists, OuterRef, Subquery
from django.utils.translation import gettext

from notifications.models import Follow


def follow_annotations(user) -> dict:
    """Annotations for an Article queryset: whether the reader follows its discussion, and
    which of its comments' subtrees they follow or muted (arrays of comment ids)."""

    def comment_ids(muted: bool):
        return Subquery(
            Follow.objects.filter(user=user, comment__article=OuterRef("pk"), muted=muted)
            .order_by()
            .values("user_id")
            .annotate(ids=ArrayAgg("comment_id"))
            .values("ids")
        )

    return {
        "follows_discussion": Exists(Follow.objects.filter(user=user, article=OuterRef("pk"))),
        "followed_comment_ids": comment_ids(False),
        "muted_comment_ids": comment_ids(True),
    }


def follow_state(article) -> dict:
    """The page script's data: {"followed": [ids], "muted": [ids], "labels": {...}}."""
    return {
        "followed": sorted(getattr(article, "followed_comment_ids", None) or []),
        "muted": sorted(getattr(article, "muted_comment_ids", None) or []),
        "labels": {
            "follow": gettext("Follow replies"),
            "unfollow": gettext("Unfollow replies"),
            "mute": gettext("Mute"),
            "unmute": gettext("Unmute"),
        },
    }
