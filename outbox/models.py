"""Mail waiting to go out, or gone: one row per message, sent by outbox.tasks.deliver."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutgoingMailQuerySet(models.QuerySet):
    def due(self, now: datetime | None = None):
        """Return the queued mails whose next attempt is not in the future."""
        return self.filter(
            status=OutgoingMail.Status.QUEUED, next_attempt_at__lte=now or timezone.now()
        )


class OutgoingMail(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        # Gave up after MAX_ATTEMPTS temporary failures, or the message could not be built.
        FAILED = "failed", _("failed")
        # The receiving server refused the address or the message for good (5xx).
        BOUNCED = "bounced", _("bounced")

    to = models.EmailField(_("to"))
    subject = models.TextField(_("subject"))
    text_body = models.TextField(_("text body"))
    html_body = models.TextField(_("HTML body"), blank=True)
    # Extra header lines, name → value (List-Unsubscribe, …).
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    # What the mail is for ("notifications", "password_reset", …); for the operator only.
    kind = models.CharField(_("kind"), max_length=40, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = OutgoingMailQuerySet.as_manager()

    # A temporary failure (server down, timeout, 4xx) is retried this many times in all…
    MAX_ATTEMPTS = 10
    # …waiting RETRY_DELAY after the first, twice as long after each next, at most
    # MAX_RETRY_DELAY: 30 s, 1, 2, 4, 8, 16, 32 min, then hourly; about 3 h from first to last.
    RETRY_DELAY = timedelta(seconds=30)
    MAX_RETRY_DELAY = timedelta(hours=1)

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outgoingmail_due"),
        ]

    def __str__(self):
        return f"{self.to}: {self.subject}"

    def is_due(self, now: datetime | None = None) -> bool:
        """Say whether a delivery attempt may run now."""
        return self.status == self.Status.QUEUED and self.next_attempt_at <= (now or timezone.now())

    def may_retry(self) -> bool:
        """Say whether another attempt follows the ones made so far."""
        return self.attempts < self.MAX_ATTEMPTS

    def retry_delay(self) -> timedelta:
        """Return how long to wait after the attempts made so far (at least one)."""
        doublings = min(max(self.attempts - 1, 0), 20)
        return min(self.RETRY_DELAY * 2**doublings, self.MAX_RETRY_DELAY)
