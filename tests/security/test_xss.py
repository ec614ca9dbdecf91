"""Stored and reflected XSS: every hostile string reaches every page as inert text."""

import json
from io import StringIO
from urllib.parse import quote

import pytest
from defusedxml import ElementTree
from django.core.management import call_command, get_commands

from discussions.models import Comment, ModerationAction, Sanction
from tests.factories import make_category, make_comment, parse_html, thread_comments
from tests.security.inert import assert_inert, problems, url_scheme
from tests.security.xss_payloads import PAYLOADS, TEMPLATE_LITERALS

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return response.content.decode("utf-8")


def _comment_text(el) -> str:
    return el.find(cls="comment-text").text()


# The checker itself must catch what it is meant to catch, or every test below proves nothing.
@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        '<script type="application/ld+json">{"a": </script><script>alert(1)</script>',
        '<script src="https://evil.example/x.js"></script>',
        '<img src="x" onerror="alert(1)">',
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<a href=" &#x09;javascript:alert(1)">x</a>',
        '<a href="jav&#x09;ascript:alert(1)">x</a>',
        '<a href="data:text/html,x">x</a>',
        '<iframe src="https://example.org/"></iframe>',
        '<base href="https://evil.example/">',
        '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
        '<form action="https://evil.example/"></form>',
        '<div class="comment-text"><a href="https://example.org/">x</a></div>',
        '<div class="comment-text"><form action="/x"></form></div>',
        '<p style="width: expression(alert(1))">x</p>',
    ],
)
def test_the_inertness_checker_flags_live_markup(html):
    assert problems(parse_html(html))


def test_the_inertness_checker_accepts_the_sites_own_markup():
    html = (
        '<script src="/static/js/site.js" defer></script>'
        '<script type="application/ld+json">{"a": "\\u003C/script>"}</script>'
        '<a href="/comments/1/">x</a><a href="mailto:a@example.org">m</a>'
        '<div class="comment-text"><a href="https://example.org/" '
        'rel="nofollow ugc noopener noreferrer">x</a></div>'
        '<a href="jav\u200bascript:x">not a scheme a browser knows</a>'
        '<form method="post" action="/comments/1/vote/"></form>'
    )
    assert problems(parse_html(html)) == []
    assert url_scheme(" \tJaVa\nScript:x") == "javascript"


def test_article_page_shows_every_payload_as_text(client, corpus):
    html = _page(client, corpus.article.get_absolute_url())
    doc = assert_inert(html, "article page")

    shown = thread_comments(doc)
    assert set(corpus.visible_ids()) <= set(shown)
    for comment in Comment.objects.filter(pk__in=corpus.visible_ids()).select_related("author"):
        author = shown[comment.pk].find(itemprop="author")
        assert author.text() == comment.display_name
    by_body = {c.body: c.pk for c in corpus.comments if c.pk in shown}
    for literal in TEMPLATE_LITERALS:
        assert _comment_text(shown[by_body[literal]]).strip() == literal
    script = "<SCRIPT SRC=//evil.example/x.js></SCRIPT>"
    assert _comment_text(shown[by_body[script]]).strip() == script
    assert "49" not in _comment_text(shown[by_body["{{7*7}}"]])
    headline = doc.find(itemprop="headline").text()
    assert headline == corpus.article.title


def test_article_page_seen_by_a_moderator_and_an_author_is_inert(client, corpus):
    client.force_login(corpus.moderator)
    html = _page(client, corpus.article.get_absolute_url())
    doc = assert_inert(html, "article page (moderator)")
    pending = [c.pk for c in corpus.pending]
    assert set(pending) <= set(thread_comments(doc))

    client.force_login(corpus.authors[0])
    assert_inert(_page(client, corpus.article.get_absolute_url()), "article page (author)")


def test_every_permalink_is_inert(client, corpus):
    ids = corpus.visible_ids()
    assert len(ids) > 40
    for pk in ids[::2]:
        doc = assert_inert(_page(client, f"/comments/{pk}/"), f"permalink {pk}")
        assert pk in thread_comments(doc)


def test_moderation_log_shows_roles_and_titles_as_text_never_notes_or_names(client, corpus):
    html = _page(client, "/moderation-log/")
    doc = assert_inert(html, "moderation log")
    text = doc.text()
    assert "a moderator" in text
    assert corpus.moderator.display_name not in text
    titles = " ".join(
        entry.article.title for entry in ModerationAction.objects.all() if entry.article
    )
    notes = [
        e.note
        for e in ModerationAction.objects.filter(source="moderator")
        if e.note and e.note not in titles
    ]
    assert notes
    for note in notes:
        assert note not in text
    assert corpus.article.title in text


def test_reader_pages_about_one_comment_are_inert(client, corpus):
    """The flag form, the edit and delete pages quote the comment; the profile shows the name."""
    edge = next(c for c in corpus.comments if c.body.startswith("</textarea>"))
    client.force_login(edge.author)
    edit = _page(client, f"/comments/{edge.pk}/edit/")
    doc = assert_inert(edit, "edit page")
    assert doc.find("textarea", name="body").text().strip() == edge.body
    assert_inert(_page(client, f"/comments/{edge.pk}/delete/"), "delete page")
    profile = assert_inert(_page(client, "/accounts/profile/"), "profile page")
    assert profile.find("input", name="display_name").attrs["value"] == edge.author.display_name

    client.force_login(corpus.moderator)
    for pk in corpus.visible_ids()[:12]:
        assert_inert(_page(client, f"/comments/{pk}/flag/"), "flag page")


