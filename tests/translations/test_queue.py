"""The editors' queue in the admin: reports grouped by article and passage, filters, the
accept / reject / duplicate actions with a note, the reporter's notification, and who may
reach it (editors, not moderators)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.mail import mail_user
from notifications.models import Frequency, Kind, MailSettings, Notification
from outbox.models import OutgoingMail
from tests.factories import make_article, make_user, parse_html
from tests.translations.helpers import QUEUE, as_user, make_editor, make_report, queue_action
from translations.models import TranslationReport

pytestmark = pytest.mark.django_db

Status = TranslationReport.Status


@pytest.fixture
def editor(db):
    return make_editor(username="editor-yun", display_name="Yun the Editor")


@pytest.fixture
def reporter(db):
    return make_user(username="careful-reader", display_name="Careful Reader")


def listed_ids(response) -> list[int]:
    doc = parse_html(response.content)
    return [int(el.attrs["value"]) for el in doc.find_all("input", name="_selected_action")]


def test_the_queue_groups_waiting_reports_by_article_and_passage(editor):
    now = timezone.now()
    older = make_article(title="Older story", published_at=now - timedelta(days=2))
    newer = make_article(title="Newer story", published_at=now - timedelta(days=1))
    a = make_report(older, quote="Line 2 opens")
    b = make_report(newer, quote="the minister said no")
    c = make_report(older, quote="Another passage")
    d = make_report(newer, quote="  The minister   said NO ")  # the same passage as b
    done = make_report(newer, quote="Done already")
    done.status = Status.REJECTED
    done.save()

    response = as_user(editor).get(QUEUE)

    assert response.status_code == 200
    # Newest article first; within it, one passage's reports together.
    assert listed_ids(response) == [b.pk, d.pk, c.pk, a.pk]
    assert b"2 waiting reports of this passage" in response.content
    assert (
        "Editors’ queue".encode() in response.content or b"Editors&#x27; queue" in response.content
    )


def test_the_queue_filters_by_status_and_article(editor):
    one, two = make_article(), make_article()
    waiting = make_report(one)
    held_elsewhere = make_report(two)
    held_elsewhere.status = Status.HELD
    held_elsewhere.save()
    accepted = make_report(one, quote="Accepted passage")
    accepted.status = Status.ACCEPTED
    accepted.save()
    client = as_user(editor)

    assert set(listed_ids(client.get(QUEUE))) == {waiting.pk, held_elsewhere.pk}
    assert listed_ids(client.get(QUEUE, {"status": "accepted"})) == [accepted.pk]
    assert listed_ids(client.get(QUEUE, {"status": "held"})) == [held_elsewhere.pk]
    assert listed_ids(client.get(QUEUE, {"article": str(one.pk)})) == [waiting.pk]
    everything = listed_ids(client.get(QUEUE, {"status": "all", "article": str(one.pk)}))
    assert set(everything) == {waiting.pk, accepted.pk}


def test_accept_asks_for_a_note_then_tells_the_reporter(editor, reporter):
    article = make_article(title="Quiet cars on Line 2")
    report = make_report(article, reporter=reporter)
    client = as_user(editor)

    page = client.post(QUEUE, {"action": "accept_reports", "_selected_action": [report.pk]})
    assert page.status_code == 200
    forms = parse_html(page.content).find_all("form", method="post")
    form = next(el for el in forms if el.attrs.get("id") != "logout-form")
    assert form.find("textarea", name="resolution_note") is not None
    assert form.find("input", name="apply") is not None

    response = queue_action(client, "accept_reports", [report],
                            resolution_note="Good catch: 시범 is a trial.")  # fmt: skip

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.ACCEPTED
    assert report.resolution_note == "Good catch: 시범 is a trial."
    assert report.resolved_by == editor and report.resolved_at is not None
    told = Notification.objects.get(recipient=reporter)
    assert (told.kind, told.decision, told.report) == (Kind.REPORT, "accepted", report)
    reporter.refresh_from_db()
    assert reporter.unread_notifications == 1

    inbox = as_user(reporter).get("/notifications/")
    doc = parse_html(inbox.content)
    item = doc.find("li", cls="notification", data_kind="report")
    assert item is not None and item.attrs["data-unread"] == "true"
    assert item.find("a").attrs["href"] == article.get_absolute_url()
    assert "accepted your translation report" in item.text()
    assert "Good catch: 시범 is a trial." in item.text()
    assert "Quiet cars on Line 2" in item.text()


def test_reject_tells_the_reporter(editor, reporter):
    report = make_report(make_article(), reporter=reporter)

    response = queue_action(as_user(editor), "reject_reports", [report],
                            resolution_note="The original says exactly this.")  # fmt: skip

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.REJECTED
    told = Notification.objects.get(recipient=reporter)
    assert told.decision == "rejected"
    doc = parse_html(as_user(reporter).get("/notifications/").content)
    assert "declined your translation report" in doc.find("li", data_kind="report").text()


def test_mark_as_duplicate_of_another_report_of_the_article(editor, reporter):
    article = make_article()
    original = make_report(article)
    repeat = make_report(article, reporter=reporter)
    client = as_user(editor)

    page = client.post(QUEUE, {"action": "mark_duplicate", "_selected_action": [repeat.pk]})
    options = parse_html(page.content).find("select", name="duplicate_of").find_all("option")
    assert str(original.pk) in {el.attrs["value"] for el in options}
    assert str(repeat.pk) not in {el.attrs["value"] for el in options}

    response = queue_action(
        client, "mark_duplicate", [repeat], duplicate_of=str(original.pk), resolution_note="Dup."
    )

    assert response.status_code == 302
    repeat.refresh_from_db()
    assert (repeat.status, repeat.duplicate_of) == (Status.DUPLICATE, original)
    assert Notification.objects.get(recipient=reporter).decision == "duplicate"


def test_a_duplicate_of_a_duplicate_points_at_the_original(editor):
    article = make_article()
    original, middle, last = (make_report(article) for _ in range(3))
    client = as_user(editor)
    queue_action(client, "mark_duplicate", [middle], duplicate_of=str(original.pk))

    queue_action(client, "mark_duplicate", [last], duplicate_of=str(middle.pk))

    last.refresh_from_db()
    assert last.duplicate_of == original


def test_a_duplicate_needs_a_report_of_the_same_article(editor):
    report = make_report(make_article())
    elsewhere = make_report(make_article())

    response = queue_action(as_user(editor), "mark_duplicate", [report],
                            duplicate_of=str(elsewhere.pk))  # fmt: skip

    assert response.status_code == 400
    assert b"Choose another report of the same article." in response.content
    report.refresh_from_db()
    assert report.status == Status.OPEN
    assert not Notification.objects.exists()


def test_a_duplicate_without_the_original_is_refused(editor):
    report = make_report(make_article())

    response = queue_action(as_user(editor), "mark_duplicate", [report])

    assert response.status_code == 400
    report.refresh_from_db()
    assert report.status == Status.OPEN


def test_an_over_long_note_is_refused(editor):
    report = make_report(make_article())

    response = queue_action(as_user(editor), "accept_reports", [report],
                            resolution_note="n" * 1001)  # fmt: skip

    assert response.status_code == 400
    report.refresh_from_db()
    assert report.status == Status.OPEN


def test_the_same_decision_twice_warns_and_notifies_once(editor, reporter):
    report = make_report(make_article(), reporter=reporter)
    client = as_user(editor)
    queue_action(client, "accept_reports", [report], resolution_note="Yes.")

    response = queue_action(client, "accept_reports", [report], resolution_note="Yes.")

    assert response.status_code == 302
    assert Notification.objects.filter(recipient=reporter).count() == 1


def test_an_editor_deciding_on_their_own_report_is_not_notified(editor):
    report = make_report(make_article(), reporter=editor)

    queue_action(as_user(editor), "accept_reports", [report])

    assert not Notification.objects.exists()


def test_a_moderator_cannot_reach_the_queue(moderator):
    report = make_report(make_article())
    client = as_user(moderator)

    assert client.get(QUEUE).status_code == 403
    assert queue_action(client, "accept_reports", [report]).status_code == 403
    assert client.get(f"{QUEUE}{report.pk}/change/").status_code == 403
    report.refresh_from_db()
    assert report.status == Status.OPEN
    assert not Notification.objects.exists()


def test_an_editor_does_not_moderate_comments(editor):
    assert as_user(editor).get("/admin/discussions/queuedcomment/").status_code == 403


def test_a_report_page_in_the_admin_is_view_only(editor):
    report = make_report(make_article())
    client = as_user(editor)

    assert client.get(f"{QUEUE}{report.pk}/change/").status_code == 200
    response = client.post(f"{QUEUE}{report.pk}/change/", {"status": "accepted"})

    assert response.status_code == 403
    report.refresh_from_db()
    assert report.status == Status.OPEN


def test_report_mail_is_off_by_default_and_can_be_chosen(editor, reporter):
    reporter.email = "reader@example.org"
    reporter.email_verified_at = reporter.date_joined
    reporter.save()
    report = make_report(make_article(title="Night buses"), reporter=reporter)
    queue_action(as_user(editor), "accept_reports", [report])

    assert MailSettings.for_user(reporter).report == Frequency.OFF
    assert mail_user(reporter, frequency=Frequency.IMMEDIATELY) is False

    settings_page = as_user(reporter).get("/accounts/settings/")
    assert parse_html(settings_page.content).find("select", name="report") is not None
    MailSettings.objects.create(user=reporter, report=Frequency.IMMEDIATELY)
    assert mail_user(reporter, frequency=Frequency.IMMEDIATELY) is True
    mail = OutgoingMail.objects.get(to="reader@example.org")
    assert "accepted your translation report" in mail.subject
    assert "Night buses" in mail.subject
