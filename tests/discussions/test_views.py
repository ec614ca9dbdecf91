"""Posting comments, permalinks, the discussion markup and the article page's query bound."""

from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from discussions.models import MAX_BODY_LENGTH, Comment, PolicyRule
from discussions.services import vote_cast
from discussions.sorts import Sort
from tests.factories import (
    PASSWORD,
    enclosing_comment_id,
    make_article,
    make_comment,
    make_discussion,
    make_thread,
    make_user,
    parse_html,
    set_comment_status,
    thread_comments,
)

pytestmark = pytest.mark.django_db

SORTS = Sort.values

# Most SQL queries one article page may issue, whatever the size of its discussion.
PAGE_QUERY_BOUND = 8


def comments_url(article) -> str:
    return f"/articles/{article.slug}/comments/"


def own_props(el, prop: str) -> list:
    """Return the itemprop=prop elements that belong to this comment, not to its replies."""
    comment_id = int(el.attrs["id"].removeprefix("comment-"))
    return [
        found for found in el.find_all(itemprop=prop) if enclosing_comment_id(found) == comment_id
    ]


def error_text(response) -> str:
    """Return the text of the form errors shown on a page."""
    doc = parse_html(response.content)
    return " ".join(el.text() for el in doc.find_all(cls="form-errors"))


# Posting ----------------------------------------------------------------------------------


def test_posted_comment_redirects_to_its_anchor_and_renders_there(signed_in, user, article):
    response = signed_in.post(comments_url(article), {"body": "Quiet cars are overdue."})

    comment = Comment.objects.get(article=article)
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{comment.pk}"
    page = signed_in.get(response["Location"])
    element = thread_comments(parse_html(page.content))[comment.pk]
    assert own_props(element, "author")[0].text().strip() == user.display_name
    assert own_props(element, "text")[0].text().strip() == "Quiet cars are overdue."


def test_posted_reply_renders_inside_its_parent(signed_in, article):
    parent = make_comment(article)

    response = signed_in.post(
        comments_url(article), {"body": "I disagree.", "parent": str(parent.pk)}
    )

    reply = Comment.objects.get(parent=parent)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{reply.pk}")
    page = signed_in.get(response["Location"])
    comments = thread_comments(parse_html(page.content))
    assert enclosing_comment_id(comments[reply.pk]) == parent.pk
    assert comments[reply.pk].attrs["data-depth"] == "1"


def test_reply_too_deep_for_the_article_page_lands_on_the_permalink(signed_in, article):
    chain = make_thread(article, depth=12)

    response = signed_in.post(
        comments_url(article), {"body": "Deep down here.", "parent": str(chain[-1].pk)}
    )

    reply = Comment.objects.get(parent=chain[-1])
    location = urlsplit(response["Location"])
    assert response.status_code == 302
    assert location.path == f"/comments/{reply.pk}/"
    assert location.fragment == f"comment-{reply.pk}"
    page = signed_in.get(response["Location"])
    assert reply.pk in thread_comments(parse_html(page.content))


@pytest.mark.parametrize("sort", ["best", "oldest"])
def test_post_on_a_later_discussion_page_lands_on_that_page(signed_in, article, settings, sort):
    settings.CROSSTALK = {**settings.CROSSTALK, "PAGE_COMMENT_BUDGET": 3}
    for _ in range(7):
        make_comment(article)

    response = signed_in.post(comments_url(article), {"body": "Late to the party", "sort": sort})

    comment = Comment.objects.get(body="Late to the party")
    assert response.status_code == 302
    assert urlsplit(response["Location"]).fragment == f"comment-{comment.pk}"
    page = signed_in.get(response["Location"])
    assert comment.pk in thread_comments(parse_html(page.content))


def test_anonymous_post_redirects_to_login_and_login_returns_to_the_article(client, article):
    user = make_user()

    response = client.post(comments_url(article), {"body": "Hello"})

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/accounts/login/"
    next_url = parse_qs(location.query)["next"][0]
    assert urlsplit(next_url).path == article.get_absolute_url()
    assert not Comment.objects.exists()

    login = client.post(
        "/accounts/login/", {"username": user.username, "password": PASSWORD, "next": next_url}
    )
    assert login.status_code == 302
    assert urlsplit(login["Location"]).path == article.get_absolute_url()
    page = client.get(login["Location"])
    assert page.status_code == 200
    assert page.context["user"] == user


