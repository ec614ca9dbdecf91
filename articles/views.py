import secrets
from uuid import uuid4

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.contrib.postgres.expressions import ArraySubquery
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.db.models.functions import JSONObject
from django.http import Http404, HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import get_object_or_404, redirect, render
from django.template import engines
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from markupsafe import Markup

from accounts.models import User
from articles import page_cache
from articles.models import Article, ArticleVisit, Category, Tag
from articles.sharing import json_ld, news_article_data, share_links
from articles.sources import source_comment_quoted, source_sections_html
from core.gzip_splice import splice
from core.http import parse_page
from core.prepared import PreparedModelQuery
from discussions.pages import comment_form_submit, discussion_context, reader_annotations
from glossary.pages import PageLinks
from glossary.state import version_subquery as glossary_version_subquery
from notifications.pages import follow_annotations, follow_state
from translations.pages import article_context as translation_context
from translations.pages import correction_annotations


def _listing(request, queryset, template: str, extra: dict):
    paginator = Paginator(queryset, settings.CROSSTALK["ARTICLES_PER_PAGE"])
    page = paginator.get_page(parse_page(request.GET.get("page")))
    return render(request, template, {"page_obj": page, "articles": page.object_list, **extra})


@require_safe
def home(request):
    return _listing(request, Article.objects.for_listing(), "articles/home.html", {})


@require_safe
def category(request, slug):
    cat = get_object_or_404(Category, slug=slug)
    articles = Article.objects.for_listing().filter(category=cat)
    return _listing(request, articles, "articles/category.html", {"category": cat})


@require_safe
def tag(request, slug):
    tag_obj = get_object_or_404(Tag, slug=slug)
    articles = Article.objects.for_listing().filter(tags=tag_obj)
    return _listing(request, articles, "articles/tag.html", {"tag": tag_obj})


def published_article(slug: str, user=None) -> Article:
    """Return the published article with its category and tags in one query, or raise 404.

    For a signed-in reader it also tells whether they have comments awaiting moderation.
    The query is built once per kind of reader (core.prepared) and run with this slug, reader
    and moment.
    """
    if user is not None and user.is_authenticated:
        article = _ARTICLE_QUERIES["reader"].first(slug=slug, user=user.pk)
    else:
        article = _ARTICLE_QUERIES["public"].first(slug=slug)
    if article is None:
        raise Http404(gettext("No article found."))
    return article


def _article_queryset(slug: str, user=None):
    """The article page's query: the published article by slug, with what the page shows."""
    queryset = (
        Article.objects.published()
        .select_related("category")
        .annotate(
            # A subquery, not a join grouped by the article: the query then yields its one
            # row without a GROUP BY, and PostgreSQL runs it on its generic plan (grouped, it
            # estimated 200 rows and re-planned the signed-in query on every page).
            tag_list=ArraySubquery(
                Tag.objects.filter(articles=OuterRef("pk"))
                .order_by("name")
                .values(json=JSONObject(name="name", slug="slug"))
            ),
            **correction_annotations(),
            # The term set the page links with (glossary.state): no query of its own.
            glossary_version=glossary_version_subquery(),
        )
    )
    if user is not None and user.is_authenticated:
        visit = ArticleVisit.objects.filter(article=OuterRef("pk"), user=user)
        queryset = queryset.annotate(
            last_seen_at=Subquery(visit.values("last_seen_at")[:1]),
            **reader_annotations(user),
            **follow_annotations(user),
        )
    return queryset.filter(slug=slug)


# Stand-ins no slug or account has (core.prepared puts the real ones in their places).
_SLUG = "~prepared-article-slug~"
_USER = -7_310_439
_ARTICLE_QUERIES = {
    "public": PreparedModelQuery(Article, lambda slug: _article_queryset(slug), slug=_SLUG),
    "reader": PreparedModelQuery(
        Article, lambda slug, user: _article_queryset(slug, User(pk=user)), slug=_SLUG, user=_USER
    ),
    # The article alone, for what only needs it (posting a comment, a visit).
    "plain": PreparedModelQuery(
        Article, lambda slug: Article.objects.published().filter(slug=slug), slug=_SLUG
    ),
}


