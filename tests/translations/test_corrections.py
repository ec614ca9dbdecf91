"""Corrections: recorded by saving an article in the admin with a correction note, on the
revision that save makes, resolving accepted reports; shown at the article's foot (also on
the cached anonymous page, on the next request) and in the public log /corrections/."""

from datetime import timedelta

import pytest
from django.contrib.postgres.aggregates import JSONBAgg
from django.db.models import Q
from django.db.models.functions import JSONObject
from django.utils import timezone
from django.utils.formats import date_format

from articles.models import Article
from notifications.models import Kind, Notification
from tests.articles.editors import make_editor as make_article_writer
from tests.factories import make_article, make_tag, make_user, parse_html
from tests.translations.helpers import (
    article_change_data,
    as_user,
    make_editor,
    make_report,
    queue_action,
)
from translations.models import Correction, TranslationReport
from translations.pages import article_corrections, correction_annotations
from translations.services import correction_record

pytestmark = pytest.mark.django_db

PAGE_QUERY_BOUND = 8  # the article page's bound (tests/discussions, tests/articles)


@pytest.fixture
def editor(db):
    return make_editor(username="editor-lin")


def change_url(article) -> str:
    return f"/admin/articles/article/{article.pk}/change/"


def foot_corrections(response) -> list[str]:
    doc = parse_html(response.content)
    section = doc.find("section", id="corrections")
    if section is None:
        return []
    return [" ".join(el.text().split()) for el in section.find_all("li", cls="correction")]


def accepted_report(article, editor, **fields):
    report = make_report(article, **fields)
    queue_action(as_user(editor), "accept_reports", [report], resolution_note="Thanks.")
    report.refresh_from_db()
    assert report.status == TranslationReport.Status.ACCEPTED
    return report


def test_saving_with_a_correction_note_records_it_on_the_new_revision(editor):
    reporter = make_user()
    article = make_article(body="<p>The pilot starts on Line 2 next month.</p>")
    report = accepted_report(article, editor, reporter=reporter)
    client = as_user(editor)

    page = client.get(change_url(article))
    doc = parse_html(page.content)
    assert doc.find("textarea", name="correction_note") is not None
    assert doc.find("input", name="correction_reports", value=str(report.pk)) is not None

    data = article_change_data(
        article,
        body="<p>The trial begins on Line 2 next month.</p>",
        correction_note="“Pilot” was a trial run, not a pilot programme.",
        correction_reports=[str(report.pk)],
    )
    response = client.post(change_url(article), data)

    assert response.status_code == 302
    correction = Correction.objects.get()
    latest = article.history.order_by("-history_date", "-history_id").first()
    assert correction.revision == latest
    assert correction.revision.body == "<p>The trial begins on Line 2 next month.</p>"
    assert correction.revision.history_change_reason == correction.text
    assert correction.text == "“Pilot” was a trial run, not a pilot programme."
    assert correction.editor == editor
    assert list(correction.reports.all()) == [report]
    told = Notification.objects.filter(recipient=reporter).order_by("created_at", "id")
    assert [(n.kind, n.decision) for n in told] == [(Kind.REPORT, "accepted"),
                                                    (Kind.REPORT, "corrected")]  # fmt: skip
    inbox = parse_html(as_user(reporter).get("/notifications/").content)
    links = [el.find("a").attrs["href"] for el in inbox.find_all("li", data_kind="report")]
    assert f"{article.get_absolute_url()}#corrections" in links


def test_saving_without_a_note_records_no_correction(editor):
    article = make_article()

    response = as_user(editor).post(change_url(article), article_change_data(article))

    assert response.status_code == 302
    assert not Correction.objects.exists()


def test_resolved_reports_without_a_note_are_refused(editor):
    article = make_article()
    report = accepted_report(article, editor)

    data = article_change_data(article, dek="Changed", correction_reports=[str(report.pk)])
    response = as_user(editor).post(change_url(article), data)

    assert response.status_code == 200
    assert b"Say what the correction changed" in response.content
    assert not Correction.objects.exists()
    article.refresh_from_db()
    assert article.dek != "Changed"


def test_only_accepted_reports_of_the_article_can_be_resolved(editor):
    article = make_article()
    waiting = make_report(article)
    elsewhere = accepted_report(make_article(), editor)

    for report in (waiting, elsewhere):
        data = article_change_data(article, correction_note="Fixed.",
                                   correction_reports=[str(report.pk)])  # fmt: skip
        response = as_user(editor).post(change_url(article), data)
        assert response.status_code == 200
    assert not Correction.objects.exists()