def test_post_to_unknown_article_is_404(signed_in):
    response = signed_in.post("/articles/no-such-story/comments/", {"body": "Hello"})

    assert response.status_code == 404
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [{"status": "draft"}, {"published_at": timezone.now() + timedelta(days=3)}],
    ids=["draft", "future"],
)
def test_post_to_unpublished_article_is_404(signed_in, overrides):
    article = make_article(**overrides)

    response = signed_in.post(comments_url(article), {"body": "Hello"})

    assert response.status_code == 404
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"comments_open": False},
        {"close_comments_after_days": 2, "published_at": timezone.now() - timedelta(days=3)},
    ],
    ids=["closed-by-editor", "closed-by-age"],
)
def test_post_to_closed_discussion_is_403_and_says_so(signed_in, overrides):
    article = make_article(**overrides)

    response = signed_in.post(comments_url(article), {"body": "Hello"})

    assert response.status_code == 403
    assert "closed" in response.content.decode().lower()
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    ("parent", "message"),
    [
        ("abc", "not a valid comment number"),
        ("1.5", "not a valid comment number"),
        ("-3", "not a valid comment number"),
        ("99999999999999999999999", "not a valid comment number"),
        ("987654321", "does not exist in this discussion"),
    ],
)
def test_bad_parent_is_400_with_a_message_and_writes_nothing(signed_in, article, parent, message):
    make_comment(article)

    response = signed_in.post(comments_url(article), {"body": "Hello", "parent": parent})

    assert response.status_code == 400
    assert message in error_text(response)
    assert Comment.objects.count() == 1


def test_reply_to_comment_of_other_article_is_rejected(signed_in, article):
    elsewhere = make_comment(make_article())

    response = signed_in.post(comments_url(article), {"body": "Hello", "parent": str(elsewhere.pk)})

    assert response.status_code == 400
    assert "does not exist in this discussion" in error_text(response)
    assert not Comment.objects.filter(article=article).exists()
    assert not elsewhere.children.exists()


def test_reply_to_deleted_comment_is_rejected_and_writes_nothing(signed_in, article):
    parent = make_comment(article)
    set_comment_status(parent, Comment.Status.DELETED)

    response = signed_in.post(comments_url(article), {"body": "Hello", "parent": str(parent.pk)})

    assert 400 <= response.status_code < 500
    assert "no longer in the discussion" in error_text(response)
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("body", ["", "   ", "\n\t \r\n"], ids=["empty", "spaces", "blank"])
def test_empty_body_is_400_form_error(signed_in, article, body):
    response = signed_in.post(comments_url(article), {"body": body})

    assert response.status_code == 400
    assert "empty" in error_text(response)
    assert not Comment.objects.exists()


def test_body_over_the_limit_is_400_naming_the_limit(signed_in, article):
    response = signed_in.post(comments_url(article), {"body": "a" * (MAX_BODY_LENGTH + 1)})

    assert response.status_code == 400
    errors = error_text(response)
    assert str(MAX_BODY_LENGTH) in errors or f"{MAX_BODY_LENGTH:,}" in errors
    assert not Comment.objects.exists()


def test_body_at_the_limit_is_accepted(signed_in, article):
    response = signed_in.post(comments_url(article), {"body": "a" * MAX_BODY_LENGTH})

    assert response.status_code == 302
    assert len(Comment.objects.get().body) == MAX_BODY_LENGTH


@pytest.mark.parametrize(
    "control",
    ["\x00", "\x01", "\x07", "\x1b", "\x7f", "\x85"],
    ids=["nul", "soh", "bell", "escape", "delete", "c1-nel"],
)
def test_control_characters_in_body_are_400_form_error(signed_in, article, control):
    response = signed_in.post(comments_url(article), {"body": f"Hello{control}world"})

    assert response.status_code == 400
    assert error_text(response).strip()
    assert not Comment.objects.exists()


