"""Translator pages: /translators/<slug>/ lists a translator's published articles."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, parse_html


def listed_titles(response) -> list[str]:
    doc = parse_html(response.content)
    return [el.find("a").text().strip() for el in doc.find_all("h2", cls="card-title")]


def test_the_byline_links_the_translator_to_their_page(client, db):
    article = make_article(translator="Jiwoo Park")

    byline = parse_html(client.get(article.get_absolute_url()).content).find("p", cls="byline")

    link = byline.find("a", cls="translator-link")
    assert link.text() == "Jiwoo Park"
    assert link.attrs["href"] == "/translators/jiwoo-park/"
    assert link.parent.attrs["itemprop"] == "author"


def test_the_page_lists_only_their_published_articles_newest_first(client, db):
    day = timedelta(days=1)
    now = timezone.now()
    older = make_article(translator="Chen Yu", title="Older story", published_at=now - 2 * day)
    newer = make_article(translator="Chen Yu", title="Newer story", published_at=now - day)
    make_article(translator="Chen Yu", title="A draft", status=Article.Status.DRAFT)
    make_article(translator="Chen Yu", title="Not yet", published_at=now + timedelta(days=1))
    make_article(translator="Wen Qiao", title="Someone else's")

    response = client.get("/translators/chen-yu/")

    assert response.status_code == 200
    assert listed_titles(response) == [newer.title, older.title]
    assert "Chen Yu" in parse_html(response.content).find("h1").text()


def test_the_page_is_paginated(client, db, settings):
    settings.CROSSTALK = {**settings.CROSSTALK, "ARTICLES_PER_PAGE": 2}
    now = timezone.now()
    titles = [
        make_article(translator="Sora Lim", title=f"Story {n}",
                     published_at=now - timedelta(hours=n)).title
        for n in range(5)
    ]  # fmt: skip

    first = client.get("/translators/sora-lim/")
    third = client.get("/translators/sora-lim/", {"page": "3"})

    assert listed_titles(first) == titles[:2]
    assert listed_titles(third) == titles[4:]
    assert parse_html(first.content).find("a", rel="next").attrs["href"] == "?page=2"


def test_an_unknown_translator_is_404(client, db):
    make_article(translator="Jiwoo Park")

    assert client.get("/translators/nobody/").status_code == 404


@pytest.mark.parametrize(
    "path", ["/translators/%00/", "/translators/a%25_%5C/", "/translators/x/?page=%00"]
)
def test_odd_translator_paths_are_refused_never_a_500(client, db, path):
    make_article(translator="Jiwoo Park")

    assert client.get(path).status_code in (400, 404)


def test_a_translator_with_only_drafts_is_404(client, db):
    make_article(translator="Draft Writer", status=Article.Status.DRAFT)

    assert client.get("/translators/draft-writer/").status_code == 404


def test_a_hangul_name_gets_a_page(client, db):
    article = make_article(translator="박지우")

    assert article.get_translator_url() == "/translators/%EB%B0%95%EC%A7%80%EC%9A%B0/"
    assert listed_titles(client.get(article.get_translator_url())) == [article.title]


def test_a_byline_of_no_letters_links_nowhere(client, db):
    article = make_article(translator="<>!")

    byline = parse_html(client.get(article.get_absolute_url()).content).find("p", cls="byline")

    assert byline.find("a", cls="translator-link") is None
    assert "&lt;&gt;!" in client.get(article.get_absolute_url()).content.decode()


def test_renaming_the_translator_moves_the_article(client, db):
    article = make_article(translator="Old Name")
    article.translator = "New Name"
    article.save()

    assert client.get("/translators/old-name/").status_code == 404
    assert listed_titles(client.get("/translators/new-name/")) == [article.title]


def test_export_and_import_json_still_round_trip(db, tmp_path, capsys):
    article = make_article(translator="Jiwoo Park")
    call_command("export_discussions")
    exported = capsys.readouterr().out
    Article.objects.all().delete()
    path = tmp_path / "discussions.json"
    path.write_text(exported, encoding="utf-8")

    call_command("import_json", str(path))

    assert Article.objects.get(slug=article.slug).title == article.title
