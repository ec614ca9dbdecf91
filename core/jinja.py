"""The site's Jinja2 environment, registered in settings.TEMPLATES (NAME "jinja2").

Two kinds of template use it: the discussion thread's macros (templates/discussions/
_thread.jinja), which Python calls as plain callables of the template's module, and the
article page's own parts (templates/articles/_detail_*.jinja), rendered on every uncached and
every signed-in article page, where Django's template engine took 1.3 ms of ~8.7 for their
~150 nodes (measured on the bench's 200-comment page). Pages around them, base.html included,
stay in Django templates.

Autoescaping is on: what is already HTML (sanitized bodies, rendered forms) arrives as Markup
or Django's SafeString, both of which Jinja2 prints as they are; everything else is escaped.
"""

import jinja2
from django.template.defaultfilters import date as django_date
from django.template.defaultfilters import urlencode
from django.templatetags.static import static
from django.urls import reverse
from django.utils.timezone import template_localtime
from django.utils.translation import gettext, ngettext


def url(name: str, *args) -> str:
    """{% url name args %}: the path of a named URL pattern."""
    return reverse(name, args=args)


def date(value, format_string: str) -> str:
    """Django's |date filter, on the value in the current time zone as Django's templates
    give it (they convert an aware datetime before the filter sees it)."""
    return django_date(template_localtime(value), format_string)


def environment(**options) -> jinja2.Environment:
    options.setdefault("extensions", ["jinja2.ext.i18n"])
    options["autoescape"] = True
    env = jinja2.Environment(trim_blocks=True, lstrip_blocks=True, **options)  # noqa: S701
    env.install_gettext_callables(gettext, ngettext, newstyle=True)
    env.globals.update(url=url, static=static)
    env.filters.update(date=date, urlencode=urlencode)
    return env
