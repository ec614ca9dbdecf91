"""@mentions: which names a comment mentions, the links in its stored HTML, the form's limit."""

from urllib.parse import unquote

import pytest
from django.urls import resolve, reverse

from core.text import USER_LINK_REL, render_comment
from discussions.mentions import (
    MENTION_LIMIT,
    link_mentions,
    mention_link,
    mention_names,
    mentioned_users,
    render_body,
)
from discussions.models import Comment
from discussions.services import comment_edit
from tests.factories import make_article, make_comment, make_user, parse_html
from tests.security.inert import assert_inert


def mention_links(html: str) -> dict[str, str]:
    """Return the mention links of rendered HTML, text -> href."""
    return {a.text(): a.attrs["href"] for a in parse_html(html).find_all("a", cls="mention")}


# Which names a text mentions (no database) -------------------------------------------------


def test_mention_names_are_each_name_once_in_order_compared_without_case():
    body = "@Bob, see what @alice said.\n\n@bob and @ALICE agree? @carol_1"

    assert mention_names(body) == ["Bob", "alice", "carol_1"]


def test_mention_names_skip_inline_code_links_fenced_code_and_email_addresses():
    body = (
        "`@incode` and [@linked](https://example.org/) and <https://example.org/@auto>\n"
        "write to a@b.com or <mail@example.org>, see https://host.example/@path\n\n"
        "```\n@fenced\n```\n\n"
        "but @real counts"
    )

    assert mention_names(body) == ["real"]


@pytest.mark.parametrize(
    ("body", "names"),
    [
        ("Thanks @bob.", ["bob"]),
        ("(@bob) and @bob-, @jo.ann!", ["bob", "jo.ann"]),
        ("@bob@example.org is an address, @@double is nothing", []),
        ("*@em* and **@strong** mention", ["em", "strong"]),
        ("> @quoted\n\n- @listed", ["quoted", "listed"]),
        ("first line\n@second", ["second"]),
        ("x*y*@z looks like an address", []),
        ("no mentions at all", []),
        ("@", []),
        ("@김민준 and @李明", ["김민준", "李明"]),
        ("@" + "a" * 151, []),
    ],
)
def test_mention_names_read_the_text_as_it_renders(body, names):
    assert mention_names(body) == names


# Accounts and links ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_mentioned_users_are_the_active_accounts_named_at_most_the_limit():
    named = [make_user(username=f"named{n}") for n in range(MENTION_LIMIT + 2)]
    make_user(username="gone", is_active=False)
    body = "@nobody @gone " + " ".join(f"@{user.username}" for user in named)

    assert mentioned_users(body) == named[:MENTION_LIMIT]
    assert mentioned_users("nobody here") == []


@pytest.mark.django_db
def test_mentioned_users_match_without_case_and_prefer_the_exact_username():
    lower = make_user(username="minji")
    upper = make_user(username="MinJi")
    kim = make_user(username="kim")

    assert mentioned_users("@MINJI") == [lower]
    assert mentioned_users("@MinJi") == [upper]
    assert mentioned_users("@KIM and @kim") == [kim]


@pytest.mark.django_db
def test_a_posted_comment_links_mentions_of_accounts_and_leaves_unknown_names_plain():
    bob = make_user(username="bob", display_name="Bob Lee")
    comment = make_comment(body="Agree with @Bob, not with @nobody. Mail bob@example.org.")

    assert mention_links(comment.body_html) == {"@Bob": "/users/bob/"}
    link = parse_html(comment.body_html).find("a", cls="mention")
    assert link.attrs["rel"] == USER_LINK_REL
    assert link.attrs["href"] == reverse("discussions:profile", args=[bob.username])
    text = parse_html(comment.body_html).text()
    assert "@nobody" in text
    assert "bob@example.org" in text
    assert comment.body == "Agree with @Bob, not with @nobody. Mail bob@example.org."


@pytest.mark.django_db
def test_mentions_inside_code_links_and_addresses_stay_as_they_rendered():
    make_user(username="bob")
    body = "`@bob` [@bob](https://example.org/) <bob@example.org> x@bob.com\n\n```\n@bob\n```"
    comment = make_comment(body=body)

    assert comment.body_html == render_comment(body)
    assert mention_links(comment.body_html) == {}