def published_article_only(slug: str) -> Article:
    """Return the published article by slug, none of the page's annotations, or raise 404."""
    article = _ARTICLE_QUERIES["plain"].first(slug=slug)
    if article is None:
        raise Http404(gettext("No article found."))
    return article


ARTICLE_TEMPLATE = "articles/detail.html"
# The article's own parts of that page, its head and its content, in the Jinja2 engine: see
# core/jinja.py.
ARTICLE_PARTS = ("articles/_detail_head.jinja", "articles/_detail_content.jinja")
# Stands in for the thread while the page around it renders: random in each process and
# holding "<", which autoescaping never lets through, so no text on the page can spell it.
THREAD_SLOT = Markup(f"<!--thread-slot {uuid4().hex}-->")  # noqa: S704 - our own constant


def render_article(request, article, *, form=None, quoted=None, status=200, shared=False):
    """Render the article page with its discussion (form: the reader's comment form, bound
    with its errors, to show again; quoted: the source comment a blank form quotes).

    shared: the page every anonymous reader gets, with nothing of this request in it (see
    articles/page_cache.py); the response then carries the discussion page it shows as
    `thread_page`.

    Glossary terms are linked in page order, each once: the body, the source comments, then
    the thread (glossary.pages.PageLinks; the stored HTML is left as it is).
    """
    links = PageLinks(version=getattr(article, "glossary_version", None))
    body_html = links.link(article.body)  # sanitized on save
    sections_html = source_sections_html(article, links)
    discussion = discussion_context(
        request,
        article,
        form=form,
        quoted=quoted,
        shared=shared,
        last_seen=getattr(article, "last_seen_at", None),
        links=links,
        follow_state=follow_state(article) if request.user.is_authenticated else None,
    )
    thread_deflated = discussion.pop("thread_deflated")
    url = request.build_absolute_uri(article.get_absolute_url())
    context = {
        **discussion,
        "article": article,
        "canonical_url": url,
        "share_links": share_links(url, article.title),
        "json_ld": json_ld(
            news_article_data(article, url=url, site_url=request.build_absolute_uri("/"))
        ),
        "body_html": body_html,
        "source_sections_html": sections_html,
        **translation_context(request, article),
    }
    response = _page_response(request, context, thread_deflated, status=status, shared=shared)
    response.thread_page = discussion["thread_page"]
    return response


def page_text(request, context) -> str:
    """Return the article page, its thread being context["thread_html"] (THREAD_SLOT, for
    _page_response to cut at): the article's own parts rendered by Jinja2 (ARTICLE_PARTS),
    inside detail.html and the site's base.html."""
    parts = {**context, "user": request.user}
    jinja = engines["jinja2"]
    head, content = (jinja.get_template(name).render(parts, request) for name in ARTICLE_PARTS)
    page = {
        **context,
        "detail_head": Markup(head),  # noqa: S704 - rendered with autoescaping on
        "detail_content": Markup(content),  # noqa: S704 - rendered with autoescaping on
    }
    return render_to_string(ARTICLE_TEMPLATE, page, request)


