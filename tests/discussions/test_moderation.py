"""Moderation per the Comment Policy: who sees which status, placeholders, flags, moderators'
decisions and their public log, policy versions, editors' picks, sanctions, and a decision
racing replies into the same tree."""

import threading
from datetime import timedelta
from functools import partial

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from discussions.models import (
    Comment,
    Flag,
    ModerationAction,
    PolicyRule,
    PolicyVersion,
    Sanction,
)
from discussions.services import (
    ModerationError,
    comment_moderate,
    comment_post,
    current_policy_version,
    flag_create,
    policy_publish,
    sanction_lift,
    user_sanction,
)
from tests.factories import (
    assert_trees_sound,
    enclosing_comment_id,
    ensure_comment_policy,
    make_article,
    make_comment,
    make_flags,
    make_moderator,
    make_user,
    parse_html,
    policy_rule,
    set_comment_status,
    thread_comments,
)

pytestmark = pytest.mark.django_db

Action = ModerationAction.Action
Status = Comment.Status


@pytest.fixture(autouse=True)
def _policy(comment_policy):
    """Every test here may cite the default rules."""


def as_user(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def thread_of(client, article) -> dict:
    """Return the article page's comment elements by id."""
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return thread_comments(parse_html(response.content))


def text_of(element) -> str:
    return " ".join(element.text().split())


def flag_url(comment) -> str:
    return f"/comments/{comment.pk}/flag/"


def message_text(response) -> str:
    doc = parse_html(response.content)
    return " ".join(el.text() for el in doc.find_all(cls="message"))


def own_props(element, prop: str) -> list:
    """Return the itemprop=prop elements of this comment itself, not of its replies."""
    own_id = int(element.attrs["id"].removeprefix("comment-"))
    return [el for el in element.find_all(itemprop=prop) if enclosing_comment_id(el) == own_id]


def comment_count_in_markup(response) -> int:
    doc = parse_html(response.content)
    story = doc.find(itemtype="https://schema.org/NewsArticle")
    return int(story.find(itemprop="commentCount").text().strip())


# Who sees a pending comment ------------------------------------------------------------


def test_pending_comment_is_shown_to_its_author_marked_awaiting_moderation(article, user):
    pending = make_comment(
        article, author=user, body="Held text", status=Status.PENDING, hold_reason="Checked first."
    )

    element = thread_of(as_user(user), article)[pending.pk]

    assert "Awaiting moderation" in text_of(element.find(cls="pending-note"))
    assert "Held text" in text_of(element.find(itemprop="text"))


@pytest.mark.parametrize("viewer", ["anonymous", "other reader", "staff outside the group"])
def test_pending_comment_is_hidden_from_everyone_but_author_and_moderators(article, viewer):
    pending = make_comment(article, body="Held text", status=Status.PENDING)
    visible = make_comment(article, body="Shown text")
    user = {
        "anonymous": None,
        "other reader": make_user(),
        "staff outside the group": make_user(is_staff=True),
    }[viewer]

    client = as_user(user)
    elements = thread_of(client, article)

    assert set(elements) == {visible.pk}
    assert "Held text" not in client.get(article.get_absolute_url()).content.decode()
    assert client.get(f"/comments/{pending.pk}/").status_code == 404


def test_pending_comment_is_shown_to_moderators(article, moderator):
    pending = make_comment(article, body="Held text", status=Status.PENDING)

    element = thread_of(as_user(moderator), article)[pending.pk]

    assert "Awaiting moderation" in text_of(element.find(cls="pending-note"))
    assert as_user(moderator).get(f"/comments/{pending.pk}/").status_code == 200


def test_pending_reply_is_shown_to_its_author_inside_its_parent(article, user):
    parent = make_comment(article)
    pending = make_comment(article, parent=parent, author=user, status=Status.PENDING)

    elements = thread_of(as_user(user), article)

    assert pending.pk in {
        int(el.attrs["id"].removeprefix("comment-"))
        for el in elements[parent.pk].find_all("article", cls="comment")
    }


# Placeholders ---------------------------------------------------------------------------


def test_removed_comment_with_replies_is_a_placeholder_naming_the_rule(article, moderator):
    removed = make_comment(article, body="Offending text")
    reply = make_comment(article, parent=removed, body="A visible answer")
    comment_moderate(
        comment=removed, moderator=moderator, action=Action.REMOVE, rule=policy_rule(2)
    )

    response = Client().get(article.get_absolute_url())
    elements = thread_comments(parse_html(response.content))

    placeholder = elements[removed.pk]
    assert "comment-placeholder" in placeholder.classes
    assert "Removed by a moderator — Rule 2: No personal attacks" in text_of(placeholder)
    link = placeholder.find("a", href="/comment-policy/#rule-2")
    assert link is not None
    assert "Rule 2" in link.text()
    assert own_props(placeholder, "author") == []
    assert own_props(placeholder, "text") == []
    assert "Offending text" not in response.content.decode()
    assert reply.pk in {
        int(el.attrs["id"].removeprefix("comment-"))
        for el in placeholder.find_all("article", cls="comment")
    }
    assert "A visible answer" in text_of(elements[reply.pk])


def test_deleted_comment_with_replies_is_an_author_placeholder(article, user):
    deleted = make_comment(article, author=user, body="Withdrawn text")
    reply = make_comment(article, parent=deleted)
    set_comment_status(deleted, Status.DELETED)

    elements = thread_of(Client(), article)

    assert "Deleted by its author" in text_of(elements[deleted.pk])
    assert own_props(elements[deleted.pk], "author") == []
    assert own_props(elements[deleted.pk], "text") == []
    assert "Withdrawn text" not in text_of(elements[deleted.pk])
    assert reply.pk in elements


@pytest.mark.parametrize("status", [Status.REMOVED, Status.DELETED, Status.SPAM])
def test_hidden_comment_whose_replies_are_not_visible_disappears(article, status):
    hidden = make_comment(article, body="Hidden text")
    make_comment(article, parent=hidden, status=Status.PENDING, body="Pending answer")
    kept = make_comment(article)
    set_comment_status(hidden, status)

    elements = thread_of(Client(), article)

    assert set(elements) == {kept.pk}


def test_comment_counts_follow_moderation(article, moderator):
    first = make_comment(article)
    second = make_comment(article, parent=first)
    third = make_comment(article)
    make_comment(article, status=Status.PENDING)

    comment_moderate(comment=first, moderator=moderator, action=Action.REMOVE, rule=policy_rule(1))
    make_flags(third, count=3)

    article.refresh_from_db()
    assert article.comment_count == 1
    response = Client().get(article.get_absolute_url())
    assert comment_count_in_markup(response) == 1
    shown = [
        el
        for el in thread_comments(parse_html(response.content)).values()
        if "comment-placeholder" not in el.classes
    ]
    assert [int(el.attrs["id"].removeprefix("comment-")) for el in shown] == [second.pk]


# Moderators' decisions (the service) ----------------------------------------------------


@pytest.mark.parametrize(
    ("action", "status", "rule_number"),
    [
        (Action.APPROVE, Status.VISIBLE, None),
        (Action.REMOVE, Status.REMOVED, 2),
        (Action.SPAM, Status.SPAM, 6),
    ],
)
def test_decision_sets_the_status_and_logs_it(article, moderator, action, status, rule_number):
    comment = make_comment(article, status=Status.PENDING, hold_reason="Checked first.")
    rule = policy_rule(rule_number) if rule_number else None
    before = Comment.objects.count()

    comment_moderate(comment=comment, moderator=moderator, action=action, rule=rule, note="n")

    comment.refresh_from_db()
    assert comment.status == status
    assert Comment.objects.count() == before
    entry = ModerationAction.objects.get()
    assert (entry.action, entry.moderator, entry.comment, entry.article) == (
        action,
        moderator,
        comment,
        article,
    )
    assert entry.rule == rule
    if rule:
        assert (entry.rule_number, entry.rule_title) == (rule.number, rule.title)
        assert entry.policy_version == current_policy_version()
        assert comment.status_rule == rule
    assert_trees_sound()


@pytest.mark.parametrize("staff", [False, True], ids=["reader", "staff outside the group"])
def test_moderation_services_refuse_whoever_does_not_moderate(article, moderator, staff):
    not_moderator = make_user(is_staff=staff)
    comment = make_comment(article)
    target = make_user()
    sanction = user_sanction(user=target, moderator=moderator, kind="ban", rule=policy_rule(1))
    actions = [
        partial(comment_moderate, comment=comment, action=Action.REMOVE, rule=policy_rule(2)),
        partial(comment_moderate, comment=comment, action=Action.FEATURE),
        partial(user_sanction, user=make_user(), kind="ban", rule=policy_rule(1)),
        partial(sanction_lift, sanction=sanction),
    ]

    for act in actions:
        for who in (not_moderator, None):
            with pytest.raises(ModerationError) as refused:
                act(moderator=who)
            assert (refused.value.code, refused.value.status) == ("not_moderator", 403)

    comment.refresh_from_db()
    sanction.refresh_from_db()
    assert comment.status == Status.VISIBLE and not comment.is_featured
    assert sanction.lifted_at is None
    assert Sanction.objects.count() == 1
    assert ModerationAction.objects.count() == 1  # the ban given above, by the moderator


def test_approving_clears_the_hold_reason(article, moderator):
    comment = make_comment(article, status=Status.PENDING, hold_reason="Checked first.")

    comment_moderate(comment=comment, moderator=moderator, action=Action.APPROVE)

    comment.refresh_from_db()
    assert (comment.status, comment.hold_reason) == (Status.VISIBLE, "")
    article.refresh_from_db()
    assert article.comment_count == 1


def test_removing_needs_a_rule_and_changes_nothing_without_one(article, moderator):
    comment = make_comment(article)

    with pytest.raises(ModerationError):
        comment_moderate(comment=comment, moderator=moderator, action=Action.REMOVE)

    comment.refresh_from_db()
    assert comment.status == Status.VISIBLE
    assert not ModerationAction.objects.exists()


def test_unknown_decision_is_refused(article, moderator):
    comment = make_comment(article)

    with pytest.raises(ModerationError):
        comment_moderate(comment=comment, moderator=moderator, action="delete")

    assert Comment.objects.filter(pk=comment.pk, status=Status.VISIBLE).exists()
    assert not ModerationAction.objects.exists()


def test_decisions_resolve_the_open_flags(article, moderator):
    comment = make_comment(article)
    make_flags(comment, count=2)

    comment_moderate(comment=comment, moderator=moderator, action=Action.APPROVE)

    assert not Flag.objects.filter(resolved=False).exists()
    assert Flag.objects.count() == 2


def test_decisions_never_delete_rows_and_keep_trees_valid(article, moderator):
    root = make_comment(article)
    middle = make_comment(article, parent=root)
    leaf = make_comment(article, parent=middle)
    other = make_comment(article, parent=root)
    before = Comment.objects.count()

    comment_moderate(comment=middle, moderator=moderator, action=Action.REMOVE, rule=policy_rule(2))
    comment_moderate(comment=leaf, moderator=moderator, action=Action.SPAM, rule=policy_rule(6))
    comment_moderate(comment=other, moderator=moderator, action=Action.FEATURE)
    comment_moderate(comment=root, moderator=moderator, action=Action.REMOVE, rule=policy_rule(1))

    assert Comment.objects.count() == before
    assert ModerationAction.objects.count() == 4
    assert_trees_sound()


# Flags ----------------------------------------------------------------------------------


def test_flag_form_lists_the_numbered_rules(article, user):
    comment = make_comment(article)

    response = as_user(user).get(flag_url(comment))

    assert response.status_code == 200
    doc = parse_html(response.content)
    options = {el.attrs["value"] for el in doc.find("select", name="rule").find_all("option")}
    assert options == {str(n) for n in PolicyRule.objects.values_list("number", flat=True)}


def test_flag_citing_a_rule_is_recorded_and_the_reader_thanked(article, user):
    comment = make_comment(article)

    response = as_user(user).post(
        flag_url(comment), {"rule": "2", "note": "Calls me names"}, follow=True
    )

    assert response.status_code == 200
    flag = Flag.objects.get()
    assert (flag.comment, flag.user, flag.rule, flag.note) == (
        comment,
        user,
        policy_rule(2),
        "Calls me names",
    )
    assert "Thank you" in message_text(response)
    comment.refresh_from_db()
    assert comment.status == Status.VISIBLE


def test_flag_without_a_note_is_accepted(article, user):
    comment = make_comment(article)

    response = as_user(user).post(flag_url(comment), {"rule": "5"})

    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    assert Flag.objects.get().note == ""


def test_second_flag_by_the_same_reader_is_409_and_writes_nothing(article, user):
    comment = make_comment(article)
    client = as_user(user)
    client.post(flag_url(comment), {"rule": "2"})

    response = client.post(flag_url(comment), {"rule": "3", "note": "again"})

    assert response.status_code == 409
    assert Flag.objects.count() == 1
    assert Flag.objects.get().rule == policy_rule(2)


def test_flagging_ones_own_comment_is_403(article, user):
    comment = make_comment(article, author=user)

    response = as_user(user).post(flag_url(comment), {"rule": "2"})

    assert response.status_code == 403
    assert not Flag.objects.exists()


@pytest.mark.parametrize("rule", ["99", "0", "-1", "abc", "", "2.5", "10"])
def test_flag_citing_an_unknown_rule_is_400_and_writes_nothing(article, user, rule):
    comment = make_comment(article)

    response = as_user(user).post(flag_url(comment), {"rule": rule})

    assert response.status_code == 400
    assert not Flag.objects.exists()


def test_flag_without_a_rule_is_400(article, user):
    comment = make_comment(article)

    response = as_user(user).post(flag_url(comment), {"note": "bad"})

    assert response.status_code == 400
    assert not Flag.objects.exists()


@pytest.mark.parametrize("note", ["x" * 501, "bad\x00note"])
def test_flag_with_an_unacceptable_note_is_400(article, user, note):
    comment = make_comment(article)

    response = as_user(user).post(flag_url(comment), {"rule": "2", "note": note})

    assert response.status_code == 400
    assert not Flag.objects.exists()


@pytest.mark.parametrize("status", [Status.PENDING, Status.REMOVED, Status.SPAM, Status.DELETED])
def test_flagging_a_comment_that_is_not_visible_is_404(article, user, status):
    comment = make_comment(article)
    set_comment_status(comment, status)

    response = as_user(user).post(flag_url(comment), {"rule": "2"})

    assert response.status_code == 404
    assert not Flag.objects.exists()


def test_flagging_an_unknown_comment_is_404(user, db):
    assert as_user(user).post("/comments/987654321/flag/", {"rule": "2"}).status_code == 404


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_flag_redirects_to_login(article, method):
    comment = make_comment(article)

    response = getattr(Client(), method)(flag_url(comment), {"rule": "2"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert not Flag.objects.exists()


def test_suspended_reader_cannot_flag(article, user):
    comment = make_comment(article)
    Sanction.objects.create(
        user=user,
        kind=Sanction.Kind.SUSPENSION,
        reason="Spam",
        until=timezone.now() + timedelta(days=1),
    )

    response = as_user(user).post(flag_url(comment), {"rule": "2"})

    assert response.status_code == 403
    assert not Flag.objects.exists()


def test_two_flags_do_not_hold_a_comment(article):
    comment = make_comment(article)

    make_flags(comment, count=2)

    comment.refresh_from_db()
    assert comment.status == Status.VISIBLE
    assert not ModerationAction.objects.exists()


def test_third_flag_from_distinct_readers_holds_the_comment(article):
    comment = make_comment(article)
    flaggers = [make_user() for _ in range(3)]

    for n, flagger in enumerate(flaggers):
        response = as_user(flagger).post(flag_url(comment), {"rule": "2" if n else "1"})
        assert response.status_code == 302

    comment.refresh_from_db()
    assert comment.status == Status.PENDING
    assert "3" in comment.hold_reason
    hold = ModerationAction.objects.get()
    assert hold.action == Action.HOLD
    assert hold.moderator is None
    assert hold.comment == comment
    assert hold.rule == policy_rule(2)  # the rule most flaggers cited
    article.refresh_from_db()
    assert article.comment_count == 0
    assert comment.pk not in thread_of(Client(), article)


def test_reader_whose_flag_holds_the_comment_is_thanked_on_a_page_that_exists(article):
    comment = make_comment(article)
    make_flags(comment, count=2)
    client = as_user(make_user())
    form = parse_html(client.get(flag_url(comment)).content).find("form", action=flag_url(comment))
    next_url = form.find("input", name="next").attrs["value"]

    response = client.post(flag_url(comment), {"rule": "2", "next": next_url}, follow=True)

    comment.refresh_from_db()
    assert comment.status == Status.PENDING
    assert response.status_code == 200
    assert "Thank you" in message_text(response)


def test_flags_needed_to_hold_come_from_the_settings(article, settings):
    settings.CROSSTALK = {**settings.CROSSTALK, "FLAGS_TO_HOLD": 2}
    comment = make_comment(article)

    make_flags(comment, count=2)

    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_approved_comment_needs_three_new_flags_to_be_held_again(article, moderator):
    comment = make_comment(article)
    make_flags(comment, count=3)
    comment_moderate(comment=comment, moderator=moderator, action=Action.APPROVE)

    make_flags(comment, count=2)

    comment.refresh_from_db()
    assert comment.status == Status.VISIBLE


def test_author_is_not_told_who_flagged(article, user):
    comment = make_comment(article, author=user, body="My opinion")
    reply = make_comment(article, parent=comment)
    names = ["Flagger Alpha", "Flagger Beta", "Flagger Gamma"]
    for name in names:
        flagger = make_user(display_name=name, username=name.lower().replace(" ", "_"))
        flag_create(comment=comment, user=flagger, rule=policy_rule(2), note=f"{name} was hurt")

    client = as_user(user)
    pages = [client.get(article.get_absolute_url()), client.get(f"/comments/{reply.pk}/")]

    element = thread_comments(parse_html(pages[0].content))[comment.pk]
    assert "Awaiting moderation" in text_of(element)  # the author still sees it, held
    for page in pages:
        content = page.content.decode()
        for name in names:
            assert name not in content
            assert name.lower().replace(" ", "_") not in content


# The public moderation log --------------------------------------------------------------


def test_moderation_log_lists_actions_newest_first_with_their_details(article, moderator):
    held = make_comment(article, body="Flagged words here")
    removed = make_comment(article, body="The removed words")
    make_flags(held, count=3, rule_number=4)
    comment_moderate(
        comment=removed,
        moderator=moderator,
        action=Action.REMOVE,
        rule=policy_rule(2),
        note="secret note",
    )
    version = current_policy_version().number

    response = Client().get("/moderation-log/")

    assert response.status_code == 200
    doc = parse_html(response.content)
    rows = doc.find("table", cls="mod-log").find("tbody").find_all("tr")
    assert len(rows) == 2
    newest, oldest = (" ".join(row.text().split()) for row in rows)
    assert "a moderator" in newest
    assert "Min the Moderator" not in newest
    assert "removed" in newest
    assert "Rule 2: No personal attacks" in newest
    assert "automatic: 3 reader flags" in oldest
    assert "held for review" in oldest
    assert "Rule 4" in oldest
    rule_link = rows[0].find("a", href=f"/comment-policy/?version={version}#rule-2")
    assert rule_link is not None
    assert rows[0].find("a", href=f"{article.get_absolute_url()}#comment-{removed.pk}")
    content = response.content.decode()
    assert "The removed words" not in content
    assert "secret note" not in content
    assert "Flagged words here" not in content


def test_moderation_log_shows_sanctions_without_naming_the_reader(moderator):
    reader = make_user(display_name="Sanctioned Sam")
    user_sanction(
        user=reader, kind=Sanction.Kind.BAN, rule=policy_rule(2), reason="Spam", moderator=moderator
    )

    response = Client().get("/moderation-log/")

    assert "banned a user" in response.content.decode()
    assert "Sanctioned Sam" not in response.content.decode()


def test_moderation_log_is_empty_at_first(db):
    response = Client().get("/moderation-log/")

    assert response.status_code == 200
    assert "No moderation actions yet" in response.content.decode()


def test_logged_action_cannot_be_changed(article, moderator):
    comment = make_comment(article)
    comment_moderate(comment=comment, moderator=moderator, action=Action.APPROVE)
    entry = ModerationAction.objects.get()

    entry.action = Action.REMOVE
    with pytest.raises(ValueError):
        entry.save()

    assert ModerationAction.objects.get().action == Action.APPROVE


# Policy versions ------------------------------------------------------------------------


def test_policy_page_shows_when_it_last_changed(client):
    current = current_policy_version()

    response = client.get("/comment-policy/")

    content = " ".join(response.content.decode().split())
    assert "Last changed" in content
    assert f"(version {current.number})" in content


def test_changing_a_rule_publishes_a_version_and_keeps_the_old_wording(client):
    rule = policy_rule(2)
    old_body = rule.body
    first = current_policy_version()
    rule.body = "No insults, ever."
    rule.save()

    second = policy_publish()

    assert second.number == first.number + 1
    current = client.get("/comment-policy/")
    assert "No insults, ever." in current.content.decode()
    assert "Earlier versions" in current.content.decode()
    assert f"?version={first.number}" in current.content.decode()
    old = client.get(f"/comment-policy/?version={first.number}")
    assert old.status_code == 200
    item = parse_html(old.content).find(id="rule-2")
    assert " ".join(old_body.split()) in " ".join(item.text().split())
    assert "No insults, ever." not in old.content.decode()


def test_publishing_unchanged_rules_makes_no_new_version(db):
    before = PolicyVersion.objects.count()

    policy_publish()

    assert PolicyVersion.objects.count() == before


@pytest.mark.parametrize("version", ["999", "abc", "0"])
def test_unknown_policy_version_is_404(client, version):
    assert client.get(f"/comment-policy/?version={version}").status_code == 404


def test_action_records_the_version_whose_rule_it_applied(article, moderator):
    first, second = make_comment(article), make_comment(article)
    comment_moderate(comment=first, moderator=moderator, action=Action.REMOVE, rule=policy_rule(2))
    old_version = current_policy_version()
    rule = policy_rule(2)
    rule.title = "No personal attacks or insults"
    rule.save()
    new_version = policy_publish()

    comment_moderate(comment=second, moderator=moderator, action=Action.REMOVE, rule=rule)

    early, late = ModerationAction.objects.order_by("id")
    assert early.policy_version == old_version
    assert early.rule_title == "No personal attacks"
    assert late.policy_version == new_version
    assert late.rule_title == "No personal attacks or insults"


# Editors' picks -------------------------------------------------------------------------


def picks(article) -> list:
    doc = parse_html(Client().get(article.get_absolute_url()).content)
    strip = doc.find("aside", cls="editors-picks")
    return [] if strip is None else strip.find_all("li", cls="pick")


def test_featured_comment_appears_in_the_picks_above_the_discussion(article, moderator):
    comment = make_comment(article, body="A thoughtful comment")

    comment_moderate(comment=comment, moderator=moderator, action=Action.FEATURE)

    doc = parse_html(Client().get(article.get_absolute_url()).content)
    strip = doc.find("aside", cls="editors-picks")
    assert "Editors’ picks" in strip.text()
    assert "A thoughtful comment" in strip.text()
    assert strip.find("a", href=f"/comments/{comment.pk}/") is not None
    order = [el for el in doc.iter() if el is strip or "thread" in el.classes]
    assert order[0] is strip  # the strip comes before the thread
    assert strip.find("article", cls="comment") is None  # the thread alone uses those
    assert ModerationAction.objects.get().action == Action.FEATURE


def test_unfeatured_comment_leaves_the_picks(article, moderator):
    comment = make_comment(article)
    comment_moderate(comment=comment, moderator=moderator, action=Action.FEATURE)

    comment_moderate(comment=comment, moderator=moderator, action=Action.UNFEATURE)

    assert picks(article) == []


def test_removing_a_featured_comment_unfeatures_it(article, moderator):
    comment = make_comment(article)
    comment_moderate(comment=comment, moderator=moderator, action=Action.FEATURE)

    comment_moderate(
        comment=comment, moderator=moderator, action=Action.REMOVE, rule=policy_rule(2)
    )

    comment.refresh_from_db()
    assert comment.is_featured is False
    assert picks(article) == []


def test_only_a_visible_comment_can_be_featured(article, moderator):
    comment = make_comment(article, status=Status.PENDING)

    with pytest.raises(ModerationError):
        comment_moderate(comment=comment, moderator=moderator, action=Action.FEATURE)

    comment.refresh_from_db()
    assert comment.is_featured is False


# Sanctions ------------------------------------------------------------------------------


def test_suspended_reader_can_read_but_not_vote(article, user, moderator):
    comment = make_comment(article)
    user_sanction(
        user=user,
        kind=Sanction.Kind.SUSPENSION,
        rule=policy_rule(2),
        reason="Spam",
        moderator=moderator,
        until=timezone.now() + timedelta(days=1),
    )
    client = as_user(user)

    assert client.get(article.get_absolute_url()).status_code == 200
    assert client.get(f"/comments/{comment.pk}/").status_code == 200
    response = client.post(f"/comments/{comment.pk}/vote/", {"value": "1"})

    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.upvotes == 0


def test_sanction_is_logged_with_its_moderator(user, moderator):
    user_sanction(
        user=user,
        kind=Sanction.Kind.SUSPENSION,
        rule=policy_rule(2),
        reason="Spam",
        moderator=moderator,
        until=timezone.now() + timedelta(days=1),
    )

    entry = ModerationAction.objects.get()
    assert (entry.action, entry.moderator, entry.target_user) == (Action.SUSPEND, moderator, user)


@pytest.mark.parametrize("until", [None, timedelta(days=-1)])
def test_suspension_needs_an_end_in_the_future(user, moderator, until):
    with pytest.raises(ModerationError):
        user_sanction(
            user=user,
            kind=Sanction.Kind.SUSPENSION,
            rule=policy_rule(2),
            reason="Spam",
            moderator=moderator,
            until=until and timezone.now() + until,
        )

    assert not Sanction.objects.exists()


def test_lifted_sanction_lets_the_reader_post_again(article, user, moderator):
    sanction = user_sanction(
        user=user, kind=Sanction.Kind.BAN, rule=policy_rule(2), reason="Spam", moderator=moderator
    )

    sanction_lift(sanction=sanction, moderator=moderator)

    response = as_user(user).post(f"/articles/{article.slug}/comments/", {"body": "Back again"})
    assert response.status_code == 302
    assert ModerationAction.objects.filter(action=Action.LIFT).count() == 1


# Concurrency ----------------------------------------------------------------------------


def race(tasks) -> tuple[list, list]:
    """Run the callables at once, each in its own thread and connection; return results and
    errors."""
    barrier = threading.Barrier(len(tasks))
    results: list = [None] * len(tasks)
    errors: list = []

    def run(index, task):
        try:
            barrier.wait(timeout=60)
            results[index] = task()
        except Exception as exc:  # reported by the caller, in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, task)) for i, task in enumerate(tasks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_removal_racing_twenty_replies_into_its_tree_keeps_the_tree_valid():
    ensure_comment_policy()
    article = make_article()
    moderator = make_moderator()
    root = make_comment(article)
    target = make_comment(article, parent=root)
    under_target = make_comment(article, parent=target)
    sibling = make_comment(article, parent=root)
    parents = [root, under_target, sibling, root]
    authors = [make_user() for _ in range(20)]
    replies = [
        partial(
            comment_post,
            article=article,
            author=authors[n],
            body=f"Racing reply {n}",
            parent_id=parents[n % len(parents)].pk,
        )
        for n in range(20)
    ]
    remove = partial(
        comment_moderate,
        comment=target,
        moderator=moderator,
        action=Action.REMOVE,
        rule=policy_rule(2),
    )

    results, errors = race(replies[:10] + [remove] + replies[10:])

    assert errors == []
    assert_trees_sound()
    bodies = list(
        Comment.objects.filter(body__startswith="Racing reply").values_list("body", flat=True)
    )
    assert sorted(bodies) == sorted(f"Racing reply {n}" for n in range(20))
    for n in range(20):
        reply = Comment.objects.get(body=f"Racing reply {n}")
        assert reply.parent_id == parents[n % len(parents)].pk
    target.refresh_from_db()
    assert target.status == Status.REMOVED
    assert Comment.objects.count() == 24
    elements = thread_of(Client(), article)
    assert "comment-placeholder" in elements[target.pk].classes
    assert under_target.pk in elements


@pytest.mark.django_db(transaction=True)
def test_three_readers_flagging_at_once_hold_the_comment():
    ensure_comment_policy()
    article = make_article()
    comments = [make_comment(article) for _ in range(5)]
    tasks = [
        partial(flag_create, comment=comment, user=make_user(), rule=policy_rule(2))
        for comment in comments
        for _ in range(3)
    ]

    _results, errors = race(tasks)

    assert errors == []
    statuses = dict(
        Comment.objects.filter(pk__in=[c.pk for c in comments]).values_list("pk", "status")
    )
    assert statuses == {c.pk: Status.PENDING for c in comments}
    assert ModerationAction.objects.filter(action=Action.HOLD).count() == 5
