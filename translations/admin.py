"""The editors' side: the queue of readers' translation reports, and the corrections log.

Reports go to editors, not moderators (see migrations/0002_editors_group.py): the queue needs
translations.view_translationreport to open and translations.change_translationreport for its
decisions, which the Editors group has and the Moderators group does not. Reports are never
edited through their form: every decision is an action on the list (accept, reject, mark as a
duplicate), with a note the reader is told. Corrections are recorded by saving an article with
a "Correction note" (translations.corrections); here their text can be mended."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles.models import Article
from core.admin import DecidedByActionsAdmin
from core.text import validate_plain_text
from translations.models import RESOLUTION_NOTE_MAX_LENGTH, Correction, TranslationReport
from translations.services import ReportRefused, correction_edit, report_resolve

Status = TranslationReport.Status


class ResolveForm(forms.Form):
    resolution_note = forms.CharField(
        label=_("Note to the reader (optional; shown in their notification)"),
        required=False,
        max_length=RESOLUTION_NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )

    def __init__(self, *args, reports=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.reports = reports

    def clean_resolution_note(self):
        note = self.cleaned_data["resolution_note"]
        validate_plain_text(note)
        return note


class DuplicateForm(ResolveForm):
    duplicate_of = forms.ModelChoiceField(
        queryset=TranslationReport.objects.none(),
        label=_("Duplicate of"),
        error_messages={"invalid_choice": _("Choose another report of the same article.")},
    )

    def __init__(self, *args, reports=None, **kwargs):
        super().__init__(*args, reports=reports, **kwargs)
        articles = {report.article_id for report in reports}
        self.several_articles = len(articles) > 1
        self.fields["duplicate_of"].queryset = (
            TranslationReport.objects.filter(article_id__in=articles)
            .exclude(pk__in=[report.pk for report in reports])
            .order_by("created_at", "pk")
        )

    def clean(self):
        cleaned = super().clean()
        if self.several_articles:
            raise forms.ValidationError(
                _("Mark duplicates of one article at a time."), code="several_articles"
            )
        return cleaned


def _resolve(modeladmin, request, queryset, *, outcome: str, title, button):
    """Decide on the selected reports: first a page with the note (and, for a duplicate, the
    original), then, posted with "apply", the decision on each report."""
    reports = list(queryset.select_related("article"))
    form_class = DuplicateForm if outcome == Status.DUPLICATE else ResolveForm
    applying = "apply" in request.POST
    form = form_class(request.POST if applying else None, reports=reports)
    if applying and form.is_valid():
        done = 0
        for report in reports:
            try:
                report_resolve(
                    report=report,
                    editor=request.user,
                    outcome=outcome,
                    note=form.cleaned_data["resolution_note"],
                    duplicate_of=form.cleaned_data.get("duplicate_of"),
                )
                done += 1
            except ReportRefused as exc:
                modeladmin.message_user(request, f"#{report.pk}: {exc.message}", messages.WARNING)
        if done:
            modeladmin.message_user(
                request,
                ngettext(
                    "{n} report: {outcome}. The reader was notified.",
                    "{n} reports: {outcome}. The readers were notified.",
                    done,
                ).format(n=done, outcome=Status(outcome).label),
            )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "button": button,
        "reports": reports,
        "form": form,
        "action": request.POST.get("action", ""),
        "opts": modeladmin.model._meta,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(
        request,
        "admin/translations/resolve_reports.html",
        context,
        status=400 if applying else 200,
    )


@admin.action(description=_("Accept, with a note to the reader…"), permissions=["change"])
def accept_reports(modeladmin, request, queryset):
    return _resolve(
        modeladmin,
        request,
        queryset,
        outcome=Status.ACCEPTED,
        title=_("Accept reports"),
        button=_("Accept"),
    )


@admin.action(description=_("Reject, with a note to the reader…"), permissions=["change"])
def reject_reports(modeladmin, request, queryset):
    return _resolve(
        modeladmin,
        request,
        queryset,
        outcome=Status.REJECTED,
        title=_("Reject reports"),
        button=_("Reject"),
    )


@admin.action(description=_("Mark as duplicate of another report…"), permissions=["change"])
def mark_duplicate(modeladmin, request, queryset):
    return _resolve(
        modeladmin,
        request,
        queryset,
        outcome=Status.DUPLICATE,
        title=_("Mark reports as duplicates"),
        button=_("Mark as duplicate"),
    )


class ReportStatusFilter(admin.SimpleListFilter):
    """By status; the queue opens on the reports waiting for a decision."""

    title = _("status")
    parameter_name = "status"
    WAITING = "waiting"
    ALL = "all"

    def lookups(self, request, model_admin):
        return [(self.WAITING, _("Waiting (open or held)")), *Status.choices, (self.ALL, _("All"))]

    def choices(self, changelist):
        current = self.value() or self.WAITING
        for value, label in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        value = self.value() or self.WAITING
        if value == self.WAITING:
            return queryset.waiting()
        if value in Status.values:
            return queryset.filter(status=value)
        return queryset


class ReportArticleFilter(admin.SimpleListFilter):
    title = _("article")
    parameter_name = "article"

    def lookups(self, request, model_admin):
        # Only the articles that have reports, newest first: one query.
        reported = TranslationReport.objects.values("article_id")
        articles = Article.objects.filter(pk__in=reported).order_by("-published_at")
        return [(str(pk), title) for pk, title in articles.values_list("pk", "title")[:50]]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isascii() and value.isdigit():
            return queryset.filter(article_id=int(value))
        return queryset


@admin.register(TranslationReport)
class TranslationReportAdmin(DecidedByActionsAdmin):
    """The editors' queue: readers' reports grouped by article (newest article first) and by
    passage, each with how many waiting reports quote the same passage."""

    list_display = ("passage_cell", "suggestion_cell", "reporter_cell", "status_cell")
    list_display_links = None
    list_filter = (ReportStatusFilter, ReportArticleFilter)
    list_per_page = 50
    search_fields = ("quote", "suggestion", "note")
    ordering = ("-article__published_at", "article_id", "quote_key", "created_at", "pk")
    actions = [accept_reports, reject_reports, mark_duplicate]
    show_full_result_count = False

    def get_queryset(self, request):
        same_passage = (
            TranslationReport.objects.waiting()
            .filter(article_id=OuterRef("article_id"), quote_key=OuterRef("quote_key"))
            .order_by()
            .values("article_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .select_related("article", "reporter", "source_comment", "duplicate_of")
            .annotate(same_passage=Coalesce(Subquery(same_passage[:1]), 0))
        )

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def changelist_view(self, request, extra_context=None):
        extra_context = {"title": _("Editors' queue: translation reports"), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("article and passage"))
    def passage_cell(self, obj):
        article_url = reverse("admin:articles_article_change", args=[obj.article_id])
        same = ""
        if obj.same_passage > 1:
            same = format_html(
                ' <strong class="report-same-passage">{}</strong>',
                ngettext(
                    "{n} waiting reports of this passage",
                    "{n} waiting reports of this passage",
                    obj.same_passage,
                ).format(n=obj.same_passage),
            )
        source = ""
        if obj.source_comment_id:
            source = format_html(
                " <span>({})</span>",
                _("source comment on {platform}").format(
                    platform=obj.source_comment.get_platform_display()
                ),
            )
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a><br><q>{}</q>{}{}',
            obj.article.get_absolute_url(),
            obj.article.title,
            article_url,
            _("edit or correct the article"),
            Truncator(obj.quote).chars(300),
            source,
            same,
        )

    @admin.display(description=_("suggestion"))
    def suggestion_cell(self, obj):
        note = (
            format_html("<br><small>{}</small>", Truncator(obj.note).chars(300)) if obj.note else ""
        )
        return format_html("{}{}", Truncator(obj.suggestion).chars(300), note)

    @admin.display(description=_("reported"), ordering="created_at")
    def reporter_cell(self, obj):
        name = obj.reporter.public_name if obj.reporter else _("a deleted account")
        return format_html(
            '#{} · {}<br><time datetime="{}">{}</time>',
            obj.pk,
            name,
            obj.created_at.isoformat(),
            date_format(timezone.localtime(obj.created_at), "DATETIME_FORMAT"),
        )

    @admin.display(description=_("status"), ordering="status")
    def status_cell(self, obj):
        details = []
        if obj.hold_reason and obj.status == Status.HELD:
            details.append(obj.hold_reason)
        if obj.duplicate_of_id:
            details.append(_("duplicate of #{id}").format(id=obj.duplicate_of_id))
        if obj.resolution_note:
            details.append(_("note: {note}").format(note=Truncator(obj.resolution_note).chars(200)))
        extra = format_html("<br><small>{}</small>", " · ".join(str(d) for d in details))
        return format_html("{}{}", obj.get_status_display(), extra if details else "")


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    """The public corrections, newest first. They are recorded by saving an article with a
    correction note; here only their text can be mended, and none is deleted: the log is a
    public record."""

    list_display = ("text", "article", "corrected_at", "editor")
    list_select_related = ("article", "editor")
    search_fields = ("text", "article__title")
    date_hierarchy = "corrected_at"
    fields = ("article", "text", "corrected_at", "editor", "revision_link", "reports_list")
    readonly_fields = ("article", "corrected_at", "editor", "revision_link", "reports_list")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        correction_edit(correction=obj, text=form.cleaned_data["text"])

    @admin.display(description=_("revision"))
    def revision_link(self, obj):
        url = obj.revision_diff_url()
        if url is None:
            return "—"
        return format_html('<a href="{}">{}</a>', url, _("what this revision changed"))

    @admin.display(description=_("reports it resolves"))
    def reports_list(self, obj):
        reports = list(obj.reports.order_by("pk"))
        if not reports:
            return "—"
        return ", ".join(f"#{report.pk}" for report in reports)
