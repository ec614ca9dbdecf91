"""The search's reads: one query per kind of result, built on the expressions the migration
indexes (search/migrations/0001_search_indexes.py), so the planner uses those indexes.

Results are listed articles first, then source comments, then reader comments. Each kind is
counted up to COUNT_CAP and paged on its own (the page is cut out of the three lists in that
order), so no query sorts the union of all three, and a page costs one count per kind and
one page query per kind it shows.

Order within a kind, and why it parses no long text per match:
- articles: for English, the matches with the words in their headline or dek first, by
  ts_rank over headline (A) and dek (B); which ones those are comes from a second index
  (search_article_head_fts), so only they are parsed; then the matches in the body (C)
  alone, newest first. Ranking by the body too would parse every matching article's whole
  body on every search: the tsvectors are index expressions, not stored columns (measured on
  the bench data, ts_rank over even headline and dek of every match: 40 ms per 1,000).
  For CJK: the headline (1) above the dek (0.4), then newest;
- source and reader comments: newest first. A comment is short, containing the words is
  most of its relevance, and ts_rank would re-parse each of up to tens of thousands of
  matches (measured: 1.1 s for a two-word query matching 15,000 comments; newest first,
  the index's bitmap and a top-20 sort: a few ms).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connections, router
from django.db.models import (
    BooleanField,
    Case,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)

from articles.models import Article, SourceComment
from discussions.models import Comment
from search.text import TRIGRAM_MIN, Query, like_pattern

# Most results counted (and listed) per kind; a wider query asks the reader to narrow it.
COUNT_CAP = 1_000
# ts_headline's choice of fragments for English snippets; the marks are private-use
# characters that search.snippets turns into <mark> after escaping the text.
HEADLINE_OPTIONS = (
    "StartSel=\ue000, StopSel=\ue001, MaxWords=30, MinWords=12, "
    "MaxFragments=2, FragmentDelimiter=\ue002"
)

# How much of a text ts_headline reads, and from how far before the first match.
HEADLINE_WINDOW = 1_500
HEADLINE_LEAD = 300

ARTICLE = "article"
SOURCE_COMMENT = "source-comment"
COMMENT = "comment"
KINDS = (ARTICLE, SOURCE_COMMENT, COMMENT)


class Operator(Func):
    """Two operands joined by a PostgreSQL operator, as a condition."""

    template = "(%(expressions)s)"
    output_field = BooleanField()

    def __init__(self, left, operator: str, right):
        super().__init__(left, right)
        self.arg_joiner = f" {operator} "


def _english_vector(column: str) -> Func:
    return Func(F(column), function="search_plain_tsv", output_field=SearchVectorField())


def article_vector() -> Func:
    return Func(
        F("title"), F("dek"), F("body"), function="search_article_tsv",
        output_field=SearchVectorField(),
    )  # fmt: skip


def article_head_vector() -> Func:
    return Func(
        F("title"), F("dek"), function="search_article_head_tsv", output_field=SearchVectorField()
    )


def article_text() -> Func:
    return Func(
        F("title"), F("dek"), F("body"), function="search_article_text", output_field=TextField()
    )


def source_text() -> Func:
    return Func(
        F("original_text"), F("text"), function="search_source_text", output_field=TextField()
    )


@dataclass(frozen=True)
class Document:
    """How one kind of result is searched: its vector and text expressions (as indexed)."""

    kind: str
    vector: Callable[[], Func]
    text: Callable[[], Func | F]
    language: str  # the lookup of its language filter
    date: str  # the lookup of its date, newest first

    def english_match(self, query: Query):
        return Operator(self.vector(), "@@", tsquery(query))

    def cjk_match(self, query: Query) -> Q | None:
        """Return the condition that every CJK term of the query occurs (in some spelling)."""
        condition = None
        for term in query.cjk:
            spelled = None
            for variant in term.variants:
                if len(variant) >= TRIGRAM_MIN:
                    test = Operator(self.text(), "LIKE", Value(like_pattern(variant)))
                else:
                    # One or two characters: no trigram to look up; the grams index holds
                    # every single CJK character and every adjacent pair, exactly.
                    test = Operator(
                        Func(self.text(), function="search_cjk_grams"),
                        "@>",
                        Func(Value(variant), template="ARRAY[%(expressions)s]::text[]"),
                    )
                spelled = Q(test) if spelled is None else spelled | Q(test)
            condition = spelled if condition is None else condition & spelled
        return condition


def tsquery(query: Query) -> SearchQuery:
    return SearchQuery(query.english, search_type="plain", config="english")


DOCUMENTS = {
    ARTICLE: Document(ARTICLE, article_vector, article_text, "source_language", "published_at"),
    SOURCE_COMMENT: Document(
        SOURCE_COMMENT,
        lambda: _english_vector("text"),
        source_text,
        "language",
        "article__published_at",
    ),
    COMMENT: Document(
        COMMENT,
        lambda: _english_vector("body"),
        lambda: F("body"),
        "article__source_language",
        "created_at",
    ),
}


def _public(kind: str) -> QuerySet:
    """Return what an anonymous reader may see of one kind: the one rule of each model."""
    published = Article.objects.published()
    if kind == ARTICLE:
        return published
    if kind == SOURCE_COMMENT:
        return SourceComment.objects.filter(article__in=published)
    return Comment.objects.visible_to(None).filter(article__in=published)


def matching(kind: str, query: Query, *, language: str | None = None) -> QuerySet:
    """Return the public rows of one kind that match every term of the query."""
    document = DOCUMENTS[kind]
    qs = _public(kind)
    if query.words:
        qs = qs.filter(document.english_match(query))
    cjk = document.cjk_match(query)
    if cjk is not None:
        qs = qs.filter(cjk)
    if language:
        qs = qs.filter(**{document.language: language})
    return qs.using(router.db_for_read(qs.model))


def counts(kinds, query: Query, *, language: str | None = None) -> dict[str, int]:
    """Return how many rows of each kind match, each up to COUNT_CAP.

    One statement for all kinds (each count a scalar subquery, the same SQL the ORM makes for
    `.count()` of each): one round trip instead of three, on the connection the router picks
    for reading articles (the three tables live together)."""
    parts, params = [], []
    for kind in kinds:
        qs = matching(kind, query, language=language).order_by().values("pk")[:COUNT_CAP]
        sql, part_params = qs.query.sql_with_params()
        parts.append(f"(SELECT count(*) FROM ({sql}) AS matched)")  # noqa: S608 (the ORM's SQL)
        params.extend(part_params)
    with connections[router.db_for_read(Article)].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return dict(zip(kinds, cursor.fetchone(), strict=True))


def _article_rank(query: Query):
    """Return an article's rank: for English, ts_rank over its headline (A) and dek (B) when
    the query's words are there (found through search_article_head_fts, so no body and no
    other headline is parsed), else 0; for CJK, the headline (1) above the dek (0.4)."""
    parts = []
    if query.words:
        head = article_head_vector()
        in_head = Article.objects.filter(Operator(head, "@@", tsquery(query))).values("pk")
        parts.append(
            Case(
                When(
                    pk__in=in_head,
                    then=Func(head, tsquery(query), function="ts_rank", output_field=FloatField()),
                ),
                default=Value(0.0),
                output_field=FloatField(),
            )
        )
    if query.cjk:
        in_title, in_dek = Q(), Q()
        for variant in (v for term in query.cjk for v in term.variants):
            in_title |= Q(title__contains=variant)
            in_dek |= Q(dek__contains=variant)
        parts.append(
            Case(
                When(in_title, then=Value(1.0)),
                When(in_dek, then=Value(0.4)),
                default=Value(0.0),
                output_field=FloatField(),
            )
        )
    rank = parts[0]
    for part in parts[1:]:
        rank = rank + part
    return rank


def ordered(kind: str, query: Query, *, language: str | None = None) -> QuerySet:
    """Return the listed rows of one kind in their order: articles by rank, then newest;
    comments of both kinds, newest first."""
    qs = matching(kind, query, language=language)
    date = F(DOCUMENTS[kind].date).desc()
    if kind != ARTICLE:
        return qs.order_by(date, "-pk")
    return qs.annotate(rank=_article_rank(query)).order_by("-rank", date, "-pk")


def _article_snippet_text() -> Func:
    """Return the dek and the body's text: the headline is shown apart."""
    return Func(
        Value(""), F("dek"), F("body"), function="search_article_text", output_field=TextField()
    )


