from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import ReservedName, User


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


@admin.register(ReservedName)
class ReservedNameAdmin(admin.ModelAdmin):
    """Names of deleted accounts held from new ones; shown as skeletons, never as names."""

    list_display = ("skeleton", "expires_at")
    readonly_fields = ("skeleton", "expires_at")

    def has_add_permission(self, request):
        return False
