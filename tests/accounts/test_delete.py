"""/accounts/delete/: a reader deletes their own account (accounts.services.user_delete)."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import ReservedName, User
from accounts.services import user_delete
from articles.models import Article
from discussions.models import Comment, CommentRevision, Flag, ModerationAction, Vote
from discussions.services import (
    comment_edit,
    comment_moderate,
    flag_create,
    log_action,
    vote_cast,
    votes_recount,
)
from notifications.events import recount_unread
from notifications.models import Follow, Kind, MailSettings, Notification
from outbox.models import OutgoingMail
from outbox.services import mail_queue
from tests.accounts.helpers import form_errors, make_reader, page_text
from tests.factories import (
    PASSWORD,
    assert_trees_sound,
    enclosing_comment_id,
    make_article,
    make_comment,
    make_user,
    parse_html,
    policy_rule,
    thread_comments,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(db):
    return make_reader(
        "mina.private@example.org", username="mina", display_name="Mina Kim", password=PASSWORD
    )


@pytest.fixture
def scene(reader, comment_policy, moderator):
    """The reader's comments in a discussion, with replies, votes both ways, a flag, a
    moderator's removal, notifications and follows."""
    article = make_article()
    other, third = make_user(), make_user()
    root = make_comment(article, author=reader, ip_address="198.51.100.7")
    reply = make_comment(article, author=other, parent=root)
    pending = make_comment(article, author=reader, status=Comment.Status.PENDING)
    removed = make_comment(article, author=reader, body="Something rude")
    comment_moderate(comment=removed, moderator=moderator, action="remove", rule=policy_rule(2))
    liked = make_comment(article, author=other)
    disliked = make_comment(article, author=third)
    vote_cast(comment=liked, user=reader, value=1)
    vote_cast(comment=liked, user=third, value=1)
    vote_cast(comment=disliked, user=reader, value=-1)
    vote_cast(comment=disliked, user=other, value=-1)
    vote_cast(comment=root, user=other, value=1)  # a vote on the reader's own comment
    flag_create(comment=disliked, user=reader, rule=policy_rule(2), note="insults")
    comment_edit(comment=root, user=reader, body="An edited text")
    Notification.objects.get_or_create(recipient=reader, kind=Kind.REPLY, comment=reply)
    Notification.objects.create(recipient=other, kind=Kind.FOLLOW, comment=pending, actor=reader)
    Notification.objects.create(recipient=other, kind=Kind.FOLLOW, comment=disliked, actor=third)
    recount_unread([other.pk])
    Follow.objects.create(user=reader, article=article)
    MailSettings.objects.create(user=reader, reply="daily")
    return {
        "article": article,
        "root": root,
        "reply": reply,
        "pending": pending,
        "removed": removed,
        "liked": liked,
        "disliked": disliked,
        "moderator": moderator,
        "other": other,
    }


def refreshed(comment) -> Comment:
    return Comment.objects.get(pk=comment.pk)


# The page ---------------------------------------------------------------------------------


def test_delete_requires_login(client):
    response = client.get("/accounts/delete/")

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == "/accounts/login/"


def test_delete_page_asks_for_the_password(client, reader):
    client.force_login(reader)

    response = client.get("/accounts/delete/")

    assert response.status_code == 200
    doc = parse_html(response.content)
    assert doc.find("input", name="password", type="password") is not None
    assert doc.find("form", method="post") is not None


@pytest.mark.parametrize(("hold", "phrase"), [(30, "for 30 days."), (1, "for 1 day.")])
def test_delete_page_states_how_long_the_names_stay_held(client, reader, monkeypatch, hold, phrase):
    monkeypatch.setattr(ReservedName, "HOLD", timedelta(days=hold))
    client.force_login(reader)

    text = " ".join(page_text(client.get("/accounts/delete/")).split())

    assert f"nobody can take your username or display name {phrase}" in text


def test_a_get_deletes_nothing(client, reader):
    client.force_login(reader)
    client.get("/accounts/delete/", {"password": PASSWORD})

    reader.refresh_from_db()
    assert reader.is_active and not reader.is_deleted


