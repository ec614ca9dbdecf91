"""Cache invalidation: cached discussion fragments and pages are named by the article's
discussion_version, so bumping it makes every older copy unreachable at once."""

from django.db.models import F

from articles import page_cache
from articles.models import Article


def articles_touch(queryset) -> None:
    """Move these articles' discussions to a new version (no recount)."""
    queryset.update(discussion_version=F("discussion_version") + 1)
    page_cache.forget_states()


def author_renamed(sender, *, user, **kwargs) -> None:
    """Receiver of accounts.signals.public_name_changed: discussions showing the name."""
    articles_touch(Article.objects.filter(comments__author=user).distinct())


def source_comment_changed(sender, *, instance, **kwargs) -> None:
    """Receiver of SourceComment's post_save and post_delete: the thread shows quotes of source
    comments (platform, translation), so its cached copies must go."""
    articles_touch(Article.objects.filter(pk=instance.article_id))
