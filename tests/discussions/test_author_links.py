"""Each comment's author name links to /users/<username>/ when the author has an account."""

import pytest
from django.urls import reverse

from accounts.services import user_set_display_name
from discussions import markup
from discussions.models import Comment
from discussions.pages import thread_fragment
from discussions.services import comment_moderate
from tests.factories import (
    enclosing_comment_id,
    make_comment,
    make_moderator,
    make_user,
    parse_html,
    set_comment_status,
    thread_comments,
)
from tests.security.inert import assert_inert

pytestmark = pytest.mark.django_db

ARTICLE_PAGE_QUERY_BOUND = 8


def author_of(element):
    """Return the author element of a thread comment and its profile link (or None)."""
    author = element.find(itemprop="author")
    return author, author.find("a")


def guest_comment(article, *, name="Old Guest"):
    """Return a comment whose author is a guest (as imported comments are)."""
    comment = make_comment(article)
    Comment.objects.filter(pk=comment.pk).update(author=None, guest_name=name)
    markup.refresh([comment.pk])
    return comment


def test_an_account_authors_name_links_to_its_profile_in_the_thread(client, article):
    author = make_user(username="minji", display_name="Kim Min-ji")
    comment = make_comment(article, author=author)
    reply = make_comment(article, parent=comment, author=make_user(display_name=""))

    response = client.get(article.get_absolute_url())

    shown = thread_comments(assert_inert(response.content, "article page"))
    element, link = author_of(shown[comment.pk])
    assert element.text() == "Kim Min-ji"  # contract: itemprop="author" holds the name as text
    assert element.tag == "span" and "comment-author" in element.classes
    assert link.attrs == {"href": "/users/minji/"}
    assert link.text() == "Kim Min-ji"
    reply_author, reply_link = author_of(shown[reply.pk])
    assert reply_link.attrs["href"] == f"/users/{reply.author.username}/"
    assert reply_author.text() == reply.author.username  # no display name: the username
    assert client.get(link.attrs["href"]).status_code == 200


def test_guests_and_inactive_accounts_keep_plain_names(client, article):
    guest = guest_comment(article)
    gone = make_comment(article, author=make_user(display_name="Gone Reader", is_active=False))

    shown = thread_comments(parse_html(client.get(article.get_absolute_url()).content))

    for comment, name in ((guest, "Old Guest"), (gone, "Gone Reader")):
        element, link = author_of(shown[comment.pk])
        assert element.text() == name
        assert link is None


def test_profile_links_are_quoted_like_reverse_and_names_escaped(client, article):
    korean = make_user(username="김민준", display_name='<b>"Min"</b> & co')
    dotted = make_user(username="jo.ann+1@home", display_name="")
    comments = [make_comment(article, author=korean), make_comment(article, author=dotted)]

    html = thread_fragment(article, sort="oldest", page=1).html.decode()

    shown = thread_comments(assert_inert(html, "thread"))
    for comment in comments:
        element, link = author_of(shown[comment.pk])
        assert link.attrs["href"] == reverse("discussions:profile", args=[comment.author.username])
        assert element.text() == comment.display_name
    assert "&lt;b&gt;&#34;Min&#34;&lt;/b&gt; &amp; co" in html
    assert client.get(reverse("discussions:profile", args=["김민준"])).status_code == 200
    assert client.get(reverse("discussions:profile", args=["jo.ann+1@home"])).status_code == 200


def test_a_placeholder_shows_no_author_link(article):
    removed = make_comment(article, author=make_user(username="removed-author"))
    reply = make_comment(article, parent=removed)
    set_comment_status(removed, Comment.Status.REMOVED)
    article.refresh_from_db()

    html = thread_fragment(article, sort="oldest", page=1).html.decode()

    placeholder = thread_comments(parse_html(html))[removed.pk]
    assert "comment-placeholder" in placeholder.classes
    authors = placeholder.find_all(itemprop="author")
    assert [enclosing_comment_id(el) for el in authors] == [reply.pk]  # the reply's only
    assert "/users/removed-author/" not in html


