import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, Category, Tag
from discussions.importers import common
from discussions.importers.common import autop, comment_markup
from discussions.models import Comment

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
WXR = FIXTURES / "wordpress.xml"

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


def by_ext(source: str = "wxr") -> dict[str, Comment]:
    return {c.external_id: c for c in Comment.objects.filter(import_source=source)}


def rendered_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<article class="comment[^"]*" id="comment-(\d+)"', html)]


def test_posts_become_articles_with_their_fields():
    run("import_wxr", WXR)
    assert_trees_sound()
    article = Article.objects.get(slug="quiet-cars-line-2")
    assert article.title == "Seoul subway adds quiet cars on Line 2"
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at == datetime(2024, 5, 2, 3, 0, tzinfo=UTC)
    assert article.translator == "editor-park"
    assert article.dek == "Commuters split over a pilot that bans phone calls & loud music."
    assert (article.import_source, article.external_id) == ("wxr", "12")
    assert article.category.slug == "society"  # the first of its two categories
    assert set(article.tags.values_list("slug", flat=True)) == {"subway", "한국"}
    assert Category.objects.filter(slug="transport").exists() is False
    assert Tag.objects.get(slug="한국").name == "한국"


def test_article_body_keeps_paragraphs_and_images_but_no_script():
    run("import_wxr", WXR)
    body = Article.objects.get(slug="quiet-cars-line-2").body
    assert body.startswith("<p>The pilot starts on Line 2 next month.<br>")
    assert "<h2>What riders said</h2>" in body
    assert re.search(r"<figure><img [^>]*src=\"https://blog.example.net/[^\"]+car.jpg\"", body)
    assert "<figcaption>The first quiet car, at Sindorim</figcaption>" in body
    assert "<script" not in body and "track()" not in body
    assert "javascript:" not in body and "onclick" not in body


def test_drafts_and_zero_gmt_dates():
    run("import_wxr", WXR)
    draft = Article.objects.get(slug="夜市")
    assert draft.status == Article.Status.DRAFT
    assert draft.title == "夜市重新开放"
    assert draft.published_at == datetime(2024, 6, 1, 9, 0, tzinfo=UTC)  # from wp:post_date
    assert draft.body == "<p>台北的夜市又开了。</p>\n<p>Draft body.</p>"
    assert Article.objects.get(slug="private-notes").status == Article.Status.DRAFT
    comment = Comment.objects.get(import_source="wxr", external_id="201")
    assert comment.created_at == datetime(2024, 6, 1, 10, 0, tzinfo=UTC)


def test_pages_attachments_pingbacks_and_trackbacks_are_skipped_and_counted():
    output = run("import_wxr", WXR)
    assert set(Article.objects.values_list("slug", flat=True)) == {
        "quiet-cars-line-2",
        "夜市",
        "night-market-reopens",
        "private-notes",
    }
    for words in (
        "1 page,",
        "1 attachment,",
        "1 item of another post type",
        "1 comment on a skipped item",
        "1 pingback",
        "1 trackback",
        "articles: 4 created, 0 matched",
        "comments: 11 imported (1 deleted, 1 pending, 1 spam, 8 visible)",
        "(orphans): 1",
    ):
        assert words in output
    assert not Comment.objects.filter(external_id__in=["110", "111", "301"]).exists()


def test_comment_statuses_follow_comment_approved():
    run("import_wxr", WXR)
    comments = by_ext()
    assert comments["101"].status == Comment.Status.VISIBLE
    assert comments["107"].status == Comment.Status.PENDING
    assert comments["109"].status == Comment.Status.SPAM
    assert comments["103"].status == Comment.Status.DELETED
    assert Article.objects.get(slug="quiet-cars-line-2").comment_count == 7


def test_tree_follows_comment_parent_even_when_the_parent_comes_later():
    run("import_wxr", WXR)
    assert_trees_sound()
    c = by_ext()
    assert c["102"].parent_id == c["101"].pk
    assert c["106"].parent_id == c["108"].pk  # 108 comes after 106 in the file
    assert c["104"].parent_id == c["103"].pk
    assert c["105"].parent_id == c["104"].pk
    assert c["105"].level == 2
    assert c["112"].parent_id is None  # its parent 999 is nowhere: an orphan, made top-level


def test_guest_names_emails_and_ips_are_kept_privately():
    run("import_wxr", WXR)
    c = by_ext()
    assert c["101"].guest_name == "김하나"
    assert c["101"].author_id is None
    assert c["101"].guest_email == "hana@mail.example.org"
    assert c["101"].ip_address == "203.0.113.7"
    assert c["102"].ip_address == "2001:db8::1"
    assert c["112"].guest_email == ""  # "not an email"
    assert c["112"].ip_address is None  # "not-an-ip"


def test_comment_html_becomes_our_source_format_without_scripts_and_renders_from_it():
    run("import_wxr", WXR)
    c = by_ext()
    assert c["101"].body == "조용한 칸 정말 좋아요!\n\nSecond paragraph\n\nclick"
    html = c["101"].body_html
    assert html.startswith("<p>조용한 칸 정말 좋아요!</p>")
    for bad in ("<script", "alert", "javascript:", "onerror", "<img"):
        assert bad not in html and bad not in c["101"].body
    assert c["102"].body == "我也这么认为 🙂 *quiet* is **good**"
    assert "<em>quiet</em> is <strong>good</strong>" in c["102"].body_html
    assert "🙂" in c["102"].body_html
    assert 'rel="nofollow ugc noopener noreferrer"' in c["109"].body_html