def test_hangul_chinese_and_emoji_round_trip_exactly(signed_in, article):
    body = "지하철 조용한 칸, 드디어! 安静车厢终于来了 🚇🤫 👨\u200d👩\u200d👧 👍🏽"

    response = signed_in.post(comments_url(article), {"body": body})

    comment = Comment.objects.get()
    assert comment.body == body
    page = signed_in.get(response["Location"])
    element = thread_comments(parse_html(page.content))[comment.pk]
    assert own_props(element, "text")[0].text().strip() == body


def test_status_and_counter_fields_in_the_post_are_ignored(signed_in, user, article):
    other = make_user()

    signed_in.post(
        comments_url(article),
        {
            "body": "Hello",
            "status": "removed",
            "upvotes": "50",
            "downvotes": "7",
            "author": str(other.pk),
            "article": str(make_article().pk),
        },
    )

    comment = Comment.objects.get()
    assert comment.status == Comment.Status.VISIBLE
    assert (comment.upvotes, comment.downvotes) == (0, 0)
    assert comment.author == user
    assert comment.article == article


def test_get_on_the_comments_url_writes_nothing(signed_in, article):
    response = signed_in.get(comments_url(article), {"body": "Hello"})

    assert response.status_code in (302, 405)
    assert not Comment.objects.exists()


