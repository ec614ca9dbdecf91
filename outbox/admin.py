from django.contrib import admin
from django.contrib.admin.utils import flatten

from core.admin import AppendOnlyAdmin
from outbox.models import OutgoingMail


@admin.register(OutgoingMail)
class OutgoingMailAdmin(AppendOnlyAdmin):
    """Read-only: what went out, what waits and what bounced. Staff with the view permission
    on outgoing mail see it; nobody writes here, the worker does.

    Bodies and headers are not shown: they hold links that act for the reader (password reset,
    address confirmation, one-click unsubscribe), which no operator should be able to follow.
    """

    list_display = ("to", "subject", "status", "attempts", "created_at")
    list_filter = ("status", "kind")
    search_fields = ("to", "subject")
    date_hierarchy = "created_at"
    fields = (
        ("to", "user", "kind"),
        "subject",
        ("status", "attempts"),
        ("created_at", "next_attempt_at", "sent_at"),
        "last_error",
    )
    readonly_fields = flatten(fields)
    show_full_result_count = False