def test_staff_who_may_not_record_corrections_do_not_see_the_field(db):
    writer = make_article_writer()  # articles' permissions only
    article = make_article()
    client = as_user(writer)

    doc = parse_html(client.get(change_url(article)).content)
    assert doc.find("textarea", name="correction_note") is None
    data = article_change_data(article, correction_note="Sneaked in.")
    assert client.post(change_url(article), data).status_code == 302
    assert not Correction.objects.exists()


def test_the_add_page_has_no_correction(editor):
    doc = parse_html(as_user(editor).get("/admin/articles/article/add/").content)

    assert doc.find("textarea", name="correction_note") is None


def test_the_article_foot_shows_each_correction_with_its_date(client, editor):
    article = make_article()
    first = correction_record(article=article, editor=editor, text="The mayor's name was wrong.",
                              now=timezone.now() - timedelta(days=2))  # fmt: skip
    correction_record(article=article, editor=editor, text="<b>Line 2</b>, not Line 3.")

    response = client.get(article.get_absolute_url())

    shown = foot_corrections(response)
    day = date_format(timezone.localtime(first.corrected_at), "j F Y")
    assert shown[0] == f"Corrected on {day}: The mayor's name was wrong."
    assert shown[1].endswith(": <b>Line 2</b>, not Line 3.")
    assert b"<b>Line 2</b>" not in response.content
    doc = parse_html(response.content)
    assert doc.find("time", datetime=None) is not None


def test_an_article_without_corrections_has_no_corrections_section(client):
    article = make_article()

    assert foot_corrections(client.get(article.get_absolute_url())) == []
    assert b'id="corrections"' not in client.get(article.get_absolute_url()).content


def test_the_cached_anonymous_page_shows_a_correction_on_the_next_request(client, editor):
    article = make_article()
    assert foot_corrections(client.get(article.get_absolute_url())) == []
    assert foot_corrections(client.get(article.get_absolute_url())) == []  # now from the cache
    before = Article.objects.get(pk=article.pk).updated_at

    data = article_change_data(article, correction_note="Line 2, not Line 3.")
    assert as_user(editor).post(change_url(article), data).status_code == 302

    assert Article.objects.get(pk=article.pk).updated_at > before
    shown = foot_corrections(client.get(article.get_absolute_url()))
    assert len(shown) == 1 and shown[0].endswith("Line 2, not Line 3.")


def test_mending_a_correction_in_the_admin_shows_on_the_next_request(client, editor):
    article = make_article()
    correction = correction_record(article=article, editor=editor, text="Line 3.")
    assert foot_corrections(client.get(article.get_absolute_url()))[0].endswith("Line 3.")

    url = f"/admin/translations/correction/{correction.pk}/change/"
    response = as_user(editor).post(url, {"text": "Line 2, not Line 3."})

    assert response.status_code == 302
    assert foot_corrections(client.get(article.get_absolute_url()))[0].endswith(
        "Line 2, not Line 3."
    )


def test_corrections_cannot_be_deleted_in_the_admin(editor):
    correction = correction_record(article=make_article(), editor=editor, text="Fixed.")
    superuser = make_user(is_staff=True, is_superuser=True)

    url = f"/admin/translations/correction/{correction.pk}/delete/"
    assert as_user(superuser).post(url, {"post": "yes"}).status_code == 403
    assert Correction.objects.filter(pk=correction.pk).exists()


def test_the_article_page_with_corrections_stays_within_its_query_bound(
    signed_in, editor, django_assert_max_num_queries
):
    article = make_article()
    with django_assert_max_num_queries(PAGE_QUERY_BOUND) as without:
        signed_in.get(article.get_absolute_url())
    for n in range(3):
        correction_record(article=article, editor=editor, text=f"Correction {n}.")

    with django_assert_max_num_queries(PAGE_QUERY_BOUND) as first:
        response = signed_in.get(article.get_absolute_url())
    with django_assert_max_num_queries(PAGE_QUERY_BOUND) as again:
        signed_in.get(article.get_absolute_url())

    assert len(foot_corrections(response)) == 3
    assert len(first) <= len(without) + 1  # one query for the corrections, at most
    # A query of its own the first time at most (none once the article query carries them,
    # correction_annotations), then cached until the article changes.
    own = [q["sql"] for q in again if q["sql"].startswith('SELECT "translations_correction"')]
    assert own == []


# --- the public log -----------------------------------------------------------------------


