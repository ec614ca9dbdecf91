"""The public moderation log names roles, not moderators, and cites rule and policy version for
every row; the admin's log names the moderator; a removed or deleted comment's permalink names
no author anywhere."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from discussions.models import Comment, ModerationAction, Sanction
from discussions.services import (
    comment_delete,
    comment_moderate,
    comment_submit,
    current_policy_version,
    log_action,
    sanction_lift,
    user_sanction,
)
from tests.factories import (
    make_article,
    make_comment,
    make_flags,
    make_moderator,
    make_user,
    parse_html,
    policy_rule,
)

pytestmark = pytest.mark.django_db

Action = ModerationAction.Action
LOG = "/moderation-log/"


@pytest.fixture(autouse=True)
def _policy(comment_policy):
    """Every test here may cite the default rules."""


@pytest.fixture
def mod():
    return make_moderator(username="mod_jae", display_name="Jae the Moderator")


def log_rows(response) -> list[str]:
    doc = parse_html(response.content)
    table = doc.find("table", cls="mod-log")
    return [" ".join(row.text().split()) for row in table.find("tbody").find_all("tr")]


def assert_no_moderator(content: str, moderator) -> None:
    assert moderator.username not in content
    assert moderator.display_name not in content


def test_a_removal_names_a_moderator_and_the_rule_never_the_person_or_the_note(mod):
    comment = make_comment(body="Removed words")
    comment_moderate(comment=comment, moderator=mod, action=Action.REMOVE,
                     rule=policy_rule(2), note="Private: third time this week")  # fmt: skip

    response = Client().get(LOG)

    (row,) = log_rows(response)
    assert " a moderator " in f" {row} "
    assert f"Rule 2: {policy_rule(2).title}" in row
    assert f"policy v{current_policy_version().number}" in row
    content = response.content.decode()
    assert_no_moderator(content, mod)
    assert "third time this week" not in content
    assert "Removed words" not in content


def test_sanctions_and_lifts_cite_the_rule_and_version_never_the_private_note(mod):
    reader = make_user(username="troll_42", display_name="Troll Person")
    sanction = user_sanction(
        user=reader,
        kind=Sanction.Kind.SUSPENSION,
        until=timezone.now() + timedelta(days=2),
        rule=policy_rule(4),
        reason="Private: linked to the spam ring",
        moderator=mod,
    )
    sanction_lift(sanction=sanction, moderator=mod, note="Private: appeal accepted")
    version = current_policy_version().number

    response = Client().get(LOG)

    lift, suspension = log_rows(response)
    for row in (lift, suspension):
        assert "a moderator" in row
        assert f"Rule 4: {policy_rule(4).title}" in row
        assert f"policy v{version}" in row
    assert "suspended a user" in suspension
    assert "lifted a sanction" in lift
    doc = parse_html(response.content)
    assert len(doc.find_all("a", href=f"/comment-policy/?version={version}#rule-4")) == 2
    content = response.content.decode()
    assert_no_moderator(content, mod)
    assert "spam ring" not in content and "appeal accepted" not in content
    assert "troll_42" not in content and "Troll Person" not in content


def test_automatic_rows_say_automatic_with_the_number_of_flags(settings):
    settings.CROSSTALK = {**settings.CROSSTALK, "FLAGS_TO_HOLD": 3}
    comment = make_comment()
    make_flags(comment, count=3, rule_number=5)

    (row,) = log_rows(Client().get(LOG))

    assert "automatic: 3 reader flags" in row
    assert "held for review" in row
    assert "Rule 5" in row


def test_a_screening_hold_says_automatic_with_its_reason(settings):
    settings.CROSSTALK = {**settings.CROSSTALK, "MAX_LINKS": 1}
    article = make_article()
    links = "See https://a.example/1 and https://b.example/2 and https://c.example/3"

    held = comment_submit(article=article, author=make_user(), body=links)

    assert held.status == Comment.Status.PENDING
    entry = ModerationAction.objects.get()
    assert (entry.source, entry.code) == (ModerationAction.Source.SCREENING, "links")
    (row,) = log_rows(Client().get(LOG))
    assert "automatic: link limit" in row


def test_a_moderator_whose_account_is_gone_is_still_a_moderator(mod):
    log_action(action=Action.APPROVE, moderator=mod, comment=make_comment())
    ModerationAction.objects.update(moderator=None)

    (row,) = log_rows(Client().get(LOG))

    assert "a moderator" in row
    assert "automatic" not in row


def test_the_admin_log_shows_moderators_who_did_what(mod):
    comment = make_comment()
    comment_moderate(comment=comment, moderator=mod, action=Action.REMOVE, rule=policy_rule(2))
    viewer = make_moderator()
    client = Client()
    client.force_login(viewer)

    response = client.get("/admin/discussions/moderationaction/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "mod_jae" in content or "Jae the Moderator" in content
    assert "a moderator" in content


def test_the_admin_log_is_for_moderators_only(mod):
    log_action(action=Action.APPROVE, moderator=mod, comment=make_comment())
    client = Client()
    client.force_login(make_user(is_staff=True))

    response = client.get("/admin/discussions/moderationaction/")

    assert response.status_code == 403


# Permalinks of comments no longer shown ---------------------------------------------------


@pytest.mark.parametrize("how", ["removed", "deleted"])
def test_the_permalink_of_a_removed_or_deleted_comment_names_no_author(mod, how):
    author = make_user(username="gone_author", display_name="Vanishing Writer")
    article = make_article()
    comment = make_comment(article, author=author, body="Words that went away")
    make_comment(parent=comment, body="A reply that stays")
    if how == "removed":
        comment_moderate(comment=comment, moderator=mod, action=Action.REMOVE,
                         rule=policy_rule(2))  # fmt: skip
    else:
        comment_delete(comment=comment, user=author)

    for client in (Client(), _signed_in(make_user())):
        response = client.get(f"/comments/{comment.pk}/")

        assert response.status_code == 200
        content = response.content.decode()
        assert "gone_author" not in content
        assert "Vanishing Writer" not in content
        assert "Words that went away" not in content
        assert "A reply that stays" in content
        doc = parse_html(response.content)
        assert "Comment by" not in doc.find("title").text()
        assert "Comment by" not in doc.find("h1").text()


def test_the_permalink_of_a_visible_comment_still_names_its_author():
    author = make_user(username="here_author", display_name="Present Writer")
    comment = make_comment(author=author)

    response = Client().get(f"/comments/{comment.pk}/")

    doc = parse_html(response.content)
    assert "Present Writer" in doc.find("title").text()
    assert "Present Writer" in doc.find("h1").text()


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_migration_names_the_role_of_old_automatic_rows():
    from django.apps import apps

    from discussions.migrations import __name__ as package

    fill_sources = __import__(
        f"{package}.0009_sanction_rule_log_source", fromlist=["fill_sources"]
    ).fill_sources
    comment = make_comment()
    flags = ModerationAction.objects.create(action=Action.HOLD, comment=comment,
                                            note="3 reader flags")  # fmt: skip
    screened = ModerationAction.objects.create(action=Action.HOLD, comment=comment,
                                               note="held by screening (links)")  # fmt: skip
    human = ModerationAction.objects.create(action=Action.REMOVE, comment=comment, note="x")

    fill_sources(apps, None)

    rows = {e.pk: e for e in ModerationAction.objects.all()}
    assert (rows[flags.pk].source, rows[flags.pk].flag_count) == ("flags", 3)
    assert (rows[screened.pk].source, rows[screened.pk].code) == ("screening", "links")
    assert rows[human.pk].source == "moderator"
