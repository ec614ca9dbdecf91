"""The moderation queue in the admin: what each row says, its filters and orders, its bulk
actions, who may use them, its query count, and the tree's fields kept out of every form."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from discussions import markup
from discussions.admin import CommentAdmin, QueuedCommentAdmin
from discussions.models import (
    Comment,
    CommentRevision,
    ModerationAction,
    QueuedComment,
    Sanction,
)
from discussions.services import comment_edit, flag_create
from tests.factories import (
    make_article,
    make_comment,
    make_flags,
    make_user,
    parse_html,
    policy_rule,
)

pytestmark = pytest.mark.django_db

QUEUE = "/admin/discussions/queuedcomment/"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
COMMENTS = "/admin/discussions/comment/"
Status = Comment.Status
TREE_FIELDS = ("lft", "rght", "tree_id", "level")


@pytest.fixture(autouse=True)
def _policy(comment_policy):
    """Every test here may cite the default rules."""


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def queue_ids(response) -> list[int]:
    doc = parse_html(response.content)
    return [int(el.attrs["value"]) for el in doc.find_all("input", name="_selected_action")]


def queue_rows(response) -> dict[int, str]:
    doc = parse_html(response.content)
    rows = {}
    for box in doc.find_all("input", name="_selected_action"):
        row = next(node for node in box.ancestors() if node.tag == "tr")
        rows[int(box.attrs["value"])] = " ".join(row.text().split())
    return rows


def old_user(**overrides):
    """A reader whose account is not new."""
    return make_user(date_joined=timezone.now() - timedelta(days=90), **overrides)


def staff_with(*codenames):
    """A staff user outside the Moderators group with only these discussions permissions."""
    staff = make_user(is_staff=True)
    staff.user_permissions.set(
        Permission.objects.filter(content_type__app_label="discussions", codename__in=codenames)
    )
    return staff


# What a row says -----------------------------------------------------------------------


def test_row_says_why_the_comment_is_here_and_who_wrote_it(moderator):
    article = make_article(title="Busan night buses return")
    author = make_user(display_name="Harsh Critic")  # joined just now: a new account
    make_comment(article, author=author)
    removed = make_comment(article, author=author)
    Comment.objects.filter(pk=removed.pk).update(status=Status.REMOVED)
    markup.refresh([removed.pk])
    Sanction.objects.create(user=author, kind="ban", reason="", created_by=moderator)
    comment = make_comment(article, author=author, body="You are all fools.")
    flag_create(comment=comment, user=make_user(), rule=policy_rule(2), note="Name-calling")
    flag_create(comment=comment, user=make_user(), rule=policy_rule(1))

    row = queue_rows(as_user(moderator).get(QUEUE))[comment.pk]

    assert "You are all fools." in row
    assert "Busan night buses return" in row
    assert "2 flags:" in row
    assert "Rule 1; Rule 2 (Name-calling)" in row
    assert "new account" in row
    assert "Harsh Critic" in row
    assert "2 visible, 1 removed, 1 sanctions" in row  # the flagged one is visible
    assert "sanctioned" in row
    assert "ago" in row


def test_row_shows_the_screening_reason_and_no_new_account_mark_for_an_old_account(moderator):
    held = make_comment(
        author=old_user(), status=Status.PENDING, hold_reason="Too many links, checked first."
    )

    row = queue_rows(as_user(moderator).get(QUEUE))[held.pk]

    assert "Too many links, checked first." in row
    assert "new account" not in row


def test_row_escapes_the_comment_text(moderator):
    make_comment(status=Status.PENDING, body='<script>alert("x")</script> <b>bold</b>')

    html = as_user(moderator).get(QUEUE).content.decode()

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html
    assert "<b>bold</b>" not in html


def test_queue_columns_link_each_row_to_its_review_page(moderator):
    comment = make_comment(status=Status.PENDING)

    doc = parse_html(as_user(moderator).get(QUEUE).content)

    link = doc.find("a", cls="queue-review")
    assert link.attrs["href"] == f"{QUEUE}{comment.pk}/review/"


# Filters and orders --------------------------------------------------------------------


def test_queue_is_oldest_first_and_most_flagged_first_on_request(moderator):
    now = timezone.now()
    old = make_comment(status=Status.PENDING, created_at=now - timedelta(hours=5))
    one_flag = make_comment(created_at=now - timedelta(hours=3))
    two_flags = make_comment(created_at=now - timedelta(hours=1))
    make_flags(one_flag, count=1)
    make_flags(two_flags, count=2)
    client = as_user(moderator)

    assert queue_ids(client.get(QUEUE)) == [old.pk, one_flag.pk, two_flags.pk]
    assert queue_ids(client.get(QUEUE + "?o=-2.1")) == [two_flags.pk, one_flag.pk, old.pk]
    assert 'href="?o=-2.1"' in client.get(QUEUE).content.decode()


def test_queue_filters_by_article(moderator):
    first, second = make_article(), make_article()
    mine = make_comment(first, status=Status.PENDING)
    make_comment(second, status=Status.PENDING)

    response = as_user(moderator).get(f"{QUEUE}?article={first.pk}")

    assert queue_ids(response) == [mine.pk]
    assert second.title in response.content.decode()  # offered in the filter


def test_queue_filters_by_reason(moderator):
    author = old_user()
    flagged = make_comment(author=author)
    make_flags(flagged, count=1)
    screened = make_comment(author=author, status=Status.PENDING, hold_reason="links")
    edited = make_comment(author=author)
    Comment.objects.filter(pk=edited.pk).update(
        status=Status.PENDING, edited_at=timezone.now(), hold_reason="held after edit"
    )
    markup.refresh([edited.pk])
    client = as_user(moderator)

    assert queue_ids(client.get(QUEUE + "?reason=flags")) == [flagged.pk]
    assert queue_ids(client.get(QUEUE + "?reason=screening")) == [screened.pk]
    assert queue_ids(client.get(QUEUE + "?reason=edit")) == [edited.pk]


def test_a_comment_pending_in_an_import_says_so_and_has_a_reason_of_its_own(moderator):
    call_command("import_wxr", str(FIXTURES / "wordpress.xml"), stdout=io.StringIO())
    imported = Comment.objects.get(import_source="wxr", status=Status.PENDING)
    screened = make_comment(author=old_user(), status=Status.PENDING, hold_reason="links")
    client = as_user(moderator)

    row = queue_rows(client.get(QUEUE))[imported.pk]

    assert "Pending when imported from WordPress" in row
    review = client.get(f"{QUEUE}{imported.pk}/review/")
    assert "Pending when imported from WordPress" in review.content.decode()
    assert queue_ids(client.get(QUEUE + "?reason=import")) == [imported.pk]
    assert queue_ids(client.get(QUEUE + "?reason=screening")) == [screened.pk]


def test_queue_filters_by_rule_flagged(moderator):
    insults = make_comment()
    spam = make_comment()
    make_flags(insults, count=1, rule_number=2)
    make_flags(spam, count=1, rule_number=6)

    response = as_user(moderator).get(f"{QUEUE}?rule={policy_rule(6).pk}")

    assert queue_ids(response) == [spam.pk]


def test_queue_filters_by_age(moderator):
    now = timezone.now()
    fresh = make_comment(status=Status.PENDING, created_at=now - timedelta(minutes=5))
    today = make_comment(status=Status.PENDING, created_at=now - timedelta(hours=5))
    stale = make_comment(status=Status.PENDING, created_at=now - timedelta(days=10))
    client = as_user(moderator)

    assert queue_ids(client.get(QUEUE + "?age=hour")) == [fresh.pk]
    assert queue_ids(client.get(QUEUE + "?age=day")) == [today.pk]
    assert queue_ids(client.get(QUEUE + "?age=older")) == [stale.pk]


# Bulk actions ----------------------------------------------------------------------------


def test_bulk_approve_and_spam_decide_every_selected_comment(moderator):
    held = [make_comment(status=Status.PENDING) for _ in range(3)]
    client = as_user(moderator)

    client.post(QUEUE, {"action": "approve", "_selected_action": [held[0].pk, held[1].pk]})
    client.post(QUEUE, {"action": "mark_spam", "_selected_action": [held[2].pk]})

    statuses = [Comment.objects.get(pk=c.pk).status for c in held]
    assert statuses == [Status.VISIBLE, Status.VISIBLE, Status.SPAM]
    assert ModerationAction.objects.count() == 3


def test_bulk_remove_without_a_rule_is_a_form_error(moderator):
    comment = make_comment(status=Status.PENDING)

    response = as_user(moderator).post(
        QUEUE, {"action": "remove", "_selected_action": [comment.pk], "apply": "1", "rule": ""}
    )

    assert response.status_code == 200
    assert parse_html(response.content).find(cls="errorlist") is not None
    assert Comment.objects.get(pk=comment.pk).status == Status.PENDING
    assert not ModerationAction.objects.exists()


def test_bulk_feature_is_offered_on_the_queue(moderator):
    make_comment(status=Status.PENDING)

    doc = parse_html(as_user(moderator).get(QUEUE).content)

    actions = {opt.attrs.get("value") for opt in doc.find("select", name="action").iter()}

    assert {"approve", "remove", "mark_spam", "feature"} <= actions


# Who may act ----------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["approve", "remove", "mark_spam", "feature"])
def test_staff_outside_the_moderators_group_gets_403_on_every_queue_action(action):
    comment = make_comment(status=Status.PENDING)
    client = as_user(make_user(is_staff=True))

    response = client.post(
        QUEUE, {"action": action, "_selected_action": [comment.pk], "apply": "1", "rule": "1"}
    )

    assert response.status_code == 403
    assert Comment.objects.get(pk=comment.pk).status == Status.PENDING
    assert not ModerationAction.objects.exists()


@pytest.mark.parametrize("action", ["approve", "remove", "mark_spam", "feature"])
def test_staff_who_may_only_view_the_queue_gets_403_on_every_queue_action(action):
    comment = make_comment(status=Status.PENDING)
    client = as_user(staff_with("view_queuedcomment"))
    assert client.get(QUEUE).status_code == 200

    response = client.post(
        QUEUE,
        {"action": action, "_selected_action": [comment.pk], "apply": "1",
         "rule": str(policy_rule(2).pk)},
    )  # fmt: skip

    assert response.status_code == 403
    assert Comment.objects.get(pk=comment.pk).status == Status.PENDING
    assert not ModerationAction.objects.exists()


# Query count ---------------------------------------------------------------------------


def fill_queue(count: int) -> None:
    article = make_article()
    for n in range(count):
        author = make_user()
        if n % 2:
            comment = make_comment(article, author=author)
            flag_create(comment=comment, user=make_user(), rule=policy_rule(2), note="rude")
        else:
            make_comment(article, author=author, status=Status.PENDING, hold_reason="links")


def count_queries(client, django_assert_max_num_queries, limit: int) -> int:
    with django_assert_max_num_queries(limit) as context:
        response = client.get(QUEUE)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_queue_list_runs_a_bounded_number_of_queries(moderator, django_assert_max_num_queries):
    client = as_user(moderator)
    fill_queue(3)
    few = count_queries(client, django_assert_max_num_queries, 10)
    fill_queue(30)

    many = count_queries(client, django_assert_max_num_queries, 10)

    assert len(queue_ids(client.get(QUEUE))) == 33
    assert many == few


# The tree's internal fields ---------------------------------------------------------------


@pytest.mark.parametrize("model_admin", [CommentAdmin, QueuedCommentAdmin])
def test_tree_fields_are_in_no_admin_form_or_inline(rf, moderator, model_admin):
    comment = make_comment()
    request = rf.get("/")
    request.user = moderator
    instance = admin.site._registry[
        {CommentAdmin: Comment, QueuedCommentAdmin: QueuedComment}[model_admin]
    ]

    fields = set(instance.get_fields(request, comment))
    fields |= set(instance.get_readonly_fields(request, comment))
    for inline in instance.get_inline_instances(request, comment):
        fields |= set(inline.get_fields(request, comment))

    assert fields.isdisjoint(TREE_FIELDS)
    assert "body" in fields


@pytest.mark.parametrize("url", [COMMENTS, QUEUE])
def test_tree_fields_are_not_shown_on_a_comment_page(superuser_client, url):
    comment = make_comment(body="First words")
    comment_edit(comment=comment, user=comment.author, body="Second words")
    assert CommentRevision.objects.filter(comment=comment).exists()

    response = superuser_client.get(f"{url}{comment.pk}/change/", follow=True)

    assert response.status_code == 200
    text = response.content.decode()
    for label in ("Lft", "Rght", "Tree id", "field-lft", "field-tree_id", "field-level"):
        assert label not in text, label


@pytest.fixture
def superuser_client(db):
    return as_user(make_user(is_staff=True, is_superuser=True))