def test_a_refused_comment_is_handed_back_inert(signed_in, article):
    for payload in PAYLOADS[::2]:
        response = signed_in.post(
            f"/articles/{article.slug}/comments/", {"body": payload, "parent": "x"}
        )
        assert response.status_code == 400
        doc = assert_inert(response.content, "article page with a refused comment")
        assert doc.find("textarea", name="body").text().strip() == payload.strip()


@pytest.mark.parametrize(
    "url",
    [
        "/?page={}",
        "/articles/{slug}/?sort={}&page={}",
        "/comment-policy/?version={}",
        "/moderation-log/?page={}",
        "/accounts/login/?next={}",
        "/accounts/signup/?next={}",
        "/category/reflected/?page={}",
    ],
)
def test_query_values_are_never_reflected_live(client, article, url):
    make_comment(article)
    make_category(slug="reflected")
    for payload in [*PAYLOADS[::2], "javascript:window.__xss=1", "//evil.example/"]:
        target = url.replace("{slug}", article.slug).replace("{}", quote(payload, safe=""))
        response = client.get(target)
        assert response.status_code in {200, 404}, (target, response.status_code)
        assert_inert(response.content, target)


def test_signup_and_login_hand_back_typed_values_inert(client, db):
    for payload in [*PAYLOADS[:10], *(p for p in PAYLOADS if p.startswith(('"', "'")))]:
        response = client.post(
            "/accounts/signup/",
            {
                "username": payload,
                "password1": "x",
                "password2": "y",
                "display_name": payload,
                "next": payload,
            },  # fmt: skip
        )
        assert response.status_code == 400
        assert_inert(response.content, "sign-up with errors")
        response = client.post("/accounts/login/", {"username": payload, "password": "x",
                                                     "next": payload})  # fmt: skip
        assert response.status_code in {200, 429}
        assert_inert(response.content, "login with errors")


def _feed_problems(xml: bytes, where: str) -> list[str]:
    """Return the problems of every piece of HTML the feed hands to a reader's feed app."""
    root = ElementTree.fromstring(xml)
    found = []
    for el in root.iter():
        kind = el.get("type", "text")
        if kind in {"html", "xhtml"} and el.text:
            found += [f"{where} <{el.tag}>: {p}" for p in problems(parse_html(el.text))]
    return found


def test_feeds_carry_titles_and_deks_as_text(client, corpus):
    found = []
    for url in ("/feed/", "/category/hostile/feed/"):
        response = client.get(url)
        assert response.status_code == 200
        root = ElementTree.fromstring(response.content)
        titles = [el.text for el in root.iter(f"{ATOM}title")]
        assert corpus.article.title in titles
        found += _feed_problems(response.content, url)
    assert not found, "\n".join(found)


ADMIN_LISTS = [
    "/admin/discussions/comment/",
    "/admin/discussions/comment/?p=2",
    "/admin/discussions/comment/?q=%3Cscript%3Ewindow.__xss%3D1%3C%2Fscript%3E",
    "/admin/discussions/queuedcomment/",
    "/admin/discussions/moderationaction/",
    "/admin/discussions/flag/",
    "/admin/discussions/sanction/",
    "/admin/accounts/user/",
    "/admin/articles/article/",
    "/admin/articles/category/",
]


def test_admin_lists_are_inert(client, corpus):
    client.force_login(corpus.moderator)
    for url in ADMIN_LISTS:
        assert_inert(_page(client, url), url)


def test_admin_change_forms_are_inert(client, corpus):
    client.force_login(corpus.moderator)
    sample = corpus.comments[::4] + corpus.imported[::8] + corpus.removed[::2]
    urls = [f"/admin/discussions/comment/{c.pk}/change/" for c in sample]
    urls += [f"/admin/discussions/queuedcomment/{c.pk}/review/" for c in corpus.pending]
    urls += ["/admin/discussions/queuedcomment/", "/admin/discussions/queuedcomment/dashboard/"]
    urls += [f"/admin/accounts/user/{u.pk}/change/" for u in corpus.authors[:4]]
    urls += [f"/admin/discussions/sanction/{s.pk}/change/" for s in Sanction.objects.all()]
    for url in urls:
        assert_inert(_page(client, url), url)


def test_admin_article_change_form_is_inert(client, corpus):
    client.force_login(corpus.moderator)
    url = f"/admin/articles/article/{corpus.article.pk}/change/"
    doc = assert_inert(_page(client, url), url)
    assert doc.find("input", name="title").attrs["value"] == corpus.article.title


def test_admin_remove_confirmation_lists_comments_inert(client, corpus):
    client.force_login(corpus.moderator)
    response = client.post(
        "/admin/discussions/comment/",
        {"action": "remove", "_selected_action": [c.pk for c in corpus.comments[1:20]]},
    )
    assert response.status_code == 200
    assert_inert(response.content, "admin remove confirmation")


def test_json_export_round_trips_hostile_text_as_data(corpus):
    assert "export_discussions" in get_commands()
    out = StringIO()
    call_command("export_discussions", "--article", corpus.article.slug, stdout=out)
    document = json.loads(out.getvalue())
    [entry] = document["articles"]
    assert entry["title"] == corpus.article.title
    exported = {c["id"]: c for c in entry["comments"]}
    stored = Comment.objects.filter(article=corpus.article).select_related("author")
    assert len(exported) == stored.count()
    for comment in stored:
        item = exported[str(comment.pk)]
        assert item["body"] == comment.body
        assert item["author"] == comment.display_name
    assert "guest_email" not in out.getvalue() and "ip_address" not in out.getvalue()
