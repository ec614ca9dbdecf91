import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# The links of every page's header and footer, by the name the templates use (nav.<name>).
# None takes an argument, so each is reversed once per URL configuration and script prefix
# instead of on every page (the ten {% url %} tags of an anonymous page took 0.23 ms).
NAV_URLS = {
    "feed": "feed",
    "home": "articles:home",
    "search": "search:results",
    "policy": "discussions:policy",
    "inbox": "notifications:inbox",
    "settings": "accounts:settings",
    "logout": "logout",
    "login": "login",
    "signup": "accounts:signup",
    "glossary": "glossary:index",
    "corrections": "translations:corrections",
}


@functools.lru_cache(maxsize=16)
def _nav(prefix: str, urlconf: str) -> dict[str, str]:
    # reverse() reads the prefix and the URL configuration itself; they key the cache.
    return {key: reverse(name, urlconf=urlconf) for key, name in NAV_URLS.items()}


def site(request):
    """Expose the few settings that templates need, and the header's and footer's links."""
    nav = _nav(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    return {"SITE_NAME": "crosstalk", "DEBUG": settings.DEBUG, "nav": nav}


def unread_notifications(request):
    """The signed-in reader's unread count for the header: read with the user
    (User.unread_notifications), so it costs no query; nothing for anonymous readers, whose
    pages are shared."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": user.unread_notifications}
