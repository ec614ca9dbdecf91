"""Accounts and abuse: brute force, look-alike names, bots, floods, guessed ids, extra fields,
forged requests."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from accounts.models import User
from discussions import markup
from discussions.models import Comment, CommentRevision, Flag, Vote
from discussions.services import comment_post
from tests.factories import (
    PASSWORD,
    make_article,
    make_comment,
    make_user,
    parse_html,
    set_comment_status,
)

pytestmark = pytest.mark.django_db

WRONG = "not the password at all"
Status = Comment.Status


def _login(client, username, password, ip="10.0.0.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def _main_text(response) -> str:
    """Return the words of the page's main content, without tokens or the account name."""
    main = parse_html(response.content).find("main")
    return re.sub(r"\s+", " ", main.text()).strip()


def _signed_in_as(client, response) -> int | None:
    return client.session.get("_auth_user_id") and int(client.session["_auth_user_id"])


# Login brute force -------------------------------------------------------------------------


def test_sixth_attempt_is_refused_even_with_the_right_password(client, user):
    for attempt in range(4):
        response = _login(client, user.username, WRONG)
        assert response.status_code == 200, attempt
    _login(client, user.username, WRONG)

    response = _login(client, user.username, PASSWORD)

    assert response.status_code == 429
    assert _signed_in_as(client, response) is None
    assert "too many" in _main_text(response).lower()


def test_the_account_name_is_locked_from_every_address(client, user):
    for n in range(5):
        _login(client, user.username, WRONG, ip=f"10.0.1.{n}")
    response = _login(Client(), user.username, PASSWORD, ip="10.0.9.9")
    assert response.status_code == 429


def test_the_address_is_locked_for_every_account_name(client, user):
    for n in range(5):
        _login(client, f"someone-else-{n}", WRONG, ip="10.0.2.1")
    fresh = Client()
    response = _login(fresh, user.username, PASSWORD, ip="10.0.2.1")
    assert response.status_code == 429
    assert _signed_in_as(fresh, response) is None


def test_the_lock_lasts_fifteen_minutes(client, user):
    for _ in range(5):
        _login(client, user.username, WRONG)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14))
    assert _login(client, user.username, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = _login(client, user.username, PASSWORD)
    assert response.status_code == 302
    assert _signed_in_as(client, response) == user.pk


@pytest.mark.parametrize(("cool_off", "wait"), [(15, "Wait 15 minutes"), (1, "Wait 1 minute")])
def test_the_lockout_page_states_the_lock_as_configured(client, user, settings, cool_off, wait):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=cool_off)
    for _ in range(5):
        _login(client, user.username, WRONG)
    response = _login(client, user.username, PASSWORD)
    assert response.status_code == 429
    assert f"{wait} and try again." in " ".join(_main_text(response).split())


def test_a_wrong_password_and_an_unknown_account_look_the_same(user):
    known = _login(Client(), user.username, WRONG, ip="10.0.3.1")
    unknown = _login(Client(), "no-such-reader", WRONG, ip="10.0.3.2")
    assert known.status_code == unknown.status_code == 200
    assert _main_text(known).replace(user.username, "NAME") == _main_text(unknown).replace(
        "no-such-reader", "NAME"
    )


def test_the_lockout_of_an_unknown_account_looks_the_same_as_of_a_real_one(user):
    pages = []
    for name, ip in [(user.username, "10.0.4.1"), ("no-such-reader", "10.0.4.2")]:
        client = Client()
        for _ in range(5):
            _login(client, name, WRONG, ip=ip)
        pages.append(_login(client, name, PASSWORD, ip=ip))
    real, unknown = pages
    assert real.status_code == unknown.status_code == 429
    assert _main_text(real) == _main_text(unknown)


# Sign-up: look-alike names, invisible characters, bots ------------------------------------


def _sign_up(client, username, **extra):
    data = {"username": username, "password1": "a quiet carriage 42",
            "password2": "a quiet carriage 42", **extra}  # fmt: skip
    return client.post("/accounts/signup/", data)


