"""The moderators' side in the admin: the queue and its bulk actions, sanctions, the
Moderators group's permissions, read-only comments and log, and policy versions."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format

from discussions import markup
from discussions.models import (
    Comment,
    Flag,
    ModerationAction,
    PolicyVersion,
    Sanction,
)
from discussions.services import comment_moderate, current_policy_version, flag_create
from tests.factories import (
    assert_trees_sound,
    make_article,
    make_comment,
    make_flags,
    make_user,
    parse_html,
    policy_rule,
)

pytestmark = pytest.mark.django_db

Action = ModerationAction.Action
Status = Comment.Status
QUEUE = "/admin/discussions/queuedcomment/"
COMMENTS = "/admin/discussions/comment/"


@pytest.fixture(autouse=True)
def _policy(comment_policy):
    """Every test here may cite the default rules."""


@pytest.fixture
def superuser(db):
    return make_user(is_staff=True, is_superuser=True)


def as_user(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def queue_ids(response) -> list[int]:
    """Return the comment ids of the changelist rows, in their order."""
    doc = parse_html(response.content)
    return [int(el.attrs["value"]) for el in doc.find_all("input", name="_selected_action")]


def queue_rows(response) -> dict[int, str]:
    """Return each changelist row's text by comment id."""
    doc = parse_html(response.content)
    rows = {}
    for box in doc.find_all("input", name="_selected_action"):
        row = next(node for node in box.ancestors() if node.tag == "tr")
        rows[int(box.attrs["value"])] = " ".join(row.text().split())
    return rows


def run_action(client, action: str, comments, url=QUEUE, **extra):
    data = {"action": action, "_selected_action": [str(c.pk) for c in comments], "index": "0"}
    data.update(extra)
    return client.post(url, data)


def remove_citing(client, comments, rule, note="", url=QUEUE):
    """Submit the "remove, citing a rule" intermediate page."""
    data = {
        "action": "remove",
        "_selected_action": [str(c.pk) for c in comments],
        "apply": "1",
        "rule": str(rule.pk) if rule else "",
        "note": note,
    }
    return client.post(url, data)


# The queue ------------------------------------------------------------------------------


def test_queue_lists_pending_and_flagged_comments_oldest_first(moderator):
    article = make_article()
    now = timezone.now()
    newest_pending = make_comment(article, status=Status.PENDING, created_at=now)
    flagged = make_comment(article, created_at=now - timedelta(hours=2))
    oldest_pending = make_comment(
        article, status=Status.PENDING, created_at=now - timedelta(hours=3)
    )
    make_comment(article, created_at=now - timedelta(hours=4))  # visible, unflagged
    removed = make_comment(article, created_at=now - timedelta(hours=5))
    Comment.objects.filter(pk=removed.pk).update(status=Status.REMOVED)
    markup.refresh([removed.pk])
    flag_create(comment=flagged, user=make_user(), rule=policy_rule(5))

    response = as_user(moderator).get(QUEUE)

    assert response.status_code == 200
    assert queue_ids(response) == [oldest_pending.pk, flagged.pk, newest_pending.pk]


def test_queue_shows_what_a_moderator_needs_to_decide(moderator):
    article = make_article(title="Subway quiet cars divide commuters")
    author = make_user(display_name="Harsh Critic")
    make_comment(article, author=author)  # one visible comment in the author's history
    parent = make_comment(article, body="Quiet cars are a blessing for night workers.")
    reply = make_comment(article, parent=parent, author=author, body="You are all fools.")
    flag_create(comment=reply, user=make_user(), rule=policy_rule(2), note="Name-calling")
    flag_create(comment=reply, user=make_user(), rule=policy_rule(1), note="")

    row = queue_rows(as_user(moderator).get(QUEUE))[reply.pk]

    assert "You are all fools." in row
    assert "Subway quiet cars divide commuters" in row
    assert "Quiet cars are a blessing for night workers." in row
    assert "Harsh Critic" in row
    assert "2 visible" in row
    assert "0 removed" in row
    assert "Rule 2 (Name-calling)" in row
    assert "Rule 1" in row


