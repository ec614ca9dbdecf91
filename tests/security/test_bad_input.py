"""No input reaches a 500: NUL bytes, lone surrogates, huge numbers, odd methods and bodies."""

from types import SimpleNamespace

import pytest
from django.test import Client

from accounts.forms import DisplayNameForm, SignUpForm
from accounts.models import User
from discussions.forms import CommentForm, EditForm, FlagForm
from discussions.models import Comment, Flag, Vote
from tests.factories import PASSWORD, make_article, make_category, make_comment, make_tag
from tests.security.forms import (
    FORM,
    encode_form,
    post_form,
    post_form_utf7,
    segment,
    with_query,
)

pytestmark = pytest.mark.django_db

NUL = "\x00"
SURROGATE = "\ud800"
HUGE = "99999999999999999999"
SIGNUP = {"username": "fresh_reader", "password1": "a quiet carriage 42",
          "password2": "a quiet carriage 42", "display_name": "Fresh"}  # fmt: skip


@pytest.fixture
def scene(user, other_user):
    category = make_category()
    tag = make_tag()
    article = make_article(category=category)
    article.tags.add(tag)
    return SimpleNamespace(
        article=article,
        category=category,
        tag=tag,
        theirs=make_comment(article, author=other_user),
        mine=make_comment(article, author=user),
        user=user,
    )


def _snapshot(scene) -> tuple:
    """Return everything a refused request must leave as it was."""
    mine = Comment.objects.get(pk=scene.mine.pk)
    scene.user.refresh_from_db()
    return (
        Comment.objects.count(),
        mine.body,
        Flag.objects.count(),
        Vote.objects.count(),
        User.objects.count(),
        scene.user.display_name,
    )


# (what, needs a signed-in reader, url, valid data, field to spoil, statuses a refusal may have)
FORM_CASES = [
    ("comment body", True, "/articles/{slug}/comments/", {"body": "Fine words."}, "body", {400}),
    ("comment parent", True, "/articles/{slug}/comments/",
     {"body": "Fine words.", "parent": "{theirs}"}, "parent", {400}),
    ("sign-up username", False, "/accounts/signup/", SIGNUP, "username", {400}),
    ("sign-up password1", False, "/accounts/signup/", SIGNUP, "password1", {400}),
    ("sign-up password2", False, "/accounts/signup/", SIGNUP, "password2", {400}),
    ("sign-up display name", False, "/accounts/signup/", SIGNUP, "display_name", {400}),
    # Django's LoginView answers an invalid form with 200 and the form errors.
    ("login username", False, "/accounts/login/", {"username": "{username}", "password": PASSWORD},
     "username", {200, 400}),
    ("login password", False, "/accounts/login/", {"username": "{username}", "password": PASSWORD},
     "password", {200, 400}),
    ("flag rule", True, "/comments/{theirs}/flag/", {"rule": "1", "note": ""}, "rule", {400}),
    ("flag note", True, "/comments/{theirs}/flag/", {"rule": "1", "note": "Off topic."}, "note",
     {400}),
    ("edit body", True, "/comments/{mine}/edit/", {"body": "Better words."}, "body", {400}),
    ("profile display name", True, "/accounts/profile/", {"display_name": "Min"}, "display_name",
     {400}),
    ("vote value", True, "/comments/{theirs}/vote/", {"value": "1"}, "value", {400}),
]  # fmt: skip


def _fill(template: str, scene) -> str:
    return template.format(
        slug=scene.article.slug,
        theirs=scene.theirs.pk,
        mine=scene.mine.pk,
        username=scene.user.username,
    )


def _spoil(value: str, bad: str) -> str:
    middle = len(value) // 2
    return value[:middle] + bad + value[middle:]


