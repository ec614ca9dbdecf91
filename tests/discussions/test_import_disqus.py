import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article
from discussions.importers import common
from discussions.models import Comment
from tests.factories import make_article

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DISQUS = FIXTURES / "disqus.xml"

pytestmark = pytest.mark.django_db


class TerminalIO(io.StringIO):
    def isatty(self):
        return True


def run(command: str, *args, stdout=None) -> str:
    out = stdout or io.StringIO()
    call_command(command, *map(str, args), stdout=out)
    return out.getvalue()


def assert_trees_sound():
    call_command("check_trees", stdout=io.StringIO())  # SystemExit(1) on a broken tree


def by_ext() -> dict[str, Comment]:
    return {c.external_id: c for c in Comment.objects.filter(import_source="disqus")}


def rendered_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<article class="comment[^"]*" id="comment-(\d+)"', html)]


@pytest.fixture
def articles():
    """The two articles the export's threads link to, as they exist on our site."""
    return {
        "quiet": make_article(slug="quiet-cars-line-2"),
        "market": make_article(slug="night-market-reopens"),
    }


def test_threads_are_matched_by_the_last_segment_of_their_link(articles):
    output = run("import_disqus", DISQUS)
    assert_trees_sound()
    c = by_ext()
    assert {c["9101"].article_id, c["9102"].article_id} == {articles["quiet"].pk}
    assert c["9001"].article_id == articles["market"].pk  # a /2024/05/<slug>/ link
    assert "articles: 0 created, 2 matched" in output
    assert "comments: 8 imported (2 deleted, 1 spam, 5 visible)" in output


def test_a_thread_is_matched_by_its_wordpress_post_id():
    renamed = make_article(slug="renamed-on-our-site")
    Article.objects.filter(pk=renamed.pk).update(import_source="wxr", external_id="12")
    run("import_disqus", DISQUS)
    assert by_ext()["9101"].article_id == renamed.pk


def test_unmatched_threads_are_reported_and_skipped(articles):
    output = run("import_disqus", DISQUS)
    assert "unmatched thread 5003: https://blog.example.net/contact/" in output
    assert "2 unmatched threads, 2 comments in unmatched threads" in output
    assert "1 thread without comments" in output
    assert "--create-missing" in output
    assert not Comment.objects.filter(external_id__in=["9301", "9501"]).exists()
    assert Article.objects.count() == 2


def test_create_missing_makes_draft_articles_once(articles):
    output = run("import_disqus", DISQUS, "--create-missing")
    assert "articles: 2 created, 2 matched" in output
    contact = Article.objects.get(slug="contact")
    bus = Article.objects.get(slug="서울-버스")  # percent-encoded link, query and fragment dropped
    assert contact.status == bus.status == Article.Status.DRAFT
    assert bus.title == "서울 버스 노선 개편"
    assert bus.published_at == datetime(2024, 7, 1, tzinfo=UTC)
    assert by_ext()["9501"].article_id == bus.pk
    output = run("import_disqus", DISQUS, "--create-missing")
    assert "articles: 0 created, 4 matched" in output
    assert Article.objects.count() == 4


def test_a_reply_before_its_parent_is_attached_and_deleted_parents_stay(articles):
    run("import_disqus", DISQUS)
    assert_trees_sound()
    c = by_ext()
    assert c["9003"].parent_id == c["9002"].pk  # 9003 comes first in the file
    assert c["9004"].parent_id == c["9003"].pk
    assert c["9102"].parent_id == c["9101"].pk
    assert c["9002"].status == Comment.Status.DELETED
    assert c["9006"].status == Comment.Status.DELETED
    assert c["9004"].status == Comment.Status.SPAM
    assert c["9001"].status == c["9003"].status == Comment.Status.VISIBLE


def test_created_at_names_emails_and_ips_are_kept(articles):
    run("import_disqus", DISQUS)
    c = by_ext()
    assert c["9001"].created_at == datetime(2024, 5, 10, 10, 0, tzinfo=UTC)
    assert c["9001"].guest_name == "Anonymous Ann"
    assert c["9001"].author_id is None
    assert c["9001"].guest_email == "ann@mail.example.net"
    assert c["9001"].ip_address == "198.51.100.23"
    assert c["9005"].guest_name == "Minsu Kim"
    assert c["9102"].ip_address is None  # 999.1.1.1 is no address


