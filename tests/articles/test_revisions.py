"""Article revisions (django-simple-history): every save is kept with who made it, and the
admin shows what changed and when."""

import pytest

from articles.admin import EDITOR_STYLE_HASH
from articles.models import Article
from tests.articles.editors import article_form_data, make_editor

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    return make_editor(username="editor-jin")


@pytest.fixture
def saved_twice(client, editor):
    """An article added, then corrected, through the admin by the editor."""
    client.force_login(editor)
    first = article_form_data(body="<h2>Night buses</h2><p>Ten routes start on Monday.</p>")
    assert client.post("/admin/articles/article/add/", first).status_code == 302
    article = Article.objects.get(slug="shenzhen-night-buses")
    second = first | {
        "title": "Shenzhen opens twelve night bus routes",
        "body": "<h2>Night buses</h2><p>Twelve routes start on Monday.</p>",
    }
    url = f"/admin/articles/article/{article.pk}/change/"
    assert client.post(url, second).status_code == 302
    return article


def test_saving_twice_keeps_two_whole_revisions_with_the_editor(saved_twice, editor):
    revisions = list(saved_twice.history.order_by("history_date"))

    assert [r.history_type for r in revisions] == ["+", "~"]
    assert all(r.history_user == editor for r in revisions)
    assert revisions[0].body == "<h2>Night buses</h2><p>Ten routes start on Monday.</p>"
    assert revisions[1].title == "Shenzhen opens twelve night bus routes"
    # Each revision is the whole row, not a delta.
    assert revisions[0].source_language == revisions[1].source_language == "zh"
    changed = revisions[1].diff_against(revisions[0]).changed_fields
    assert set(changed) == {"title", "body"}


def test_history_page_lists_both_revisions_with_who_and_what(client, saved_twice, editor):
    response = client.get(f"/admin/articles/article/{saved_twice.pk}/history/")

    html = response.content.decode()
    assert response.status_code == 200
    rows = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0].split("<tr>")[1:]
    assert len(rows) == 2
    assert all(str(editor) in row for row in rows)
    assert "Created" in html and "Changed" in html
    assert "Shenzhen opens twelve night bus routes" in html
    assert "Show what changed" in html


def test_revision_diff_shows_the_body_line_that_changed(client, saved_twice):
    latest = saved_twice.history.latest()

    response = client.get(
        f"/admin/articles/article/{saved_twice.pk}/history/{latest.history_id}/diff/"
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<del>− &lt;p&gt;Ten routes start on Monday.&lt;/p&gt;</del>" in html
    assert "<ins>+ &lt;p&gt;Twelve routes start on Monday.&lt;/p&gt;</ins>" in html
    assert "<code>&nbsp; &lt;h2&gt;Night buses&lt;/h2&gt;</code>" in html


def test_source_comment_edits_are_kept_as_revisions_too(client, editor):
    client.force_login(editor)
    data = article_form_data(source_comments=[{"text": "Finally.", "original_text": "终于"}])

    client.post("/admin/articles/article/add/", data)

    article = Article.objects.get(slug="shenzhen-night-buses")
    record = article.source_comments.get().history.get()
    assert (record.history_user, record.language, record.text) == (editor, "zh", "Finally.")


def test_revisions_cannot_be_reverted_from_the_admin(client, saved_twice):
    first = saved_twice.history.earliest()
    url = f"/admin/articles/article/{saved_twice.pk}/history/{first.history_id}/"

    assert client.post(url, {"title": "Reverted"}).status_code == 403
    saved_twice.refresh_from_db()
    assert saved_twice.title == "Shenzhen opens twelve night bus routes"


def test_comments_bump_the_article_without_adding_a_revision(saved_twice):
    from discussions.services import article_touch

    article_touch(article_id=saved_twice.pk, count_change=1)

    assert saved_twice.history.count() == 2


def test_a_revisions_page_shows_its_body_in_the_editor(client, saved_twice):
    first = saved_twice.history.earliest()

    response = client.get(f"/admin/articles/article/{saved_twice.pk}/history/{first.history_id}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "&lt;p&gt;Ten routes start on Monday.&lt;/p&gt;" in html
    assert "js/admin-prose-editor.js" in html
    assert EDITOR_STYLE_HASH in response["Content-Security-Policy"]
