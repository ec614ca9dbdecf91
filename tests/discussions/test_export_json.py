import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.models import Article
from discussions import markup
from discussions.models import Comment
from discussions.services import vote_cast
from tests.factories import make_article, make_comment, make_user

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

pytestmark = pytest.mark.django_db


def run(command: str, *args) -> str:
    out = io.StringIO()
    call_command(command, *map(str, args), stdout=out)
    return out.getvalue()


def export(*args) -> dict:
    return json.loads(run("export_discussions", *args))


def assert_trees_sound():
    call_command("check_trees", stdout=io.StringIO())  # SystemExit(1) on a broken tree


def shape(document: dict) -> dict:
    """Return each article's comments without their ids: parents as positions in the list."""
    result = {}
    for article in document["articles"]:
        position = {c["id"]: i for i, c in enumerate(article["comments"])}
        result[article["slug"]] = [
            (
                position[c["parent"]] if c["parent"] else None,
                c["author"],
                c["created"],
                c["edited"],
                c["status"],
                c["body"],
                c["upvotes"],
                c["downvotes"],
            )
            for c in article["comments"]
        ]
    return result


def empty_database():
    Comment.objects.update(parent=None)  # parents are PROTECTed; the whole table goes anyway
    Comment.objects.all().delete()
    Article.objects.all().delete()


@pytest.fixture
def discussion():
    """A native discussion: votes, an edit, a deleted parent with a live reply, markdown."""
    article = make_article(slug="quiet-cars")
    author = make_user(display_name="민지")
    first = make_comment(article, author=author, body="I *love* the quiet car 🚇")
    reply = make_comment(article, parent=first, body="Me too\n\n> quoted")
    gone = make_comment(article, body="to be deleted")
    make_comment(article, parent=gone, body="still here")
    Comment.objects.filter(pk=gone.pk).update(status=Comment.Status.DELETED)
    Comment.objects.filter(pk=reply.pk).update(edited_at=timezone.now() + timedelta(minutes=1))
    markup.refresh([gone.pk, reply.pk])
    for _ in range(3):
        vote_cast(comment=first, user=make_user(), value=1)
    vote_cast(comment=reply, user=make_user(), value=-1)
    make_article(slug="no-comments-yet")
    return article


def test_export_follows_the_contract_format(discussion):
    document = export()
    assert document["format"] == "crosstalk-discussions/1"
    entry = next(a for a in document["articles"] if a["slug"] == "quiet-cars")
    assert entry["title"] == discussion.title
    assert entry["url"] == "/articles/quiet-cars/"
    first, reply, gone, kept = entry["comments"]
    assert first["parent"] is None and reply["parent"] == first["id"]
    assert kept["parent"] == gone["id"]
    assert first["author"] == "민지"
    assert (first["upvotes"], first["downvotes"], reply["downvotes"]) == (3, 0, 1)
    assert first["body"] == "I *love* the quiet car 🚇"
    assert reply["edited"] is not None and first["edited"] is None
    assert gone["status"] == "deleted"
    assert set(first) == {
        "id", "parent", "author", "created", "edited", "status", "body", "upvotes", "downvotes",
    }  # fmt: skip
    empty = next(a for a in document["articles"] if a["slug"] == "no-comments-yet")
    assert empty["comments"] == []


def test_export_lists_trees_in_pre_order_with_siblings_oldest_first():
    run("import_wxr", FIXTURES / "wordpress.xml")
    entry = export("--article", "quiet-cars-line-2")["articles"][0]
    ids = {c["id"]: c for c in entry["comments"]}
    ext = dict(Comment.objects.values_list("pk", "external_id"))
    assert [ext[int(c["id"])] for c in entry["comments"]] == [
        "101", "102", "108", "106", "103", "104", "105", "107", "109", "112",
    ]  # fmt: skip
    for comment in entry["comments"]:
        if comment["parent"]:
            assert list(ids).index(comment["parent"]) < list(ids).index(comment["id"])
    assert entry["comments"][0]["author"] == "김하나"


def test_export_never_contains_emails_or_ips():
    run("import_wxr", FIXTURES / "wordpress.xml")
    output = run("export_discussions")
    for private in (
        "hana@mail.example.org",
        "203.0.113.7",
        "2001:db8::1",
        "mail.example",
        "192.0.2.",
    ):
        assert private not in output


def test_export_of_an_unknown_article_is_one_line_and_fails(discussion):
    with pytest.raises(CommandError, match="no article with the slug 'nope'"):
        run("export_discussions", "--article", "nope")


def test_export_of_one_article(discussion):
    document = export("--article", "quiet-cars")
    assert [a["slug"] for a in document["articles"]] == ["quiet-cars"]


