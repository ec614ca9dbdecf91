from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffAuthConfig(AppConfig):
    """The second factor (TOTP and recovery codes) that staff need for the admin."""

    name = "staff_auth"
    verbose_name = _("Staff sign-in")
