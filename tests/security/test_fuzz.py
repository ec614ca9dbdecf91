"""Generated input, control characters and surrogates included, at every form field and query
parameter: whatever arrives, the answer is never a server error."""

import operator

import pytest
from axes.models import AccessAttempt
from django.test import Client
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from accounts.models import User
from discussions.models import Comment, Flag
from tests.factories import make_article, make_category, make_comment, make_tag
from tests.security.forms import post_form, post_form_utf7, segment, with_query

pytestmark = [
    pytest.mark.django_db,
    # Long generated values make long failure reports; the report must still reach the reader.
    pytest.mark.filterwarnings("ignore:Generating overly large repr"),
]

FUZZ = hypothesis_settings(
    max_examples=50,
    deadline=None,
    database=None,
    # No shrinking: a failure is reported at once with the example that found it, so a bug
    # costs seconds, not minutes, of every run until it is fixed.
    phases=[Phase.explicit, Phase.generate],
    report_multiple_bugs=False,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

any_char = st.characters(codec=None, exclude_categories=())
short_text = st.text(alphabet=any_char, max_size=40)
# Values a careless parser trips on, mixed in with the generated ones.
EDGES = ["", "\x00", "\ud800", "\udfff", "0", "-1", "1e400", "99999999999999999999", "１", "²",
         "NaN", "%00", "%ED%A0%80", "/", "//evil.example", "\\", "'", '"', "<", "{{", "\r\n",
         "\u202e", "\ufeff", "\U0010ffff"]  # fmt: skip
hostile = st.one_of(
    short_text,
    st.sampled_from(EDGES),
    st.builds(
        operator.mul,
        st.text(alphabet=any_char, min_size=1, max_size=3),
        st.integers(min_value=300, max_value=4_000),
    ),  # fmt: skip
)
# How a value travels: UTF-8 form body (surrogates become U+FFFD), or a multipart body
# declared UTF-7 (surrogates reach the view as they are).
transport = st.sampled_from([post_form, post_form_utf7])


@pytest.fixture
def scene(settings, user, other_user):
    # Generated comments must meet the form, not the rate limit.
    settings.CROSSTALK = {**settings.CROSSTALK, "RATE_PER_MINUTE": 10**6, "RATE_PER_HOUR": 10**6}
    article = make_article(category=make_category())
    article.tags.add(make_tag())
    return {
        "article": article,
        "theirs": make_comment(article, author=other_user),
        "mine": make_comment(article, author=user),
        "user": user,
    }


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _no_server_error(response, what) -> None:
    assert response.status_code < 500, f"{response.status_code} for {repr(what)[:300]}"


@FUZZ
@given(body=hostile, parent=hostile, sort=hostile, website=st.sampled_from(["", "x"]),
       send=transport)  # fmt: skip
def test_comment_form_never_fails(scene, body, parent, sort, website, send):
    client = _signed_in(scene["user"])
    url = f"/articles/{scene['article'].slug}/comments/"
    data = {"body": body, "parent": parent, "sort": sort, "website": website}
    _no_server_error(send(client, url, data), data)


@FUZZ
@given(username=hostile, password=hostile, display_name=hostile, next_url=hostile,
       send=transport)  # fmt: skip
def test_sign_up_form_never_fails(db, username, password, display_name, next_url, send):
    data = {"username": username, "password1": password, "password2": password,
            "display_name": display_name, "next": next_url}  # fmt: skip
    _no_server_error(send(Client(), "/accounts/signup/", data), data)


@FUZZ
@given(username=hostile, password=hostile, next_url=hostile, send=transport)
def test_login_form_never_fails(scene, username, password, next_url, send):
    AccessAttempt.objects.all().delete()  # keep every example ahead of the lockout
    data = {"username": username, "password": password, "next": next_url}
    _no_server_error(send(Client(), "/accounts/login/", data), data)
    _no_server_error(
        send(Client(), "/accounts/login/", {**data, "username": scene["user"].username}), data
    )


@FUZZ
@given(rule=hostile, note=hostile, send=transport)
def test_flag_form_never_fails(scene, rule, note, send):
    Flag.objects.all().delete()
    client = _signed_in(scene["user"])
    data = {"rule": rule, "note": note}
    _no_server_error(send(client, f"/comments/{scene['theirs'].pk}/flag/", data), data)


@FUZZ
@given(body=hostile, send=transport)
def test_edit_form_never_fails(scene, body, send):
    client = _signed_in(scene["user"])
    _no_server_error(send(client, f"/comments/{scene['mine'].pk}/edit/", {"body": body}), body)
    assert Comment.objects.filter(pk=scene["mine"].pk).exists()


@FUZZ
@given(display_name=hostile, send=transport)
def test_profile_form_never_fails(scene, display_name, send):
    client = _signed_in(scene["user"])
    data = {"display_name": display_name}
    _no_server_error(send(client, "/accounts/profile/", data), data)
    assert User.objects.filter(pk=scene["user"].pk, is_staff=False).exists()


@FUZZ
@given(value=hostile, next_url=hostile, accept=st.sampled_from(["application/json", "*/*"]),
       send=transport)  # fmt: skip
def test_vote_never_fails(scene, value, next_url, accept, send):
    client = _signed_in(scene["user"])
    data = {"value": value, "next": next_url}
    url = f"/comments/{scene['theirs'].pk}/vote/"
    _no_server_error(send(client, url, data, HTTP_ACCEPT=accept), data)


PAGES = [
    "/",
    "/articles/{slug}/",
    "/comments/{theirs}/",
    "/comment-policy/",
    "/moderation-log/",
    "/category/{category}/",
    "/feed/",
    "/accounts/login/",
    "/accounts/signup/",
    "/comments/{theirs}/flag/",
]
PARAMETERS = ["sort", "page", "version", "next", "q", "p"]


@FUZZ
@given(page=st.sampled_from(PAGES), params=st.dictionaries(st.sampled_from(PARAMETERS), hostile),
       signed_in=st.booleans())  # fmt: skip
def test_query_parameters_never_fail(scene, page, params, signed_in):
    client = _signed_in(scene["user"]) if signed_in else Client()
    url = page.format(
        slug=scene["article"].slug,
        theirs=scene["theirs"].pk,
        category=scene["article"].category.slug,
    )
    response = client.get(with_query(url, params))
    _no_server_error(response, (url, params))
    if any("\x00" in value or "\x00" in key for key, value in params.items()):
        assert response.status_code == 400


@FUZZ
@given(template=st.sampled_from(["/articles/{}/", "/category/{}/", "/tag/{}/", "/comments/{}/",
                                 "/category/{}/feed/", "/articles/{}/comments/"]),
       value=hostile.filter(lambda v: v not in {"", ".", ".."}))  # fmt: skip
def test_path_segments_never_fail(scene, template, value):
    client = _signed_in(scene["user"])
    url = template.format(segment(value))
    response = client.get(url)
    _no_server_error(response, url)
    assert response.status_code in {400, 404} or "\x00" not in value
