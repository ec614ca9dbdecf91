"""Every write of translation reports and corrections: a reader's report (screened like a
comment), an editor's decision on it, and a correction recorded on an article's revision.

Each function is keyword-only, checks its own preconditions, raises ReportRefused with the
reason, and writes its rows and the notifications it causes in one transaction (mail follows
after commit, through notifications.tasks)."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from articles import page_cache
from articles.models import Article, SourceComment
from core.text import normalize_body, strip_tags_text
from discussions import screening
from discussions.services import ActionRefused
from discussions.services.posting import lock_author
from notifications.events import recount_unread
from notifications.models import Decision, Kind, Notification
from notifications.tasks import schedule_mail
from translations.models import (
    REPORT_RATE_LIMITS,
    Correction,
    TranslationReport,
    quote_key,
)

Status = TranslationReport.Status
# How far a chain of duplicates is followed to its original.
DUPLICATE_CHAIN_LIMIT = 20


class ReportRefused(ActionRefused):
    """A report, or a decision on one, that the rules do not allow."""


def rule_report_rate(sub: screening.Submission) -> screening.Verdict | None:
    """Refuse a reader's report storm, the way screening refuses a comment storm (its
    rule_rate_limit): at most REPORT_RATE_LIMITS reports per window, then 429 with the
    seconds to wait."""
    retry = screening.seconds_to_wait(
        TranslationReport.objects.filter(reporter=sub.author),
        limits=REPORT_RATE_LIMITS,
        now=sub.now,
    )
    if retry is None:
        return None
    message = ngettext(
        "You are sending reports too fast. Try again in {n} second.",
        "You are sending reports too fast. Try again in {n} seconds.",
        retry,
    ).format(n=retry)
    return screening.Verdict(
        screening.REJECT, "rate_limited", message, retry_after=retry, status=429
    )


# What screens a report: the reader's standing and pace, then the comment screening's rules
# for text (banned and suspect words, links). Not the comment rules about the discussion
# (closed, pre-moderated, new accounts, duplicate comments): a report is not a comment.
REPORT_RULES = (screening.rule_sanction, rule_report_rate, *screening.TEXT_RULES)


def article_text_key(article: Article) -> str:
    """Return the article's own text, as quote_key folds it: title, dek, body and every
    source comment, translated and original."""
    parts = [article.title, article.dek, strip_tags_text(article.body)]
    for text, original in SourceComment.objects.filter(article=article).values_list(
        "text", "original_text"
    ):
        parts += [text, original]
    return quote_key("\n".join(parts))


def _screened_text(*, article: Article, quote: str, suggestion: str, note: str) -> str:
    """Return what screening reads of a report: the reader's own words. A quote of the
    article's own text is not theirs (a story may quote a slur); any other quote is."""
    parts = [suggestion, note]
    if quote_key(quote) not in article_text_key(article):
        parts.insert(0, quote)
    return "\n\n".join(part for part in parts if part)


def _refusal(verdict: screening.Verdict) -> ReportRefused:
    message = verdict.message
    if verdict.code == "banned_word":
        if verdict.rule_number is not None:
            message = _(
                "This report breaks Rule {number} of our Comment Policy and was not sent."
            ).format(number=verdict.rule_number)
        else:
            message = _("This report uses language our Comment Policy does not allow.")
    return ReportRefused(
        message, code=verdict.code, status=verdict.status, retry_after=verdict.retry_after
    )


def report_submit(
    *,
    article: Article,
    reporter,
    quote: str,
    suggestion: str,
    note: str = "",
    source_comment: SourceComment | None = None,
    now: datetime | None = None,
) -> TranslationReport:
    """Screen a reader's translation report and store it (open, or held by screening); raise
    ReportRefused with the reason when screening refuses it."""
    if source_comment is not None and source_comment.article_id != article.pk:
        raise ReportRefused(
            _("This source comment is not one of this article's."),
            code="bad_source_comment",
            status=404,
        )
    if not article.is_public():
        raise ReportRefused(_("No such article."), code="not_public", status=404)
    quote, suggestion, note = (normalize_body(text) for text in (quote, suggestion, note))
    with transaction.atomic():
        # The lock a reader's posting takes: their rate limit counts exactly.
        lock_author(author_id=reporter.pk)
        body = _screened_text(article=article, quote=quote, suggestion=suggestion, note=note)
        verdict = screening.screen(
            screening.Submission(
                author=reporter, article=article, body=body, now=now or timezone.now()
            ),
            rules=REPORT_RULES,
        )
        if verdict is not None and verdict.action == screening.REJECT:
            raise _refusal(verdict)
        return TranslationReport.objects.create(
            article=article,
            source_comment=source_comment,
            reporter=reporter,
            quote=quote,
            suggestion=suggestion,
            note=note,
            status=Status.HELD if verdict else Status.OPEN,
            hold_reason=verdict.message[:300] if verdict else "",
            **({"created_at": now} if now else {}),
        )


