"""The review page of one queued comment: the comment in its thread, its author's record, its
flags and earlier versions, the decisions (approve, remove citing a rule, spam), who may take
them, and two moderators deciding on one comment at once."""

import threading
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.utils import timezone

from discussions import markup
from discussions.models import Comment, ModerationAction, Sanction
from discussions.services import ModerationError, comment_edit, comment_moderate, flag_create
from tests.factories import (
    ensure_comment_policy,
    make_article,
    make_comment,
    make_moderator,
    make_user,
    parse_html,
    policy_rule,
    thread_comments,
)

pytestmark = pytest.mark.django_db

QUEUE = "/admin/discussions/queuedcomment/"
Status = Comment.Status
Action = ModerationAction.Action
DECISIONS = (Action.APPROVE, Action.REMOVE, Action.SPAM)


@pytest.fixture(autouse=True)
def _policy(comment_policy):
    """Every test here may cite the default rules."""


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def review_url(comment) -> str:
    return f"{QUEUE}{comment.pk}/review/"


def decide(client, comment, decision, *, rule=None, note="", seen=None):
    data = {
        "decision": decision,
        "rule": str(rule.pk) if rule else "",
        "note": note,
        "seen": seen or comment.status,
    }
    return client.post(review_url(comment), data)


def build_thread():
    """Return (article, root, parent, siblings before, comment, siblings after, reply)."""
    article = make_article()
    root = make_comment(article, body="Root of the thread")
    parent = make_comment(article, parent=root, body="The parent comment")
    before = [make_comment(article, parent=parent, body=f"Earlier sibling {n}") for n in range(3)]
    comment = make_comment(article, parent=parent, body="The comment under review")
    after = [make_comment(article, parent=parent, body=f"Later sibling {n}") for n in range(3)]
    reply = make_comment(article, parent=comment, body="A reply to it")
    return article, root, parent, before, comment, after, reply


# What the page shows ----------------------------------------------------------------------


def test_review_page_shows_the_comment_in_its_thread(moderator):
    _article, root, parent, before, comment, after, reply = build_thread()
    Comment.objects.filter(pk=comment.pk).update(status=Status.PENDING)
    markup.refresh([comment.pk])

    response = as_user(moderator).get(review_url(comment))

    assert response.status_code == 200
    shown = thread_comments(parse_html(response.content))
    # Ancestors, two siblings on each side, the comment and its reply; nothing further away.
    assert set(shown) == {root.pk, parent.pk, before[1].pk, before[2].pk, comment.pk,
                          after[0].pk, after[1].pk, reply.pk}  # fmt: skip
    assert "is-focus" in shown[comment.pk].classes
    assert shown[reply.pk].parent is not None
    assert any(el is shown[comment.pk] for el in shown[reply.pk].ancestors())
    assert any(el is shown[parent.pk] for el in shown[comment.pk].ancestors())


def test_review_page_shows_flags_versions_author_history_and_sanctions(moderator):
    author = make_user(display_name="Harsh Critic")
    earlier = make_comment(author=author, body="An earlier remark of theirs")
    comment = make_comment(author=author, body="First words")
    comment_edit(comment=comment, user=author, body="Second words")
    comment.refresh_from_db()
    flag_create(comment=comment, user=make_user(), rule=policy_rule(2), note="Name-calling here")
    until = timezone.now() + timedelta(days=2)
    Sanction.objects.create(
        user=author, kind="suspension", until=until, reason="", created_by=moderator
    )

    response = as_user(moderator).get(review_url(comment))

    text = " ".join(parse_html(response.content).text().split())
    assert "Second words" in text
    assert "Name-calling here" in text
    assert "Rule 2: No personal attacks" in text
    assert "First words" in text  # the earlier version
    assert "An earlier remark of theirs" in text
    assert "Harsh Critic" in text
    assert "Suspension" in text
    doc = parse_html(response.content)
    sanction = doc.find("a", cls="review-sanction")
    assert sanction.attrs["href"] == (
        f"/admin/discussions/sanction/add/?user={author.pk}&comment={comment.pk}"
    )
    assert doc.find("a", href=review_url(earlier)) is not None


def test_review_page_escapes_the_comment_text(moderator):
    comment = make_comment(status=Status.PENDING, body="<script>alert(1)</script>")

    html = as_user(moderator).get(review_url(comment)).content.decode()

    assert "<script>alert(1)" not in html


def test_queue_change_page_leads_to_the_review_page(moderator):
    comment = make_comment(status=Status.PENDING)

    response = as_user(moderator).get(f"{QUEUE}{comment.pk}/change/")

    assert response.status_code == 302
    assert response["Location"] == review_url(comment)


def test_review_page_runs_a_bounded_number_of_queries(moderator, django_assert_max_num_queries):
    _article, _root, _parent, _before, comment, _after, _reply = build_thread()
    for n in range(5):
        make_comment(author=comment.author, body=f"other {n}")
    flag_create(comment=comment, user=make_user(), rule=policy_rule(2))
    client = as_user(moderator)

    with django_assert_max_num_queries(16):
        assert client.get(review_url(comment)).status_code == 200


# Decisions ------------------------------------------------------------------------------


def test_approve_makes_it_visible_logs_it_and_goes_to_the_next_in_the_queue(moderator):
    now = timezone.now()
    comment = make_comment(status=Status.PENDING, created_at=now - timedelta(hours=2))
    following = make_comment(status=Status.PENDING, created_at=now - timedelta(hours=1))

    response = decide(as_user(moderator), comment, "approve")

    assert response.status_code == 302
    assert response["Location"] == review_url(following)
    assert Comment.objects.get(pk=comment.pk).status == Status.VISIBLE
    entry = ModerationAction.objects.get()
    assert (entry.action, entry.moderator, entry.comment_id) == (
        Action.APPROVE,
        moderator,
        comment.pk,
    )