def _entities(expression) -> Func:
    """Return plain text with &, < and > as entities: ts_headline drops what its parser takes
    for tags, and a reader's "<b>" is text to show (search.snippets decodes them again)."""
    return Func(
        expression,
        template=(
            "replace(replace(replace(%(expressions)s, '&', '&amp;'), '<', '&lt;'), '>', '&gt;')"
        ),
        output_field=TextField(),
    )


class Window(Func):
    """The part of a text that ts_headline gets to read: it parses all it is given, and an
    article can be long. The window starts HEADLINE_LEAD characters before the first place
    where the query's (alphabetically) first stem occurs, or at the start."""

    output_field = TextField()

    def __init__(self, text, words: str):
        super().__init__(text, Value(words))

    def as_sql(self, compiler, connection, **extra):
        text, text_params = compiler.compile(self.source_expressions[0])
        words, words_params = compiler.compile(self.source_expressions[1])
        stem = f"coalesce((tsvector_to_array(to_tsvector('english'::regconfig, {words})))[1], '')"
        sql = (
            f"substr({text}, greatest(1, strpos(lower({text}), {stem}) - {HEADLINE_LEAD}), "
            f"{HEADLINE_WINDOW})"
        )
        return sql, (*text_params, *text_params, *words_params)


def _headline(expression, query: Query, options: str = HEADLINE_OPTIONS) -> Func:
    return Func(
        Window(expression, query.english),
        tsquery(query),
        Value(options),
        template="ts_headline('english'::regconfig, %(expressions)s)",
        output_field=TextField(),
    )


