"""/accounts/export/: the signed-in reader's own data as a JSON download."""

import json
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from discussions.models import Comment, Sanction, Vote
from discussions.services import comment_moderate, flag_create, user_sanction, vote_cast
from notifications.models import Follow, Kind, MailSettings, Notification
from tests.accounts.helpers import make_reader
from tests.factories import make_article, make_comment, make_user, policy_rule

pytestmark = pytest.mark.django_db


def export(client):
    response = client.get("/accounts/export/")
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.fixture
def reader(db):
    return make_reader("mina.private@example.org", username="mina", display_name="Mina K.")


@pytest.fixture
def rich(reader, moderator, comment_policy):
    """The reader's comments, votes, flags, notifications, follows, settings, a sanction;
    and other readers' data around them that must not leak."""
    article = make_article(title="Quiet cars", slug="quiet-cars")
    stranger = make_user(username="stranger", email="stranger.private@example.org")
    theirs = make_comment(article, author=stranger, ip_address="203.0.113.9")
    mine = make_comment(article, author=reader, parent=theirs, ip_address="198.51.100.7")
    removed = make_comment(article, author=reader)
    comment_moderate(
        comment=removed, moderator=moderator, action="remove", rule=policy_rule(2), note="x"
    )
    reply = make_comment(article, author=stranger, parent=mine)
    vote_cast(comment=theirs, user=reader, value=1)
    vote_cast(comment=mine, user=stranger, value=-1)
    flag_create(comment=theirs, user=reader, rule=policy_rule(2), note="rude")
    Notification.objects.get_or_create(
        recipient=reader, kind=Kind.REPLY, comment=reply, defaults={"actor": stranger}
    )
    Follow.objects.create(user=reader, article=article)
    Follow.objects.create(user=reader, comment=theirs, muted=True)
    MailSettings.objects.create(user=reader, follow="daily")
    user_sanction(
        user=reader,
        kind=Sanction.Kind.SUSPENSION,
        rule=policy_rule(2),
        reason="Repeated insults",
        moderator=moderator,
        until=timezone.now() + timedelta(days=1),
    )
    return {"article": article, "theirs": theirs, "mine": mine, "removed": removed, "reply": reply}


def test_export_requires_login(client):
    response = client.get("/accounts/export/")

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == "/accounts/login/"


def test_export_is_a_private_json_attachment(client, reader):
    client.force_login(reader)

    response = client.get("/accounts/export/")

    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".json" in response["Content-Disposition"]
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


def test_export_answers_get_only(client, reader):
    client.force_login(reader)

    assert client.post("/accounts/export/").status_code == 405


def test_export_holds_the_profile(client, reader):
    client.force_login(reader)

    profile = export(client)["profile"]

    assert profile["username"] == "mina"
    assert profile["display_name"] == "Mina K."
    assert profile["email"] == "mina.private@example.org"
    assert profile["email_verified"] is True
    assert profile["joined"].startswith(str(reader.date_joined.year))


def test_export_holds_everything_of_the_reader(client, reader, rich):
    client.force_login(reader)

    data = export(client)

    comments = {c["id"]: c for c in data["comments"]}
    assert set(comments) == {rich["mine"].pk, rich["removed"].pk}
    mine = comments[rich["mine"].pk]
    assert mine["article"] == {"slug": "quiet-cars", "title": "Quiet cars"}
    assert mine["status"] == "visible"
    assert mine["body"] == rich["mine"].body
    assert mine["parent"] == rich["theirs"].pk
    assert mine["created"] and mine["edited"] is None
    assert mine["downvotes"] == 1
    assert comments[rich["removed"].pk]["status"] == "removed"
    assert data["votes"] == [
        {"comment": rich["theirs"].pk, "value": 1, "created": data["votes"][0]["created"]}
    ]
    [flag] = data["flags"]
    assert (flag["comment"], flag["rule"], flag["note"]) == (rich["theirs"].pk, 2, "rude")
    kinds = {(n["kind"], n["comment"], n["read"]) for n in data["notifications"]}
    assert ("reply", rich["reply"].pk, False) in kinds
    assert ("moderation", rich["removed"].pk, False) in kinds  # the removal they were told of
    assert {(f["article"], f["comment"], f["muted"]) for f in data["follows"]} == {
        ("quiet-cars", None, False),
        (None, rich["theirs"].pk, True),
    }
    assert data["mail_settings"]["follow"] == "daily"
    assert set(data["mail_settings"]) == set(Kind.values)
    assert [s["rule"] for s in data["sanctions"]] == [2]
    assert "Repeated insults" not in json.dumps(data)  # the moderators' private note


def test_export_holds_nothing_private_of_anyone_else(client, reader, rich, moderator):
    client.force_login(reader)

    text = client.get("/accounts/export/").content.decode()

    assert "stranger.private" not in text
    assert "203.0.113.9" not in text  # another reader's IP
    assert rich["theirs"].body not in text  # others' comments are not the reader's data
    assert moderator.username not in text
    assert moderator.display_name not in text


def test_export_costs_a_fixed_number_of_queries(
    client, reader, rich, django_assert_max_num_queries
):
    article = rich["article"]
    for _ in range(20):
        comment = make_comment(article, author=reader)
        vote_cast(comment=rich["theirs"], user=make_user(), value=1)
        Notification.objects.create(recipient=reader, kind=Kind.MODERATION, comment=comment)
    for other in Comment.objects.exclude(author=reader).exclude(votes__user=reader)[:10]:
        Vote.objects.create(comment=other, user=reader, value=-1)
    client.force_login(reader)

    with django_assert_max_num_queries(10):
        data = export(client)

    assert len(data["comments"]) == 22
