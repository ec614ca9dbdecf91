"""Cache invalidation: cached discussion fragments and pages are named by the article's
discussion_version, so bumping it makes every older copy unreachable at once. What a comment's
stored markup shows of other rows (its author's name, the source comment it quotes) is
rendered again here too (discussions.markup)."""

from django.db.models import F

from articles import page_cache
from articles.models import Article
from discussions import markup
from discussions.models import Comment


def articles_touch(queryset, **changes) -> None:
    """Move these articles' discussions to a new version, with any other change to the same
    rows (changes: field -> value or expression) in the same UPDATE, and forget this worker's
    reading of their states (articles.page_cache)."""
    queryset.update(discussion_version=F("discussion_version") + 1, **changes)
    page_cache.forget_states()


def author_renamed(sender, *, user, **kwargs) -> None:
    """Receiver of accounts.signals.public_name_changed: discussions showing the name."""
    markup.refresh(Comment._base_manager.filter(author=user))
    articles_touch(Article.objects.filter(comments__author=user).distinct())


def _citing(instance, field: str):
    """The comments whose field refers to instance: the ids noted before it was deleted (the
    delete clears the reference first), else those referring to it now."""
    noted = getattr(instance, "_cited_by", None)
    return noted if noted is not None else Comment._base_manager.filter(**{field: instance.pk})


def note_citing(field: str):
    """Return a pre_delete receiver noting the comments whose field refers to the instance."""

    def receiver(sender, *, instance, **kwargs) -> None:
        instance._cited_by = list(
            Comment._base_manager.filter(**{field: instance.pk}).values_list("pk", flat=True)
        )

    return receiver


def policy_rule_changed(sender, *, instance, **kwargs) -> None:
    """Receiver of PolicyRule's post_save and post_delete: the placeholders of comments
    removed under the rule cite its number and title."""
    cited = _citing(instance, "status_rule_id")
    if markup.refresh(cited):
        articles_touch(Article.objects.filter(comments__in=cited).distinct())


def author_deleted(sender, *, instance, **kwargs) -> None:
    """Receiver of the user model's post_delete: their comments stay, by nobody now."""
    authored = _citing(instance, "author_id")
    if markup.refresh(authored):
        articles_touch(Article.objects.filter(comments__in=authored).distinct())


def source_comment_changed(sender, *, instance, **kwargs) -> None:
    """Receiver of SourceComment's post_save and post_delete: the thread shows quotes of source
    comments (platform, translation), so the replies quoting it are rendered again and the
    cached copies of its discussion must go."""
    markup.refresh(_citing(instance, "source_comment_id"))
    articles_touch(Article.objects.filter(pk=instance.article_id))
