"""Readers' translation reports: the form on the article and on each source comment, the
report page, and every bad input (anonymous, draft, another article's source comment, empty,
over-long or control-character fields, a storm), screened like comments."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from articles.models import Article
from tests.factories import (
    make_article,
    make_screening_word,
    make_source_comment,
    make_user,
    parse_html,
)
from translations.models import (
    QUOTE_MAX_LENGTH,
    REPORT_RATE_LIMITS,
    SUGGESTION_MAX_LENGTH,
    TranslationReport,
)
from translations.services import ReportRefused, report_submit

pytestmark = pytest.mark.django_db

Status = TranslationReport.Status


@pytest.fixture(autouse=True)
def _policy(comment_policy):
    """Screening words cite the default Comment Policy rules."""


def report_url(article) -> str:
    return f"/articles/{article.slug}/translation-reports/"


def valid(**fields) -> dict:
    return {
        "quote": "The pilot starts on Line 2 next month.",
        "suggestion": "The trial begins on Line 2 next month.",
        "note": "시범 means a trial run.",
        **fields,
    }


def error_text(response) -> str:
    doc = parse_html(response.content)
    return " ".join(el.text() for el in doc.find_all(cls="form-errors"))


def message_text(response) -> str:
    doc = parse_html(response.content)
    return " ".join(el.text() for el in doc.find_all(cls="message"))


# --- the report sent --------------------------------------------------------------------


def test_a_signed_in_reader_reports_a_passage_and_is_thanked_on_the_article(signed_in, user):
    article = make_article()

    response = signed_in.post(report_url(article), valid())

    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#report-translation"
    report = TranslationReport.objects.get()
    assert (report.article, report.reporter, report.status) == (article, user, Status.OPEN)
    assert report.quote == "The pilot starts on Line 2 next month."
    assert report.suggestion == "The trial begins on Line 2 next month."
    assert report.note == "시범 means a trial run."
    assert report.source_comment is None
    page = signed_in.get(response["Location"])
    assert "The editors will read your report." in message_text(page)


def test_a_report_on_a_source_comment_keeps_the_comment(signed_in):
    article = make_article()
    source = make_source_comment(article, text="Finally some peace on the train.")

    response = signed_in.post(
        report_url(article),
        valid(quote="Finally some peace on the train.", source_comment=str(source.pk)),
    )

    assert response.status_code == 302
    assert TranslationReport.objects.get().source_comment == source


def test_the_note_is_optional(signed_in):
    article = make_article()

    response = signed_in.post(report_url(article), valid(note=""))

    assert response.status_code == 302
    assert TranslationReport.objects.get().note == ""


# --- who may report, and where ----------------------------------------------------------


def test_an_anonymous_report_redirects_to_login_with_next_and_saves_nothing(client):
    article = make_article()

    response = client.post(report_url(article), valid())

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert "translation-reports" in response["Location"]
    assert not TranslationReport.objects.exists()


def test_the_report_page_asks_an_anonymous_reader_to_log_in_and_comes_back(client):
    article = make_article()
    source = make_source_comment(article)

    response = client.get(f"{report_url(article)}?source_comment={source.pk}")

    assert response.status_code == 302
    assert response["Location"] == (
        f"/accounts/login/?next=/articles/{article.slug}/translation-reports/"
        f"%3Fsource_comment%3D{source.pk}"
    )


def test_a_report_on_a_draft_article_is_404(signed_in):
    draft = make_article(status=Article.Status.DRAFT)

    assert signed_in.post(report_url(draft), valid()).status_code == 404
    assert signed_in.get(report_url(draft)).status_code == 404
    assert not TranslationReport.objects.exists()


def test_a_report_on_an_article_not_yet_published_is_404(signed_in):
    later = make_article(published_at=timezone.now() + timedelta(days=1))

    assert signed_in.post(report_url(later), valid()).status_code == 404


def test_a_report_on_another_articles_source_comment_is_404(signed_in):
    article = make_article()
    elsewhere = make_source_comment(make_article())

    response = signed_in.post(report_url(article), valid(source_comment=str(elsewhere.pk)))

    assert response.status_code == 404
    assert signed_in.get(f"{report_url(article)}?source_comment={elsewhere.pk}").status_code == 404
    assert not TranslationReport.objects.exists()


def test_a_missing_source_comment_is_404(signed_in):
    article = make_article()

    assert signed_in.post(report_url(article), valid(source_comment="999999")).status_code == 404


def test_the_service_refuses_another_articles_source_comment(user):
    article = make_article()
    elsewhere = make_source_comment(make_article())

    with pytest.raises(ReportRefused) as refused:
        report_submit(article=article, reporter=user, quote="a", suggestion="b",
                      source_comment=elsewhere)  # fmt: skip

    assert refused.value.status == 404


# --- bad input: the form again, 400, nothing saved --------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"quote": ""}, "Quote the passage you are reporting."),
        ({"quote": "   \n  "}, "Quote the passage you are reporting."),
        ({"suggestion": ""}, "Suggest a better translation of the passage."),
        ({"quote": "x" * (QUOTE_MAX_LENGTH + 1)}, f"at most {QUOTE_MAX_LENGTH} characters"),
        (
            {"suggestion": "y" * (SUGGESTION_MAX_LENGTH + 1)},
            f"at most {SUGGESTION_MAX_LENGTH} characters",
        ),
        ({"note": "z" * 1001}, "at most 1000 characters"),
        ({"suggestion": "bad\x00byte"}, "NUL"),
        ({"note": "bell\x07"}, "control characters"),
        ({"source_comment": "12abc"}, "not a valid comment number"),
    ],
)
def test_bad_input_shows_the_form_again_with_400_and_saves_nothing(signed_in, fields, message):
    article = make_article()

    response = signed_in.post(report_url(article), valid(**fields))

    assert response.status_code == 400
    assert message in error_text(response)
    doc = parse_html(response.content)
    form = doc.find("form", cls="report-form")
    assert form is not None and form.attrs["action"] == report_url(article)
    assert not TranslationReport.objects.exists()


def test_a_form_error_keeps_what_the_reader_typed(signed_in):
    article = make_article()

    response = signed_in.post(report_url(article), valid(suggestion=""))

    doc = parse_html(response.content)
    assert doc.find("textarea", name="quote").text().strip() == valid()["quote"]


def test_a_report_storm_is_429_with_retry_after(signed_in, user):
    article = make_article()
    per_minute = REPORT_RATE_LIMITS[0][1]
    for n in range(per_minute):
        assert signed_in.post(report_url(article), valid(quote=f"Passage {n}")).status_code == 302

    response = signed_in.post(report_url(article), valid(quote="One more"))

    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert "too fast" in error_text(response)
    assert TranslationReport.objects.count() == per_minute


def test_the_storm_limit_is_per_reader(signed_in):
    article = make_article()
    other = make_user()
    for n in range(REPORT_RATE_LIMITS[0][1]):
        make_report_as(other, article, n)

    assert signed_in.post(report_url(article), valid()).status_code == 302


def make_report_as(reader, article, n):
    return report_submit(article=article, reporter=reader, quote=f"P{n}", suggestion="S")


def test_an_hour_of_reports_is_limited_too(user):
    article = make_article()
    (_minute, _per_minute), (hour, limit) = REPORT_RATE_LIMITS
    start = timezone.now() - timedelta(minutes=50)
    for n in range(limit):  # two minutes apart: never a storm within a minute
        report_submit(article=article, reporter=user, quote=f"Q{n}", suggestion="S",
                      now=start + timedelta(minutes=2 * n))  # fmt: skip

    with pytest.raises(ReportRefused) as refused:
        report_submit(article=article, reporter=user, quote="late", suggestion="S")

    assert refused.value.status == 429
    assert 60 < refused.value.retry_after <= 11 * 60
    assert TranslationReport.objects.count() == limit


# --- screening, like comments -----------------------------------------------------------


def test_a_banned_word_in_the_suggestion_is_refused_citing_the_rule(signed_in):
    article = make_article()
    make_screening_word("dimwit", rule_number=2)

    response = signed_in.post(report_url(article), valid(suggestion="Only a dimwit wrote this"))

    assert response.status_code == 400
    assert "Rule 2" in error_text(response)
    assert not TranslationReport.objects.exists()


def test_a_suspect_word_holds_the_report_for_the_editors(signed_in):
    article = make_article()
    make_screening_word("shill", kind="suspect")

    response = signed_in.post(report_url(article), valid(note="the translator is a shill"))

    assert response.status_code == 302
    report = TranslationReport.objects.get()
    assert report.status == Status.HELD
    assert report.hold_reason
    page = signed_in.get(response["Location"])
    assert "once its wording is checked" in message_text(page)


def test_a_quote_of_the_articles_own_text_is_not_screened(signed_in):
    """A story may quote a word the lists ban; reporting its translation is not abuse."""
    article = make_article(body="<p>Protesters shouted “dimwit” at the minister.</p>")
    make_screening_word("dimwit", rule_number=2)

    response = signed_in.post(
        report_url(article),
        valid(quote="Protesters shouted “dimwit” at the minister.", note=""),
    )

    assert response.status_code == 302
    assert TranslationReport.objects.get().status == Status.OPEN


def test_a_quote_that_is_not_the_articles_text_is_screened(signed_in):
    article = make_article()
    make_screening_word("dimwit", rule_number=2)

    response = signed_in.post(report_url(article), valid(quote="what a dimwit", note=""))

    assert response.status_code == 400
    assert not TranslationReport.objects.exists()


def test_a_suspended_reader_cannot_report(signed_in, user, moderator):
    from discussions.services import user_sanction
    from tests.factories import policy_rule

    user_sanction(user=user, moderator=moderator, kind="suspension", rule=policy_rule(2),
                  until=timezone.now() + timedelta(days=1))  # fmt: skip
    article = make_article()

    response = signed_in.post(report_url(article), valid())

    assert response.status_code == 403
    assert "suspended" in error_text(response)
    assert not TranslationReport.objects.exists()


def test_reports_are_taken_on_articles_whose_comments_are_closed(signed_in):
    article = make_article(comments_open=False)

    assert signed_in.post(report_url(article), valid()).status_code == 302


# --- the forms on the article page -------------------------------------------------------


def test_the_article_foot_has_the_report_form_for_a_signed_in_reader(signed_in):
    article = make_article()

    doc = parse_html(signed_in.get(article.get_absolute_url()).content)

    details = doc.find("details", id="report-translation")
    assert details is not None
    assert "Report a translation problem" in details.find("summary").text()
    form = details.find("form", cls="report-form")
    assert form.attrs["method"] == "post"
    assert form.attrs["action"] == report_url(article)
    names = {el.attrs.get("name") for el in form.find_all("textarea")}
    assert names == {"quote", "suggestion", "note"}
    assert form.find("input", name="source_comment") is not None
    assert form.find("input", name="csrfmiddlewaretoken") is not None


def test_the_anonymous_article_page_links_to_log_in_and_holds_no_token(client):
    article = make_article()

    response = client.get(article.get_absolute_url())

    doc = parse_html(response.content)
    details = doc.find("details", id="report-translation")
    assert details.find("form") is None
    link = details.find("a")
    assert link.attrs["href"] == (
        f"/accounts/login/?next=/articles/{article.slug}/translation-reports/"
    )
    assert b"csrfmiddlewaretoken" not in response.content
    assert not response.cookies


def test_each_source_comment_links_to_the_report_page_prefilled(signed_in):
    article = make_article()
    source = make_source_comment(article, text="This is <b>fine</b> & quiet.")

    doc = parse_html(signed_in.get(article.get_absolute_url()).content)
    quote = doc.find("blockquote", cls="source-comment")
    link = quote.find("a", cls="report-source")
    assert link.attrs["href"] == f"{report_url(article)}?source_comment={source.pk}"
    assert link.attrs["data-source-comment"] == str(source.pk)
    assert link.attrs["data-quote"] == "This is <b>fine</b> & quiet."

    page = signed_in.get(link.attrs["href"])
    assert page.status_code == 200
    form = parse_html(page.content).find("form", cls="report-form")
    assert form.find("textarea", name="quote").text().strip() == "This is <b>fine</b> & quiet."
    assert form.find("input", name="source_comment").attrs["value"] == str(source.pk)
    assert b"<b>fine</b>" not in page.content


def test_the_report_page_takes_a_typed_quote(signed_in):
    article = make_article()

    page = signed_in.get(f"{report_url(article)}?quote=Line+2")

    form = parse_html(page.content).find("form", cls="report-form")
    assert form.find("textarea", name="quote").text().strip() == "Line 2"


def test_the_report_page_answers_only_get_and_post(signed_in):
    article = make_article()

    assert signed_in.put(report_url(article)).status_code == 405


def test_the_report_script_is_loaded_and_the_page_has_no_inline_script(signed_in):
    article = make_article()

    doc = parse_html(signed_in.get(article.get_absolute_url()).content)

    sources = [el.attrs.get("src", "") for el in doc.find_all("script")]
    assert any(src.endswith("js/reports.js") for src in sources)
    for el in doc.find_all("script"):
        assert el.attrs.get("src") or el.attrs.get("type") in (
            "application/ld+json",
            "application/json",
        )


def test_the_selection_button_is_hidden_without_javascript(signed_in):
    article = make_article()

    doc = parse_html(signed_in.get(article.get_absolute_url()).content)

    assert "hidden" in doc.find("button", id="report-selection").attrs


def test_a_report_with_only_whitespace_around_is_trimmed(user):
    article = make_article()

    report = report_submit(article=article, reporter=user, quote="  Line 2 \r\n", suggestion=" x ")

    assert (report.quote, report.suggestion) == ("Line 2", "x")


def test_a_report_needs_the_csrf_token(user):
    article = make_article()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    assert client.post(report_url(article), valid()).status_code == 403
    assert not TranslationReport.objects.exists()


def test_a_lone_surrogate_is_a_400_not_a_500(signed_in):
    from tests.security.forms import post_form_utf7

    article = make_article()

    response = post_form_utf7(signed_in, report_url(article), valid(suggestion="bad \ud800 text"))

    assert response.status_code == 400  # refused before the view (config.middleware)
    assert not TranslationReport.objects.exists()
