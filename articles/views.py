from django.conf import settings
from django.contrib.postgres.aggregates import JSONBAgg
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import JSONObject
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST, require_safe

from articles import page_cache
from articles.models import Article, ArticleVisit, Category, Tag
from articles.sharing import json_ld, news_article_data, share_links
from discussions.forms import CommentForm
from discussions.models import Comment
from discussions.pages import personal_html, thread_fragment, viewer_filter
from discussions.rendering import CSRF_PLACEHOLDER
from discussions.threads import SORTS, parse_sort


def parse_page(value: str | None) -> int:
    """Return a page number from a query value; anything odd is page 1, huge is clamped."""
    if value and value.isascii() and value.isdigit() and len(value) <= 9:
        return max(1, int(value))
    return 1


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
    """
    queryset = (
        Article.objects.published()
        .select_related("category")
        .annotate(
            tag_list=JSONBAgg(
                JSONObject(name="tags__name", slug="tags__slug"),
                filter=Q(tags__isnull=False),
                order_by="tags__name",
                default=[],
            )
        )
    )
    if user is not None and user.is_authenticated:
        pending = Comment.objects.filter(
            article=OuterRef("pk"), author=user, status=Comment.Status.PENDING
        )
        visit = ArticleVisit.objects.filter(article=OuterRef("pk"), user=user)
        queryset = queryset.annotate(
            has_own_pending=Exists(pending),
            last_seen_at=Subquery(visit.values("last_seen_at")[:1]),
        )
    return get_object_or_404(queryset, slug=slug)


def render_article(request, article, *, form=None, status=200, reply_to=None, shared=False):
    """Render the article page with its discussion; shared by the comment-posting view.

    shared: the page every anonymous reader gets, with nothing of this request in it (see
    articles/page_cache.py); the response then carries the discussion page it shows as
    `thread_page`.
    """
    sort = parse_sort(request.GET.get("sort") or request.POST.get("sort"))
    fragment = thread_fragment(
        article,
        sort=sort,
        page=parse_page(request.GET.get("page")),
        viewer=None if shared else viewer_filter(request, article),
    )
    if shared:
        # Anonymous vote buttons lead to the login page: no CSRF token is needed, or shared.
        thread_html = mark_safe(fragment.html.replace(CSRF_PLACEHOLDER, ""))  # noqa: S308
    else:
        thread_html = personal_html(
            request,
            fragment.html,
            fragment.comment_ids,
            fragment.owners,
            last_seen=getattr(article, "last_seen_at", None),
        )
    url = request.build_absolute_uri(article.get_absolute_url())
    context = {
        "article": article,
        "canonical_url": url,
        "share_links": share_links(url, article.title),
        "json_ld": json_ld(
            news_article_data(article, url=url, site_url=request.build_absolute_uri("/"))
        ),
        "source_sections": _source_sections(article),
        "sort": sort,
        "sorts": SORTS,
        "thread_html": thread_html,
        "featured": fragment.featured,
        "thread_page": fragment.page,
        "thread_pages": fragment.pages,
        "form": form or CommentForm(),
        "blank_form": CommentForm(),
        "reply_to": reply_to,
    }
    response = render(request, "articles/detail.html", context, status=status)
    response.thread_page = fragment.page
    return response


def _source_sections(article) -> list[tuple[str, str, list]]:
    """Group the article's source comments by platform, in the order the editor set."""
    sections: dict[str, list] = {}
    for item in article.source_comments.all():
        sections.setdefault(item.platform, []).append(item)
    return [(key, items[0].get_platform_display(), items) for key, items in sections.items()]


@require_safe
def detail(request, slug):
    if page_cache.is_shared_request(request):
        return _shared_detail(request, slug)
    return render_article(request, published_article(slug, request.user))


def _shared_detail(request, slug):
    """The anonymous reader's article page, from the cache when this version is there."""
    row = page_cache.article_state(slug)
    if row is None:
        raise Http404("No article here.")
    sort = parse_sort(request.GET.get("sort"))
    page = parse_page(request.GET.get("page"))
    key = page_cache.page_key(
        request, article_id=row[0], version=row[1], updated_at=row[2], sort=sort, page=page
    )
    cached = page_cache.cached_response(request, key)
    if cached is not None:
        return cached
    response = render_article(request, published_article(slug), shared=True)
    if response.thread_page == page:  # an out-of-range page is not worth a cache entry
        page_cache.store(request, key, response)
    return response


@require_POST
def visited(request, slug):
    """Record that the signed-in reader has now read the article (sent by the page's script)."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    article = get_object_or_404(Article.objects.published(), slug=slug)
    ArticleVisit.objects.update_or_create(
        user=request.user, article=article, defaults={"last_seen_at": timezone.now()}
    )
    return HttpResponse(status=204)
