from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts.confusables import skeleton


def public_name(*, display_name: str, username: str) -> str:
    """Return the name others see for an account: its display name, else its username."""
    return display_name or username


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

    def __str__(self):
        return self.public_name

    def save(self, *args, **kwargs):
        # Derived from the username, so it can never disagree with it.
        self.username_skeleton = skeleton(self.username)
        super().save(*args, **kwargs)

    @property
    def public_name(self) -> str:
        return public_name(display_name=self.display_name, username=self.username)

    @cached_property
    def is_moderator(self) -> bool:
        """Return whether the user moderates discussions: staff with the queue permission."""
        return (
            self.is_active and self.is_staff and self.has_perm("discussions.change_queuedcomment")
        )