@pytest.mark.parametrize(
    ("signed_in_reader", "url", "data", "field", "refusals"),
    [case[1:] for case in FORM_CASES],
    ids=[case[0] for case in FORM_CASES],
)
def test_nul_byte_in_a_form_field_is_refused_and_changes_nothing(
    client, scene, signed_in_reader, url, data, field, refusals
):
    if signed_in_reader:
        client.force_login(scene.user)
    data = {key: _fill(value, scene) for key, value in data.items()}
    data[field] = _spoil(data[field], NUL)
    before = _snapshot(scene)

    response = post_form(client, _fill(url, scene), data)

    assert response.status_code in refusals
    assert _snapshot(scene) == before
    assert "_auth_user_id" not in client.session or signed_in_reader


@pytest.mark.parametrize(
    ("signed_in_reader", "url", "data", "field", "refusals"),
    [case[1:] for case in FORM_CASES],
    ids=[case[0] for case in FORM_CASES],
)
def test_lone_surrogate_in_a_form_field_is_refused_and_changes_nothing(
    client, scene, signed_in_reader, url, data, field, refusals
):
    """Declared as UTF-7, a multipart body delivers a lone surrogate to the view as it is."""
    if signed_in_reader:
        client.force_login(scene.user)
    data = {key: _fill(value, scene) for key, value in data.items()}
    data[field] = _spoil(data[field], SURROGATE)
    before = _snapshot(scene)

    response = post_form_utf7(client, _fill(url, scene), data)

    assert response.status_code in refusals
    assert _snapshot(scene) == before


@pytest.mark.parametrize(
    ("signed_in_reader", "url", "data", "field", "refusals"),
    [case[1:] for case in FORM_CASES],
    ids=[case[0] for case in FORM_CASES],
)
def test_invalid_utf8_or_noncharacters_in_a_form_field_never_fail(
    client, scene, signed_in_reader, url, data, field, refusals
):
    """Sent as UTF-8 bytes, a surrogate is not UTF-8: Django reads it as U+FFFD."""
    if signed_in_reader:
        client.force_login(scene.user)
    data = {key: _fill(value, scene) for key, value in data.items()}
    failures = []
    for bad in [SURROGATE + "\udfff", "\ufffe\uffff", "\u202e\u200b"]:
        response = post_form(client, _fill(url, scene), {**data, field: _spoil(data[field], bad)})
        if response.status_code >= 500:
            failures.append((bad, response.status_code))
    assert failures == []


def test_a_query_declared_as_utf7_cannot_smuggle_a_surrogate(client, scene):
    response = client.get(
        f"/articles/{scene.article.slug}/?sort=%2B2AA-", CONTENT_TYPE="text/plain; charset=utf-7"
    )
    assert response.status_code in {200, 400}


@pytest.mark.parametrize(
    ("form_class", "data"),
    [
        (CommentForm, {"body": "a" + SURROGATE}),
        (CommentForm, {"body": "fine", "parent": "1" + SURROGATE}),
        (EditForm, {"body": SURROGATE}),
        (FlagForm, {"rule": "1", "note": SURROGATE}),
        (FlagForm, {"rule": SURROGATE}),
        (DisplayNameForm, {"display_name": "Min" + SURROGATE}),
        (SignUpForm, {**SIGNUP, "display_name": SURROGATE}),
        (SignUpForm, {**SIGNUP, "username": "min" + SURROGATE}),
    ],
)
def test_forms_refuse_a_lone_surrogate_that_reaches_them(form_class, data):
    """HTTP bodies cannot carry one (Django decodes them as U+FFFD); a caller in Python can."""
    form = form_class(data=data)
    assert not form.is_valid()


def test_sign_up_with_a_lone_surrogate_in_both_passwords_is_refused(client, db):
    password = "a quiet " + SURROGATE + " carriage"
    data = {**SIGNUP, "password1": password, "password2": password}
    response = post_form_utf7(client, "/accounts/signup/", data)
    assert response.status_code == 400
    assert not User.objects.filter(username=SIGNUP["username"]).exists()


