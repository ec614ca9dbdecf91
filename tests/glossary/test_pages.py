"""Terms on article pages (body, source comments, reader comments, in that order), their
freshness through the page and thread caches, and the glossary page."""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from glossary.models import Term
from tests.factories import make_article, make_comment, make_source_comment, make_user, parse_html
from tests.glossary.helpers import links_in, make_term

pytestmark = pytest.mark.django_db


def page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def sections(html: str):
    """Return the article body, the source comments and the thread of a page."""
    body = html.split('itemprop="articleBody">', 1)[1].split("</div>", 1)[0]
    rest = html.split('itemprop="articleBody">', 1)[1]
    sources = rest.partition('class="source-comments"')[2].split('id="discussion"', 1)[0]
    thread = html.split('class="comment"', 1)[1] if 'class="comment"' in html else ""
    return body, sources, thread


@pytest.fixture
def terms():
    return {
        "neijuan": make_term(term="内卷", romanisation="neijuan", slug="neijuan"),
        "tangping": make_term(term="躺平", romanisation="tangping", slug="tangping"),
        "chigua": make_term(term="吃瓜", romanisation="chigua", slug="chigua"),
    }


def test_each_term_is_linked_at_its_first_use_in_page_order(client, terms):
    article = make_article(body="<p>Everyone talks of 内卷 now.</p>", source_language="zh")
    make_source_comment(article, platform="weibo", text="内卷 again, and 躺平 too")
    make_comment(article, body="躺平 is a choice; 吃瓜 is a hobby; neijuan is life")

    html = page(client, article)
    body, sources, thread = sections(html)

    assert links_in(body) == [("neijuan", "内卷")]
    assert links_in(sources) == [("tangping", "躺平")]
    assert links_in(thread) == [("chigua", "吃瓜")]
    assert len(links_in(html)) == 3


def test_a_new_term_shows_on_the_next_request_of_the_cached_page(client):
    article = make_article(body="<p>The 꼰대 at work.</p>")
    make_comment(article, body="My boss is a total 갑질 machine")
    before = page(client, article)
    assert links_in(before) == []
    assert page(client, article) == before  # served from the cache

    make_term(term="꼰대", romanisation="kkondae", slug="kkondae", language="ko")
    make_term(term="갑질", romanisation="gapjil", slug="gapjil", language="ko")
    after = page(client, article)

    assert links_in(after) == [("kkondae", "꼰대"), ("gapjil", "갑질")]


def test_an_edited_term_shows_on_the_next_request_of_the_thread(client, terms):
    article = make_article()
    make_comment(article, body="Pure 吃瓜 energy in this thread")
    reader = Client()
    reader.force_login(make_user())
    page(client, article)
    page(reader, article)

    term = terms["chigua"]
    term.definition = "Watching drama from a safe distance."
    term.save()

    for who in (client, reader):
        html = page(who, article)
        assert 'data-definition="Watching drama from a safe distance."' in html


def test_a_deleted_term_is_unlinked_on_the_next_request(client, terms):
    article = make_article(body="<p>So much 内卷.</p>")
    assert links_in(page(client, article)) == [("neijuan", "内卷")]

    terms["neijuan"].delete()

    assert links_in(page(client, article)) == []


def test_a_term_used_in_the_body_is_not_linked_again_in_the_thread(client, terms):
    article = make_article(body="<p>Nothing yet.</p>")
    make_comment(article, body="内卷 in a comment")
    assert links_in(sections(page(client, article))[2]) == [("neijuan", "内卷")]

    article.body = "<p>Now the body says 内卷.</p>"
    article.save()
    body, _sources, thread = sections(page(client, article))

    assert links_in(body) == [("neijuan", "内卷")]
    assert links_in(thread) == []


def test_the_popover_markup_has_the_definition_and_no_inline_script(client, terms):
    article = make_article(body="<p>内卷</p>")
    response = client.get(article.get_absolute_url())
    doc = parse_html(response.content)

    link = doc.find("a", cls="term")
    assert link.attrs["href"] == "/glossary/#term-neijuan"
    assert link.attrs["data-definition"] == terms["neijuan"].definition
    assert link.attrs["lang"] == "zh"
    assert link.text() == "内卷"
    assert "js/glossary.js" in response.content.decode()
    assert "unsafe-inline" not in response.headers.get("Content-Security-Policy", "")


def test_the_article_page_stays_within_eight_queries(client, terms, django_assert_max_num_queries):
    article = make_article(body="<p>内卷 and 躺平</p>")
    make_source_comment(article, text="吃瓜")
    for n in range(5):
        make_comment(article, body=f"neijuan {n}")
    reader = Client()
    reader.force_login(make_user())

    with django_assert_max_num_queries(8):
        assert links_in(page(client, article))
    with django_assert_max_num_queries(8):
        assert links_in(page(reader, article))


# The glossary page -------------------------------------------------------------------------


def test_the_glossary_groups_terms_by_language_with_anchors(client):
    make_term(term="内卷", romanisation="nèijuǎn", slug="neijuan", language="zh")
    make_term(term="꼰대", romanisation="kkondae", slug="kkondae", language="ko")
    make_term(term="躺平", romanisation="tǎngpíng", slug="tangping", language="zh")

    doc = parse_html(client.get("/glossary/").content)

    sections = {s.attrs["id"]: s for s in doc.find_all("section", cls="glossary-language")}
    assert list(sections) == ["lang-ko", "lang-zh"]  # in the order of Article.Language
    zh_ids = [e.attrs["id"] for e in sections["lang-zh"].find_all("div", cls="glossary-entry")]
    assert zh_ids == ["term-neijuan", "term-tangping"]
    ko_ids = [e.attrs["id"] for e in sections["lang-ko"].find_all("div", cls="glossary-entry")]
    assert ko_ids == ["term-kkondae"]
    text = client.get("/glossary/").content.decode()
    assert "nèijuǎn" in text and "kkondae" in text


