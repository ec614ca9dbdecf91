"""The article body in the admin: a rich-text editor (django-prose-editor) limited to what the
article sanitiser keeps, working under the site's CSP, and sanitised again on save."""

import base64
import hashlib
import re
from pathlib import Path

import django_prose_editor
import pytest
from django_prose_editor.config import allowlist_from_extensions

from articles.admin import EDITOR_STYLE_HASH
from articles.models import ARTICLE_BODY_EDITOR, Article
from core.text import ARTICLE_TAGS
from tests.articles.editors import article_form_data, make_editor
from tests.factories import make_article

pytestmark = pytest.mark.django_db

EDITOR_JS = "static/django_prose_editor/editor.js"

PASTED = (
    '<h2 style="color:red">Night buses</h2>'
    "<script>alert(1)</script>"
    '<p style="font-size:40px" onclick="alert(2)">Twelve routes start on '
    '<a href="javascript:alert(3)">Monday</a>, says the '
    '<a href="https://example.org/bureau">transport bureau</a>.</p>'
    "<ul><li>Route N1</li><li>Route N2</li></ul>"
    "<blockquote><p>It is about time.</p></blockquote>"
    '<img src="x" onerror="alert(4)">'
)


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


def directive(policy: str, name: str) -> list[str]:
    return next(d.split() for d in policy.split(";") if d.strip().startswith(name + " "))


def test_add_page_renders_the_prose_editor_for_the_body(editor_client):
    response = editor_client.get("/admin/articles/article/add/")

    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'<textarea[^>]*name="body"[^>]*data-django-prose-editor-configurable', html)
    assert "js/admin-prose-editor.js" in html
    assert "django_prose_editor/editor.css" in html


def test_change_page_renders_the_editor_with_the_stored_body(editor_client):
    article = make_article(body="<h2>Stored heading</h2><p>Stored text.</p>")

    response = editor_client.get(f"/admin/articles/article/{article.pk}/change/")

    html = response.content.decode()
    assert re.search(r'<textarea[^>]*name="body"[^>]*data-django-prose-editor-configurable', html)
    assert "&lt;h2&gt;Stored heading&lt;/h2&gt;" in html


def test_editor_is_started_by_a_site_module_without_any_inline_script(editor_client, article):
    response = editor_client.get("/admin/articles/article/add/")

    html = response.content.decode()
    assert '<script src="/static/js/admin-prose-editor.js" type="module"></script>' in html
    assert 'data-prose-editor-module="/static/django_prose_editor/editor.js"' in html
    assert "importmap" not in html
    assert directive(response["Content-Security-Policy"], "script-src") == ["script-src", "'self'"]
    # Every other page keeps style-src 'self' alone.
    for other in (editor_client.get("/admin/"), editor_client.get(article.get_absolute_url())):
        assert directive(other["Content-Security-Policy"], "style-src") == ["style-src", "'self'"]


def test_editor_style_hash_is_the_hash_of_the_installed_editors_base_css(editor_client):
    source = (Path(django_prose_editor.__file__).parent / EDITOR_JS).read_text(encoding="utf-8")
    start = source.index("let a4=`") + len("let a4=`")
    css = source[start : source.index("`", start)]
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()

    assert EDITOR_STYLE_HASH == f"'sha256-{digest}'"
    policy = editor_client.get("/admin/articles/article/add/")["Content-Security-Policy"]
    assert directive(policy, "style-src") == ["style-src", "'self'", EDITOR_STYLE_HASH]


def test_editor_offers_only_elements_that_the_article_sanitiser_keeps():
    offered = allowlist_from_extensions(ARTICLE_BODY_EDITOR)["tags"]

    assert {"p", "h2", "h3", "h4", "strong", "em", "a", "blockquote", "ul", "ol", "li"} <= offered
    assert {"figure", "figcaption", "img"} <= offered
    assert offered <= ARTICLE_TAGS
    assert "h1" not in offered


def test_pasted_script_style_and_javascript_links_are_gone_after_save(editor_client):
    response = editor_client.post("/admin/articles/article/add/", article_form_data(body=PASTED))

    assert response.status_code == 302, response.content.decode()[:2000]
    body = Article.objects.get(slug="shenzhen-night-buses").body
    lowered = body.lower()
    for gone in ("<script", "alert(", "style=", "javascript:", "onclick", "onerror"):
        assert gone not in lowered, gone
    assert "<h2>Night buses</h2>" in body
    assert "<ul><li>Route N1</li><li>Route N2</li></ul>" in body
    assert "<blockquote><p>It is about time.</p></blockquote>" in body
    assert 'href="https://example.org/bureau"' in body
    assert ">Monday</a>" in body  # the link text stays, its javascript: href does not


def test_published_body_shows_the_editors_structure_and_nothing_else(editor_client):
    editor_client.post("/admin/articles/article/add/", article_form_data(body=PASTED))

    page = editor_client.get("/articles/shenzhen-night-buses/")

    assert page.status_code == 200
    html = page.content.decode()
    body = html.split('itemprop="articleBody">', 1)[1].split("</div>", 1)[0]
    assert body.startswith("<h2>Night buses</h2>")
    assert "<li>Route N2</li>" in body
    assert "alert(" not in html


def test_an_editor_left_empty_is_a_required_field_error(editor_client):
    response = editor_client.post("/admin/articles/article/add/", article_form_data(body="<p></p>"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["body"]
    assert not Article.objects.filter(slug="shenzhen-night-buses").exists()