@pytest.mark.parametrize(
    "field_url",
    [
        ("sort", "/articles/{slug}/comments/"),
        ("next", "/accounts/signup/"),
        ("next", "/accounts/login/"),
        ("next", "/comments/{theirs}/flag/"),
        ("next", "/comments/{theirs}/vote/"),
    ],
)
def test_nul_in_a_field_that_only_steers_where_to_go_is_dropped_or_refused(
    client, scene, field_url
):
    field, url = field_url
    data = {
        "/articles/{slug}/comments/": {"body": "Quiet cars are good."},
        "/accounts/signup/": SIGNUP,
        "/accounts/login/": {"username": scene.user.username, "password": PASSWORD},
        "/comments/{theirs}/flag/": {"rule": "1"},
        "/comments/{theirs}/vote/": {"value": "1"},
    }[url]
    if "signup" not in url:
        client.force_login(scene.user)
    response = post_form(client, _fill(url, scene), {**data, field: "/x" + NUL + "y"})
    assert response.status_code in {302, 400}
    location = response.get("Location", "/")
    assert "\x00" not in location
    assert location.startswith("/") and not location.startswith("//")


NUL_ADDRESSES = [
    "/?page=%00",
    "/?page=%00&x=1",
    "/articles/{slug}/?sort=%00",
    "/articles/{slug}/?page=%00",
    "/articles/{slug}/?sort=best%00",
    "/comments/{theirs}/?sort=%00",
    "/comment-policy/?version=%00",
    "/moderation-log/?page=%00",
    "/category/{category}/?page=%00",
    "/tag/{tag}/?page=%00",
    "/accounts/login/?next=%00",
    "/accounts/signup/?next=/%00",
    "/feed/?%00=1",
    "/sitemap.xml?p=%00",
    "/articles/%00/",
    "/category/%00/",
    "/tag/%00/",
    "/comments/%00/",
    "/articles/a%00b/",
]


def _address(url: str, scene) -> str:
    return url.format(
        slug=scene.article.slug,
        theirs=scene.theirs.pk,
        category=scene.category.slug,
        tag=scene.tag.slug,
    )


def test_nul_byte_in_the_address_answers_400(client, scene):
    answers = {url: client.get(_address(url, scene)).status_code for url in NUL_ADDRESSES}
    assert {url: status for url, status in answers.items() if status != 400} == {}


ODD_ADDRESSES = [
    ("/?page=-1", {200}),
    ("/?page=0", {200}),
    (f"/?page={HUGE}", {200}),
    ("/?page=1e9", {200}),
    ("/?page=%EF%BC%91", {200}),  # a fullwidth digit one
    ("/?page=%ED%A0%80", {200}),  # a surrogate's bytes: not UTF-8
    ("/articles/{slug}/?page=-1", {200}),
    (f"/articles/{{slug}}/?page={HUGE}", {200}),
    ("/articles/{slug}/?sort=%ED%A0%80", {200}),
    ("/articles/{slug}/?sort=" + "x" * 5000, {200}),
    (f"/moderation-log/?page={HUGE}", {200}),
    ("/moderation-log/?page=-1", {200}),
    (f"/comment-policy/?version={HUGE}", {404}),
    ("/comment-policy/?version=-1", {404}),
    ("/comment-policy/?version=%ED%A0%80", {404}),
    (f"/comments/{HUGE}000/", {404}),
    ("/comments/-1/", {404}),
    (f"/comments/{{theirs}}/?sort=%ED%A0%80&page={HUGE}", {200}),
    ("/articles/%ED%A0%80/", {404}),
    ("/articles/%FF%FE/", {404}),
    ("/articles/" + "a" * 3000 + "/", {404}),
    ("/category/%ED%A0%80/", {404}),
    ("/tag/%ED%A0%80/feed/", {404}),
    ("/category/%ED%A0%80/feed/", {404}),
    ("/accounts/login/?next=%ED%A0%80", {200}),
    ("/accounts/login/?next=//evil.example/", {200}),
]


