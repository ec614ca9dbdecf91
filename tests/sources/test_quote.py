"""Quote a netizen: a reader's comment answers one of the article's source comments."""

import pytest

from discussions.models import Comment
from tests.factories import (
    make_article,
    make_comment,
    make_source_comment,
    make_user,
    parse_html,
    set_comment_status,
    thread_comments,
)


@pytest.fixture
def weibo(article):
    return make_source_comment(
        article, platform="weibo", text="Finally, night buses.", original_text="终于有夜班车了"
    )


def post(client, article, **fields):
    return client.post(f"/articles/{article.slug}/comments/", {"body": "Agreed.", **fields})


def source_comment_element(response, source):
    return parse_html(response.content).find("blockquote", id=f"source-comment-{source.pk}")


def quote_of(element):
    return element.find("blockquote", cls="comment-quote")


def test_reply_to_a_source_comment_stores_the_reference_not_a_copy(signed_in, article, weibo):
    response = post(signed_in, article, source_comment=str(weibo.pk))

    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.source_comment == weibo
    assert weibo.text not in comment.body


def test_the_thread_shows_the_quoted_source_comment_with_badge_text_and_link(
    signed_in, article, weibo
):
    post(signed_in, article, source_comment=str(weibo.pk))
    comment = Comment.objects.get()

    response = signed_in.get(article.get_absolute_url())

    quote = quote_of(thread_comments(parse_html(response.content))[comment.pk])
    assert quote.find("span", cls="platform-badge").text() == "Weibo"
    assert quote.find("p", cls="comment-quote-text").text() == "Finally, night buses."
    link = quote.find("a").attrs["href"]
    assert link == f"/articles/{article.slug}/#source-comment-{weibo.pk}"
    assert source_comment_element(response, weibo) is not None  # the anchor exists


def test_the_permalink_shows_the_quote_too(client, article, weibo):
    comment = make_comment(article, source_comment=weibo)

    response = client.get(f"/comments/{comment.pk}/")

    quote = quote_of(thread_comments(parse_html(response.content))[comment.pk])
    assert quote.find("p", cls="comment-quote-text").text() == "Finally, night buses."
    assert quote.find("a").attrs["href"].endswith(f"#source-comment-{weibo.pk}")


def test_the_quote_text_is_escaped(client, article):
    source = make_source_comment(article, text="<script>alert(1)</script> & more")
    comment = make_comment(article, source_comment=source)

    html = client.get(article.get_absolute_url()).content.decode()

    assert "<script>alert(1)" not in html
    quote = quote_of(thread_comments(parse_html(html))[comment.pk])
    assert quote.find("p", cls="comment-quote-text").text() == "<script>alert(1)</script> & more"


def test_the_source_comment_counts_one_reply_and_links_to_it(client, article, weibo):
    comment = make_comment(article, source_comment=weibo)

    replies = source_comment_element(client.get(article.get_absolute_url()), weibo).find(
        "details", cls="source-replies"
    )

    assert replies.find("summary").text().strip() == "1 reply"
    assert [a.attrs["href"] for a in replies.find_all("a")] == [f"/comments/{comment.pk}/"]


def test_removed_and_pending_replies_are_not_counted(client, article, weibo):
    shown = [make_comment(article, source_comment=weibo) for _ in range(2)]
    removed = make_comment(article, source_comment=weibo)
    set_comment_status(removed, Comment.Status.REMOVED)
    make_comment(article, source_comment=weibo, status=Comment.Status.PENDING)

    replies = source_comment_element(client.get(article.get_absolute_url()), weibo).find(
        "details", cls="source-replies"
    )

    assert replies.find("summary").text().strip() == "2 replies"
    assert [a.attrs["href"] for a in replies.find_all("a")] == [f"/comments/{c.pk}/" for c in shown]


def test_a_source_comment_nobody_answered_shows_no_count(client, article, weibo):
    element = source_comment_element(client.get(article.get_absolute_url()), weibo)

    assert element.find("details", cls="source-replies") is None


def test_a_removal_updates_the_count_on_the_shared_page(client, article, weibo):
    comment = make_comment(article, source_comment=weibo)
    assert source_comment_element(client.get(article.get_absolute_url()), weibo).find("details")

    set_comment_status(comment, Comment.Status.REMOVED)

    element = source_comment_element(client.get(article.get_absolute_url()), weibo)
    assert element.find("details", cls="source-replies") is None


