"""Editors manage the glossary in the admin: list, search, filter by language, edit."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from glossary.models import Term
from tests.factories import make_article, make_user
from tests.glossary.helpers import links_in, make_term

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/glossary/term/"


@pytest.fixture
def editor(client):
    user = make_user(is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return user


@pytest.fixture
def terms():
    return [
        make_term(term="内卷", romanisation="nèijuǎn", slug="neijuan", language="zh"),
        make_term(term="꼰대", romanisation="kkondae", slug="kkondae", language="ko"),
    ]


def listed(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_an_editor_lists_searches_and_filters_terms(client, editor, terms):
    assert "kkondae" in listed(client.get(LIST_URL)) and "nèijuǎn" in listed(client.get(LIST_URL))

    found = listed(client.get(LIST_URL, {"q": "kkon"}))
    assert "kkondae" in found and "nèijuǎn" not in found

    korean = listed(client.get(LIST_URL, {"language__exact": "ko"}))
    assert "kkondae" in korean and "nèijuǎn" not in korean


def test_an_editor_adds_a_term_that_links_on_the_next_page(client, editor):
    article = make_article(body="<p>Another 갑질 story.</p>")
    other = make_term(term="꼰대", romanisation="kkondae", slug="kkondae", language="ko")
    anonymous = Client()
    assert links_in(anonymous.get(article.get_absolute_url()).content.decode()) == []

    response = client.post(
        f"{LIST_URL}add/",
        {
            "term": "갑질",
            "romanisation": "gapjil",
            "other_spellings": "gap-jil",
            "language": "ko",
            "slug": "gapjil",
            "definition": "Abuse of power by whoever holds the <b>upper hand</b>.",
            "note": "",
            "related": [other.pk],
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    term = Term.objects.get(slug="gapjil")
    assert list(term.related.all()) == [other]
    assert links_in(anonymous.get(article.get_absolute_url()).content.decode()) == [
        ("gapjil", "갑질")
    ]


def test_a_definition_longer_than_a_sentence_or_two_is_refused(client, editor):
    response = client.post(
        f"{LIST_URL}add/",
        {"term": "躺平", "romanisation": "tangping", "language": "zh", "definition": "x" * 400},
    )

    assert response.status_code == 200
    assert not Term.objects.exists()
