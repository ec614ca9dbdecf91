"""Sanctions by name, citing a rule: the moderators-only username lookup, the add form (by
username, from a comment, refusals), lifting early, the log rows, and the reader's notice in
place of the comment form."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format

from discussions.models import ModerationAction, Sanction
from discussions.services import ModerationError, sanction_lift, user_sanction
from tests.factories import (
    make_article,
    make_comment,
    make_moderator,
    make_user,
    parse_html,
    policy_rule,
)

pytestmark = pytest.mark.django_db

Action = ModerationAction.Action
ADD = "/admin/discussions/sanction/add/"
USERS = "/admin/discussions/sanction/users/"
# The signed-in article page's bound (tests/discussions/test_views.py).
PAGE_QUERY_BOUND = 8


@pytest.fixture(autouse=True)
def _policy(comment_policy):
    """Every test here may cite the default rules."""


def as_user(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def add_form(user="", *, kind="ban", rule=2, reason="Private: repeat offender", until=None):
    data = {"user": user, "kind": kind, "rule": "" if rule is None else str(policy_rule(rule).pk),
            "reason": reason, "until_0": "", "until_1": ""}  # fmt: skip
    if until is not None:
        local = timezone.localtime(until)
        data.update(until_0=local.strftime("%Y-%m-%d"), until_1=local.strftime("%H:%M:%S"))
    return data


def errors(response) -> str:
    doc = parse_html(response.content)
    return " ".join(el.text() for el in doc.find_all(cls="errorlist"))


def suspend(user, *, days=3, rule=4, moderator=None):
    return user_sanction(
        user=user,
        kind=Sanction.Kind.SUSPENSION,
        until=(timezone.now() + timedelta(days=days)).replace(microsecond=0),
        rule=policy_rule(rule),
        reason="Private: third warning",
        moderator=moderator or make_moderator(),
    )


# The username lookup ---------------------------------------------------------------------


def test_the_lookup_gives_moderators_usernames_and_display_names_only():
    make_user(username="minji", display_name="Min-ji K", email="minji@example.org")
    make_user(username="minho", display_name="", email="minho@example.org")
    make_user(username="other", display_name="Someone", email="other@example.org")

    response = as_user(make_moderator()).get(USERS, {"q": "min"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert data == {
        "results": [
            {"username": "minho", "display_name": ""},
            {"username": "minji", "display_name": "Min-ji K"},
        ]
    }
    assert "@" not in response.content.decode()
    assert "example.org" not in response.content.decode()


def test_the_lookup_finds_a_reader_by_display_name_too():
    make_user(username="reader_x", display_name="Park Ji-sung")

    response = as_user(make_moderator()).get(USERS, {"q": "ji-sung"})

    assert [r["username"] for r in json.loads(response.content)["results"]] == ["reader_x"]


@pytest.mark.parametrize(
    "who",
    ["anonymous", "reader", "staff without the Moderators group"],
)
def test_the_lookup_is_refused_to_anyone_but_moderators(who):
    make_user(username="minji", email="minji@example.org")
    user = {
        "anonymous": None,
        "reader": make_user(),
        "staff without the Moderators group": make_user(is_staff=True),
    }[who]

    response = as_user(user).get(USERS, {"q": "min"})

    assert response.status_code == 403
    assert "minji" not in response.content.decode()


@pytest.mark.parametrize("query", ["", "   ", "x" * 5000, "%", "_"])
def test_the_lookup_survives_odd_queries(query):
    response = as_user(make_moderator()).get(USERS, {"q": query})

    assert response.status_code == 200
    assert json.loads(response.content)["results"] == []


def test_the_lookup_refuses_a_nul_without_failing():
    response = as_user(make_moderator()).get(USERS, {"q": "a\x00b"})

    assert response.status_code in (200, 400)


def test_the_add_form_offers_suggestions_without_needing_them():
    response = as_user(make_moderator()).get(ADD)

    doc = parse_html(response.content)
    field = doc.find("input", name="user")
    assert field.attrs["type"] == "text"
    assert field.attrs["data-autocomplete-url"] == USERS
    assert doc.find("datalist", id=field.attrs["list"]) is not None
    assert doc.find("select", name="rule") is not None


# Sanctioning by username ------------------------------------------------------------------


def test_a_moderator_bans_a_reader_by_typing_their_username():
    moderator = make_moderator()
    reader = make_user(username="troll_42")

    response = as_user(moderator).post(ADD, add_form("troll_42"))

    assert response.status_code == 302
    sanction = Sanction.objects.get()
    assert (sanction.user, sanction.kind, sanction.rule) == (reader, "ban", policy_rule(2))
    assert sanction.reason == "Private: repeat offender"
    assert sanction.created_by == moderator


def test_an_unknown_username_is_a_form_error():
    response = as_user(make_moderator()).post(ADD, add_form("nobody_here"))

    assert response.status_code == 200
    assert "No reader has the username “nobody_here”" in errors(response)
    assert not Sanction.objects.exists()
    assert not ModerationAction.objects.exists()


def test_a_numeric_id_is_not_taken_for_a_username():
    reader = make_user(username="someone")

    response = as_user(make_moderator()).post(ADD, add_form(str(reader.pk)))

    assert response.status_code == 200
    assert not Sanction.objects.exists()


def test_a_sanction_without_a_rule_is_a_form_error():
    make_user(username="troll_42")

    response = as_user(make_moderator()).post(ADD, add_form("troll_42", rule=None))

    assert response.status_code == 200
    assert "Cite the rule of the Comment Policy this sanction applies." in errors(response)
    assert not Sanction.objects.exists()


def test_the_service_refuses_a_sanction_without_a_rule():
    with pytest.raises(ModerationError) as refused:
        user_sanction(user=make_user(), kind=Sanction.Kind.BAN, moderator=make_moderator())

    assert refused.value.code == "no_rule"
    assert not Sanction.objects.exists()


def test_a_moderator_cannot_sanction_a_staff_account():
    make_user(username="colleague", is_staff=True)

    response = as_user(make_moderator()).post(ADD, add_form("colleague"))

    assert response.status_code == 200
    assert "Only a superuser can sanction a staff account." in errors(response)
    assert not Sanction.objects.exists()


def test_the_service_refuses_a_staff_account_to_a_non_superuser():
    with pytest.raises(ModerationError) as refused:
        user_sanction(
            user=make_user(is_staff=True),
            kind=Sanction.Kind.BAN,
            rule=policy_rule(2),
            moderator=make_moderator(),
        )

    assert refused.value.code == "staff_target"
    assert not Sanction.objects.exists()
    assert not ModerationAction.objects.exists()


def test_a_superuser_may_sanction_a_staff_account():
    make_user(username="colleague", is_staff=True)

    response = as_user(make_user(is_staff=True, is_superuser=True)).post(ADD, add_form("colleague"))

    assert response.status_code == 302
    assert Sanction.objects.get().user.username == "colleague"


def test_a_sanction_is_logged_citing_its_rule_and_policy_version():
    moderator = make_moderator()
    reader = make_user(username="troll_42")

    as_user(moderator).post(ADD, add_form("troll_42", rule=3))

    entry = ModerationAction.objects.get()
    assert (entry.action, entry.moderator, entry.target_user) == (Action.BAN, moderator, reader)
    assert (entry.rule, entry.rule_number) == (policy_rule(3), 3)
    assert entry.rule_title == policy_rule(3).title
    assert entry.policy_version is not None
    assert entry.source == ModerationAction.Source.MODERATOR


# From a comment ---------------------------------------------------------------------------


def test_the_add_form_prefilled_from_a_comment_shows_it_and_its_author():
    author = make_user(username="loud_one", display_name="Loud One")
    comment = make_comment(author=author, body="You are all idiots")

    response = as_user(make_moderator()).get(ADD, {"user": author.pk, "comment": comment.pk})

    assert response.status_code == 200
    doc = parse_html(response.content)
    assert doc.find("input", name="user").attrs["value"] == "loud_one"
    source = doc.find("section", cls="sanction-source")
    assert "You are all idiots" in source.text()
    assert "Loud One" in source.text()
    assert source.find("a", href=comment.get_absolute_url()) is not None


def test_the_add_form_ignores_a_comment_of_someone_else():
    comment = make_comment(body="Not theirs")
    other = make_user(username="other_one")

    response = as_user(make_moderator()).get(ADD, {"user": other.pk, "comment": comment.pk})

    assert response.status_code == 200
    assert "Not theirs" not in response.content.decode()
    doc = parse_html(response.content)
    assert doc.find("section", cls="sanction-source") is None


@pytest.mark.parametrize("params", [{"user": "abc"}, {"comment": "1e9"}, {"user": "99999999"}])
def test_the_add_form_survives_bad_prefill(params):
    response = as_user(make_moderator()).get(ADD, params)

    assert response.status_code == 200


# Lifting early ----------------------------------------------------------------------------


def test_the_change_page_lifts_a_sanction_early_and_logs_it_with_its_rule():
    moderator = make_moderator()
    sanction = suspend(make_user(), moderator=moderator)
    client = as_user(moderator)
    page = client.get(f"/admin/discussions/sanction/{sanction.pk}/change/")
    lift_url = f"/admin/discussions/sanction/{sanction.pk}/lift/"
    assert parse_html(page.content).find("form", action=lift_url) is not None

    response = client.post(lift_url)

    assert response.status_code == 302
    sanction.refresh_from_db()
    assert sanction.lifted_at is not None
    entry = ModerationAction.objects.get(action=Action.LIFT)
    assert (entry.rule_number, entry.moderator) == (4, moderator)
    assert entry.policy_version is not None
    again = client.post(lift_url)
    assert again.status_code == 302
    assert ModerationAction.objects.filter(action=Action.LIFT).count() == 1


def test_lifting_needs_post_and_a_moderator():
    sanction = suspend(make_user())
    lift_url = f"/admin/discussions/sanction/{sanction.pk}/lift/"

    assert as_user(make_moderator()).get(lift_url).status_code == 405
    assert as_user(make_user(is_staff=True)).post(lift_url).status_code == 403
    sanction.refresh_from_db()
    assert sanction.lifted_at is None


def test_the_service_lifts_once():
    sanction = suspend(make_user())

    assert sanction_lift(sanction=sanction, moderator=make_moderator()) is True
    assert sanction_lift(sanction=sanction, moderator=make_moderator()) is False
    assert ModerationAction.objects.filter(action=Action.LIFT).count() == 1


# The reader's side ------------------------------------------------------------------------


def test_a_suspended_reader_sees_a_notice_with_the_end_and_the_rule_instead_of_the_form():
    reader = make_user()
    article = make_article()
    make_comment(article)
    sanction = suspend(reader, rule=4)

    response = as_user(reader).get(article.get_absolute_url())

    assert response.status_code == 200
    doc = parse_html(response.content)
    notice = doc.find(cls="sanction-notice")
    assert notice is not None
    until = date_format(timezone.localtime(sanction.until), "DATETIME_FORMAT")
    assert until in " ".join(notice.text().split())
    assert notice.find("a", href="/comment-policy/#rule-4") is not None
    assert policy_rule(4).title in notice.text()
    assert "third warning" not in response.content.decode()
    # No textarea at all: the page script then neither restores nor clears the draft it keeps
    # in sessionStorage (static/js/site.js touches drafts only through a comment form's body).
    assert doc.find("textarea", name="body") is None
    assert doc.find("form", cls="comment-form") is None


def test_a_banned_reader_sees_the_ban_notice_on_the_permalink_too():
    reader = make_user()
    comment = make_comment()
    user_sanction(user=reader, kind=Sanction.Kind.BAN, rule=policy_rule(2),
                  moderator=make_moderator())  # fmt: skip

    response = as_user(reader).get(comment.get_absolute_url())

    doc = parse_html(response.content)
    notice = doc.find(cls="sanction-notice")
    assert "banned" in notice.text()
    assert notice.find("a", href="/comment-policy/#rule-2") is not None
    assert doc.find("textarea", name="body") is None


def test_a_lifted_or_ended_sanction_gives_the_form_back():
    reader = make_user()
    article = make_article()
    sanction_lift(sanction=suspend(reader), moderator=make_moderator())
    Sanction.objects.create(user=reader, kind=Sanction.Kind.SUSPENSION, rule=policy_rule(2),
                            until=timezone.now() - timedelta(minutes=1))  # fmt: skip

    response = as_user(reader).get(article.get_absolute_url())

    doc = parse_html(response.content)
    assert doc.find(cls="sanction-notice") is None
    assert doc.find("textarea", name="body") is not None


def test_another_readers_page_keeps_its_form():
    suspend(make_user())
    article = make_article()

    doc = parse_html(as_user(make_user()).get(article.get_absolute_url()).content)

    assert doc.find(cls="sanction-notice") is None
    assert doc.find("textarea", name="body") is not None


def test_the_notice_costs_no_query_on_the_signed_in_article_page(django_assert_max_num_queries):
    article = make_article()
    for _ in range(5):
        make_comment(article)
    free, suspended = make_user(), make_user()
    suspend(suspended)
    counts = {}
    for name, reader in (("free", free), ("suspended", suspended)):
        client = as_user(reader)
        client.get(article.get_absolute_url())  # the session and the fragment, once
        with django_assert_max_num_queries(PAGE_QUERY_BOUND) as captured:
            response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        counts[name] = len(captured)

    assert counts["suspended"] == counts["free"]
    assert "sanction-notice" in response.content.decode()


def test_the_sanction_list_shows_rule_and_private_note_to_moderators():
    listed = make_user(username="listed_one", display_name="Listed One")
    suspend(listed, rule=4)

    response = as_user(make_moderator()).get("/admin/discussions/sanction/")

    assert response.status_code == 200
    content = response.content.decode()
    assert str(listed) in content
    assert policy_rule(4).title in content
    assert "third warning" in content
