"""The source platform's comments shown under an article.

Each one shows its translation first and its original behind a toggle (static/js/sources.js
remembers the reader's choice in localStorage), a "Reply to this" link that opens the reader's
comment form quoting it (?quote=<id>, articles.views.detail), and how many reader comments
anyone may see answer it, with links to them.
"""

from django.template.defaultfilters import linebreaksbr
from django.template.loader import render_to_string
from django.utils.translation import get_language
from markupsafe import Markup

from articles.models import SourceComment
from core.cache import cache_get, cache_set
from core.prepared import PreparedModelQuery
from discussions.selectors import source_reply_annotations, source_reply_links

# Replies linked from a source comment's "N replies"; the count names them all.
REPLY_LINKS = 10

# The article's source comments with their replies, built once (core.prepared).
_SOURCE_COMMENTS = PreparedModelQuery(
    SourceComment,
    lambda article: SourceComment.objects.filter(article_id=article).annotate(
        **source_reply_annotations()
    ),
    article=-7_310_440,  # a stand-in: no article has it
)


def source_sections(article) -> list[tuple[str, str, list]]:
    """Group the article's source comments by platform, in the order the editor set; each
    item carries text_html (its translated text as HTML), reply_count and reply_links (the
    first REPLY_LINKS visible replies: id and author name). One query."""
    sections: dict[str, list] = {}
    for item in _SOURCE_COMMENTS.all(article=article.pk):
        item.text_html = linebreaksbr(item.text, autoescape=True)
        item.reply_links = source_reply_links(item.reply_list)[:REPLY_LINKS]
        sections.setdefault(item.platform, []).append(item)
    return [(key, items[0].get_platform_display(), items) for key, items in sections.items()]


# Named by all the rendering shows: the article's discussion version (bumped by any change to
# its source comments and by every reply to one), its updated_at (its source language), whether
# it takes comments ("Reply to this"), the glossary linking so far and the language.
SECTIONS_KEY = "sources:1:{article}:{version}:{updated}:{open}:{glossary}:{language}"


def source_sections_html(article, links) -> Markup:
    """Return the HTML of the article's source comments, grouped by platform, their text
    linked to the glossary after what the page linked above them (links: the page's
    glossary.pages.PageLinks, told which terms these linked). Rendered once per article
    version and cached: twenty source comments took the page's templates ~1 ms."""
    key = SECTIONS_KEY.format(
        article=article.pk,
        version=article.discussion_version,
        updated=article.updated_at.timestamp(),
        open=int(article.accepts_comments()),
        glossary=links.fragment_key(),
        language=get_language(),
    )
    cached = cache_get(key)
    if cached is not None:
        html, used = cached
        links.used.update(used)
        return Markup(html)  # noqa: S704 - rendered below with autoescaping on
    before = set(links.used)
    sections = source_sections(article)
    for _key, _label, items in sections:
        for item in items:
            item.text_html = links.link(item.text_html)
    html = render_to_string(
        "articles/_source_sections.html", {"article": article, "source_sections": sections}
    )
    cache_set(key, (html, links.used - before))
    return Markup(html)  # noqa: S704 - rendered with autoescaping on


def source_comment_quoted(article, raw: str | None) -> SourceComment | None:
    """Return the article's source comment that ?quote=<raw> names, or None for anything else."""
    value = (raw or "").strip()
    if not (value.isascii() and value.isdigit() and len(value) <= 18):
        return None
    return SourceComment.objects.filter(article=article, pk=int(value)).first()