def test_round_trip_into_an_empty_database_keeps_every_discussion(discussion, tmp_path):
    run("import_wxr", FIXTURES / "wordpress.xml")
    before = export()
    dump = tmp_path / "discussions.json"
    dump.write_text(json.dumps(before, ensure_ascii=False), encoding="utf-8")
    empty_database()

    output = run("import_json", dump)
    assert_trees_sound()
    after = export()
    assert shape(after) == shape(before)
    assert "articles: 6 created" in output
    assert Article.objects.get(slug="quiet-cars").status == Article.Status.PUBLISHED
    imported = Comment.objects.get(import_source="json", body="I *love* the quiet car 🚇")
    assert imported.body_html == "<p>I <em>love</em> the quiet car 🚇</p>"


def test_import_json_twice_adds_nothing(discussion, tmp_path):
    dump = tmp_path / "discussions.json"
    dump.write_text(run("export_discussions"), encoding="utf-8")
    empty_database()
    run("import_json", dump)
    count = Comment.objects.count()
    output = run("import_json", dump)
    assert Comment.objects.count() == count == 4
    assert "already imported: 4" in output
    assert "0 created, 2 matched" in output


def test_import_json_reads_every_body_as_our_source_format_even_one_that_looks_like_html(
    tmp_path,
):
    document = {
        "format": "crosstalk-discussions/1",
        "articles": [
            {
                "slug": "html-bodies",
                "title": "HTML bodies",
                "url": "/articles/html-bodies/",
                "comments": [
                    {
                        "id": "1", "parent": None, "author": None,
                        "created": "2024-05-01T00:00:00Z", "edited": None, "status": "visible",
                        "body": '<p>Hi <a href="javascript:x()">you</a><script>x()</script></p>',
                        "upvotes": 0, "downvotes": 0,
                    },
                    {
                        "id": "2", "parent": "1", "author": "Kim",
                        "created": "2024-05-01T01:00:00+09:00", "edited": None,
                        "status": "pending", "body": "**bold** is markdown", "upvotes": 0,
                        "downvotes": 0,
                    },
                ],
            }
        ],
    }  # fmt: skip
    dump = tmp_path / "d.json"
    dump.write_text(json.dumps(document))
    run("import_json", dump)
    root = Comment.objects.get(parent=None)
    reply = Comment.objects.get(parent=root)  # written "before" its parent, in UTC
    assert root.body.startswith("<p>Hi <a")  # kept as written, and shown as the text it is
    assert root.body_html == (
        '<p>&lt;p&gt;Hi &lt;a href="javascript:x()"&gt;you&lt;/a&gt;'
        "&lt;script&gt;x()&lt;/script&gt;&lt;/p&gt;</p>"
    )
    assert reply.body_html == "<p><strong>bold</strong> is markdown</p>"
    assert reply.guest_name == "Kim"
    assert reply.status == Comment.Status.PENDING
    assert root.guest_name == ""


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('{"format": "crosstalk-discussions/1", "articles": [}', "line 1: Expecting value"),
        ('{"format": "other/2", "articles": []}', "format: expected"),
        ("[]", "document: not a JSON object"),
        (
            '{"format": "crosstalk-discussions/1", "articles": [{"slug": "ok", "title": "t",'
            ' "comments": []}, {"slug": "bad", "title": "t", "comments": [{"id": "1",'
            ' "parent": null, "author": null, "created": "2024-01-01T00:00:00Z", "edited": null,'
            ' "status": "hidden", "body": "x", "upvotes": 0, "downvotes": 0}]}]}',
            "articles[1].comments[0].status: not a known status",
        ),
        (
            '{"format": "crosstalk-discussions/1", "articles": [{"slug": "a b", "title": "t",'
            ' "comments": []}]}',
            "articles[0].slug: not a valid slug",
        ),
        (
            '{"format": "crosstalk-discussions/1", "articles": [{"slug": "ok", "title": "t",'
            ' "comments": [{"id": "1", "parent": null, "author": null, "created":'
            ' "2024-01-01T00:00:00Z", "edited": null, "status": "visible", "body":'
            ' "ding\\u0007 \\u0085", "upvotes": 0, "downvotes": 0}]}]}',
            "articles[0].comments[0].body: contains control characters",
        ),
    ],
)
def test_bad_json_is_one_clear_line_and_writes_nothing(tmp_path, content, problem):
    dump = tmp_path / "bad.json"
    dump.write_text(content)
    with pytest.raises(CommandError) as exc:
        run("import_json", dump)
    message = str(exc.value)
    assert message.startswith(f"import_json: {dump}")
    assert problem in message
    assert "\n" not in message
    assert not Article.objects.exists()


def test_import_json_of_a_missing_file_fails(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run("import_json", tmp_path / "nope.json")


def test_an_imported_article_renamed_since_is_found_again(discussion, tmp_path):
    dump = tmp_path / "discussions.json"
    dump.write_text(run("export_discussions", "--article", "quiet-cars"), encoding="utf-8")
    empty_database()
    run("import_json", dump)
    Article.objects.filter(slug="quiet-cars").update(slug="quiet-cars-renamed")
    output = run("import_json", dump)
    assert "0 created, 1 matched" in output
    assert "already imported: 4" in output