def test_queue_shows_why_screening_held_a_comment(moderator):
    held = make_comment(status=Status.PENDING, hold_reason="Too many links, checked first.")

    row = queue_rows(as_user(moderator).get(QUEUE))[held.pk]

    assert "Too many links, checked first." in row


def test_approved_comment_leaves_the_queue(moderator):
    comment = make_comment()
    make_flags(comment, count=3)
    client = as_user(moderator)

    response = run_action(client, "approve", [comment])

    assert response.status_code == 302
    assert queue_ids(client.get(QUEUE)) == []


# Bulk actions ---------------------------------------------------------------------------


def test_approve_action_makes_comments_visible_and_logs_each(moderator):
    held = [make_comment(status=Status.PENDING) for _ in range(2)]
    before = Comment.objects.count()

    response = run_action(as_user(moderator), "approve", held)

    assert response.status_code == 302
    assert set(
        Comment.objects.filter(pk__in=[c.pk for c in held]).values_list("status", flat=True)
    ) == {Status.VISIBLE}
    entries = ModerationAction.objects.filter(action=Action.APPROVE)
    assert {e.comment_id for e in entries} == {c.pk for c in held}
    assert {e.moderator for e in entries} == {moderator}
    assert Comment.objects.count() == before
    assert_trees_sound()


def test_remove_action_asks_for_the_rule_first(moderator):
    comment = make_comment(status=Status.PENDING, body="Nasty words")

    response = run_action(as_user(moderator), "remove", [comment])

    assert response.status_code == 200
    doc = parse_html(response.content)
    select = doc.find("select", name="rule")
    labels = [" ".join(opt.text().split()) for opt in select.find_all("option")]
    assert "Rule 2: No personal attacks" in labels
    assert doc.find(name="note") is not None
    assert "Nasty words" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == Status.PENDING
    assert not ModerationAction.objects.exists()


def test_remove_action_citing_a_rule_removes_and_logs_rule_and_version(moderator):
    root = make_comment()
    comment = make_comment(parent=root, status=Status.PENDING)
    reply = make_comment(parent=comment)
    before = Comment.objects.count()

    response = remove_citing(as_user(moderator), [comment], policy_rule(2), note="insults")

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Status.REMOVED
    assert comment.status_rule == policy_rule(2)
    entry = ModerationAction.objects.get()
    assert (entry.action, entry.moderator, entry.comment) == (Action.REMOVE, moderator, comment)
    assert entry.rule == policy_rule(2)
    assert entry.rule_number == 2
    assert entry.policy_version == current_policy_version()
    assert entry.note == "insults"
    assert Comment.objects.count() == before
    assert Comment.objects.get(pk=reply.pk).status == Status.VISIBLE
    assert_trees_sound()


def test_remove_action_without_a_rule_changes_nothing(moderator):
    comment = make_comment(status=Status.PENDING)

    response = remove_citing(as_user(moderator), [comment], None)

    assert response.status_code == 200
    assert parse_html(response.content).find(cls="errorlist") is not None
    comment.refresh_from_db()
    assert comment.status == Status.PENDING
    assert not ModerationAction.objects.exists()


def test_remove_action_with_an_unknown_rule_changes_nothing(moderator):
    comment = make_comment(status=Status.PENDING)

    response = as_user(moderator).post(
        QUEUE,
        {"action": "remove", "_selected_action": [str(comment.pk)], "apply": "1", "rule": "987654"},
    )

    assert response.status_code == 200
    comment.refresh_from_db()
    assert comment.status == Status.PENDING
    assert not ModerationAction.objects.exists()


def test_remove_action_works_from_the_comments_list_too(moderator):
    comment = make_comment()

    response = remove_citing(as_user(moderator), [comment], policy_rule(7), url=COMMENTS)

    assert response.status_code == 302
    comment.refresh_from_db()
    assert (comment.status, comment.status_rule) == (Status.REMOVED, policy_rule(7))