def page_rows(kind: str, query: Query, *, language: str | None, start: int, stop: int) -> list:
    """Return rows start..stop of one kind in order, with what their results show."""
    qs = ordered(kind, query, language=language)
    english = bool(query.words) and not query.cjk
    if kind == ARTICLE:
        if english:
            qs = qs.only("pk", "slug", "title", "dek", "source_language", "published_at")
            qs = qs.annotate(
                found_title=_headline(F("title"), query, "HighlightAll=true, " + HEADLINE_OPTIONS),
                found_text=_headline(_article_snippet_text(), query),
            )
        else:
            # The text is cut from the body in Python, for the page's rows only: in the
            # select list, PostgreSQL would strip the tags of every match before the sort.
            qs = qs.only("pk", "slug", "title", "dek", "body", "source_language", "published_at")
    elif kind == SOURCE_COMMENT:
        qs = qs.select_related("article").only(
            "pk", "platform", "language", "text", "original_text", "article__slug",
            "article__title", "article__published_at",
        )  # fmt: skip
        if english:
            qs = qs.annotate(found_text=_headline(_entities(F("text")), query))
    else:
        qs = qs.select_related("article", "author").only(
            "pk", "body", "created_at", "guest_name", "author__username",
            "author__display_name", "article__slug", "article__title",
        )  # fmt: skip
        if english:
            qs = qs.annotate(found_text=_headline(_entities(F("body")), query))
    return list(qs[start:stop])


def explain(kind: str, query: Query, *, language: str | None = None, count: bool = False) -> str:
    """Return PostgreSQL's plan of the page query (or the count) of one kind, for the tests'
    and the bench's look at which indexes it uses."""
    if count:
        qs = matching(kind, query, language=language).order_by().values("pk")[:COUNT_CAP]
    else:
        qs = ordered(kind, query, language=language)[:20]
    sql, params = qs.query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())