def test_another_articles_source_comment_is_a_form_error_and_nothing_is_saved(signed_in, article):
    elsewhere = make_source_comment(make_article(), text="Somewhere else.")

    response = post(signed_in, article, source_comment=str(elsewhere.pk))

    assert response.status_code == 400
    assert not Comment.objects.exists()
    form = parse_html(response.content).find("form", id="comment-form")
    assert "not one of this article" in form.find("div", cls="form-errors").text()
    assert form.find("textarea").text() == "Agreed."  # the reader's text comes back
    assert form.find("input", name="source_comment").attrs["value"] == ""


@pytest.mark.parametrize("value", ["999999999", "abc", "1" * 40, "-3", "١٢"])
def test_a_nonexistent_or_malformed_source_comment_is_a_400(signed_in, article, value):
    response = post(signed_in, article, source_comment=value)

    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_the_service_refuses_another_articles_source_comment(article):
    from discussions.services import CommentRejected, comment_post

    elsewhere = make_source_comment(make_article())
    with pytest.raises(CommentRejected) as refused:
        comment_post(article=article, author=make_user(), body="Hi", source_comment=elsewhere)

    assert refused.value.code == "bad_source_comment"
    assert not Comment.objects.exists()


def test_a_form_error_keeps_the_quote(signed_in, article, weibo):
    response = signed_in.post(
        f"/articles/{article.slug}/comments/", {"body": "  ", "source_comment": str(weibo.pk)}
    )

    assert response.status_code == 400
    form = parse_html(response.content).find("form", id="comment-form")
    assert form.find("input", name="source_comment").attrs["value"] == str(weibo.pk)
    assert form.find("p", cls="comment-quote-text").text() == "Finally, night buses."


def test_each_source_comment_links_reply_to_this_to_the_quoting_form(client, article, weibo):
    element = source_comment_element(client.get(article.get_absolute_url()), weibo)

    link = element.find("a", cls="source-reply")
    assert link.text() == "Reply to this"
    assert link.attrs["href"] == f"/articles/{article.slug}/?quote={weibo.pk}#comment-form"
    assert link.attrs["data-quote"] == str(weibo.pk)


def test_without_javascript_the_quote_link_renders_the_form_quoting_it(signed_in, article, weibo):
    response = signed_in.get(article.get_absolute_url(), {"quote": weibo.pk})

    assert response.status_code == 200
    form = parse_html(response.content).find("form", id="comment-form")
    assert form.find("input", name="source_comment").attrs["value"] == str(weibo.pk)
    quote = form.find("div", cls="form-quote")
    assert "hidden" not in quote.attrs
    assert quote.find("span", cls="platform-badge").text() == "Weibo"
    assert quote.find("a").attrs["href"] == f"#source-comment-{weibo.pk}"


@pytest.mark.parametrize("value", ["nope", "0", "99999999"])
def test_a_quote_link_to_no_source_comment_of_the_article_gives_the_plain_form(
    signed_in, article, value
):
    response = signed_in.get(article.get_absolute_url(), {"quote": value})

    assert response.status_code == 200
    form = parse_html(response.content).find("form", id="comment-form")
    assert form.find("input", name="source_comment").attrs["value"] == ""
    assert "hidden" in form.find("div", cls="form-quote").attrs


def test_the_quote_link_sends_an_anonymous_reader_to_log_in_and_back(client, article, weibo):
    response = client.get(article.get_absolute_url(), {"quote": weibo.pk})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert f"quote%3D{weibo.pk}" in response["Location"]


def test_the_quote_link_of_an_unknown_article_is_404(client, db):
    assert client.get("/articles/no-such-story/", {"quote": "1"}).status_code == 404


def test_a_deleted_source_comment_leaves_the_reply_without_a_quote(client, article, weibo):
    comment = make_comment(article, source_comment=weibo)
    weibo.delete()

    comment.refresh_from_db()
    assert comment.source_comment is None
    html = client.get(f"/comments/{comment.pk}/").content
    assert quote_of(thread_comments(parse_html(html))[comment.pk]) is None