def test_spam_action_marks_spam_citing_rule_six(moderator):
    comment = make_comment(status=Status.PENDING)

    response = run_action(as_user(moderator), "mark_spam", [comment])

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Status.SPAM
    entry = ModerationAction.objects.get()
    assert (entry.action, entry.rule) == (Action.SPAM, policy_rule(6))
    assert entry.policy_version == current_policy_version()
    assert_trees_sound()


def test_feature_action_features_and_logs(moderator):
    comment = make_comment()
    make_flags(comment, count=1)

    response = run_action(as_user(moderator), "feature", [comment])

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.is_featured is True
    assert ModerationAction.objects.get().action == Action.FEATURE


def test_feature_action_on_a_pending_comment_warns_and_changes_nothing(moderator):
    comment = make_comment(status=Status.PENDING)

    response = as_user(moderator).post(
        QUEUE,
        {"action": "feature", "_selected_action": [str(comment.pk)], "index": "0"},
        follow=True,
    )

    assert response.status_code == 200
    comment.refresh_from_db()
    assert comment.is_featured is False
    assert not ModerationAction.objects.exists()


def test_no_action_deletes_comment_rows(moderator):
    article = make_article()
    comments = [make_comment(article, status=Status.PENDING) for _ in range(4)]
    client = as_user(moderator)
    before = Comment.objects.count()

    run_action(client, "approve", comments[:1])
    remove_citing(client, comments[1:2], policy_rule(2))
    run_action(client, "mark_spam", comments[2:3])
    run_action(client, "feature", comments[:1], url=COMMENTS)

    assert Comment.objects.count() == before
    assert ModerationAction.objects.count() == 4
    assert_trees_sound()


# Sanctions ------------------------------------------------------------------------------


def add_sanction(client, user, *, kind, until=None, reason="Repeated personal attacks"):
    data = {"user": user.username, "kind": kind, "rule": str(policy_rule(2).pk),
            "reason": reason, "until_0": "", "until_1": ""}  # fmt: skip
    if until is not None:
        local = timezone.localtime(until)
        data.update(until_0=local.strftime("%Y-%m-%d"), until_1=local.strftime("%H:%M:%S"))
    return client.post("/admin/discussions/sanction/add/", data)


def test_moderator_suspends_a_reader_who_can_then_read_but_not_post_vote_or_flag(moderator):
    reader = make_user()
    article = make_article()
    comment = make_comment(article)
    until = (timezone.now() + timedelta(days=3)).replace(microsecond=0)

    response = add_sanction(as_user(moderator), reader, kind="suspension", until=until)

    assert response.status_code == 302
    sanction = Sanction.objects.get()
    assert (sanction.user, sanction.kind, sanction.until) == (reader, "suspension", until)
    assert sanction.created_by == moderator
    assert ModerationAction.objects.get().action == Action.SUSPEND
    client = as_user(reader)
    assert client.get(article.get_absolute_url()).status_code == 200
    posted = client.post(f"/articles/{article.slug}/comments/", {"body": "Let me speak"})
    assert posted.status_code == 403
    until_text = date_format(timezone.localtime(until), "DATETIME_FORMAT")
    assert until_text in posted.content.decode()
    assert client.post(f"/comments/{comment.pk}/vote/", {"value": "1"}).status_code == 403
    assert client.post(f"/comments/{comment.pk}/flag/", {"rule": "2"}).status_code == 403
    assert Comment.objects.count() == 1
    assert not Flag.objects.exists()


def test_moderator_bans_a_reader_who_can_then_not_post(moderator):
    reader = make_user()
    article = make_article()

    response = add_sanction(as_user(moderator), reader, kind="ban")

    assert response.status_code == 302
    assert ModerationAction.objects.get().action == Action.BAN
    posted = as_user(reader).post(f"/articles/{article.slug}/comments/", {"body": "Hello"})
    assert posted.status_code == 403
    assert "banned" in posted.content.decode()


@pytest.mark.parametrize("until", [None, timedelta(hours=-1)])
def test_suspension_without_a_future_end_is_refused(moderator, until):
    reader = make_user()

    response = add_sanction(
        as_user(moderator),
        reader,
        kind="suspension",
        until=until and timezone.now() + until,
    )

    assert response.status_code == 200
    assert not Sanction.objects.exists()
    assert not ModerationAction.objects.exists()


