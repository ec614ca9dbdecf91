from datetime import timedelta

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.confusables import skeleton


def public_name(*, display_name: str, username: str) -> str:
    """Return the name others see for an account: its display name, else its username."""
    return display_name or username


def shows_profile(*, username: str | None, is_active: bool | None) -> bool:
    """Return whether an author's name links to their profile: an account's (a guest has
    none) that is active, the accounts UserQuerySet.with_profile gives the profile page."""
    return bool(username) and bool(is_active)


def may_sanction(moderator, account) -> bool:
    """Return whether the moderator (None: the site itself) may suspend or ban the account:
    a staff account only a superuser may."""
    return not account.is_staff or (moderator is not None and moderator.is_superuser)


class UserQuerySet(models.QuerySet):
    def with_profile(self):
        """Return the accounts that have a public profile page (shows_profile): active ones."""
        return self.filter(is_active=True)

    def with_email(self, address: str):
        """Return the accounts whose address is this one, compared case-insensitively (the
        way the unique constraint compares them, so the lookup uses its index)."""
        return self.alias(email_lower=Lower("email")).filter(
            email_lower=Lower(models.Value(address))
        )


class AccountManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A reader, editor or moderator; shown to others by display name only."""

    display_name = models.CharField(
        _("display name"),
        max_length=50,
        blank=True,
        help_text=_("Shown beside your comments. Leave empty to use your username."),
    )

    # The look-alike form of the username (accounts.confusables.skeleton), so a new name that
    # merely looks like an existing one can be refused with one indexed lookup.
    username_skeleton = models.CharField(max_length=150, db_index=True, editable=False, default="")

    # The reader's unread notifications, kept by notifications.events, so every signed-in
    # page shows the count without a query.
    unread_notifications = models.PositiveIntegerField(default=0, editable=False)

    # When the reader followed the link mailed to their current address; None: not confirmed
    # (mail other than that link never goes to an unconfirmed address).
    email_verified_at = models.DateTimeField(_("email confirmed"), null=True, blank=True)
    # When a receiving server refused the current address for good; no mail goes to it since.
    email_bounced_at = models.DateTimeField(_("email bounced"), null=True, blank=True)
    # When the reader deleted the account: the row stays as an anonymous tombstone so the
    # moderation log, flags and sanctions keep pointing at something (accounts.services).
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True, editable=False)

    objects = AccountManager()

    class Meta(AbstractUser.Meta):
        constraints = [
            # The last word on what accounts.forms checks first; its message names no account.
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="user_email_unique_ci",
                violation_error_code="email_unavailable",
                violation_error_message=_(
                    "This email address cannot be used here. Enter another one, or none."
                ),
            ),
        ]

    def __str__(self):
        return self.public_name

    def save(self, *args, **kwargs):
        # Derived from the username, so it can never disagree with it.
        self.username_skeleton = skeleton(self.username)
        super().save(*args, **kwargs)

    @property
    def public_name(self) -> str:
        if self.deleted_at is not None:
            return gettext("a deleted account")
        return public_name(display_name=self.display_name, username=self.username)

    @cached_property
    def is_moderator(self) -> bool:
        """Return whether the user moderates discussions: staff with the queue permission."""
        return (
            self.is_active and self.is_staff and self.has_perm("discussions.change_queuedcomment")
        )

    @property
    def has_profile(self) -> bool:
        """Return whether others see a profile page of this account (shows_profile)."""
        return shows_profile(username=self.username, is_active=self.is_active)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def can_receive_mail(self) -> bool:
        """Return whether mail may go to the account: active, with a confirmed address that
        has not bounced."""
        return bool(
            self.is_active
            and self.email
            and self.email_verified_at is not None
            and self.email_bounced_at is None
        )

    @property
    def email_status(self) -> str:
        """Return "none", "bounced", "confirmed" or "unconfirmed", for the settings page."""
        if not self.email:
            return "none"
        if self.email_bounced_at is not None:
            return "bounced"
        return "confirmed" if self.email_verified_at is not None else "unconfirmed"

    def has_email(self, address: str) -> bool:
        """Return whether address is the account's current one (case-insensitively)."""
        return bool(self.email) and self.email.lower() == address.lower()


class ReservedNameQuerySet(models.QuerySet):
    def in_force(self, now=None):
        return self.filter(expires_at__gt=now or timezone.now())

    def holds(self, name: str) -> bool:
        """Return whether a name that looks like this one is still held."""
        return bool(name) and self.in_force().filter(skeleton=skeleton(name)).exists()


class ReservedName(models.Model):
    """The look-alike form of a deleted account's username or display name: no new account
    may take a name that looks like it until it expires, so nobody poses as a reader who has
    just left."""

    # How long a deleted account's names stay held.
    HOLD = timedelta(days=30)

    skeleton = models.TextField(db_index=True)
    expires_at = models.DateTimeField()

    objects = ReservedNameQuerySet.as_manager()

    def __str__(self):
        return f"reserved until {self.expires_at:%Y-%m-%d}"