def test_messages_keep_formatting_and_links_but_lose_scripts_and_handlers(articles):
    run("import_disqus", DISQUS)
    c = by_ext()
    assert c["9001"].body_html == "<p>Finally! 夜市 is back 🎉</p>"
    html = c["9005"].body_html
    for bad in ("javascript:", "onclick", "onerror", "<img", "alert"):
        assert bad not in html
    assert (
        '<a href="https://maps.example.org/raohe" rel="nofollow ugc noopener noreferrer">' in html
    )
    assert "<strong>Bold</strong> <em>stays</em>" in html
    assert c["9001"].body == "Finally! 夜市 is back 🎉"  # in our own source format
    assert c["9005"].body == (
        "See this and the [map](https://maps.example.org/raohe)\n\n**Bold** *stays*."
    )


def test_reimport_imports_nothing_twice(articles):
    run("import_disqus", DISQUS)
    count = Comment.objects.count()
    output = run("import_disqus", DISQUS)
    assert Comment.objects.count() == count
    assert "already imported: 8" in output
    assert "comments: 0 imported" in output
    assert_trees_sound()


def test_dry_run_writes_nothing(articles):
    output = run("import_disqus", DISQUS, "--dry-run", "--create-missing")
    assert "comments: 10 imported" in output
    assert "dry run: nothing was written" in output
    assert not Comment.objects.exists()
    assert Article.objects.count() == 2


def test_malformed_file_names_file_and_line_and_writes_nothing(articles):
    broken = FIXTURES / "disqus_broken.xml"
    with pytest.raises(CommandError) as exc:
        run("import_disqus", broken)
    assert str(exc.value) == f"import_disqus: {broken} line 14: not well-formed (invalid token)"
    assert not Comment.objects.exists()


def test_missing_file_and_wrong_kind_of_file_are_refused(tmp_path):
    with pytest.raises(CommandError, match=r"nope\.xml: no such file"):
        run("import_disqus", tmp_path / "nope.xml")
    with pytest.raises(CommandError, match="not a Disqus export"):
        run("import_disqus", FIXTURES / "wordpress.xml")


def test_thread_renders_in_order_with_placeholders_and_no_private_data(client, articles):
    run("import_disqus", DISQUS)
    c = by_ext()
    html = client.get("/articles/night-market-reopens/?sort=oldest").content.decode()
    assert rendered_ids(html) == [c[x].pk for x in ("9001", "9002", "9003", "9005")]
    assert f'class="comment comment-placeholder" id="comment-{c["9002"].pk}"' in html
    assert "I deleted this one." not in html and "Gone Gil" not in html
    assert "Deleted, and nobody answered." not in html  # no live replies: not shown at all
    assert "Cheap flights" not in html
    for private in ("mail.example.net", "198.51.100."):
        assert private not in html


def test_wordpress_then_disqus_gives_full_threads(client):
    run("import_wxr", FIXTURES / "wordpress.xml")
    output = run("import_disqus", DISQUS)
    assert "articles: 0 created, 2 matched" in output
    assert_trees_sound()
    quiet = Article.objects.get(slug="quiet-cars-line-2")
    sources = list(quiet.comments.values_list("import_source", flat=True))
    assert sources.count("wxr") == 10 and sources.count("disqus") == 2
    html = client.get("/articles/quiet-cars-line-2/?sort=oldest").content.decode()
    assert len(rendered_ids(html)) == 10  # 8 from WordPress (a placeholder among them), 2 Disqus
    assert "A Disqus-era comment about 조용한 칸." in html
    assert "Agreed — 完全同意 👍" in html
    market = Article.objects.get(slug="night-market-reopens")
    assert market.comment_count == 3


def test_posts_are_spooled_in_batches(monkeypatch, articles):
    from discussions.importers import disqus

    monkeypatch.setattr(disqus, "SPOOL_BATCH", 3)
    run("import_disqus", DISQUS, "--create-missing")
    assert Comment.objects.filter(import_source="disqus").count() == 10
    assert_trees_sound()


def test_progress_lines_and_bar(monkeypatch, articles):
    monkeypatch.setattr(common, "PLAIN_PROGRESS_EVERY", 4)
    plain = run("import_disqus", DISQUS)
    assert "reading: 4 comments" in plain.splitlines()
    assert "\r" not in plain
    bar = run("import_disqus", DISQUS, "--dry-run", stdout=TerminalIO())
    assert "\rreading [" in bar and "\rbuilding [" in bar
