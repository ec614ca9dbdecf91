from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A reader, editor or moderator; shown to others by display name only."""

    display_name = models.CharField(
        _("display name"),
        max_length=50,
        blank=True,
        help_text=_("Shown beside your comments. Leave empty to use your username."),
    )

    def __str__(self):
        return self.public_name

    @property
    def public_name(self) -> str:
        return self.display_name or self.username
