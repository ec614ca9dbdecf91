from django.db import transaction

from accounts.models import User
from accounts.signals import public_name_changed


def user_set_display_name(*, user, display_name: str) -> None:
    """Change the user's display name; pages that show it are refreshed by the receivers of
    public_name_changed, in the same transaction."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(display_name=display_name)
        user.display_name = display_name
        public_name_changed.send(sender=User, user=user)
