from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from articles.models import Article, SourceComment
from core.http import parse_page
from translations.forms import ReportForm
from translations.models import QUOTE_MAX_LENGTH, Correction, TranslationReport
from translations.services import ReportRefused, report_submit

CORRECTIONS_PER_PAGE = 20
REPORT_TEMPLATE = "translations/report.html"
# The form's element ids, the same on the article page and on the report page (reports.js).
FORM_IDS = "report-%s"


def _source_comment(article, raw: str | None) -> SourceComment | None:
    """Return the article's source comment that the request names, None when it names none
    (or not as a number: the form says so); 404 for a comment that is not the article's."""
    raw = (raw or "").strip()
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
        return None
    found = SourceComment.objects.filter(pk=int(raw), article=article).first()
    if found is None:
        raise Http404(_("No such source comment on this article."))
    return found


@require_http_methods(["GET", "POST"])
def report(request, slug):
    """A reader's report of a translation problem: the form (GET, prefilled from
    ?source_comment=<id> or ?quote=), or the report sent (POST)."""
    article = get_object_or_404(Article.objects.published(), slug=slug)
    if not request.user.is_authenticated:
        return redirect_to_login(
            request.get_full_path() if request.method == "GET" else request.path
        )
    data = request.POST if request.method == "POST" else request.GET
    source = _source_comment(article, data.get("source_comment"))
    if request.method == "GET":
        quote = source.text if source else request.GET.get("quote", "")
        initial = {"quote": quote[:QUOTE_MAX_LENGTH], "source_comment": source.pk if source else ""}
        form = ReportForm(initial=initial, auto_id=FORM_IDS)
        return _report_page(request, article, form, source)
    form = ReportForm(request.POST, auto_id=FORM_IDS)
    if not form.is_valid():
        return _report_page(request, article, form, source, status=400)
    try:
        sent = report_submit(
            article=article,
            reporter=request.user,
            quote=form.cleaned_data["quote"],
            suggestion=form.cleaned_data["suggestion"],
            note=form.cleaned_data["note"],
            source_comment=source,
        )
    except ReportRefused as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        form.add_error(None, exc.message)
        response = _report_page(request, article, form, source, status=exc.status)
        if exc.retry_after:
            response["Retry-After"] = str(exc.retry_after)
        return response
    if sent.status == TranslationReport.Status.HELD:
        thanks = _("Thank you. Your report will reach the editors once its wording is checked.")
    else:
        thanks = _("Thank you. The editors will read your report.")
    messages.success(request, thanks)
    return redirect(article.get_absolute_url() + "#report-translation")


def _report_page(request, article, form, source, *, status=200):
    context = {"article": article, "form": form, "source_comment": source}
    return render(request, REPORT_TEMPLATE, context, status=status)


@require_safe
def corrections(request):
    """The public corrections log: every correction of a published article, newest first."""
    paginator = Paginator(Correction.objects.public(), CORRECTIONS_PER_PAGE)
    page = paginator.get_page(parse_page(request.GET.get("page")))
    return render(request, "translations/corrections.html", {"page_obj": page})
