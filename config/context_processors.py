from django.conf import settings


def site(request):
    """Expose the few settings that templates need."""
    return {"SITE_NAME": "crosstalk", "DEBUG": settings.DEBUG}
