"""PostgreSQL stops while gunicorn serves: 503 with Retry-After, the typed comment kept, and
recovery without restarting gunicorn once PostgreSQL is back."""

import re

import pytest

pytestmark = pytest.mark.faults

OUTAGE_TITLE = "Back in a moment"


def kept_form(page) -> tuple[str, dict]:
    """Return the action and fields of the outage page's "Try posting again" form."""
    action = re.search(r'<form method="post" action="([^"]+)"', page.text).group(1)
    parent = re.search(r'name="parent" value="([^"]*)"', page.text).group(1)
    fields = {
        "csrfmiddlewaretoken": page.csrf_token(),
        "parent": parent,
        "body": page.textareas()[0],
        "website": "",
    }
    return action, fields


def test_pages_answer_503_with_retry_after_while_the_database_is_down(site):
    anonymous = site.browser()
    with site.database_stopped():
        for path in ("/", site.article_path(), site.article_path(1) + "?sort=newest"):
            page = anonymous.get(path)
            assert page.status == 503, path
            assert int(page.headers["retry-after"]) > 0, path
            assert OUTAGE_TITLE in page.text, path
        health = anonymous.get("/healthz")
    assert health.status == 503
    assert site.server_errors(allowed={503}) == []


def test_signed_in_reader_gets_503_too(site):
    reader = site.reader()
    with site.database_stopped():
        page = reader.get(site.article_path())
    assert page.status == 503
    assert OUTAGE_TITLE in page.text
    assert site.server_errors(allowed={503}) == []


def test_comment_posted_during_the_outage_comes_back_in_a_textarea(site, unique_body):
    reader = site.reader()
    form_page = reader.get(site.article_path())
    parent = site.data["articles"][0]["comments"][0]["id"]
    body = unique_body("Posted while the database was down: <b>quiet</b> cars & 조용한 칸\n\nBye.")
    with site.database_stopped():
        answer = reader.post(site.create_path(), reader.comment_fields(form_page, body, parent))
    assert answer.status == 503
    assert int(answer.headers["retry-after"]) > 0
    assert answer.textareas() == [body]
    action, fields = kept_form(answer)
    assert action == site.create_path()
    assert fields["parent"] == str(parent)
    assert site.comment_rows(body) == []
    assert site.server_errors(allowed={503}) == []


def test_site_recovers_when_the_database_returns_without_restarting_gunicorn(site, unique_body):
    master, workers = site.server.pid, site.server.worker_pids()
    reader = site.reader()
    anonymous = site.browser()
    form_page = reader.get(site.article_path(1))
    body = unique_body("Kept through the outage, posted after it.")
    with site.database_stopped():
        kept = reader.post(site.create_path(1), reader.comment_fields(form_page, body))
        assert kept.status == 503
        site.cluster.start()
        statuses = site.wait_until_healthy()
        assert set(statuses) <= {200, 503}
        # Enough requests for every worker to have met the restarted server.
        for _ in range(4 * len(workers)):
            assert anonymous.get("/").status == 200
            assert anonymous.get(site.article_path(1)).status == 200
            assert reader.get(site.article_path(1)).status == 200
        action, fields = kept_form(kept)
        again = reader.post(action, fields)
    assert again.status == 302, again.text[:500]
    rows = site.comment_rows(body)
    assert [row[0] for row in rows] == [again.comment_id()]
    assert reader.get(again.location).status == 200
    assert site.server.pid == master
    assert site.server.worker_pids() == workers, "a worker died or was restarted"
    assert site.server_errors(allowed={503}) == []
    assert [r for r in site.journal if r.status == 500] == []
