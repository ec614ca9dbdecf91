"""What a reader is told: notifications in the site, the discussions they follow or mute, and
how they want each kind by mail."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from discussions.models import Comment, PolicyRule


class Kind(models.TextChoices):
    """What a notification is about (contract markup: li.notification[data-kind])."""

    REPLY = "reply", _("Replies to my comments")
    MENTION = "mention", _("Mentions of me")
    FOLLOW = "follow", _("New comments in discussions I follow")
    MODERATION = "moderation", _("Moderators' decisions on my comments")
    FEATURED = "featured", _("My comments picked by the editors")
    REPORT = "report", _("Editors' decisions on my translation reports")


# A new comment is one event: each recipient gets at most one of these for it, the first
# that applies (a reply that also mentions me is a reply).
POST_KINDS = (Kind.REPLY, Kind.MENTION, Kind.FOLLOW)


class Decision(models.TextChoices):
    """A moderation decision the author of the comment is told of."""

    HELD = "held", _("held for review")
    APPROVED = "approved", _("approved")
    REMOVED = "removed", _("removed")
    # The editors' outcomes of a translation report (Kind.REPORT).
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")
    DUPLICATE = "duplicate", _("a duplicate")
    CORRECTED = "corrected", _("corrected")


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # What it is about: a comment, or (Kind.REPORT) the reader's translation report.
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    report = models.ForeignKey(
        "translations.TranslationReport",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    # Who wrote the comment (post kinds); never the moderator of a decision.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    rule = models.ForeignKey(
        PolicyRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # When a mail told of it (immediately or in a digest); None: not yet, or never.
    mailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
            # The unread count of every signed-in page: an index-only count.
            models.Index(
                fields=["recipient"], name="notification_unread", condition=Q(read_at__isnull=True)
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "comment"],
                condition=Q(kind__in=["reply", "mention", "follow"]),
                name="notification_one_per_post",
            ),
            models.CheckConstraint(
                condition=Q(comment__isnull=False) | Q(report__isnull=False),
                name="notification_about_something",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self):
        """Return where the notification leads: the comment, or the reported article (its
        corrections, once corrected)."""
        if self.report_id is not None:
            anchor = "#corrections" if self.decision == Decision.CORRECTED else ""
            return self.report.article.get_absolute_url() + anchor
        return self.comment.get_absolute_url()

    @property
    def article(self):
        """Return the article the notification is about."""
        if self.report_id is not None:
            return self.report.article
        return self.comment.article


class Follow(models.Model):
    """A reader following an article's discussion or one comment's subtree, or muting a
    subtree (muted=True: nothing from it notifies them, not even replies)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    muted = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(article__isnull=False, comment__isnull=True)
                | Q(article__isnull=True, comment__isnull=False),
                name="follow_article_or_comment",
            ),
            models.CheckConstraint(
                condition=Q(muted=False) | Q(comment__isnull=False), name="follow_mute_subtree"
            ),
            models.UniqueConstraint(
                fields=["user", "article"],
                condition=Q(article__isnull=False),
                name="follow_article",
            ),
            models.UniqueConstraint(
                fields=["user", "comment"],
                condition=Q(comment__isnull=False),
                name="follow_comment",
            ),
        ]
        indexes = [models.Index(fields=["article"], name="follow_by_article")]

    def __str__(self):
        return f"follow #{self.pk}"


class Frequency(models.TextChoices):
    OFF = "off", _("Off")
    IMMEDIATELY = "immediately", _("Immediately")
    DAILY = "daily", _("Daily digest")


class MailSettings(models.Model):
    """How one reader wants each kind of notification by mail. No row: the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    reply = models.CharField(
        Kind.REPLY.label, max_length=12, choices=Frequency.choices, default=Frequency.IMMEDIATELY
    )
    mention = models.CharField(
        Kind.MENTION.label, max_length=12, choices=Frequency.choices, default=Frequency.IMMEDIATELY
    )
    follow = models.CharField(
        Kind.FOLLOW.label, max_length=12, choices=Frequency.choices, default=Frequency.OFF
    )
    moderation = models.CharField(
        Kind.MODERATION.label, max_length=12, choices=Frequency.choices, default=Frequency.OFF
    )
    featured = models.CharField(
        Kind.FEATURED.label, max_length=12, choices=Frequency.choices, default=Frequency.OFF
    )
    report = models.CharField(
        Kind.REPORT.label, max_length=12, choices=Frequency.choices, default=Frequency.OFF
    )

    def __str__(self):
        return f"mail settings of {self.user_id}"

    @classmethod
    def for_user(cls, user) -> "MailSettings":
        """Return the reader's settings (unsaved defaults when they never chose)."""
        return cls.objects.filter(user=user).first() or cls(user=user)

    def frequency(self, kind: str) -> str:
        return getattr(self, kind)
