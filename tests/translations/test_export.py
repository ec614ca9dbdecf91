"""A reader's own translation reports are part of their data export (/accounts/export/)."""

import json

import pytest

from tests.factories import make_article, make_user
from translations.services import report_submit

pytestmark = pytest.mark.django_db


def test_the_export_lists_the_readers_reports_and_no_one_elses(client):
    article = make_article()
    reader, other = make_user(), make_user()
    report_submit(
        article=article, reporter=reader, quote="running in place", suggestion="involution"
    )
    report_submit(article=article, reporter=other, quote="their passage", suggestion="theirs")
    client.force_login(reader)

    data = json.loads(client.get("/accounts/export/").content)

    assert [r["quote"] for r in data["translation_reports"]] == ["running in place"]
    assert data["translation_reports"][0]["article"] == article.slug
    assert data["translation_reports"][0]["status"] == "open"
