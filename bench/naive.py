"""The naive baseline: what a first Django version of the thread would do.

One query for the top-level comments, then one more query per comment for its replies (with
their authors), each comment rendered by a Django template that includes itself recursively.
Every comment is rendered: no page budget, no depth or reply caps. It lives here, in the
bench, only to be measured against; its templates are in bench/templates/naive/.
"""

from pathlib import Path

from django import template
from django.template import Context, Engine

from discussions.models import Comment

register = template.Library()

TEMPLATES = Path(__file__).resolve().parent / "templates"


@register.filter
def replies(comment):
    """Return the comment's replies, oldest first: one query per comment, on purpose."""
    return list(
        Comment.objects.filter(parent=comment).select_related("author").order_by("created_at")
    )


_engine = None


def engine() -> Engine:
    global _engine
    if _engine is None:
        _engine = Engine(
            dirs=[str(TEMPLATES)],
            libraries={"naive": "bench.naive"},
            builtins=["django.templatetags.i18n"],
        )
    return _engine


def render_naive(article) -> str:
    """Return the HTML of the article's whole discussion, rendered the naive way."""
    roots = list(
        Comment.objects.filter(article=article, parent=None)
        .select_related("author")
        .order_by("created_at")
    )
    thread = engine().get_template("naive/thread.html")
    return thread.render(Context({"roots": roots, "csrf_token": "__CSRF_TOKEN__"}))
