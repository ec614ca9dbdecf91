"""Share links and structured data for an article page: plain URLs, no third-party scripts."""

import json
from urllib.parse import quote, urlencode

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


SHARE_TARGETS = [
    # (key, label, address, {query parameter: "url" or "title"})
    ("x", "X", "https://twitter.com/intent/tweet", {"url": "url", "text": "title"}),
    ("facebook", "Facebook", "https://www.facebook.com/sharer/sharer.php", {"u": "url"}),
    ("reddit", "Reddit", "https://www.reddit.com/submit", {"url": "url", "title": "title"}),
    (
        "weibo",
        "Weibo",
        "https://service.weibo.com/share/share.php",
        {"url": "url", "title": "title"},
    ),
    ("kakao", "KakaoStory", "https://story.kakao.com/share", {"url": "url"}),
]


def share_links(url: str, title: str) -> list[tuple[str, str, str]]:
    """Return (key, label, href) for each place a reader can share the article."""
    values = {"url": url, "title": title}
    email = "mailto:?" + urlencode({"subject": title, "body": url}, quote_via=quote)
    links = [("email", _("Email"), email)]
    for key, label, address, params in SHARE_TARGETS:
        query = urlencode({name: values[source] for name, source in params.items()})
        links.append((key, label, f"{address}?{query}"))
    return links


def json_ld(data: dict) -> str:
    """Return data as JSON safe to place inside a <script type="application/ld+json">."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES))  # noqa: S308


def news_article_data(article, *, url: str, site_url: str) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.dek,
        "datePublished": article.published_at.isoformat(),
        "dateModified": article.updated_at.isoformat(),
        "mainEntityOfPage": url,
        "url": url,
        "commentCount": article.comment_count,
        "discussionUrl": url + "#discussion",
        "publisher": {"@type": "Organization", "name": "crosstalk", "url": site_url},
        "inLanguage": "en",
    }
    if article.translator:
        data["author"] = {"@type": "Person", "name": article.translator}
    if article.source_url:
        data["isBasedOn"] = article.source_url
    if article.category_id:
        data["articleSection"] = article.category.name
    return data
