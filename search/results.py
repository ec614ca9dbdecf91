"""One page of search results: counts per kind, the page cut out of the kinds in order
(articles, source comments, reader comments), each row made into what the page shows."""

import math
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.safestring import SafeString
from django.utils.translation import gettext

from search import selectors, snippets
from search.text import Query

# Results per page.
PAGE_SIZE = 20


@dataclass
class Result:
    kind: str
    url: str
    title: str
    title_html: SafeString | None
    snippet: SafeString
    context: str  # the headline of the article a comment belongs to, "" for an article
    date: datetime | None
    lang: str  # the original language of the text shown, "" when unknown
    original: SafeString | None = None


@dataclass
class SearchPage:
    query: Query
    kind: str | None
    language: str | None
    number: int
    counts: dict[str, int] = field(default_factory=dict)
    results: list[Result] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def capped(self) -> bool:
        return any(n >= selectors.COUNT_CAP for n in self.counts.values())

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.total / PAGE_SIZE))

    @property
    def first_index(self) -> int:
        return (self.number - 1) * PAGE_SIZE + 1

    def has_previous(self) -> bool:
        return self.number > 1

    def has_next(self) -> bool:
        return self.number < self.num_pages


def search(query: Query, *, kind: str | None, language: str | None, page: int) -> SearchPage:
    """Return that page of results for the query."""
    result = SearchPage(query=query, kind=kind, language=language, number=page)
    kinds = (kind,) if kind else selectors.KINDS
    result.counts = selectors.counts(kinds, query, language=language)
    # Past the last page: the last page, as every paginated list of the site does.
    result.number = page = min(page, result.num_pages)
    start, stop = (page - 1) * PAGE_SIZE, page * PAGE_SIZE
    offset = 0
    for k in kinds:
        n = result.counts[k]
        lo, hi = max(start - offset, 0), min(stop - offset, n)
        if lo < hi:
            rows = selectors.page_rows(k, query, language=language, start=lo, stop=hi)
            result.results.extend(_result(k, row, query) for row in rows)
        offset += n
    return result


def _snippet(row, query: Query, text: str, *, entities: bool = False) -> SafeString:
    """Return the marked snippet: ts_headline's for English (its text carries entities),
    else the text around the first CJK match (entities only in an article's text)."""
    found = getattr(row, "found_text", None)
    if query.cjk or found is None:
        return snippets.around(text, query.highlight_terms(), entities=entities)
    return snippets.from_headline(found, entities=True)


def _result(kind: str, row, query: Query) -> Result:
    if kind == selectors.ARTICLE:
        found_title = getattr(row, "found_title", None)
        title_html = snippets.from_headline(found_title) if found_title else None
        if query.cjk:
            title_html = snippets.around(row.title, query.highlight_terms())
        text = f"{row.dek} {snippets.html_text(row.body)}" if query.cjk else ""
        return Result(
            kind=kind,
            url=row.get_absolute_url(),
            title=row.title,
            title_html=title_html,
            snippet=_snippet(row, query, text, entities=True),
            context="",
            date=row.published_at,
            lang=row.source_language,
        )
    if kind == selectors.SOURCE_COMMENT:
        article = row.article
        original = None
        if row.original_text and query.cjk:
            original = snippets.around(row.original_text, query.highlight_terms())
        return Result(
            kind=kind,
            url=f"{article.get_absolute_url()}#source-comment-{row.pk}",
            title=gettext("A comment from {platform}").format(platform=row.get_platform_display()),
            title_html=None,
            snippet=_snippet(row, query, row.text),
            context=article.title,
            date=article.published_at,
            lang=row.language,
            original=original,
        )
    return Result(
        kind=kind,
        url=row.get_absolute_url(),
        title=gettext("{name} commented").format(name=row.display_name),
        title_html=None,
        snippet=_snippet(row, query, row.body),
        context=row.article.title,
        date=row.created_at,
        lang="",
    )