def test_odd_numbers_and_bytes_in_the_address_answer_a_page_or_404(client, scene):
    wrong = {}
    for url, statuses in ODD_ADDRESSES:
        status = client.get(_address(url, scene)).status_code
        if status not in statuses:
            wrong[url[:80]] = status
    assert wrong == {}


@pytest.mark.parametrize("action", ["vote", "flag", "edit", "delete"])
def test_huge_comment_ids_on_actions_answer_404(signed_in, action):
    url = f"/comments/{HUGE}000/{action}/"
    assert signed_in.post(url, {"value": "1", "rule": "1", "body": "x"}).status_code == 404
    assert signed_in.get(url).status_code in {404, 405}


def test_huge_or_odd_parent_ids_are_a_form_error(signed_in, scene):
    url = f"/articles/{scene.article.slug}/comments/"
    for parent in [HUGE, "9" * 18, "-1", "0", "1.5", "１", " ", "0x10", scene.mine.pk * 1000]:
        response = signed_in.post(url, {"body": f"Reply to {parent!r}", "parent": parent})
        assert response.status_code in {302, 400, 409}, parent
    assert not Comment.objects.filter(body__startswith="Reply to").exclude(parent=None).exists()


METHODS = ["trace", "put", "delete", "patch"]
PAGES = [
    "/",
    "/articles/{slug}/",
    "/comments/{theirs}/",
    "/comment-policy/",
    "/moderation-log/",
    "/category/{category}/",
    "/tag/{tag}/",
    "/accounts/signup/",
    "/healthz",
]


def test_other_methods_on_pages_answer_405(client, scene):
    answers = {
        (method, url): getattr(client, method)(_address(url, scene)).status_code
        for url in PAGES
        for method in METHODS
    }
    assert {key: status for key, status in answers.items() if status != 405} == {}


def test_other_methods_on_comment_actions_answer_405_and_change_nothing(signed_in, scene):
    before = _snapshot(scene)
    answers = {
        (method, action): getattr(signed_in, method)(
            f"/comments/{scene.mine.pk}/{action}/"
        ).status_code
        for action in ["vote", "flag", "edit", "delete"]
        for method in METHODS
    }
    assert {key: status for key, status in answers.items() if status != 405} == {}
    assert _snapshot(scene) == before


ODD_VOTES = ["2", "-2", "1.0", "+1", "01", "true", "", " 1", "1 ", "１", "¹", "[1]",
             '{"value": 1}', HUGE, "1" + NUL, "-" + NUL, "x" * 10_000]  # fmt: skip


def test_vote_with_an_odd_value_answers_400_in_json(signed_in, scene):
    wrong = {}
    for value in ODD_VOTES:
        response = post_form(
            signed_in, f"/comments/{scene.theirs.pk}/vote/", {"value": value},
            HTTP_ACCEPT="application/json",
        )  # fmt: skip
        if response.status_code != 400 or "error" not in response.json():
            wrong[value[:20]] = response.status_code
    assert wrong == {}
    assert not Vote.objects.exists()


ODD_BODIES = [
    ('{"value": 1}', "application/json"),
    ('{"value": "\\u0000"}', "application/json"),
    ('{"value": "\\ud800"}', "application/json"),
    ("[1, 2", "application/json"),
    ("value=1&value=-1&value=" + "9" * 100, FORM),
    ("value", FORM),
    ("=1&&&=&value", FORM),
    ("\x00\xff\xfe", "application/octet-stream"),
    ("value=%ED%A0%80", FORM),
    ("value=%FF", "application/x-www-form-urlencoded; charset=utf-16"),
    ("value=1", "application/x-www-form-urlencoded; charset=nonexistent-charset"),
    ("--x\r\nContent-Disposition: form-data; name=value\r\n\r\n1\x00\r\n--x--\r\n",
     "multipart/form-data; boundary=x"),
    ("--x\r\nbroken", "multipart/form-data; boundary=x"),
    ("--x--", "multipart/form-data"),
]  # fmt: skip