def _tell_reporter(report: TranslationReport, *, decision: str, editor=None) -> None:
    """Notify the reporter of what the editors did with their report (not an editor who
    decided on their own report)."""
    reporter_id = report.reporter_id
    if reporter_id is None or (editor is not None and editor.pk == reporter_id):
        return
    Notification.objects.create(
        recipient_id=reporter_id, kind=Kind.REPORT, report=report, decision=decision
    )
    recount_unread([reporter_id])
    schedule_mail({reporter_id: Kind.REPORT})


def _original_of(report: TranslationReport, duplicate_of: TranslationReport) -> TranslationReport:
    """Return the report that duplicate_of duplicates in the end (itself when it is none)."""
    original = duplicate_of
    for _step in range(DUPLICATE_CHAIN_LIMIT):
        if original.pk == report.pk:
            break
        if original.status != Status.DUPLICATE or original.duplicate_of_id is None:
            return original
        original = original.duplicate_of
    raise ReportRefused(
        _("A report cannot be a duplicate of itself."), code="duplicate_cycle", status=400
    )


def report_resolve(
    *,
    report: TranslationReport,
    editor,
    outcome: str,
    note: str = "",
    duplicate_of: TranslationReport | None = None,
) -> TranslationReport:
    """Decide on a report (accept, reject, or mark it a duplicate of another report of the
    same article) with a note for the reader, and notify them of it."""
    if outcome not in TranslationReport.OUTCOMES:
        raise ReportRefused(_("Choose accept, reject or duplicate."), code="bad_outcome")
    note = normalize_body(note)
    with transaction.atomic():
        report = TranslationReport.objects.select_for_update().get(pk=report.pk)
        if outcome == Status.DUPLICATE:
            if duplicate_of is None:
                raise ReportRefused(
                    _("Choose the report this one duplicates."), code="duplicate_missing"
                )
            if duplicate_of.article_id != report.article_id:
                raise ReportRefused(
                    _("A duplicate must be a report of the same article."),
                    code="duplicate_other_article",
                )
            duplicate_of = _original_of(report, duplicate_of)
        else:
            duplicate_of = None
        if (
            report.status == outcome
            and report.duplicate_of_id == (duplicate_of.pk if duplicate_of else None)
            and report.resolution_note == note
        ):
            raise ReportRefused(
                _("Report #{id} is already {outcome}.").format(
                    id=report.pk, outcome=Status(outcome).label.lower()
                ),
                code="unchanged",
            )
        report.status = outcome
        report.duplicate_of = duplicate_of
        report.resolution_note = note
        report.resolved_by = editor
        report.resolved_at = timezone.now()
        report.save()
        _tell_reporter(report, decision=outcome, editor=editor)
    return report


def correction_record(
    *, article: Article, editor, text: str, reports=(), now: datetime | None = None
) -> Correction:
    """Record a correction of the article on its latest revision (the one just saved), with
    the accepted reports it resolves; their reporters are told the article was corrected."""
    text = normalize_body(text)
    if not text:
        raise ReportRefused(_("Say what the correction changed."), code="correction_empty")
    now = now or timezone.now()
    reports = list(reports)
    if any(r.article_id != article.pk or r.status != Status.ACCEPTED for r in reports):
        raise ReportRefused(
            _("A correction resolves only accepted reports of its own article."),
            code="correction_reports",
        )
    with transaction.atomic():
        revision = article.history.order_by("-history_date", "-history_id").first()
        correction = Correction.objects.create(
            article=article, revision=revision, text=text, corrected_at=now, editor=editor
        )
        correction.reports.set(reports)
        # Cached pages are named by updated_at: the admin's save has moved it already, any
        # other caller (a shell, seed_demo) moves it here, so the foot shows on the next request.
        Article.objects.filter(pk=article.pk, updated_at__lt=now).update(updated_at=now)
        page_cache.forget_states()
        for report in reports:
            _tell_reporter(report, decision=Decision.CORRECTED, editor=editor)
    return correction


def correction_edit(*, correction: Correction, text: str) -> Correction:
    """Change a correction's text; its article's pages show it on the next request."""
    text = normalize_body(text)
    if not text:
        raise ReportRefused(_("Say what the correction changed."), code="correction_empty")
    with transaction.atomic():
        correction.text = text
        correction.save(update_fields=["text"])
        Article.objects.filter(pk=correction.article_id).update(updated_at=timezone.now())
        page_cache.forget_states()
    return correction
