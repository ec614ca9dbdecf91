from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import ReservedName, User
from accounts.signals import public_name_changed

# What an account shows beside its comments: its name, and a link to its profile while active.
_SHOWN_FIELDS = frozenset({"username", "display_name", "is_active"})


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Public profile"), {"fields": ("display_name",)}),
        (
            _("Email and deletion"),
            {"fields": ("email_verified_at", "email_bounced_at", "deleted_at")},
        ),
    )
    readonly_fields = ("deleted_at",)
    list_display = ("username", "display_name", "is_staff", "date_joined")
    list_filter = (*BaseUserAdmin.list_filter, "deleted_at")
    search_fields = ("username", "display_name", "email")

    def save_model(self, request, obj, form, change):
        """Save the account; a changed name or active flag reaches the pages showing its
        comments (public_name_changed), in the same transaction."""
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if change and _SHOWN_FIELDS & set(form.changed_data):
                public_name_changed.send(sender=User, user=obj)


@admin.register(ReservedName)
class ReservedNameAdmin(admin.ModelAdmin):
    """Names of deleted accounts held from new ones; shown as skeletons, never as names."""

    list_display = ("skeleton", "expires_at")
    readonly_fields = ("skeleton", "expires_at")

    def has_add_permission(self, request):
        return False
