"""What the article page shows of translation reports and corrections."""

import functools

from django.contrib.postgres.aggregates import JSONBAgg
from django.db.models import OuterRef, Subquery
from django.db.models.functions import JSONObject
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from markupsafe import Markup

from core.cache import cache_get, cache_set
from translations.forms import ReportForm
from translations.models import Correction

# Named by the article's updated_at: a correction is saved with its article (the admin's save,
# or correction_record / correction_edit moving updated_at), so a new or edited correction
# names a new entry and no entry is ever purged.
CORRECTIONS_KEY = "corrections:1:{article}:{updated}"
CORRECTIONS_TIMEOUT = 24 * 3600


def correction_annotations() -> dict:
    """Annotations for an Article queryset: its corrections, oldest first, as a JSON list of
    {"corrected_at", "text"} (None without any). A subquery of the article's own query, so
    the page reads its corrections at no extra query."""
    rows = (
        Correction.objects.filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(
            items=JSONBAgg(
                JSONObject(corrected_at="corrected_at", text="text"),
                order_by=("corrected_at", "id"),
            )
        )
        .values("items")
    )
    return {"correction_list": Subquery(rows[:1])}


def article_corrections(article) -> list[dict]:
    """Return the article's corrections, oldest first, as {"corrected_at", "text"}: from the
    article's own query when it carries correction_annotations(), else one query the first
    time for each version of the article and none after."""
    if hasattr(article, "correction_list"):
        return [
            {"corrected_at": parse_datetime(row["corrected_at"]), "text": row["text"]}
            for row in article.correction_list or ()
        ]
    key = CORRECTIONS_KEY.format(article=article.pk, updated=article.updated_at.timestamp())
    corrections = cache_get(key)
    if corrections is None:
        corrections = list(Correction.objects.for_article(article).values("corrected_at", "text"))
        cache_set(key, corrections, CORRECTIONS_TIMEOUT)
    return corrections


def article_context(request, article) -> dict:
    """Return the article page's context for its corrections and the report form.

    The same for every reader but for the form, which only a signed-in reader's page holds
    (the shared page links to the report page, which asks to sign in)."""
    signed_in = request.user.is_authenticated
    return {
        "corrections": article_corrections(article),
        "report_url": reverse("translations:report", args=[article.slug]),
        "report_fields": blank_report_fields(get_language()) if signed_in else None,
    }


@functools.lru_cache(maxsize=32)
def blank_report_fields(language: str) -> str:
    """Return the HTML of the blank report form's fields in the language: the same on every
    signed-in reader's article page, so rendered once per process and language (Django's
    widget templates took ~1 ms of every such page, measured). The form around them, with its
    CSRF token, is rendered per request."""
    html = render_to_string("_form_fields.html", {"form": ReportForm(auto_id="report-%s")})
    return Markup(html)  # noqa: S704 - rendered with autoescaping on