def test_reimport_imports_nothing_twice():
    run("import_wxr", WXR)
    counts = (Article.objects.count(), Comment.objects.count(), Tag.objects.count())
    output = run("import_wxr", WXR)
    assert (Article.objects.count(), Comment.objects.count(), Tag.objects.count()) == counts
    assert "articles: 0 created, 4 matched" in output
    assert "already imported: 11" in output
    assert_trees_sound()


def test_an_existing_article_with_the_slug_is_matched_not_duplicated(article):
    Article.objects.filter(pk=article.pk).update(slug="quiet-cars-line-2", title="Ours")
    output = run("import_wxr", WXR)
    assert "3 created, 1 matched" in output
    article.refresh_from_db()
    assert article.title == "Ours"
    assert article.comments.count() == 10


def test_dry_run_writes_nothing():
    output = run("import_wxr", WXR, "--dry-run")
    assert "comments: 11 imported" in output
    assert "dry run: nothing was written" in output
    assert not Article.objects.exists()
    assert not Comment.objects.exists()
    assert not Category.objects.exists()


def test_malformed_file_names_file_and_line_and_writes_nothing():
    broken = FIXTURES / "wordpress_broken.xml"
    lines = broken.read_text().splitlines()
    line = max(n for n, text in enumerate(lines, 1) if text.strip() == "</wp:post_type>")
    with pytest.raises(CommandError) as exc:
        run("import_wxr", broken)
    assert str(exc.value) == f"import_wxr: {broken} line {line}: mismatched tag"
    # The complete item before the damage was read, and rolled back with the rest.
    assert not Article.objects.exists()
    assert not Comment.objects.exists()


def test_entity_declarations_are_refused():
    with pytest.raises(CommandError) as exc:
        run("import_wxr", FIXTURES / "wordpress_entities.xml")
    assert "wordpress_entities.xml line 3: entity declarations are not allowed" in str(exc.value)
    assert not Article.objects.exists()


def test_missing_file_is_one_clear_line(tmp_path):
    missing = tmp_path / "nope.xml"
    with pytest.raises(CommandError) as exc:
        run("import_wxr", missing)
    assert str(exc.value) == f"import_wxr: {missing}: no such file"


def test_a_file_that_is_not_wxr_is_refused():
    with pytest.raises(CommandError, match="not a WordPress export"):
        run("import_wxr", FIXTURES / "disqus.xml")


def test_thread_renders_in_original_order_with_a_placeholder_for_the_deleted_parent(client):
    run("import_wxr", WXR)
    c = by_ext()
    response = client.get("/articles/quiet-cars-line-2/?sort=oldest")
    assert response.status_code == 200
    html = response.content.decode()
    expected = [c[x].pk for x in ("101", "102", "108", "106", "103", "104", "105", "112")]
    assert rendered_ids(html) == expected
    placeholder = re.search(
        rf'<article class="comment comment-placeholder" id="comment-{c["103"].pk}" data-depth="0"',
        html,
    )
    assert placeholder
    assert f'id="comment-{c["105"].pk}" data-depth="2"' in html
    assert "I wish I had not written this." not in html and "Deleted Dan" not in html
    assert "Held for moderation." not in html and "cheap watches" not in html
    for private in ("hana@mail.example.org", "203.0.113.7", "2001:db8::1", "mail.example"):
        assert private not in html
    assert "<script>alert" not in html


def test_progress_is_plain_lines_off_a_terminal(monkeypatch):
    monkeypatch.setattr(common, "PLAIN_PROGRESS_EVERY", 5)
    output = run("import_wxr", WXR)
    assert "import_wxr: 10 comments" in output.splitlines()
    assert "\r" not in output


def test_progress_is_a_redrawn_bar_on_a_terminal():
    output = run("import_wxr", WXR, stdout=TerminalIO())
    assert "\rimport_wxr [" in output
    assert "100%" in output


def test_autop_wraps_paragraphs_and_leaves_blocks_alone():
    assert autop("one\ntwo\n\nthree") == "<p>one<br>\ntwo</p>\n<p>three</p>"
    assert autop("<ul>\n<li>a</li>\n</ul>\n\nafter") == ("<ul>\n<li>a</li>\n</ul>\n<p>after</p>")
    assert autop("") == ""


def test_comment_markup_makes_paragraphs_only_for_a_comment_without_them():
    assert comment_markup("one\n\ntwo") == "<p>one</p>\n<p>two</p>"
    assert comment_markup("<p>one</p>\n\ntwo") == "<p>one</p>\n\ntwo"


def test_two_posts_with_the_same_slug_stay_two_articles(tmp_path):
    item = (
        "<item><title>Untitled draft</title><wp:post_id>{id}</wp:post_id>"
        "<wp:post_name></wp:post_name><wp:status>draft</wp:status>"
        "<wp:post_type>post</wp:post_type></item>"
    )
    export = tmp_path / "drafts.xml"
    export.write_text(
        '<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.1/"><channel>'
        + item.format(id=1)
        + item.format(id=2)
        + "</channel></rss>"
    )
    run("import_wxr", export)
    run("import_wxr", export)
    assert sorted(Article.objects.values_list("slug", "external_id")) == [
        ("untitled-draft", "1"),
        ("untitled-draft-2", "2"),
    ]