def test_lifting_a_sanction_in_the_admin_lets_the_reader_post_again(moderator):
    reader = make_user()
    article = make_article()
    client = as_user(moderator)
    add_sanction(client, reader, kind="ban")

    response = client.post(
        "/admin/discussions/sanction/",
        {"action": "lift", "_selected_action": [str(Sanction.objects.get().pk)], "index": "0"},
    )

    assert response.status_code == 302
    assert Sanction.objects.get().lifted_at is not None
    posted = as_user(reader).post(f"/articles/{article.slug}/comments/", {"body": "Hello"})
    assert posted.status_code == 302


def test_a_sanctions_page_offers_lifting_only_while_it_is_in_force(moderator):
    reader = make_user()
    now = timezone.now()
    ban = Sanction.objects.create(user=reader, kind=Sanction.Kind.BAN)
    running = Sanction.objects.create(
        user=reader, kind=Sanction.Kind.SUSPENSION, until=now + timedelta(days=2)
    )
    over = Sanction.objects.create(
        user=reader, kind=Sanction.Kind.SUSPENSION, until=now - timedelta(minutes=1)
    )
    lifted = Sanction.objects.create(user=reader, kind=Sanction.Kind.BAN, lifted_at=now)
    client = as_user(moderator)

    def offers_lifting(sanction) -> bool:
        page = client.get(f"/admin/discussions/sanction/{sanction.pk}/change/")
        assert page.status_code == 200
        return parse_html(page.content).find(cls="sanction-lift-form") is not None

    assert offers_lifting(ban) and offers_lifting(running)
    assert not offers_lifting(over) and not offers_lifting(lifted)


# The Moderators group's permissions -----------------------------------------------------


def test_moderator_can_open_the_admin_and_the_queue(moderator):
    client = as_user(moderator)

    assert client.get("/admin/").status_code == 200
    assert client.get(QUEUE).status_code == 200
    assert client.get(COMMENTS).status_code == 200
    assert client.get("/admin/discussions/sanction/add/").status_code == 200


def test_moderator_cannot_add_or_change_articles(moderator):
    article = make_article(title="Original headline")
    client = as_user(moderator)

    assert client.get(f"/admin/articles/article/{article.pk}/change/").status_code == 403
    assert client.get("/admin/articles/article/add/").status_code == 403
    response = client.post(
        f"/admin/articles/article/{article.pk}/change/", {"title": "Defaced headline"}
    )
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.title == "Original headline"


def test_moderator_cannot_edit_users(moderator):
    reader = make_user(display_name="Untouched")
    client = as_user(moderator)

    assert client.get(f"/admin/accounts/user/{reader.pk}/change/").status_code == 403
    response = client.post(
        f"/admin/accounts/user/{reader.pk}/change/",
        {"username": reader.username, "display_name": "Renamed", "is_staff": "on"},
    )
    assert response.status_code == 403
    assert client.get("/admin/accounts/user/").status_code == 403
    assert client.get("/admin/auth/group/").status_code == 403
    reader.refresh_from_db()
    assert (reader.display_name, reader.is_staff) == ("Untouched", False)


def test_moderator_cannot_rewrite_the_policy(moderator):
    rule = policy_rule(2)
    client = as_user(moderator)

    response = client.post(
        f"/admin/discussions/policyrule/{rule.pk}/change/",
        {"number": "2", "title": "Anything goes", "body": "Rewritten"},
    )

    assert response.status_code == 403
    rule.refresh_from_db()
    assert rule.title == "No personal attacks"


def test_staff_outside_the_moderators_group_cannot_open_the_queue(db):
    staff = make_user(is_staff=True)

    assert as_user(staff).get(QUEUE).status_code == 403