def _username_errors(response) -> str:
    doc = parse_html(response.content)
    field = next(
        el for el in doc.find_all(cls="field") if el.find("input", id="id_username") is not None
    )
    errors = field.find(cls="field-errors")
    return errors.text().strip() if errors is not None else ""


@pytest.mark.parametrize(
    ("existing", "attempt"),
    [
        ("maria", "m\u0430ria"),  # Cyrillic а
        ("dobro", "d\u043ebr\u043e"),  # Cyrillic о
        ("emma", "ernma"),  # rn for m
        ("dobro", "d0bro"),  # zero for o
        ("maria", "\uff4d\uff41\uff52\uff49\uff41"),  # fullwidth letters
        ("maria", "MARIA"),
        ("will", "wi11"),
        ("m\u0430ria", "maria"),  # an existing look-alike protects the Latin name too
    ],
)
def test_sign_up_refuses_a_name_that_looks_like_an_existing_one(client, existing, attempt):
    make_user(username=existing)
    response = _sign_up(client, attempt)
    assert response.status_code == 400
    assert User.objects.filter(username=existing).count() == 1
    assert not User.objects.filter(username=attempt).exists()
    errors = _username_errors(response)
    assert "looks too much like an existing one" in errors or "already exists" in errors, errors


@pytest.mark.parametrize(
    "attempt",
    ["ma\u200bria", "ma\u200dria", "ma\u202eria", "\u2066maria\u2069", "ma\u00adria",
     "maria\ufeff", "ma\u200fria"],
)  # fmt: skip
def test_sign_up_refuses_invisible_and_direction_characters(client, attempt):
    response = _sign_up(client, attempt)
    assert response.status_code == 400
    assert not User.objects.exists()
    errors = _username_errors(response)
    assert "invisible" in errors or "valid username" in errors, errors


def test_sign_up_honeypot_drops_bots_silently(client):
    response = _sign_up(client, "botty", website="https://spam.example/")
    assert response.status_code == 302
    assert not User.objects.filter(username="botty").exists()
    assert "_auth_user_id" not in client.session


def test_comment_honeypot_drops_bots_silently(signed_in, article):
    response = signed_in.post(
        f"/articles/{article.slug}/comments/",
        {"body": "Buy cheap watches", "website": "https://spam.example/"},
    )
    assert response.status_code == 302
    assert not Comment.objects.exists()


# Flooding ---------------------------------------------------------------------------------


def test_posting_too_fast_answers_429_with_retry_after(signed_in, article):
    url = f"/articles/{article.slug}/comments/"
    for n in range(5):
        assert signed_in.post(url, {"body": f"Thought number {n}"}).status_code == 302
    response = signed_in.post(url, {"body": "One thought too many"})
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "posting too fast" in response.content.decode()
    assert not Comment.objects.filter(body="One thought too many").exists()
    assert Comment.objects.count() == 5


def test_the_hourly_limit_answers_429_with_a_longer_retry_after(signed_in, user, article):
    now = timezone.now()
    for n in range(50):
        comment_post(article=article, author=user, body=f"Earlier {n}",
                     created_at=now - timedelta(minutes=58) + timedelta(seconds=n))  # fmt: skip
    response = signed_in.post(f"/articles/{article.slug}/comments/", {"body": "Fifty-first"})
    assert response.status_code == 429
    assert 60 < int(response["Retry-After"]) <= 3600
    assert not Comment.objects.filter(body="Fifty-first").exists()


# Guessed ids ------------------------------------------------------------------------------


@pytest.fixture
def theirs(other_user, article):
    return make_comment(article, author=other_user, body="Their words.")


@pytest.fixture
def mine(user, article):
    return make_comment(article, author=user, body="My words.")


def _state(comment) -> tuple:
    row = Comment.objects.get(pk=comment.pk)
    return (row.body, row.status, row.upvotes, row.downvotes, row.edited_at,
            CommentRevision.objects.filter(comment=comment).count(),
            Flag.objects.filter(comment=comment).count())  # fmt: skip


