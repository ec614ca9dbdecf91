"""Keep glossary.models.ArticleTerm (which articles use which term) up to date.

Why an index and not a query at read time: whether an article uses a term is the linker's
answer (whole words for Latin, longest match, not in links or code), which SQL cannot give;
running the linker over every article on each glossary page would grow with the archive.
So the answer is stored per article and rebuilt where it can change:

- an article or one of its source comments is saved or deleted: that article
  (post_save / post_delete receivers; bulk writes call articles_reindex themselves);
- a term is added, edited or deleted: the articles that contain one of its spellings as text
  (one ILIKE query, a superset) or used it until now. A longer term can take a shorter one's
  place (내로남불 over 내로), so each of those articles is rebuilt whole.

Receivers only keep this index and the caches in step (house style: signals for derived
data and invalidation); no business step hides here.
"""

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Q
from django.template.defaultfilters import linebreaksbr

from articles.models import Article
from glossary import state
from glossary.models import ArticleTerm, GlossaryState, Term

CHUNK = 500


def article_texts(body: str, sources) -> list[str]:
    """Return an article's texts as its page links them: the body, then each source
    comment's translation as the page renders it (articles.sources)."""
    return [body, *(linebreaksbr(text, autoescape=True) for text in sources if text)]


def articles_reindex(article_ids) -> None:
    """Rebuild the index rows of these articles."""
    ids = sorted(set(article_ids))
    if not ids:
        return
    linker = state.linker()
    if not linker:
        return  # no term: no row (they go with their term)
    slugs = dict(Term.objects.values_list("slug", "pk"))
    for offset in range(0, len(ids), CHUNK):
        chunk = ids[offset : offset + CHUNK]
        rows = (
            Article.objects.filter(pk__in=chunk)
            .annotate(
                sources=ArrayAgg(
                    "source_comments__text",
                    filter=Q(source_comments__isnull=False),
                    order_by=("source_comments__position", "source_comments__id"),
                    default=[],
                )
            )
            .values_list("pk", "body", "sources")
        )
        found = []
        for pk, body, sources in rows:
            used = linker.scan(article_texts(body, sources))
            found.extend(ArticleTerm(article_id=pk, term_id=slugs[s]) for s in used if s in slugs)
        ArticleTerm.objects.filter(article_id__in=chunk).delete()
        ArticleTerm.objects.bulk_create(found, ignore_conflicts=True)


def articles_touched_by(term: Term) -> set[int]:
    """Return the ids of the articles whose use of terms this term may change."""
    contains = Q(pk__in=ArticleTerm.objects.filter(term_id=term.pk).values("article_id"))
    for spelling in term.spellings():
        contains |= Q(body__icontains=spelling)
        contains |= Q(source_comments__text__icontains=spelling)
    return set(Article.objects.filter(contains).values_list("pk", flat=True).distinct())


def all_articles_reindex() -> None:
    articles_reindex(Article.objects.values_list("pk", flat=True))


# Receivers (connected in GlossaryConfig.ready) -------------------------------------------


def term_changed(sender, instance, **kwargs) -> None:
    """A term was saved or deleted: a new version, then the articles it may touch."""
    glossary_changed()
    ids = articles_touched_by(instance)
    ids |= getattr(instance, "_articles_before_delete", set())
    articles_reindex(ids)


def term_deleting(sender, instance, **kwargs) -> None:
    """Remember where a term was used, before its rows go with it."""
    instance._articles_before_delete = set(
        ArticleTerm.objects.filter(term_id=instance.pk).values_list("article_id", flat=True)
    )


def related_changed(sender, action, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        glossary_changed()


def article_saved(sender, instance, **kwargs) -> None:
    if not kwargs.get("raw"):
        articles_reindex([instance.pk])


def source_comment_changed(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    if Article.objects.filter(pk=instance.article_id).exists():  # not while it is deleted
        articles_reindex([instance.article_id])


def glossary_changed() -> None:
    """Give the term set a new version and forget this worker's readings of it."""
    from articles import page_cache

    GlossaryState.bump()
    page_cache.forget_states()
    state.forget()
