from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from mptt.models import MPTTModel, TreeForeignKey

from articles.models import Article

# Longest comment body a reader may post, in characters.
MAX_BODY_LENGTH = 10_000


class PolicyRule(models.Model):
    """One numbered rule of the published Comment Policy."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("explanation"))

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return _("Rule {number}: {title}").format(number=self.number, title=self.title)

    def get_absolute_url(self):
        return reverse("discussions:policy") + f"#rule-{self.number}"


class CommentQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(status=Comment.Status.VISIBLE)

    def for_article(self, article):
        return self.filter(article=article)


class Comment(MPTTModel):
    """A reader's comment; each top-level comment is the root of its own mptt tree.

    lft, rght, level and tree_id are written only by discussions.services, under
    PostgreSQL advisory locks: never save a Comment's position anywhere else.
    """

    class Status(models.TextChoices):
        VISIBLE = "visible", _("Visible")
        PENDING = "pending", _("Awaiting moderation")
        REMOVED = "removed", _("Removed by a moderator")
        SPAM = "spam", _("Spam")
        DELETED = "deleted", _("Deleted by its author")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    parent = TreeForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
    )
    # Imported comments from guests carry a name instead of an account.
    guest_name = models.CharField(_("guest name"), max_length=100, blank=True)
    # Private: never rendered on a public page or exported.
    guest_email = models.EmailField(_("guest email"), blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    body = models.TextField(_("body"), max_length=MAX_BODY_LENGTH)
    body_html = models.TextField(_("rendered body"), editable=False)
    created_at = models.DateTimeField(_("created"), db_index=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.VISIBLE
    )
    upvotes = models.PositiveIntegerField(default=0)
    downvotes = models.PositiveIntegerField(default=0)
    # Where an imported comment came from ("wxr", "disqus", "json") and its id there, so a
    # re-import recognises it.
    import_source = models.CharField(max_length=20, blank=True, editable=False)
    external_id = models.CharField(max_length=200, blank=True, editable=False)
    # mptt's nested-set fields, declared here so the indexes below can name them.
    lft = models.PositiveIntegerField(editable=False)
    rght = models.PositiveIntegerField(editable=False)
    tree_id = models.PositiveIntegerField(editable=False)
    level = models.PositiveIntegerField(editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["article", "status"]),
            models.Index(fields=["article", "level"]),
            models.Index(fields=["tree_id", "lft"], name="comment_tree_lft"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lft__lt=models.F("rght")), name="comment_lft_lt_rght"
            ),
            models.UniqueConstraint(
                fields=["import_source", "external_id"],
                condition=~models.Q(external_id=""),
                name="comment_unique_external_id",
            ),
        ]

    def __str__(self):
        return _("Comment {id} by {name}").format(id=self.pk, name=self.display_name)

    def get_absolute_url(self):
        return reverse("discussions:permalink", args=[self.pk])

    @property
    def display_name(self) -> str:
        if self.author_id:
            return self.author.public_name
        return self.guest_name or _("Anonymous")

    def is_visible(self) -> bool:
        return self.status == self.Status.VISIBLE

    def is_votable_by(self, user) -> bool:
        return self.is_visible() and user.is_authenticated and user.pk != self.author_id


class Vote(models.Model):
    class Value(models.IntegerChoices):
        UP = 1, _("Up")
        DOWN = -1, _("Down")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="votes"
    )
    value = models.SmallIntegerField(choices=Value.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="one_vote_per_user"),
            models.CheckConstraint(condition=models.Q(value__in=[1, -1]), name="vote_value_pm1"),
        ]

    def __str__(self):
        return f"{self.user_id} {self.value:+d} on {self.comment_id}"