def test_post_without_csrf_token_is_403_and_writes_nothing(user, article):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post(comments_url(article), {"body": "Hello"})

    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_post_with_csrf_token_is_accepted(user, article):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    page = client.get(article.get_absolute_url())
    token = parse_html(page.content).find("input", name="csrfmiddlewaretoken").attrs["value"]

    response = client.post(comments_url(article), {"body": "Hello", "csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert Comment.objects.filter(article=article).count() == 1


def test_rendered_comment_links_carry_ugc_rel(signed_in, article):
    response = signed_in.post(
        comments_url(article), {"body": "See [the survey](https://example.org/survey)."}
    )

    comment = Comment.objects.get()
    page = signed_in.get(response["Location"])
    element = thread_comments(parse_html(page.content))[comment.pk]
    link = own_props(element, "text")[0].find("a", href="https://example.org/survey")
    assert set(link.attrs["rel"].split()) == {"nofollow", "ugc", "noopener", "noreferrer"}


def test_nul_byte_in_parent_is_400_and_writes_nothing(signed_in, article):
    response = signed_in.post(comments_url(article), {"body": "Hello", "parent": "1\x00"})

    assert response.status_code == 400
    assert error_text(response).strip()
    assert not Comment.objects.exists()


def test_body_that_is_not_utf8_never_causes_a_server_error(signed_in, article):
    response = signed_in.post(
        comments_url(article),
        b"body=%ED%A0%80caf%FF%FE",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code in (302, 400)
    for comment in Comment.objects.all():
        assert not any("\ud800" <= ch <= "\udfff" for ch in comment.body)


def test_posting_to_article_with_unicode_slug_lands_on_the_comment(signed_in):
    article = make_article(slug="서울-지하철-조용한-칸")

    response = signed_in.post(article.get_absolute_url() + "comments/", {"body": "좋아요"})

    comment = Comment.objects.get(article=article)
    assert response.status_code == 302
    page = signed_in.get(response["Location"])
    assert page.status_code == 200
    assert comment.pk in thread_comments(parse_html(page.content))


def test_posting_with_a_sort_lands_on_that_sort(signed_in, article):
    response = signed_in.post(comments_url(article), {"body": "Sorted", "sort": "newest"})

    comment = Comment.objects.get()
    location = urlsplit(response["Location"])
    assert parse_qs(location.query)["sort"] == ["newest"]
    assert location.fragment == f"comment-{comment.pk}"
    page = signed_in.get(response["Location"])
    assert comment.pk in thread_comments(parse_html(page.content))


@pytest.mark.parametrize("page", ["abc", "-1", "0", "99999999999999999999", "٣"])
def test_odd_discussion_page_values_show_the_discussion(client, article, page):
    comment = make_comment(article)

    response = client.get(article.get_absolute_url(), {"page": page, "sort": "top"})

    assert response.status_code == 200
    assert comment.pk in thread_comments(parse_html(response.content))


# Permalink --------------------------------------------------------------------------------


def test_permalink_shows_comment_with_its_ancestors_nested_and_its_replies(client, article):
    chain = make_thread(article, depth=3)
    root, middle, focus, reply = chain
    second_reply = make_comment(article, parent=focus)

    response = client.get(f"/comments/{focus.pk}/")

    assert response.status_code == 200
    comments = thread_comments(parse_html(response.content))
    assert enclosing_comment_id(comments[root.pk]) is None
    assert enclosing_comment_id(comments[middle.pk]) == root.pk
    assert enclosing_comment_id(comments[focus.pk]) == middle.pk
    assert enclosing_comment_id(comments[reply.pk]) == focus.pk
    assert enclosing_comment_id(comments[second_reply.pk]) == focus.pk


def test_permalink_offers_a_reply_where_the_service_takes_one(signed_in, user, article):
    pending = make_comment(article, author=user)
    set_comment_status(pending, Comment.Status.PENDING)
    removed = make_comment(article)
    set_comment_status(removed, Comment.Status.REMOVED)

    own_pending = parse_html(signed_in.get(f"/comments/{pending.pk}/").content)
    gone = parse_html(signed_in.get(f"/comments/{removed.pk}/").content)

    # The author sees their comment awaiting review, and may answer it as on the article page.
    assert own_pending.find(id="reply") is not None
    assert gone.find(id="reply") is None
    # Another reader sees it as a placeholder (its visible reply keeps its place): no author
    # named, no reply offered.
    make_comment(article, parent=pending, body="Visible under it")
    other = Client()
    other.force_login(make_user())
    page = other.get(f"/comments/{pending.pk}/")
    assert page.status_code == 200
    seen = parse_html(page.content)
    assert seen.find(id="reply") is None
    assert user.public_name not in seen.find(cls="page-title").text()
    response = signed_in.post(comments_url(article), {"body": "An addendum.", "parent": pending.pk})
    assert response.status_code == 302
    assert Comment.objects.filter(parent=pending, body="An addendum.").exists()
    response = signed_in.post(comments_url(article), {"body": "Too late.", "parent": removed.pk})
    assert response.status_code == 409
    assert not Comment.objects.filter(parent=removed).exists()


def test_permalink_of_unknown_comment_is_404(client, db):
    assert client.get("/comments/987654321/").status_code == 404


@pytest.mark.parametrize(
    "overrides",
    [{"status": "draft"}, {"published_at": timezone.now() + timedelta(days=3)}],
    ids=["draft", "future"],
)
def test_permalink_of_comment_on_unpublished_article_is_404(client, overrides):
    comment = make_comment(make_article(**overrides))

    assert client.get(f"/comments/{comment.pk}/").status_code == 404


def test_permalink_of_deleted_comment_without_replies_is_404(client, article):
    comment = make_comment(article)
    set_comment_status(comment, Comment.Status.DELETED)

    assert client.get(f"/comments/{comment.pk}/").status_code == 404


def test_permalink_of_unrepresentably_large_id_is_404(client, db):
    assert client.get("/comments/99999999999999999999999/").status_code == 404


def test_permalink_of_reply_under_deleted_parent_shows_a_placeholder_ancestor(client, article):
    parent = make_comment(article, body="Words that were deleted")
    reply = make_comment(article, parent=parent, body="The reply stays")
    set_comment_status(parent, Comment.Status.DELETED)

    response = client.get(f"/comments/{reply.pk}/")

    assert response.status_code == 200
    comments = thread_comments(parse_html(response.content))
    assert own_props(comments[parent.pk], "text") == []
    assert enclosing_comment_id(comments[reply.pk]) == parent.pk
    assert "Words that were deleted" not in response.content.decode()


# Markup -----------------------------------------------------------------------------------


def test_each_comment_carries_the_contract_markup(client, article):
    author = make_user(display_name="Lee Ji-eun")
    comment = make_comment(article, author=author, body="Finally, *quiet*.")
    for value in (1, 1, -1):
        vote_cast(comment=comment, user=make_user(), value=value)

    response = client.get(article.get_absolute_url())

    element = thread_comments(parse_html(response.content))[comment.pk]
    assert element.tag == "article"
    assert element.attrs["data-depth"] == "0"
    assert "itemscope" in element.attrs
    assert element.attrs["itemtype"] == "https://schema.org/Comment"
    assert own_props(element, "author")[0].text().strip() == "Lee Ji-eun"
    created = own_props(element, "dateCreated")[0]
    assert created.tag == "time"
    # Rendered to the millisecond (isoformat(timespec="milliseconds")).
    to_ms = comment.created_at.microsecond // 1000 * 1000
    assert datetime.fromisoformat(created.attrs["datetime"]) == comment.created_at.replace(
        microsecond=to_ms
    )
    text = own_props(element, "text")[0]
    assert text.find("em").text() == "quiet"
    assert own_props(element, "upvoteCount")[0].text().strip() == "2"
    assert own_props(element, "downvoteCount")[0].text().strip() == "1"


def test_comment_ids_are_unique_on_the_article_page(client, article):
    make_discussion(article, count=30)

    response = client.get(article.get_absolute_url())

    ids = [el.attrs["id"] for el in parse_html(response.content).iter() if "id" in el.attrs]
    assert len(ids) == len(set(ids))


def test_dom_nesting_follows_the_tree(client, article):
    comments = make_discussion(article, count=60)

    response = client.get(article.get_absolute_url())

    elements = thread_comments(parse_html(response.content))
    assert set(elements) == {c.pk for c in comments}
    for comment in comments:
        comment.refresh_from_db()
        element = elements[comment.pk]
        assert enclosing_comment_id(element) == comment.parent_id
        assert element.attrs["data-depth"] == str(comment.level)


@pytest.mark.parametrize("status", [Comment.Status.DELETED, Comment.Status.REMOVED])
def test_hidden_comment_with_visible_replies_stays_as_placeholder(client, article, status):
    parent = make_comment(article, body="The hidden opinion")
    reply = make_comment(article, parent=parent, body="A visible answer")
    set_comment_status(parent, status)

    response = client.get(article.get_absolute_url())

    elements = thread_comments(parse_html(response.content))
    placeholder = elements[parent.pk]
    assert placeholder.tag == "article"
    assert placeholder.attrs["data-depth"] == "0"
    assert placeholder.attrs["itemtype"] == "https://schema.org/Comment"
    assert own_props(placeholder, "author") == []
    assert own_props(placeholder, "text") == []
    assert "The hidden opinion" not in response.content.decode()
    assert enclosing_comment_id(elements[reply.pk]) == parent.pk
    assert own_props(elements[reply.pk], "text")[0].text().strip() == "A visible answer"


def test_hidden_comment_without_visible_replies_disappears(client, article):
    parent = make_comment(article, body="The hidden opinion")
    reply = make_comment(article, parent=parent, body="The hidden answer")
    kept = make_comment(article, body="Still here")
    set_comment_status(reply, Comment.Status.DELETED)
    set_comment_status(parent, Comment.Status.REMOVED)

    response = client.get(article.get_absolute_url())

    elements = thread_comments(parse_html(response.content))
    assert set(elements) == {kept.pk}
    content = response.content.decode()
    assert "The hidden opinion" not in content
    assert "The hidden answer" not in content


def test_comment_count_in_markup_equals_visible_comments(client, article):
    root = make_comment(article)
    make_comment(article, parent=root)
    gone = make_comment(article)
    removed = make_comment(article)
    make_comment(article, parent=removed)
    make_comment(article, status=Comment.Status.PENDING)
    set_comment_status(gone, Comment.Status.DELETED)
    set_comment_status(removed, Comment.Status.REMOVED)

    response = client.get(article.get_absolute_url())

    doc = parse_html(response.content)
    story = doc.find(itemtype="https://schema.org/NewsArticle")
    count = int(story.find(itemprop="commentCount").text().strip())
    shown = [el for el in thread_comments(doc).values() if own_props(el, "text")]
    assert count == len(shown) == 3


# The query bound --------------------------------------------------------------------------


def measure_article_page(client, article, django_assert_max_num_queries) -> dict[str, int]:
    """Return the queries of a cold (uncached) article page for every sort."""
    counts = {}
    for sort in SORTS:
        cache.clear()
        with django_assert_max_num_queries(PAGE_QUERY_BOUND) as captured:
            response = client.get(article.get_absolute_url(), {"sort": sort})
        assert response.status_code == 200
        counts[sort] = len(captured)
    return counts


def test_article_page_queries_do_not_grow_with_the_discussion(
    client, article, settings, django_assert_max_num_queries
):
    # Both discussions run to more than a page: one of a page or less skips the page trees
    # (tests/discussions/test_pages.py).
    settings.CROSSTALK = {**settings.CROSSTALK, "PAGE_COMMENT_BUDGET": 8}
    reader = make_user()
    signed_in = Client()
    signed_in.force_login(reader)
    comments = make_discussion(article, count=10)
    for comment in comments[:5]:
        vote_cast(comment=comment, user=reader, value=1)

    small_anonymous = measure_article_page(client, article, django_assert_max_num_queries)
    small_signed_in = measure_article_page(signed_in, article, django_assert_max_num_queries)
    comments += make_discussion(article, count=490)
    for comment in comments[5::10]:
        vote_cast(comment=comment, user=reader, value=-1)
    large_anonymous = measure_article_page(client, article, django_assert_max_num_queries)
    large_signed_in = measure_article_page(signed_in, article, django_assert_max_num_queries)

    assert Comment.objects.filter(article=article).count() == 500
    assert large_anonymous == small_anonymous
    assert large_signed_in == small_signed_in


def test_article_page_queries_for_a_reader_with_a_pending_comment_stay_bounded(
    article, settings, django_assert_max_num_queries
):
    settings.CROSSTALK = {**settings.CROSSTALK, "PAGE_COMMENT_BUDGET": 8}
    reader = make_user()
    client = Client()
    client.force_login(reader)
    make_comment(article, author=reader, status=Comment.Status.PENDING)
    make_discussion(article, count=10)
    with django_assert_max_num_queries(PAGE_QUERY_BOUND) as small:
        client.get(article.get_absolute_url())

    make_discussion(article, count=300)
    with django_assert_max_num_queries(PAGE_QUERY_BOUND) as large:
        response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    assert len(large) == len(small)


def test_cached_article_page_stays_within_the_bound(client, article, django_assert_max_num_queries):
    make_discussion(article, count=50)
    client.get(article.get_absolute_url())

    with django_assert_max_num_queries(PAGE_QUERY_BOUND):
        response = client.get(article.get_absolute_url())

    assert response.status_code == 200


def test_permalink_queries_do_not_grow_with_the_thread(
    client, article, django_assert_max_num_queries
):
    short = make_thread(article, depth=2)
    long = make_thread(article, depth=40)

    with django_assert_max_num_queries(PAGE_QUERY_BOUND) as small:
        client.get(f"/comments/{short[1].pk}/")
    with django_assert_max_num_queries(PAGE_QUERY_BOUND) as large:
        client.get(f"/comments/{long[20].pk}/")

    assert len(large) == len(small)


# Comment Policy ---------------------------------------------------------------------------


def test_comment_policy_lists_numbered_rules_with_anchors(client, db):
    rules = list(PolicyRule.objects.order_by("number"))

    response = client.get("/comment-policy/")

    assert response.status_code == 200
    assert rules, "the data migration installs the default rules"
    doc = parse_html(response.content)
    for rule in rules:
        item = doc.find(id=f"rule-{rule.number}")
        assert item is not None
        assert rule.title in item.text()
        assert any(a.tag == "ol" for a in item.ancestors())
    anchors = [el.attrs["id"] for el in doc.iter() if el.attrs.get("id", "").startswith("rule-")]
    assert anchors == [f"rule-{rule.number}" for rule in rules]


# No template syntax on a page ---------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "signed_in"])
def test_article_and_permalink_pages_print_no_template_syntax(user, article, who):
    # A comment that Django's templates do not end on its own line is printed as text (their
    # {# #} is one line only): the reader overlay's once was, on every article page.
    reader = Client()
    if who == "signed_in":
        reader.force_login(user)
    comment = make_comment(article, body="Quiet cars are overdue.")
    make_comment(article, parent=comment, body="They are.")
    for url in (article.get_absolute_url(), f"/comments/{comment.pk}/"):
        page = reader.get(url).content.decode()
        for syntax in ("{#", "#}", "{%", "%}"):
            assert syntax not in page, (url, syntax)
