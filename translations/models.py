"""Readers' reports of translation problems, the editors' decisions on them, and the public
corrections made to articles."""

import re
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from articles.models import Article, SourceComment

# The longest passage a reader may quote: a long source comment fits whole.
QUOTE_MAX_LENGTH = 2000
# What a reader may suggest, and add as a note for the editors.
SUGGESTION_MAX_LENGTH = 2000
NOTE_MAX_LENGTH = 1000
# What an editor writes: the note the reader is told, and a correction's "what changed".
RESOLUTION_NOTE_MAX_LENGTH = 1000
CORRECTION_MAX_LENGTH = 1000
# How many reports one reader may send per window; more is a storm (429, Retry-After).
REPORT_RATE_LIMITS = ((timedelta(minutes=1), 3), (timedelta(hours=1), 20))

_SPACE = re.compile(r"\s+")


def quote_key(quote: str) -> str:
    """Return the form of a quoted passage that groups reports of the same passage: NFKC,
    casefolded, runs of white space made one space, outer space and quotation marks dropped."""
    text = unicodedata.normalize("NFKC", quote).casefold()
    return _SPACE.sub(" ", text).strip().strip("\"'“”‘’「」『』").strip()


class TranslationReportQuerySet(models.QuerySet):
    def waiting(self):
        """Return the reports no editor has decided on yet (open, or held by screening)."""
        return self.filter(status__in=TranslationReport.WAITING)

    def of_passage(self, report):
        """Return the reports of the same article and passage as this one."""
        return self.filter(article_id=report.article_id, quote_key=report.quote_key)


class TranslationReport(models.Model):
    """A reader's report that a passage of an article, or a source comment, is mistranslated."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        HELD = "held", _("Held by screening")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        DUPLICATE = "duplicate", _("Duplicate")

    WAITING = (Status.OPEN, Status.HELD)
    # What an editor can decide on a report.
    OUTCOMES = (Status.ACCEPTED, Status.REJECTED, Status.DUPLICATE)

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="translation_reports"
    )
    source_comment = models.ForeignKey(
        SourceComment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="translation_reports",
        verbose_name=_("source comment"),
    )
    # Kept when the account goes: the editors' record of what was reported stays.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="translation_reports",
        verbose_name=_("reported by"),
    )
    quote = models.TextField(_("passage"), max_length=QUOTE_MAX_LENGTH)
    # quote_key(quote): reports of one passage are grouped by it in the editors' queue.
    quote_key = models.TextField(editable=False, default="")
    suggestion = models.TextField(_("suggested translation"), max_length=SUGGESTION_MAX_LENGTH)
    note = models.TextField(_("reader's note"), max_length=NOTE_MAX_LENGTH, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    # Why screening held it (its verdict's words), for the editor.
    hold_reason = models.CharField(_("held because"), max_length=300, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    # Told to the reporter in their notification.
    resolution_note = models.TextField(
        _("note to the reader"), max_length=RESOLUTION_NOTE_MAX_LENGTH, blank=True
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    resolved_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("reported at"), default=timezone.now, db_index=True)

    objects = TranslationReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("translation report")
        verbose_name_plural = _("translation reports")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["reporter", "-created_at"], name="report_by_reporter"),
            models.Index(fields=["article", "quote_key"], name="report_by_passage"),
            models.Index(
                fields=["status", "article"],
                name="report_waiting",
                condition=models.Q(status__in=["open", "held"]),
            ),
        ]

    def __str__(self):
        return _("“{quote}” → “{suggestion}”").format(
            quote=Truncator(self.quote).chars(60), suggestion=Truncator(self.suggestion).chars(60)
        )

    def save(self, *args, **kwargs):
        # Derived from the quote, so it can never disagree with it.
        self.quote_key = quote_key(self.quote)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.article.get_absolute_url()

    def is_waiting(self) -> bool:
        return self.status in self.WAITING


class CorrectionQuerySet(models.QuerySet):
    def public(self):
        """Return the corrections of published articles, newest first, with their article."""
        return (
            self.filter(article__in=Article.objects.published())
            .select_related("article")
            .order_by("-corrected_at", "-id")
        )

    def for_article(self, article):
        """Return the article's corrections, oldest first (the order they read at its foot)."""
        return self.filter(article=article).order_by("corrected_at", "id")


class Correction(models.Model):
    """A correction made to an article, recorded on the revision that made it; shown at the
    article's foot and in the public corrections log (/corrections/)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    # The article's revision (django-simple-history row) saved with the correction.
    revision = models.ForeignKey(
        "articles.HistoricalArticle",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revision"),
    )
    text = models.TextField(_("what changed"), max_length=CORRECTION_MAX_LENGTH)
    corrected_at = models.DateTimeField(_("corrected at"), default=timezone.now, db_index=True)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("editor"),
    )
    reports = models.ManyToManyField(
        TranslationReport,
        related_name="corrections",
        blank=True,
        verbose_name=_("reports it resolves"),
    )

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["-corrected_at", "-id"]

    def __str__(self):
        return Truncator(self.text).chars(80)

    def get_absolute_url(self):
        return self.article.get_absolute_url() + "#corrections"

    def revision_diff_url(self) -> str | None:
        """Return the admin page that shows what the correction's revision changed."""
        if self.revision_id is None:
            return None
        return reverse(
            "admin:articles_article_history_diff", args=[self.article_id, self.revision_id]
        )