def test_related_terms_link_to_their_anchors(client):
    one = make_term(term="금수저", romanisation="geumsujeo", slug="geumsujeo", language="ko")
    other = make_term(term="흙수저", romanisation="heuksujeo", slug="heuksujeo", language="ko")
    one.related.add(other)

    doc = parse_html(client.get("/glossary/").content)
    entry = doc.find("div", id="term-heuksujeo")

    assert [a.attrs["href"] for a in entry.find_all("a")] == ["#term-geumsujeo"]


def test_each_term_lists_the_published_articles_that_use_it(client):
    term = make_term(term="내로남불", romanisation="naeronambul", slug="naeronambul",
                     language="ko")  # fmt: skip
    make_article(title="Double standards at the assembly", body="<p>내로남불</p>")
    in_source = make_article(title="A Naver thread")
    make_source_comment(in_source, text="Classic naeronambul.")
    make_article(title="A draft that uses it", body="<p>내로남불</p>", status="draft")
    make_article(title="Not about it", body="<p>내로 only</p>")

    html = client.get("/glossary/").content.decode()
    entry = html.split('id="term-naeronambul"', 1)[1]

    assert "Double standards at the assembly" in entry
    assert "A Naver thread" in entry
    assert "A draft that uses it" not in entry
    assert "Not about it" not in entry
    assert term.pk


def test_a_longer_new_term_takes_over_the_article_list_of_a_shorter_one(client):
    make_term(term="내로", romanisation="naero", slug="naero", language="ko")
    make_article(title="Romance or affair", body="<p>내로남불</p>")
    assert "Romance or affair" in client.get("/glossary/").content.decode()

    make_term(term="내로남불", romanisation="naeronambul", slug="naeronambul", language="ko")
    html = client.get("/glossary/").content.decode()

    shorter = html.split('id="term-naero"', 1)[1].split('class="glossary-entry"', 1)[0]
    assert "Romance or affair" not in shorter
    assert "Romance or affair" in html.split('id="term-naeronambul"', 1)[1]


def test_the_glossary_page_queries_do_not_grow_with_terms(client, django_assert_max_num_queries):
    make_term(term="内卷", romanisation="neijuan", slug="neijuan")
    with django_assert_max_num_queries(3) as few:
        client.get("/glossary/")
    for n in range(15):
        term = make_term(term=f"词{n}", romanisation=f"ci{n}", slug=f"ci{n}")
        term.related.add(Term.objects.get(slug="neijuan"))
        make_article(body=f"<p>词{n} and 内卷</p>")
    with django_assert_max_num_queries(3) as many:
        client.get("/glossary/")
    assert len(many) == len(few)


def test_html_in_definitions_and_notes_is_sanitised(client):
    make_term(
        term="小粉红",
        romanisation="xiaofenhong",
        slug="xiaofenhong",
        definition=(
            'Young <em>nationalists</em><script>alert(1)</script> <a href="javascript:x">x</a>'
        ),
        note='<p onclick="x()">Pink <img src=x onerror=alert(1)></p>',
    )
    term = Term.objects.get()
    html = client.get("/glossary/").content.decode()

    assert term.definition == "Young <em>nationalists</em> x"
    assert "alert(1)" not in html and "onerror" not in html and "onclick" not in html
    assert "javascript:" not in html
    assert "Young <em>nationalists</em>" in html


def test_seed_demo_seeds_at_least_twenty_terms_once():
    call_command("seed_demo", stdout=io.StringIO())
    count = Term.objects.count()
    call_command("seed_demo", stdout=io.StringIO())

    assert count >= 20
    assert Term.objects.count() == count
    assert Term.objects.filter(language="zh").count() >= 10
    assert Term.objects.filter(language="ko").count() >= 10


def test_seeded_chinese_and_korean_articles_link_their_terms(client):
    call_command("seed_demo", stdout=io.StringIO())
    from articles.models import Article

    zh = Article.objects.get(slug="hangzhou-noodle-shop-air-conditioning-fee")
    ko = Article.objects.get(slug="incheon-firm-swaps-hoesik-for-half-day-off")

    assert ("neijuan", "内卷") in links_in(page(client, zh))
    assert ("naeronambul", "내로남불") in links_in(page(client, ko))
    glossary = client.get("/glossary/").content.decode()
    assert zh.title in glossary.split('id="term-neijuan"', 1)[1]


def test_another_workers_term_shows_once_the_state_is_old(client, monkeypatch):
    """A term added through another gunicorn worker (here: this worker's readings put back as
    they were before the write) reaches anonymous readers after PAGE_STATE_SECONDS."""
    from articles import page_cache
    from glossary import state

    article = make_article(body="<p>The 눈치 game.</p>")
    page(client, article)
    article_reading, glossary_reading = page_cache._states[article.slug], state._reading
    make_term(term="눈치", romanisation="nunchi", slug="nunchi", language="ko")
    page_cache._states[article.slug], state._reading = article_reading, glossary_reading
    now = article_reading[0]

    monkeypatch.setattr(page_cache.time, "monotonic", lambda: now + 0.5)
    monkeypatch.setattr(state.time, "monotonic", lambda: now + 0.5)
    assert links_in(page(client, article)) == []
    monkeypatch.setattr(page_cache.time, "monotonic", lambda: now + 1.5)
    monkeypatch.setattr(state.time, "monotonic", lambda: now + 1.5)
    assert links_in(page(client, article)) == [("nunchi", "눈치")]