@pytest.mark.parametrize("action", ["edit", "delete"])
def test_editing_or_deleting_someone_elses_comment_is_forbidden(signed_in, theirs, action):
    before = _state(theirs)
    assert signed_in.get(f"/comments/{theirs.pk}/{action}/").status_code == 403
    response = signed_in.post(f"/comments/{theirs.pk}/{action}/", {"body": "Hijacked."})
    assert response.status_code == 403
    assert _state(theirs) == before


def test_editing_ones_own_comment_within_the_window_is_allowed(signed_in, mine):
    response = signed_in.post(f"/comments/{mine.pk}/edit/", {"body": "My better words."})
    assert response.status_code == 302
    assert Comment.objects.get(pk=mine.pk).body == "My better words."


def test_editing_after_the_fifteen_minute_window_is_forbidden(signed_in, mine):
    Comment.objects.filter(pk=mine.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    markup.refresh([mine.pk])
    before = _state(mine)
    assert signed_in.get(f"/comments/{mine.pk}/edit/").status_code == 403
    assert signed_in.post(f"/comments/{mine.pk}/edit/", {"body": "Too late."}).status_code == 403
    assert _state(mine) == before


@pytest.mark.parametrize("status", [Status.REMOVED, Status.SPAM, Status.DELETED])
def test_editing_a_comment_that_left_the_discussion_is_forbidden(signed_in, mine, status):
    set_comment_status(mine, status)
    before = _state(mine)
    assert signed_in.post(f"/comments/{mine.pk}/edit/", {"body": "Back."}).status_code == 403
    assert signed_in.post(f"/comments/{mine.pk}/delete/").status_code == 403
    assert _state(mine) == before


@pytest.mark.parametrize("status", [Status.PENDING, Status.REMOVED, Status.SPAM, Status.DELETED])
@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_voting_on_or_flagging_a_comment_not_shown_answers_404(signed_in, theirs, status, accept):
    set_comment_status(theirs, status)
    before = _state(theirs)
    vote = signed_in.post(f"/comments/{theirs.pk}/vote/", {"value": "1"}, HTTP_ACCEPT=accept)
    flag = signed_in.post(f"/comments/{theirs.pk}/flag/", {"rule": "1"}, HTTP_ACCEPT=accept)
    assert vote.status_code == 404
    assert flag.status_code == 404
    assert signed_in.get(f"/comments/{theirs.pk}/flag/").status_code == 404
    assert _state(theirs) == before
    assert not Vote.objects.exists()


def test_voting_on_or_flagging_a_comment_of_an_unpublished_article_answers_404(
    signed_in, other_user
):
    draft = make_article(status="draft")
    hidden = make_comment(draft, author=other_user)
    assert signed_in.post(f"/comments/{hidden.pk}/vote/", {"value": "1"}).status_code == 404
    assert signed_in.post(f"/comments/{hidden.pk}/flag/", {"rule": "1"}).status_code == 404
    assert signed_in.get(f"/comments/{hidden.pk}/").status_code == 404
    assert not Vote.objects.exists() and not Flag.objects.exists()


def test_voting_on_or_flagging_ones_own_comment_is_forbidden(signed_in, mine):
    assert signed_in.post(f"/comments/{mine.pk}/vote/", {"value": "1"}).status_code == 403
    assert signed_in.post(f"/comments/{mine.pk}/flag/", {"rule": "1"}).status_code == 403
    assert _state(mine)[2:4] == (0, 0)
    assert not Flag.objects.exists()


def test_voting_on_a_visible_comment_of_someone_else_is_allowed(signed_in, theirs):
    assert signed_in.post(f"/comments/{theirs.pk}/vote/", {"value": "1"}).status_code == 302
    assert _state(theirs)[2] == 1


def test_replying_under_a_comment_of_another_article_is_refused(signed_in, article, other_user):
    elsewhere = make_comment(make_article(), author=other_user)
    response = signed_in.post(
        f"/articles/{article.slug}/comments/", {"body": "Cross-posted.", "parent": elsewhere.pk}
    )
    assert response.status_code == 400
    assert not Comment.objects.filter(body="Cross-posted.").exists()


def test_replying_under_a_removed_comment_is_refused(signed_in, article, theirs):
    set_comment_status(theirs, Status.REMOVED)
    response = signed_in.post(
        f"/articles/{article.slug}/comments/", {"body": "Necro reply.", "parent": theirs.pk}
    )
    assert response.status_code in {400, 409}
    assert not Comment.objects.filter(body="Necro reply.").exists()


# Fields that are not in the form ----------------------------------------------------------

SMUGGLED = {"status": "visible", "upvotes": "1000", "downvotes": "7", "lft": "5", "rght": "2",
            "tree_id": "1", "level": "3", "is_featured": "on", "featured_at": "2020-01-01",
            "created_at": "2000-01-01T00:00:00Z", "edited_at": "2000-01-01T00:00:00Z",
            "hold_reason": "", "import_source": "json", "external_id": "x"}  # fmt: skip


def test_comment_create_ignores_fields_not_in_the_form(signed_in, user, other_user, article):
    other_article = make_article()
    premoderated = make_article(premoderation=True)
    data = {**SMUGGLED, "author": other_user.pk, "article": other_article.pk}
    for target in (article, premoderated):
        response = signed_in.post(
            f"/articles/{target.slug}/comments/", {**data, "body": f"Honest {target.pk}"}
        )
        assert response.status_code == 302
        comment = Comment.objects.get(body=f"Honest {target.pk}")
        assert comment.author_id == user.pk
        assert comment.article_id == target.pk
        assert (comment.upvotes, comment.downvotes, comment.is_featured) == (0, 0, False)
        assert (comment.level, comment.lft, comment.rght) == (0, 1, 2)
        assert timezone.now() - comment.created_at < timedelta(minutes=1)
        assert comment.edited_at is None and comment.import_source == ""
    assert Comment.objects.get(article=premoderated).status == Status.PENDING
    assert not Comment.objects.filter(article=other_article).exists()


def test_comment_edit_ignores_fields_not_in_the_form(signed_in, mine, other_user, article):
    data = {**SMUGGLED, "status": "removed", "author": other_user.pk, "body": "Edited words."}
    assert signed_in.post(f"/comments/{mine.pk}/edit/", data).status_code == 302
    row = Comment.objects.get(pk=mine.pk)
    assert row.body == "Edited words."
    assert (row.status, row.author_id, row.article_id) == (Status.VISIBLE, mine.author_id,
                                                           article.pk)  # fmt: skip
    assert (row.upvotes, row.downvotes, row.is_featured) == (0, 0, False)
    assert (row.lft, row.rght, row.level, row.tree_id) == (mine.lft, mine.rght, 0, mine.tree_id)
    assert row.created_at == mine.created_at


PRIVILEGES = {"is_staff": "on", "is_superuser": "on", "is_active": "on",
              "groups": "1", "user_permissions": "1", "date_joined": "2000-01-01",
              "last_login": "2000-01-01", "username_skeleton": "admin",
              "email_verified_at": "2000-01-01", "email_bounced_at": "2000-01-01",
              "deleted_at": "2000-01-01", "unread_notifications": "99"}  # fmt: skip


def test_sign_up_ignores_privileges_not_in_the_form(client):
    response = _sign_up(client, "climber", display_name="Climber", **PRIVILEGES)
    assert response.status_code == 302
    user = User.objects.get(username="climber")
    assert not user.is_staff and not user.is_superuser
    assert not user.groups.exists() and not user.user_permissions.exists()
    assert user.username_skeleton != "admin"
    assert user.email_verified_at is None and user.email_bounced_at is None
    assert user.deleted_at is None and user.unread_notifications == 0
    assert timezone.now() - user.date_joined < timedelta(minutes=1)


def test_profile_ignores_fields_not_in_the_form(signed_in, user):
    data = {**PRIVILEGES, "display_name": "Still Me", "username": "admin", "password": "x"}
    assert signed_in.post("/accounts/profile/", data).status_code == 302
    user.refresh_from_db()
    assert user.display_name == "Still Me"
    assert user.username != "admin"
    assert not user.is_staff and not user.is_superuser
    assert user.email_verified_at is None and user.deleted_at is None
    assert user.check_password(PASSWORD)


# Forged and anonymous requests ------------------------------------------------------------


@pytest.fixture
def targets(user, other_user, article):
    theirs = make_comment(article, author=other_user)
    mine = make_comment(article, author=user)
    return {
        "comment": (f"/articles/{article.slug}/comments/", {"body": "Forged."}),
        "vote": (f"/comments/{theirs.pk}/vote/", {"value": "1"}),
        "flag": (f"/comments/{theirs.pk}/flag/", {"rule": "1"}),
        "edit": (f"/comments/{mine.pk}/edit/", {"body": "Forged."}),
        "delete": (f"/comments/{mine.pk}/delete/", {}),
        "profile": ("/accounts/profile/", {"display_name": "Forged"}),
        "password": ("/accounts/password/", {"old_password": PASSWORD,
                     "new_password1": "forged pass 123", "new_password2": "forged pass 123"}),
        "visited": (f"/articles/{article.slug}/visited/", {}),
        "logout": ("/accounts/logout/", {}),
    }  # fmt: skip


def _world(user) -> tuple:
    user.refresh_from_db()
    return (
        list(Comment.objects.order_by("pk").values_list("body", "status", "upvotes")),
        Flag.objects.count(),
        Vote.objects.count(),
        user.display_name,
        user.password,
    )


@pytest.mark.parametrize(
    "name", ["comment", "vote", "flag", "edit", "delete", "profile", "password", "visited",
             "logout"],
)  # fmt: skip
def test_a_post_without_the_csrf_token_is_refused(user, targets, name):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    url, data = targets[name]
    before = _world(user)
    response = client.post(url, data)
    assert response.status_code == 403
    assert _world(user) == before
    assert client.session.get("_auth_user_id") == str(user.pk)


def test_sign_up_and_login_without_the_csrf_token_are_refused(user):
    client = Client(enforce_csrf_checks=True)
    assert _sign_up(client, "forger").status_code == 403
    assert _login(client, user.username, PASSWORD).status_code == 403
    assert not User.objects.filter(username="forger").exists()
    assert "_auth_user_id" not in client.session


def test_an_admin_action_without_the_csrf_token_is_refused(admin_user, theirs):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    response = client.post(
        "/admin/discussions/comment/",
        {"action": "mark_spam", "_selected_action": [theirs.pk], "index": "0"},
    )
    assert response.status_code == 403
    assert Comment.objects.get(pk=theirs.pk).status == Status.VISIBLE


@pytest.mark.parametrize(
    ("name", "statuses"),
    [("comment", {302}), ("vote", {405}), ("flag", {200}), ("edit", {200}), ("delete", {200}),
     ("profile", {200}), ("password", {200}), ("visited", {405}), ("logout", {405})],
)  # fmt: skip
def test_a_get_never_changes_anything(signed_in, user, targets, name, statuses):
    url, data = targets[name]
    before = _world(user)
    response = signed_in.get(url, data)
    assert response.status_code in statuses
    assert _world(user) == before
    assert signed_in.session.get("_auth_user_id") == str(user.pk)


@pytest.mark.parametrize(
    "name", ["comment", "vote", "flag", "edit", "delete", "profile", "password"]
)
def test_an_anonymous_post_redirects_to_login_with_next(client, user, targets, name):
    url, data = targets[name]
    before = _world(user)
    response = client.post(url, data)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/accounts/login/"
    next_url = parse_qs(location.query)["next"][0]
    assert next_url.startswith("/") and not next_url.startswith("//")
    assert _world(user) == before
