from django.db import transaction
from django.db.models import F

from accounts.models import User
from articles.models import Article


def user_set_display_name(*, user, display_name: str) -> None:
    """Change the user's display name and refresh every discussion that shows it."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(display_name=display_name)
        user.display_name = display_name
        # Cached discussion pages carry the old name: move their articles to a new version.
        Article.objects.filter(comments__author=user).distinct().update(
            discussion_version=F("discussion_version") + 1
        )