@pytest.mark.parametrize("data", [{"password": "wrong"}, {"password": ""}, {}])
def test_a_wrong_or_missing_password_is_a_form_error_and_deletes_nothing(
    client, reader, scene, data
):
    client.force_login(reader)
    comments_before = list(Comment.objects.values_list("pk", "status", "body", "author_id"))

    response = client.post("/accounts/delete/", data)

    assert response.status_code == 400
    assert form_errors(response).strip()
    reader.refresh_from_db()
    assert reader.is_active and reader.username == "mina" and not reader.is_deleted
    assert list(Comment.objects.values_list("pk", "status", "body", "author_id")) == (
        comments_before
    )
    assert Vote.objects.filter(user=reader).count() == 2
    assert client.get("/accounts/settings/").status_code == 200


def test_wrong_passwords_are_limited(client, reader):
    client.force_login(reader)
    for _ in range(5):
        client.post("/accounts/delete/", {"password": "wrong"})

    response = client.post("/accounts/delete/", {"password": PASSWORD})

    assert response.status_code == 400
    assert "Too many attempts" in form_errors(response)
    reader.refresh_from_db()
    assert not reader.is_deleted


def test_delete_without_a_csrf_token_is_refused(reader):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)

    assert client.post("/accounts/delete/", {"password": PASSWORD}).status_code == 403
    reader.refresh_from_db()
    assert not reader.is_deleted


def test_deleting_signs_out_and_goes_home_with_a_message(client, reader):
    client.force_login(reader)
    elsewhere = Client()
    elsewhere.force_login(reader)

    response = client.post("/accounts/delete/", {"password": PASSWORD}, follow=True)

    assert response.redirect_chain[0] == ("/", 302)
    assert "account is deleted" in response.content.decode()
    assert "_auth_user_id" not in client.session
    for session in (client, elsewhere):
        assert session.get("/accounts/settings/").status_code == 302
    login = Client()
    login.post("/accounts/login/", {"username": "mina", "password": PASSWORD})
    assert "_auth_user_id" not in login.session


# What deletion does -----------------------------------------------------------------------


def test_the_account_row_keeps_nothing_of_the_person(reader):
    user_delete(user=reader)

    row = User.objects.get(pk=reader.pk)
    assert row.is_deleted and not row.is_active
    assert row.username != "mina" and "mina" not in row.username
    assert (row.display_name, row.email, row.first_name, row.last_name) == ("", "", "", "")
    assert not row.has_usable_password()
    assert not row.can_receive_mail
    assert row.public_name == "a deleted account"


def test_comments_become_placeholders_and_their_replies_stay(reader, scene):
    visible_before = Article.objects.get(pk=scene["article"].pk).comment_count

    user_delete(user=reader)

    for key in ("root", "pending"):
        comment = refreshed(scene[key])
        assert comment.status == Comment.Status.DELETED
    removed = refreshed(scene["removed"])
    assert removed.status == Comment.Status.REMOVED  # a moderator's decision stays as it was
    for key in ("root", "pending", "removed"):
        comment = refreshed(scene[key])
        assert (comment.body, comment.body_html, comment.ip_address) == ("", "", None)
        assert comment.author_id is None
    reply = refreshed(scene["reply"])
    assert reply.status == Comment.Status.VISIBLE
    assert reply.parent_id == scene["root"].pk
    assert not CommentRevision.objects.filter(comment=scene["root"]).exists()
    assert Article.objects.get(pk=scene["article"].pk).comment_count == visible_before - 1
    assert_trees_sound()


def test_the_discussion_shows_the_placeholder_with_the_reply_inside(client, reader, scene):
    user_delete(user=reader)

    response = client.get(scene["article"].get_absolute_url())

    assert response.status_code == 200
    comments = thread_comments(parse_html(response.content))
    own = [
        el
        for el in comments[scene["root"].pk].find_all()
        if enclosing_comment_id(el) == scene["root"].pk and el.attrs.get("itemprop")
    ]
    assert not [el for el in own if el.attrs["itemprop"] in ("author", "text")]
    assert enclosing_comment_id(comments[scene["reply"].pk]) == scene["root"].pk
    content = response.content.decode()
    assert "Mina Kim" not in content and "An edited text" not in content


def test_votes_are_withdrawn_with_exact_counters(reader, scene):
    user_delete(user=reader)

    liked, disliked, root = (refreshed(scene[k]) for k in ("liked", "disliked", "root"))
    assert (liked.upvotes, liked.downvotes) == (1, 0)
    assert (disliked.upvotes, disliked.downvotes) == (0, 1)
    assert (root.upvotes, root.downvotes) == (1, 0)  # others' votes on their comments stay
    assert not Vote.objects.filter(user=reader).exists()
    assert votes_recount(repair=False) == []


