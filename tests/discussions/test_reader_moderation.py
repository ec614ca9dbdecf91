"""The reader's side of moderation: refusals before the form, "Flagged" state, the thanks
beside the comment, and no sort control on an empty discussion."""

import pytest
from django.test import Client

from discussions.models import Flag
from discussions.services import flag_create
from tests.factories import (
    make_article,
    make_comment,
    make_user,
    parse_html,
    policy_rule,
    reader_state,
)

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_flag_page_refuses_ones_own_comment_before_the_form():
    author = make_user()
    comment = make_comment(author=author)

    response = signed_in(author).get(f"/comments/{comment.pk}/flag/")

    assert response.status_code == 403
    page = response.content.decode()
    assert "You cannot flag your own comment." in page
    assert 'name="rule"' not in page


def test_the_flag_page_says_already_flagged_before_the_form_and_changes_nothing():
    reader = make_user()
    comment = make_comment()
    flag_create(comment=comment, user=reader, rule=policy_rule(2))

    response = signed_in(reader).get(f"/comments/{comment.pk}/flag/")
    again = signed_in(reader).post(f"/comments/{comment.pk}/flag/", {"rule": 3})

    assert response.status_code == 409
    assert "You have already flagged this comment." in response.content.decode()
    assert 'name="rule"' not in response.content.decode()
    assert again.status_code == 409
    assert Flag.objects.filter(comment=comment).count() == 1


def test_the_page_tells_the_script_which_comments_the_reader_flagged():
    reader = make_user()
    article = make_article()
    flagged, other = make_comment(article), make_comment(article)
    mine = make_comment(article, author=reader)
    flag_create(comment=flagged, user=reader, rule=policy_rule(2))

    state = reader_state(signed_in(reader).get(article.get_absolute_url()))

    assert state["flagged"] == [flagged.pk]
    assert other.pk not in state["flagged"]
    assert mine.pk in state["own"]
    assert state["labels"]["flagged"] == "Flagged"


def test_the_thanks_for_a_flag_is_tagged_for_the_comment():
    reader = make_user()
    comment = make_comment()
    client = signed_in(reader)

    response = client.post(f"/comments/{comment.pk}/flag/", {"rule": 2, "note": ""}, follow=True)

    doc = parse_html(response.content)
    message = doc.find("p", cls="message")
    assert message is not None and "Thank you" in message.text()
    assert f"for-comment-{comment.pk}" in message.attrs["class"]


def test_no_sort_control_on_a_discussion_without_comments():
    empty, busy = make_article(), make_article()
    make_comment(busy)

    assert 'class="sort-form"' not in Client().get(empty.get_absolute_url()).content.decode()
    assert 'class="sort-form"' in Client().get(busy.get_absolute_url()).content.decode()