def test_remove_citing_a_rule_removes_and_logs_the_rule(moderator):
    comment = make_comment(status=Status.PENDING)

    response = decide(as_user(moderator), comment, "remove", rule=policy_rule(2), note="insults")

    assert response.status_code == 302
    assert response["Location"] == QUEUE
    stored = Comment.objects.get(pk=comment.pk)
    assert (stored.status, stored.status_rule) == (Status.REMOVED, policy_rule(2))
    entry = ModerationAction.objects.get()
    assert (entry.action, entry.rule_number, entry.note) == (Action.REMOVE, 2, "insults")


def test_remove_without_a_rule_is_a_form_error_and_changes_nothing(moderator):
    comment = make_comment(status=Status.PENDING)

    response = decide(as_user(moderator), comment, "remove")

    assert response.status_code == 400
    doc = parse_html(response.content)
    errors = doc.find(id="rule-errors")
    assert errors is not None and "rule" in errors.text()
    assert Comment.objects.get(pk=comment.pk).status == Status.PENDING
    assert not ModerationAction.objects.exists()


def test_spam_marks_spam_citing_the_spam_rule(moderator):
    comment = make_comment(status=Status.PENDING)

    decide(as_user(moderator), comment, "spam")

    assert Comment.objects.get(pk=comment.pk).status == Status.SPAM
    assert ModerationAction.objects.get().rule == policy_rule(6)


def test_a_decision_on_a_comment_decided_meanwhile_is_refused(moderator):
    comment = make_comment(status=Status.PENDING)
    client = as_user(moderator)
    decide(client, comment, "approve", seen=Status.PENDING)

    response = decide(client, comment, "remove", rule=policy_rule(2), seen=Status.PENDING)

    assert response.status_code == 302
    assert Comment.objects.get(pk=comment.pk).status == Status.VISIBLE
    assert ModerationAction.objects.filter(action__in=DECISIONS).count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "Another moderator decided on this comment meanwhile" in page


def test_a_decision_needs_the_csrf_token(moderator):
    comment = make_comment(status=Status.PENDING)
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)

    response = decide(client, comment, "approve")

    assert response.status_code == 403
    assert Comment.objects.get(pk=comment.pk).status == Status.PENDING


def test_a_get_never_decides(moderator):
    comment = make_comment(status=Status.PENDING)

    as_user(moderator).get(review_url(comment) + "?decision=approve&seen=pending")

    assert Comment.objects.get(pk=comment.pk).status == Status.PENDING


# Who may review and decide ------------------------------------------------------------------


def test_staff_outside_the_moderators_group_gets_403_on_the_page_and_every_decision():
    comment = make_comment(status=Status.PENDING)
    client = as_user(make_user(is_staff=True))

    assert client.get(review_url(comment)).status_code == 403
    for decision in ("approve", "remove", "spam"):
        assert decide(client, comment, decision, rule=policy_rule(2)).status_code == 403
    assert Comment.objects.get(pk=comment.pk).status == Status.PENDING
    assert not ModerationAction.objects.exists()


def test_staff_who_may_only_view_gets_403_on_every_decision():
    comment = make_comment(status=Status.PENDING)
    staff = make_user(is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(codename="view_queuedcomment"))
    client = as_user(staff)

    response = client.get(review_url(comment))
    assert response.status_code == 200
    assert parse_html(response.content).find("button", value="approve") is None
    for decision in ("approve", "remove", "spam"):
        assert decide(client, comment, decision, rule=policy_rule(2)).status_code == 403
    assert not ModerationAction.objects.exists()


def test_a_reader_is_sent_to_the_admin_login():
    comment = make_comment(status=Status.PENDING)

    response = decide(as_user(make_user()), comment, "approve")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert Comment.objects.get(pk=comment.pk).status == Status.PENDING


# Two moderators at once ----------------------------------------------------------------------


def race(tasks) -> list:
    """Run the callables at once, each in its own thread and connection; return their results."""
    barrier = threading.Barrier(len(tasks))
    results: list = [None] * len(tasks)

    def run(index, task):
        try:
            barrier.wait(timeout=60)
            results[index] = task()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, task)) for i, task in enumerate(tasks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results


def attempt(comment_id, moderator, action, rule=None):
    # Each moderator read the comment before either decided: both saw it held.
    comment = Comment.objects.get(pk=comment_id)

    def task():
        try:
            comment_moderate(comment=comment, moderator=moderator, action=action, rule=rule)
        except ModerationError as exc:
            return exc.code
        return "done"

    return task


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("second", [Action.REMOVE, Action.APPROVE])
def test_concurrent_decisions_on_one_comment_end_in_exactly_one_decision(second):
    ensure_comment_policy()
    first, other = make_moderator(), make_moderator()
    rule = policy_rule(2)
    for _round in range(5):
        comment = make_comment(status=Status.PENDING)

        outcomes = race(
            [attempt(comment.pk, first, Action.APPROVE), attempt(comment.pk, other, second, rule)]
        )

        assert sorted(outcomes) == ["decided", "done"]
        entries = ModerationAction.objects.filter(comment=comment, action__in=DECISIONS)
        assert entries.count() == 1
        winner = entries.get().action
        expected = Status.VISIBLE if winner == Action.APPROVE else Status.REMOVED
        assert Comment.objects.get(pk=comment.pk).status == expected