def test_flags_stay_without_naming_the_reader(reader, scene):
    user_delete(user=reader)

    flag = Flag.objects.get(comment=scene["disliked"])
    assert flag.rule.number == 2
    assert flag.user is None


def test_notifications_follows_and_mail_settings_are_gone(reader, scene):
    user_delete(user=reader)

    assert not Notification.objects.filter(recipient=reader).exists()
    assert not Notification.objects.filter(comment=scene["pending"]).exists()
    assert not Notification.objects.filter(actor=reader).exists()
    assert not Follow.objects.filter(user=reader).exists()
    assert not MailSettings.objects.filter(user=reader).exists()
    other = User.objects.get(pk=scene["other"].pk)
    unread = Notification.objects.filter(recipient=other, read_at__isnull=True).count()
    assert other.unread_notifications == unread
    assert Notification.objects.filter(recipient=other, comment=scene["disliked"]).exists()


def test_mail_to_them_is_cancelled_and_forgotten(reader):
    mail_queue(to=reader.email, subject="Replies", text="…", kind="notifications", user=reader)
    mail_queue(to="MINA.private@example.org", subject="Old", text="…")
    mail_queue(to="someone.else@example.org", subject="Hi", text="…")

    user_delete(user=reader)

    assert list(OutgoingMail.objects.values_list("to", flat=True)) == ["someone.else@example.org"]


def test_the_moderation_log_keeps_its_rows(client, reader, scene):
    before = list(ModerationAction.objects.values_list("pk", "action", "comment_id"))

    user_delete(user=reader)

    assert list(ModerationAction.objects.values_list("pk", "action", "comment_id")) == before
    response = client.get("/moderation-log/")
    assert response.status_code == 200
    assert "Mina Kim" not in response.content.decode()


def test_a_deleted_moderator_is_shown_as_a_deleted_account_in_the_log(client, scene):
    moderator = scene["moderator"]
    log_action(action=ModerationAction.Action.APPROVE, moderator=moderator, comment=scene["reply"])
    count = ModerationAction.objects.count()

    user_delete(user=moderator)

    assert ModerationAction.objects.count() == count
    assert ModerationAction.objects.filter(moderator_id=moderator.pk).count() >= 2
    text = page_text(client.get("/moderation-log/"))
    # The public log names a role, never the moderator (deleted or not).
    assert "a moderator" in text
    assert moderator.display_name not in text and moderator.username not in text
    row = User.objects.get(pk=moderator.pk)
    assert not (row.is_staff or row.is_superuser or row.groups.exists())


def test_deleting_twice_changes_nothing_more(reader, scene):
    user_delete(user=reader)
    state = list(Comment.objects.order_by("pk").values_list("pk", "upvotes", "downvotes"))

    user_delete(user=User.objects.get(pk=reader.pk))

    assert list(Comment.objects.order_by("pk").values_list("pk", "upvotes", "downvotes")) == state


# The names of a deleted account -----------------------------------------------------------


def sign_up(username: str, display_name: str = ""):
    data = {"username": username, "display_name": display_name,
            "password1": PASSWORD, "password2": PASSWORD}  # fmt: skip
    return Client().post("/accounts/signup/", data)


def test_the_username_and_display_name_are_held_for_30_days(reader):
    user_delete(user=reader)

    for username, display_name in [
        ("mina", ""),
        ("MINA", ""),
        ("m1na", ""),
        ("newcomer", "Mina Kim"),
    ]:
        response = sign_up(username, display_name)
        assert response.status_code == 400, (username, display_name)
        assert "not available" in form_errors(response)
    assert not User.objects.filter(username__iexact="mina").exists()


def test_the_names_are_free_again_after_30_days(reader):
    user_delete(user=reader)
    held = ReservedName.objects.all()
    assert {r.expires_at.date() for r in held} == {(timezone.now() + ReservedName.HOLD).date()}
    held.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = sign_up("mina", "Mina Kim")

    assert response.status_code == 302
    assert User.objects.get(username="mina").display_name == "Mina Kim"


def test_the_reserved_names_hold_no_name_in_clear(reader):
    user_delete(user=reader)

    assert not ReservedName.objects.filter(skeleton__icontains="mina kim").exists()
    assert ReservedName.objects.count() == 2