@pytest.mark.django_db
def test_mention_linking_keeps_the_rest_of_the_markup_as_rendered():
    make_user(username="bob")
    body = "**Hi** @bob & <friends>\n\n> quoting @bob\n\n3. third\n4. `@bob` is code"
    rendered = render_comment(body)

    linked = render_body(body)

    link = mention_link("bob", "@bob")
    expected = rendered.replace("@bob &amp;", f"{link} &amp;").replace(
        "quoting @bob", f"quoting {link}"
    )
    assert linked == expected
    assert linked.count('class="mention"') == 2


@pytest.mark.django_db
def test_a_comment_without_mentions_renders_exactly_as_before(django_assert_num_queries):
    body = "Plain *text* with an address, a@b.com, and `code`."
    with django_assert_num_queries(0):
        assert render_body(body) == render_comment(body)
        assert link_mentions(render_comment(body)) == render_comment(body)


@pytest.mark.django_db
def test_an_edit_links_the_mentions_of_its_new_text():
    author = make_user()
    make_user(username="alice")
    comment = make_comment(author=author, body="First take.")

    edited = comment_edit(comment=comment, user=author, body="Second take, @alice.")

    assert mention_links(edited.body_html) == {"@alice": "/users/alice/"}


@pytest.mark.django_db
def test_unicode_and_punctuated_usernames_link_to_their_reversed_profile_url():
    korean = make_user(username="김민준")
    dotted = make_user(username="jo.ann+1")
    comment = make_comment(body="@김민준 and @jo.ann+1")

    assert mention_links(comment.body_html) == {
        "@김민준": reverse("discussions:profile", args=[korean.username]),
        "@jo.ann+1": reverse("discussions:profile", args=[dotted.username]),
    }
    assert mention_links(comment.body_html)["@김민준"].startswith("/users/%EA%B9%80")


@pytest.mark.parametrize(
    "username",
    ['"><script>alert(1)</script>', "x' onmouseover='alert(1)", "a&b<i>c", "javascript:x"],
)
def test_a_mention_link_escapes_and_quotes_a_hostile_username(username):
    html = f"<p>{mention_link(username, '@' + username)}</p>"

    doc = assert_inert(f'<div class="comment-text">{html}</div>', "mention link")
    links = doc.find_all("a")
    assert len(links) == 1
    assert links[0].text() == "@" + username
    href = links[0].attrs["href"]
    assert href == reverse("discussions:profile", args=[username])
    assert resolve(unquote(href)).kwargs == {"username": username}
    assert doc.find("script") is None and doc.find("i") is None


@pytest.mark.django_db
def test_a_mentioning_comment_on_the_article_page_links_to_a_profile_that_answers(client):
    article = make_article()
    make_user(username="alice", display_name="Alice Park")
    make_comment(article, body="Hello @alice")

    response = client.get(article.get_absolute_url())

    doc = assert_inert(response.content, "article page with a mention")
    link = doc.find(cls="comment-text").find("a", cls="mention")
    assert link.attrs["href"] == "/users/alice/"
    assert client.get(link.attrs["href"]).status_code == 200


# The form's limit -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_more_mentions_than_the_limit_is_a_form_error_and_nothing_is_posted(signed_in, article):
    names = [make_user(username=f"friend{n}").username for n in range(MENTION_LIMIT + 1)]
    body = "Calling " + ", ".join(f"@{name}" for name in names)

    response = signed_in.post(f"{article.get_absolute_url()}comments/", {"body": body})

    assert response.status_code == 400
    message = (
        f"A comment can mention at most {MENTION_LIMIT} people "
        f"(this one mentions {MENTION_LIMIT + 1})."
    )
    assert message in response.content.decode()
    assert not Comment.objects.filter(article=article).exists()


@pytest.mark.django_db
def test_mentions_up_to_the_limit_are_posted_and_linked(signed_in, article):
    names = [make_user(username=f"pal{n}").username for n in range(MENTION_LIMIT)]
    body = "Calling @" + " @".join(names) + " @PAL0"

    response = signed_in.post(f"{article.get_absolute_url()}comments/", {"body": body})

    assert response.status_code == 302
    comment = Comment.objects.get(article=article)
    links = mention_links(comment.body_html)
    assert links == {**{f"@{name}": f"/users/{name}/" for name in names}, "@PAL0": "/users/pal0/"}


@pytest.mark.django_db
def test_an_edit_with_too_many_mentions_is_refused(signed_in, user, article):
    comment = make_comment(article, author=user, body="Short.")
    body = " ".join(f"@someone{n}" for n in range(MENTION_LIMIT + 1))

    response = signed_in.post(f"/comments/{comment.pk}/edit/", {"body": body})

    assert response.status_code == 400
    assert f"at most {MENTION_LIMIT} people" in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Short."