def test_the_permalink_links_the_author_in_its_heading_and_thread(client, article):
    author = make_user(username="haneul", display_name="Ha-neul")
    comment = make_comment(article, author=author)
    guest = guest_comment(article)

    doc = parse_html(client.get(comment.get_absolute_url()).content)

    assert doc.find("h1").find("a").attrs["href"] == "/users/haneul/"
    assert doc.find("h1").text() == "Comment by Ha-neul"
    _, link = author_of(thread_comments(doc)[comment.pk])
    assert link.attrs["href"] == "/users/haneul/"
    guest_doc = parse_html(client.get(guest.get_absolute_url()).content)
    assert guest_doc.find("h1").find("a") is None
    assert guest_doc.find("h1").text() == "Comment by Old Guest"


def test_editors_picks_and_quoted_comments_link_their_authors(client, signed_in, article):
    author = make_user(username="picked", display_name="Picked Reader")
    comment = make_comment(article, author=author)
    guest = guest_comment(article, name="Picked Guest")
    moderator = make_moderator()
    for pick in (comment, guest):
        comment_moderate(comment=pick, moderator=moderator, action="feature")

    doc = parse_html(client.get(article.get_absolute_url()).content)
    metas = {li.find(cls="pick-meta").text(): li for li in doc.find_all("li", cls="pick")}
    picked = next(li for text, li in metas.items() if "Picked Reader" in text)
    assert picked.find(cls="pick-meta").find("a").attrs["href"] == "/users/picked/"
    guest_pick = next(li for text, li in metas.items() if "Picked Guest" in text)
    assert [a.attrs["href"] for a in guest_pick.find(cls="pick-meta").find_all("a")] == [
        f"/comments/{guest.pk}/"
    ]

    flag_page = parse_html(signed_in.get(f"/comments/{comment.pk}/flag/").content)
    quoted = flag_page.find(cls="quoted-meta")
    assert quoted.find("a").attrs["href"] == "/users/picked/"
    assert quoted.find("a").text() == "Picked Reader"


def test_a_name_change_reaches_the_cached_thread_links(client, article):
    author = make_user(username="renamer", display_name="Before")
    comment = make_comment(article, author=author)
    client.get(article.get_absolute_url())  # cached

    user_set_display_name(user=author, display_name="After")

    shown = thread_comments(parse_html(client.get(article.get_absolute_url()).content))
    element, link = author_of(shown[comment.pk])
    assert element.text() == "After"
    assert link.attrs["href"] == "/users/renamer/"


def test_author_links_cost_no_query_on_the_article_page(
    signed_in, article, django_assert_max_num_queries
):
    make_comment(article, author=make_user())
    with django_assert_max_num_queries(ARTICLE_PAGE_QUERY_BOUND) as few:
        signed_in.get(article.get_absolute_url())

    authors = [make_user() for _ in range(12)]
    for n in range(40):
        make_comment(article, author=authors[n % len(authors)])
    guest_comment(article)
    with django_assert_max_num_queries(ARTICLE_PAGE_QUERY_BOUND) as many:
        response = signed_in.get(article.get_absolute_url())

    assert len(many) == len(few)
    links = [author_of(el)[1] for el in thread_comments(parse_html(response.content)).values()]
    assert sum(link is not None for link in links) == 41


def test_a_username_made_outside_sign_up_still_links_on_every_page(client, signed_in, article):
    odd = make_user(username='a/b"<script>x</script>', display_name="Odd Name")
    comment = make_comment(article, author=odd)
    href = reverse("discussions:profile", args=[odd.username])

    for url in (article.get_absolute_url(), comment.get_absolute_url()):
        doc = assert_inert(client.get(url).content, url)
        assert author_of(thread_comments(doc)[comment.pk])[1].attrs["href"] == href
    flag_page = signed_in.get(f"/comments/{comment.pk}/flag/")
    assert flag_page.status_code == 200
    assert parse_html(flag_page.content).find(cls="quoted-meta").find("a").attrs["href"] == href
    profile = client.get(href)
    assert profile.status_code == 200
    assert parse_html(profile.content).find("h1").text() == "Odd Name"