def test_the_corrections_log_lists_corrections_newest_first_with_links(client, editor):
    one = make_article(title="Night buses in Shenzhen")
    two = make_article(title="Quiet cars in Seoul")
    now = timezone.now()
    correction_record(article=one, editor=editor, text="Twelve routes, not ten.",
                      now=now - timedelta(days=1))  # fmt: skip
    correction_record(article=two, editor=editor, text="Line 2, not Line 3.", now=now)

    response = client.get("/corrections/")

    assert response.status_code == 200
    doc = parse_html(response.content)
    items = doc.find("ol", cls="corrections-log").find_all("li", cls="correction")
    assert ["Line 2, not Line 3." in el.text() for el in items] == [True, False]
    links = [el.find("a").attrs["href"] for el in items]
    assert links == [
        f"{two.get_absolute_url()}#corrections",
        f"{one.get_absolute_url()}#corrections",
    ]
    assert "Quiet cars in Seoul" in items[0].text()


def test_the_corrections_log_leaves_out_drafts_and_is_paginated(client, editor):
    article = make_article()
    draft = make_article(status=Article.Status.DRAFT)
    correction_record(article=draft, editor=editor, text="Hidden draft fix.")
    start = timezone.now() - timedelta(days=30)
    for n in range(25):
        correction_record(article=article, editor=editor, text=f"Fix number {n}.",
                          now=start + timedelta(hours=n))  # fmt: skip

    first = parse_html(client.get("/corrections/").content)
    second = parse_html(client.get("/corrections/?page=2").content)
    odd = client.get("/corrections/?page=abc")

    def texts(doc):
        return [
            el.find("p", cls="correction-text").text()
            for el in doc.find_all("li", cls="correction")
        ]

    assert texts(first) == [f"Fix number {n}." for n in range(24, 4, -1)]
    assert texts(second) == [f"Fix number {n}." for n in range(4, -1, -1)]
    assert odd.status_code == 200
    assert b"Hidden draft fix." not in client.get("/corrections/").content
    assert first.find("a", rel="next").attrs["href"] == "?page=2"


def test_the_corrections_log_says_when_there_are_none(client):
    response = client.get("/corrections/")

    assert response.status_code == 200
    assert b"No corrections yet." in response.content


def test_the_whole_flow_report_accept_correct(client, editor):
    """What the browser test does, over HTTP: a reader reports, an editor accepts and
    corrects, the article and the log show it, the reporter is told."""
    reader = make_user()
    article = make_article(body="<p>The pilot starts on Line 2 next month.</p>")
    reporter_client = as_user(reader)
    sent = reporter_client.post(
        f"/articles/{article.slug}/translation-reports/",
        {"quote": "The pilot starts", "suggestion": "The trial begins", "note": ""},
    )
    assert sent.status_code == 302
    report = TranslationReport.objects.get()

    queue_action(as_user(editor), "accept_reports", [report], resolution_note="Right.")
    data = article_change_data(
        article,
        body="<p>The trial begins on Line 2 next month.</p>",
        correction_note="“Pilot” now reads “trial”.",
        correction_reports=[str(report.pk)],
    )
    assert as_user(editor).post(change_url(article), data).status_code == 302

    page = client.get(article.get_absolute_url())
    assert foot_corrections(page)[0].endswith("“Pilot” now reads “trial”.")
    assert b"The trial begins on Line 2" in page.content
    assert "“Pilot” now reads “trial”.".encode() in client.get("/corrections/").content
    kinds = Notification.objects.filter(recipient=reader).values_list("decision", flat=True)
    assert sorted(kinds) == ["accepted", "corrected"]


def test_the_article_query_can_carry_its_corrections_at_no_extra_query(
    editor, django_assert_num_queries
):
    """correction_annotations beside the article page's own aggregate (its tags)."""
    article = make_article()
    article.tags.add(make_tag(), make_tag())
    bare = make_article()
    first = correction_record(article=article, editor=editor, text="First fix.",
                              now=timezone.now() - timedelta(hours=1))  # fmt: skip
    correction_record(article=article, editor=editor, text="Second fix.")
    tags = JSONBAgg(JSONObject(name="tags__name"), filter=Q(tags__isnull=False), default=[])

    with django_assert_num_queries(1):
        loaded = {
            a.pk: a
            for a in Article.objects.published()
            .annotate(tag_list=tags, **correction_annotations())
            .filter(pk__in=[article.pk, bare.pk])
        }
    with django_assert_num_queries(0):
        shown = article_corrections(loaded[article.pk])
        none = article_corrections(loaded[bare.pk])

    assert [c["text"] for c in shown] == ["First fix.", "Second fix."]
    assert shown[0]["corrected_at"] == first.corrected_at
    assert none == []
    assert len(loaded[article.pk].tag_list) == 2