def _page_response(request, context, thread_deflated, *, status, shared):
    """Return the rendered page; for a reader who takes gzip, compress only the page around
    the thread and splice in the thread's cached deflate stream (core/gzip_splice.py), instead
    of GZipMiddleware compressing the whole page (the thread is most of it) every time.

    The page around the thread is rendered with THREAD_SLOT in its place and cut there. The
    shared page is answered plain: it carries its parts (`gzip_parts`) for SharedPageMiddleware,
    which compresses it once per cache entry.
    """
    text = page_text(request, {**context, "thread_html": THREAD_SLOT})
    thread = context["thread_html"]  # discussions.pages.ThreadHtml: its utf8 read when needed
    before, slot, after = text.partition(THREAD_SLOT)
    if not slot or THREAD_SLOT in after:  # the template does not show the thread just once
        return HttpResponse(text.replace(THREAD_SLOT, thread.utf8.decode()), status=status)
    before, after = before.encode(), after.encode()
    # The shared page keeps its plain body beside its gzip parts: the HTML is read first, so
    # that if it is rendered anew (its entry lost) the stream below is the new rendering's.
    html = thread.utf8 if shared else None
    deflated = None
    if page_cache.accepts_gzip(request) and settings.DEFAULT_CHARSET.lower() == "utf-8":
        deflated = thread_deflated()  # UTF-8; None for a private rendering
    if deflated is None or shared:
        body = html if html is not None else thread.utf8
        response = HttpResponse(before + body + after, status=status)
        if deflated is not None:
            response.gzip_parts = (before, deflated, after)
        return response
    # The page holds the CSRF token: keep the random-length header GZipMiddleware would add.
    padding = secrets.randbelow(GZipMiddleware.max_random_bytes)
    body = splice(before, deflated, after, name_padding=padding)
    response = HttpResponse(body, status=status)
    response.headers["Content-Encoding"] = "gzip"  # so GZipMiddleware leaves it alone
    response.headers["Content-Length"] = str(len(body))
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


@require_safe
def detail(request, slug):
    if page_cache.is_shared_request(request):
        return _shared_detail(request, slug)
    if "quote" in request.GET:
        return _quote_reply(request, slug)
    return render_article(request, published_article(slug, request.user))


def _quote_reply(request, slug):
    """The article page with the reader's comment form quoting one of its source comments
    (?quote=<id>: "Reply to this" without JavaScript); an anonymous reader signs in first.
    An id that is not one of the article's source comments gives the plain form."""
    if not request.user.is_authenticated:
        published_article_only(slug)
        return redirect_to_login(request.get_full_path() + "#comment-form")
    article = published_article(slug, request.user)
    quoted = source_comment_quoted(article, request.GET.get("quote"))
    return render_article(request, article, quoted=quoted)


@require_safe
def translator(request, slug):
    """A translator's page: their published articles, newest first (see Article.translator)."""
    paginator = Paginator(
        Article.objects.by_translator(slug), settings.CROSSTALK["ARTICLES_PER_PAGE"]
    )
    if not paginator.count:
        raise Http404(gettext("No published article has this translator."))
    page = paginator.get_page(parse_page(request.GET.get("page")))
    context = {"page_obj": page, "articles": page.object_list,
               "translator_name": page.object_list[0].translator}  # fmt: skip
    return render(request, "articles/translator.html", context)


def _shared_detail(request, slug):
    """The page every anonymous reader gets; SharedPageMiddleware caches it."""
    response = render_article(request, published_article(slug), shared=True)
    # An out-of-range page number is not worth a cache entry.
    response.shared_page = response.thread_page == parse_page(request.GET.get("page"))
    return response


@require_POST
def visited(request, slug):
    """Record that the signed-in reader has now read the article (sent by the page's script)."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    article = published_article_only(slug)
    ArticleVisit.objects.update_or_create(
        user=request.user, article=article, defaults={"last_seen_at": timezone.now()}
    )
    return HttpResponse(status=204)


@require_http_methods(["GET", "POST"])
def comment_create(request, slug):
    """A reader's comment form on the article page: posted, or shown again with its errors."""
    # Just the article: its tags and the reader's state are fetched only to re-render the form.
    article = published_article_only(slug)
    if request.method == "GET":
        return redirect(article.get_absolute_url() + "#comment-form")
    if not request.user.is_authenticated:
        return redirect_to_login(article.get_absolute_url() + "#comment-form")
    if not article.accepts_comments():
        return render(request, "discussions/comments_closed.html", {"article": article}, status=403)
    posted = comment_form_submit(request, article)
    if posted.redirect_to:
        return redirect(posted.redirect_to)
    article = published_article(slug, request.user)
    response = render_article(request, article, form=posted.form, status=posted.status)
    if posted.retry_after:
        response["Retry-After"] = str(posted.retry_after)
    return response