def test_vote_with_an_odd_body_never_fails(signed_in, scene):
    wrong = {}
    for body, content_type in ODD_BODIES:
        response = signed_in.generic(
            "POST",
            f"/comments/{scene.theirs.pk}/vote/",
            body.encode("utf-8", "surrogatepass"),
            content_type=content_type,
            HTTP_ACCEPT="application/json",
        )
        if response.status_code not in {200, 302, 400}:
            wrong[(body[:30], content_type)] = response.status_code
    assert wrong == {}
    counted = Comment.objects.get(pk=scene.theirs.pk)
    assert counted.upvotes + counted.downvotes == Vote.objects.count()


@pytest.mark.parametrize("action", ["vote", "flag"])
@pytest.mark.parametrize("next_url", ["foo", "comments", "\u00af", "%00", "javascript:alert(1)"])
def test_a_next_that_is_not_a_path_sends_the_reader_back_to_the_article(
    signed_in, scene, action, next_url
):
    data = {"value": "1", "rule": "1", "next": next_url}
    response = signed_in.post(f"/comments/{scene.theirs.pk}/{action}/", data)
    assert response.status_code == 302
    assert response["Location"].startswith("/")
    assert response["Location"].endswith(f"#comment-{scene.theirs.pk}")


@pytest.mark.parametrize("next_url", ["foo", "comments", "\u00af"])
def test_sign_up_with_a_next_that_is_not_a_path_lands_on_a_page(client, db, next_url):
    response = client.post("/accounts/signup/", {**SIGNUP, "next": next_url})
    assert response.status_code == 302
    assert response["Location"].startswith("/")
    assert User.objects.filter(username=SIGNUP["username"]).exists()
    # Signed in now: the sign-up page sends the reader on, to a page of ours.
    again = client.get("/accounts/signup/", {"next": next_url})
    assert again.status_code == 302
    assert again["Location"].startswith("/")


@pytest.mark.parametrize("length", [151, 256, 5000])
def test_login_with_an_overlong_username_is_a_form_error(client, scene, length):
    response = client.post("/accounts/login/", {"username": "a" * length, "password": "x"})
    assert response.status_code in {200, 400}
    assert "_auth_user_id" not in client.session


def test_too_many_fields_or_too_large_a_body_answer_400(signed_in, scene):
    url = f"/articles/{scene.article.slug}/comments/"
    many = encode_form({f"f{i}": "1" for i in range(1500)} | {"body": "Many fields."})
    assert signed_in.post(url, many, content_type=FORM).status_code == 400
    large = encode_form({"body": "x" * 3_000_000})
    assert signed_in.post(url, large, content_type=FORM).status_code == 400
    assert not Comment.objects.filter(body="Many fields.").exists()


def test_a_body_over_the_length_limit_is_a_form_error(signed_in, scene):
    url = f"/articles/{scene.article.slug}/comments/"
    response = signed_in.post(url, {"body": "x" * 10_001})
    assert response.status_code == 400
    assert b"at most" in response.content


def test_an_unknown_host_answers_400(client, scene):
    assert client.get("/", HTTP_HOST="evil.example").status_code == 400
    assert client.get("/", HTTP_HOST="bad host\x00").status_code == 400


def test_a_query_string_with_a_nul_in_a_key_answers_400(client, scene):
    assert client.get(with_query("/", {"pa\x00ge": "1"})).status_code == 400
    assert client.get("/" + segment("\x00") + "/").status_code == 400


def test_a_csrf_failure_with_hostile_input_answers_403():
    strict = Client(enforce_csrf_checks=True)
    body = encode_form({"username": NUL, "password": SURROGATE})
    response = strict.post("/accounts/login/", body, content_type=FORM)
    assert response.status_code == 403
