"""Admin behaviours shared by several apps (no app is imported here)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied


class AppendOnlyAdmin(admin.ModelAdmin):
    """Rows written only by the site (logs, outgoing mail): staff may look, never add, change
    or delete."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DecidedByActionsAdmin(admin.ModelAdmin):
    """Rows changed only by the actions of their list (moderation, editors' decisions), never
    by saving a form: nothing is added or deleted here, and the change permission stands for
    the actions (asked without an object). One row's page is view-only, so posting it answers
    403 and nothing is saved; without the change permission an action is refused outright
    (403), not answered with "no action selected"."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None:
            return False
        return super().has_change_permission(request)

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST" and "action" in request.POST:
            if not self.has_change_permission(request):
                raise PermissionDenied
        return super().changelist_view(request, extra_context)