@pytest.mark.parametrize("who", ["reader", "anonymous"])
def test_reader_cannot_reach_the_admin(who):
    client = as_user(make_user() if who == "reader" else None)

    for url in ("/admin/", QUEUE, "/admin/discussions/sanction/add/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_reader_cannot_run_a_queue_action(db):
    comment = make_comment(status=Status.PENDING)

    response = run_action(as_user(make_user()), "approve", [comment])

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    comment.refresh_from_db()
    assert comment.status == Status.PENDING


# Comments and the log cannot be edited or deleted in the admin ---------------------------


def test_comment_change_form_shows_no_editable_fields(moderator):
    comment = make_comment(body="Original words")

    response = as_user(moderator).get(f"{COMMENTS}{comment.pk}/change/")

    assert response.status_code == 200
    doc = parse_html(response.content)
    for name in ("body", "status", "is_featured", "author", "parent", "article"):
        assert doc.find(name=name) is None, name


@pytest.mark.parametrize("who", ["moderator", "superuser"])
def test_saving_the_comment_change_form_alters_nothing(who, moderator, superuser):
    comment = make_comment(body="Original words")
    client = as_user({"moderator": moderator, "superuser": superuser}[who])
    client.raise_request_exception = False

    response = client.post(
        f"{COMMENTS}{comment.pk}/change/",
        {
            "body": "Rewritten words",
            "status": "removed",
            "is_featured": "on",
            "upvotes": "999",
            "flags-TOTAL_FORMS": "0",
            "flags-INITIAL_FORMS": "0",
            "revisions-TOTAL_FORMS": "0",
            "revisions-INITIAL_FORMS": "0",
            "_save": "Save",
        },
    )

    assert response.status_code < 500
    stored = Comment.objects.get(pk=comment.pk)
    assert (stored.body, stored.status, stored.is_featured, stored.upvotes) == (
        "Original words",
        Status.VISIBLE,
        False,
        0,
    )
    assert (stored.lft, stored.rght, stored.tree_id) == (comment.lft, comment.rght, comment.tree_id)


def test_no_one_can_add_comments_in_the_admin(superuser):
    assert as_user(superuser).get(f"{COMMENTS}add/").status_code == 403


@pytest.mark.parametrize("url", [COMMENTS, QUEUE])
def test_no_one_can_delete_comments_in_the_admin(superuser, url):
    comment = make_comment(status=Status.PENDING)
    client = as_user(superuser)

    assert client.get(f"{url}{comment.pk}/delete/").status_code == 403
    assert client.post(f"{url}{comment.pk}/delete/", {"post": "yes"}).status_code == 403
    changelist = parse_html(client.get(url).content)
    actions = {opt.attrs.get("value") for opt in changelist.find("select", name="action").iter()}
    assert "delete_selected" not in actions
    client.post(
        url,
        {
            "action": "delete_selected",
            "_selected_action": [str(comment.pk)],
            "index": "0",
            "post": "yes",
        },
    )
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_no_one_can_change_or_delete_moderation_log_entries_in_the_admin(superuser, moderator):
    comment = make_comment()
    comment_moderate(comment=comment, moderator=moderator, action=Action.APPROVE)
    entry = ModerationAction.objects.get()
    client = as_user(superuser)
    url = f"/admin/discussions/moderationaction/{entry.pk}/"

    assert client.get("/admin/discussions/moderationaction/").status_code == 200
    assert client.get(f"{url}delete/").status_code == 403
    assert client.post(f"{url}delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"{url}change/", {"action": "remove", "note": "edited"}).status_code == 403
    assert client.get("/admin/discussions/moderationaction/add/").status_code == 403
    client.post(
        "/admin/discussions/moderationaction/",
        {
            "action": "delete_selected",
            "_selected_action": [str(entry.pk)],
            "index": "0",
            "post": "yes",
        },
    )
    stored = ModerationAction.objects.get()
    assert (stored.action, stored.note) == (Action.APPROVE, "")


def test_no_one_can_delete_flags_or_sanctions_in_the_admin(superuser, moderator):
    comment = make_comment()
    flag = make_flags(comment, count=1) and Flag.objects.get()
    reader = make_user()
    add_sanction(as_user(moderator), reader, kind="ban")
    sanction = Sanction.objects.get()
    client = as_user(superuser)

    assert (
        client.post(f"/admin/discussions/flag/{flag.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert (
        client.post(f"/admin/discussions/sanction/{sanction.pk}/delete/", {"post": "yes"})
    ).status_code == 403
    assert Flag.objects.count() == Sanction.objects.count() == 1


def test_admin_history_entries_cannot_be_edited_or_deleted(superuser):
    # Django's own LogEntry (the admin's history) is not exposed in the admin at all.
    rule = policy_rule(3)
    as_user(superuser).post(
        f"/admin/discussions/policyrule/{rule.pk}/change/",
        {"number": "3", "title": rule.title, "body": rule.body + " Even as a joke."},
    )
    entry = LogEntry.objects.get()

    assert as_user(superuser).get(f"/admin/admin/logentry/{entry.pk}/delete/").status_code == 404
    assert LogEntry.objects.count() == 1


# Policy versions ------------------------------------------------------------------------


def test_editing_a_rule_in_the_admin_publishes_a_new_version(superuser, client):
    rule = policy_rule(2)
    old_body = rule.body
    first = current_policy_version()

    response = as_user(superuser).post(
        f"/admin/discussions/policyrule/{rule.pk}/change/",
        {"number": "2", "title": "No personal attacks", "body": "Never insult anyone here."},
    )

    assert response.status_code == 302
    assert PolicyVersion.objects.count() == 2
    second = current_policy_version()
    assert second.number == first.number + 1
    assert {"number": 2, "title": "No personal attacks", "body": "Never insult anyone here."} in (
        second.rules
    )
    page = " ".join(client.get("/comment-policy/").content.decode().split())
    assert "Never insult anyone here." in page
    assert "Last changed" in page
    assert f"(version {second.number})" in page
    assert "Earlier versions" in page
    old = client.get(f"/comment-policy/?version={first.number}")
    old_rule = " ".join(parse_html(old.content).find(id="rule-2").text().split())
    assert " ".join(old_body.split()) in old_rule
    assert "Never insult anyone here." not in old.content.decode()


def test_saving_a_rule_unchanged_publishes_no_version(superuser):
    rule = policy_rule(4)

    as_user(superuser).post(
        f"/admin/discussions/policyrule/{rule.pk}/change/",
        {"number": "4", "title": rule.title, "body": rule.body},
    )

    assert PolicyVersion.objects.count() == 1


def test_removal_after_a_rule_change_cites_the_new_version(superuser, moderator):
    before = make_comment(status=Status.PENDING)
    after = make_comment(status=Status.PENDING)
    client = as_user(moderator)
    remove_citing(client, [before], policy_rule(2))
    rule = policy_rule(2)
    as_user(superuser).post(
        f"/admin/discussions/policyrule/{rule.pk}/change/",
        {"number": "2", "title": "No personal attacks", "body": "Never insult anyone here."},
    )

    remove_citing(client, [after], policy_rule(2))

    early, late = ModerationAction.objects.order_by("id")
    assert early.policy_version.number == 1
    assert late.policy_version.number == 2
    log = Client().get("/moderation-log/").content.decode()
    assert "?version=1#rule-2" in log
    assert "?version=2#rule-2" in log


# Per-article settings -------------------------------------------------------------------


def test_editor_can_open_the_article_form(superuser):
    article = make_article()

    response = as_user(superuser).get(f"/admin/articles/article/{article.pk}/change/")

    assert response.status_code == 200


# The URLField deprecation warning is reported by the test above; here, the fields.
@pytest.mark.filterwarnings("ignore::django.utils.deprecation.RemovedInDjango60Warning")
def test_article_admin_offers_the_per_article_comment_settings(superuser):
    article = make_article()

    response = as_user(superuser).get(f"/admin/articles/article/{article.pk}/change/")

    doc = parse_html(response.content)
    for name in ("comments_open", "premoderation", "close_comments_after_days"):
        assert doc.find(name=name) is not None, f"no {name} field in the article form"
