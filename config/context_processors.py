from django.conf import settings


def site(request):
    """Expose the few settings that templates need."""
    return {"SITE_NAME": "crosstalk", "DEBUG": settings.DEBUG}


def unread_notifications(request):
    """The signed-in reader's unread count for the header: read with the user
    (User.unread_notifications), so it costs no query; nothing for anonymous readers, whose
    pages are shared."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": user.unread_notifications}
