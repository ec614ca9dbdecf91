"""Sign-up, login and logout, password and display name, and what pages reveal of readers."""

from urllib.parse import urlsplit

import pytest
from django.test import Client

from accounts.models import User
from discussions.models import Comment
from tests.factories import (
    PASSWORD,
    make_comment,
    make_user,
    parse_html,
    thread_comments,
)

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "quiet cars on line two"


def is_signed_in(client) -> bool:
    """Say whether the client's session belongs to a signed-in reader."""
    return client.get("/accounts/profile/").status_code == 200


def field_errors(response) -> str:
    return " ".join(el.text() for el in parse_html(response.content).find_all(cls="form-errors"))


def comment_author(response, comment) -> str:
    element = thread_comments(parse_html(response.content))[comment.pk]
    return element.find(itemprop="author").text().strip()


# Sign-up ----------------------------------------------------------------------------------


def test_signup_form_has_the_contract_fields(client, db):
    response = client.get("/accounts/signup/")

    assert response.status_code == 200
    doc = parse_html(response.content)
    for name in ("username", "password1", "password2", "display_name"):
        assert doc.find("input", name=name) is not None


def test_signup_creates_the_account_and_signs_in(client, db):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "minji",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "display_name": "Kim Min-ji",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(username="minji")
    assert user.display_name == "Kim Min-ji"
    assert user.check_password(PASSWORD)
    assert is_signed_in(client)


def test_signup_without_display_name_uses_the_username(client, db):
    client.post(
        "/accounts/signup/", {"username": "wei", "password1": PASSWORD, "password2": PASSWORD}
    )

    user = User.objects.get(username="wei")
    assert user.display_name == ""
    assert user.public_name == "wei"
    assert is_signed_in(client)


def test_signup_returns_to_next(client, article):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "newcomer",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": article.get_absolute_url(),
        },
    )

    assert response["Location"] == article.get_absolute_url()


def test_signup_ignores_a_foreign_next(client, db):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "newcomer",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": "https://evil.example/",
        },
    )

    assert response.status_code == 302
    assert urlsplit(response["Location"]).netloc == ""


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"username": "minji", "password1": PASSWORD, "password2": "different"}, "password2"),
        ({"username": "", "password1": PASSWORD, "password2": PASSWORD}, "username"),
        ({"username": "minji", "password1": "123", "password2": "123"}, "password2"),
        ({"username": "bad name!", "password1": PASSWORD, "password2": PASSWORD}, "username"),
        (
            {"username": "minji", "password1": PASSWORD, "password2": PASSWORD,
             "display_name": "Bell\x07"},
            "display_name",
        ),
    ],
    ids=["mismatch", "no-username", "weak-password", "bad-username", "control-character"],
)  # fmt: skip
def test_bad_signup_rerenders_with_errors_and_status_400(client, db, data, field):
    response = client.post("/accounts/signup/", data)

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert field_errors(response).strip()
    assert not User.objects.exists()
    assert not is_signed_in(client)


def test_signup_with_a_taken_username_is_400(client, user):
    response = client.post(
        "/accounts/signup/",
        {"username": user.username, "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 400
    assert "username" in response.context["form"].errors
    assert User.objects.count() == 1


# Login and logout -------------------------------------------------------------------------


def test_login_signs_in_and_redirects(client, user):
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})

    assert response.status_code == 302
    assert is_signed_in(client)


def test_login_with_a_wrong_password_does_not_sign_in(client, user):
    response = client.post("/accounts/login/", {"username": user.username, "password": "nope"})

    assert response.status_code in (200, 400)
    assert field_errors(response).strip()
    assert not is_signed_in(client)


def test_login_returns_to_next(client, user, article):
    response = client.post(
        "/accounts/login/",
        {"username": user.username, "password": PASSWORD, "next": article.get_absolute_url()},
    )

    assert response["Location"] == article.get_absolute_url()


def test_logout_by_post_signs_out(signed_in):
    response = signed_in.post("/accounts/logout/")

    assert response.status_code == 302
    assert not is_signed_in(signed_in)


def test_logout_by_get_does_not_sign_out(signed_in):
    response = signed_in.get("/accounts/logout/")

    assert response.status_code == 405
    assert is_signed_in(signed_in)


def test_logout_without_csrf_token_does_not_sign_out(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post("/accounts/logout/")

    assert response.status_code == 403
    assert is_signed_in(client)


def test_profile_requires_login(client, db):
    response = client.get("/accounts/profile/")

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == "/accounts/login/"


# Password and display name ----------------------------------------------------------------


def test_password_change_takes_the_new_password(signed_in, user):
    response = signed_in.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302
    assert signed_in.get(response["Location"]).status_code == 200
    assert is_signed_in(signed_in)
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    with_new, with_old = Client(), Client()
    with_new.post("/accounts/login/", {"username": user.username, "password": NEW_PASSWORD})
    with_old.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert is_signed_in(with_new)
    assert not is_signed_in(with_old)


def test_password_change_with_a_wrong_old_password_changes_nothing(signed_in, user):
    response = signed_in.post(
        "/accounts/password/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code in (200, 400)
    assert "old_password" in response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_requires_login(client, db):
    response = client.get("/accounts/password/")

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == "/accounts/login/"


def test_display_name_change_is_saved(signed_in, user):
    response = signed_in.post("/accounts/profile/", {"display_name": "  Park Seo-yeon  "})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.display_name == "Park Seo-yeon"


def test_display_name_with_control_characters_is_400(signed_in, user):
    response = signed_in.post("/accounts/profile/", {"display_name": "Park\x00"})

    assert response.status_code == 400
    user.refresh_from_db()
    assert user.display_name != "Park\x00"


# What pages show of readers ---------------------------------------------------------------


def test_display_name_is_shown_beside_comments(client, article):
    named = make_comment(article, author=make_user(username="seoyeon", display_name="Park S."))
    unnamed = make_comment(article, author=make_user(username="plainreader", display_name=""))

    response = client.get(article.get_absolute_url())

    assert comment_author(response, named) == "Park S."
    assert comment_author(response, unnamed) == "plainreader"
    # The username is in the profile link's address only, never shown as text.
    assert "seoyeon" not in parse_html(response.content).text()
    assert response.content.decode().count("seoyeon") == 1
    assert 'href="/users/seoyeon/"' in response.content.decode()


def test_changed_display_name_shows_beside_existing_comments(signed_in, user, article):
    comment = make_comment(article, author=user)
    assert comment_author(signed_in.get(article.get_absolute_url()), comment) == (user.display_name)

    signed_in.post("/accounts/profile/", {"display_name": "Renamed Reader"})

    response = Client().get(article.get_absolute_url())
    assert comment_author(response, comment) == "Renamed Reader"


def test_commenter_emails_never_appear_on_pages(client, article):
    author = make_user(email="minji.private@example.org")
    comment = make_comment(article, author=author)
    reply = make_comment(article, parent=comment)
    Comment.objects.filter(pk=reply.pk).update(guest_email="guest.private@example.org")
    viewer = Client()
    viewer.force_login(make_user(email="viewer.private@example.org"))

    pages = [
        client.get("/"),
        client.get(article.get_absolute_url()),
        client.get(f"/comments/{comment.pk}/"),
        client.get(f"/comments/{reply.pk}/"),
        viewer.get(article.get_absolute_url()),
    ]

    for page in pages:
        assert page.status_code == 200
        content = page.content.decode()
        assert "minji.private" not in content
        assert "guest.private" not in content
