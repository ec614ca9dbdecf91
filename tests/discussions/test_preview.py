"""Preview: the comment form (and the edit form) shown again with the comment rendered above
it, through the same renderer as posting, with nothing saved, screened or counted."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from discussions.models import (
    Comment,
    CommentRevision,
    ModerationAction,
    RejectedComment,
)
from tests.factories import make_article, make_comment, make_screening_word, parse_html


def comments_url(article) -> str:
    return f"/articles/{article.slug}/comments/"


def preview_of(response):
    doc = parse_html(response.content.decode())
    return doc.find("section", id="comment-preview"), doc


def version_of(article) -> int:
    return Article.objects.values_list("discussion_version", flat=True).get(pk=article.pk)


def test_preview_shows_the_rendered_comment_above_the_filled_form(signed_in, article):
    body = "*Quiet* cars, **at last**: [the plan](https://example.org/plan)\n\n- one\n- two"
    before = version_of(article)

    response = signed_in.post(comments_url(article), {"body": body, "preview": "1"})

    assert response.status_code == 200
    preview, doc = preview_of(response)
    text = preview.find("div", cls="comment-text")
    assert text.find("em").text() == "Quiet"
    assert text.find("strong").text() == "at last"
    assert set(text.find("a").attrs["rel"].split()) == {"nofollow", "ugc", "noopener", "noreferrer"}
    assert [li.text() for li in text.find_all("li")] == ["one", "two"]
    form = doc.find("form", id="comment-form")
    assert form.find("textarea", name="body").text() == body
    # The preview comes before the form, where the reader will look for it.
    elements = list(doc.iter())
    assert elements.index(preview) < elements.index(form)
    assert not Comment.objects.exists()
    assert version_of(article) == before


def test_the_preview_html_is_what_posting_stores(signed_in, article):
    body = "Mind the `<gap>` &amp; the *doors*\r\n> quoted\r\n\r\n1. first"

    preview, _ = preview_of(signed_in.post(comments_url(article), {"body": body, "preview": "1"}))
    signed_in.post(comments_url(article), {"body": body})

    shown = preview.find("div", cls="comment-text")
    stored = parse_html(Comment.objects.get().body_html)
    assert shown.text().strip() == stored.text().strip()
    assert [el.tag for el in shown.iter()] == [el.tag for el in stored.iter()]


def test_the_form_offers_a_preview_button_next_to_post(signed_in, article):
    doc = parse_html(signed_in.get(article.get_absolute_url()).content.decode())

    form = doc.find("form", id="comment-form")
    button = form.find("button", name="preview")
    assert button.attrs["value"] == "1"
    # A submit button by default; no type="submit", so "the form's submit button" stays Post.
    assert "type" not in button.attrs
    assert button.attrs["formaction"] == comments_url(article) + "#comment-preview"
    assert button.text() == "Preview"


def test_hostile_input_is_sanitized_in_the_preview(signed_in, article):
    body = "<script>alert(1)</script> [x](javascript:alert(2)) `<img src=x onerror=alert(3)>`"

    response = signed_in.post(comments_url(article), {"body": body, "preview": "1"})

    preview, _ = preview_of(response)
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    assert preview.find("img") is None and preview.find("script") is None
    assert all("javascript" not in a.attrs.get("href", "") for a in preview.find_all("a"))
    assert "<img src=x onerror=alert(3)>" in preview.find("code").text()


def test_an_invalid_preview_is_a_form_error_without_a_preview(signed_in, article):
    response = signed_in.post(comments_url(article), {"body": "   ", "preview": "1"})

    assert response.status_code == 400
    preview, doc = preview_of(response)
    assert preview is None
    assert doc.find("div", cls="field-errors") is not None


def test_a_reply_preview_keeps_the_parent(signed_in, article):
    parent = make_comment(article)

    response = signed_in.post(
        comments_url(article), {"body": "A reply", "parent": str(parent.pk), "preview": "1"}
    )

    assert response.status_code == 200
    preview, doc = preview_of(response)
    assert preview.find("div", cls="comment-text").find("p").text() == "A reply"
    form = doc.find("form", id="comment-form")
    assert form.find("input", name="parent").attrs["value"] == str(parent.pk)
    assert "Post reply" in form.text()
    assert Comment.objects.count() == 1


def test_preview_screens_nothing_and_logs_nothing(signed_in, article):
    make_screening_word("dunce")
    make_screening_word("maybe-rude", kind="suspect")

    for body in ("What a dunce", "That was maybe-rude"):
        response = signed_in.post(comments_url(article), {"body": body, "preview": "1"})
        assert response.status_code == 200

    assert not RejectedComment.objects.exists()
    assert not Comment.objects.exists()
    assert not ModerationAction.objects.exists()


def test_preview_uses_up_none_of_the_rate_limit(signed_in, user, article, settings):
    settings.CROSSTALK = {**settings.CROSSTALK, "RATE_PER_MINUTE": 2}
    now = timezone.now()
    make_comment(article, author=user, created_at=now - timedelta(seconds=10))

    for n in range(5):
        response = signed_in.post(comments_url(article), {"body": f"draft {n}", "preview": "1"})
        assert response.status_code == 200

    posted = signed_in.post(comments_url(article), {"body": "The second, for real"})
    assert posted.status_code == 302
    assert Comment.objects.filter(author=user).count() == 2


def test_a_rate_limited_reader_may_still_preview(signed_in, user, article, settings):
    settings.CROSSTALK = {**settings.CROSSTALK, "RATE_PER_MINUTE": 1}
    make_comment(article, author=user, created_at=timezone.now() - timedelta(seconds=5))

    assert signed_in.post(comments_url(article), {"body": "Too soon"}).status_code == 429
    response = signed_in.post(comments_url(article), {"body": "Too soon", "preview": "1"})
    assert response.status_code == 200


def test_anonymous_preview_leads_to_login(client, article):
    response = client.post(comments_url(article), {"body": "Hello", "preview": "1"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_bot_preview_is_dropped_like_a_bot_post(signed_in, article):
    response = signed_in.post(
        comments_url(article), {"body": "Buy now", "website": "spam.example", "preview": "1"}
    )

    assert response.status_code == 302
    assert not Comment.objects.exists()


def test_no_preview_on_a_closed_discussion(signed_in):
    article = make_article(comments_open=False)

    response = signed_in.post(comments_url(article), {"body": "Hello", "preview": "1"})

    assert response.status_code == 403


def test_the_preview_page_is_the_readers_own(signed_in, article):
    response = signed_in.post(comments_url(article), {"body": "Mine", "preview": "1"})

    assert "private" in response.get("Cache-Control", "") or "public" not in response.get(
        "Cache-Control", ""
    )
    assert not getattr(response, "shared_page", False)


# The edit form ------------------------------------------------------------------------------


@pytest.fixture
def own_comment(user, article):
    return make_comment(article, author=user, body="First *draft*")


def edit_url(comment) -> str:
    return f"/comments/{comment.pk}/edit/"


def test_edit_preview_shows_the_new_text_and_saves_nothing(signed_in, own_comment):
    before = version_of(own_comment.article)

    response = signed_in.post(
        edit_url(own_comment), {"body": "Second **draft**\n\n- a\n- b", "preview": "1"}
    )

    assert response.status_code == 200
    preview, doc = preview_of(response)
    assert preview.find("strong").text() == "draft"
    assert len(preview.find_all("li")) == 2
    # Django's Textarea writes a newline after the tag, which browsers drop.
    textarea = doc.find("textarea", name="body").text().removeprefix("\n")
    assert textarea == "Second **draft**\n\n- a\n- b"
    own_comment.refresh_from_db()
    assert own_comment.body == "First *draft*"
    assert own_comment.edited_at is None
    assert not CommentRevision.objects.exists()
    assert version_of(own_comment.article) == before


def test_edit_page_offers_a_preview_button(signed_in, own_comment):
    doc = parse_html(signed_in.get(edit_url(own_comment)).content.decode())

    button = doc.find("button", name="preview")
    assert button.attrs["formaction"] == edit_url(own_comment) + "#comment-preview"
    assert doc.find("section", id="comment-preview") is None


def test_saving_after_an_edit_preview_still_works(signed_in, own_comment):
    signed_in.post(edit_url(own_comment), {"body": "Better", "preview": "1"})

    response = signed_in.post(edit_url(own_comment), {"body": "Better"})

    assert response.status_code == 302
    own_comment.refresh_from_db()
    assert own_comment.body == "Better"


def test_an_invalid_edit_preview_is_a_form_error(signed_in, own_comment):
    response = signed_in.post(edit_url(own_comment), {"body": "", "preview": "1"})

    assert response.status_code == 400
    assert preview_of(response)[0] is None


def test_edit_preview_is_only_for_the_author(client, other_user, own_comment):
    client.force_login(other_user)

    response = client.post(edit_url(own_comment), {"body": "Hijack", "preview": "1"})

    assert response.status_code == 403
