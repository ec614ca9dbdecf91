"""Import a WordPress WXR export: posts become articles, their comments our comment trees.

The file is streamed item by item (WXR keeps each post's comments inside its <item>), and the
whole import runs in one transaction, so a file that turns out to be broken halfway leaves
nothing behind. The element names follow WordPress' own exporter (wp-admin/includes/export.php);
the wp: namespace carries the WXR version (1.0, 1.1, 1.2), so it is recognised by its prefix.
"""

import html

from django.db import reset_queries, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Article, Category, Tag
from core.text import sanitize_article_html, strip_tags_text
from discussions.importers.common import (
    ImportFileError,
    ImportStats,
    Progress,
    XmlStream,
    autop,
    break_loops,
    clean_email,
    clean_ip,
    clean_name,
    comment_markup,
    parse_wp_datetime,
    slug_from,
)
from discussions.importers.html_source import html_to_source
from discussions.models import Comment, ImportSource
from discussions.services import ImportedComment, comments_import

COMMAND = "import_wxr"
SOURCE = ImportSource.WXR.value

ARTICLE_STATUS = {
    "publish": Article.Status.PUBLISHED,
    "draft": Article.Status.DRAFT,
    "pending": Article.Status.DRAFT,
    "private": Article.Status.DRAFT,
    "future": Article.Status.DRAFT,
}
COMMENT_STATUS = {
    "1": Comment.Status.VISIBLE,
    "0": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.DELETED,
}
# Comment types that are real reader comments; WordPress writes "" for them before 5.5.
COMMENT_TYPES = {"", "comment"}

_FIXED_PREFIXES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://wellformedweb.org/CommentAPI/": "wfw",
}
_names: dict[str, str] = {}


def qname(tag: str) -> str:
    """Return "prefix:name" for a namespaced tag, with WordPress' usual prefixes."""
    name = _names.get(tag)
    if name is None:
        name = _names[tag] = _qualify(tag)
    return name


def _qualify(tag: str) -> str:
    if not tag.startswith("{"):
        return tag
    uri, _sep, local = tag[1:].partition("}")
    prefix = _FIXED_PREFIXES.get(uri)
    if prefix is None and "wordpress.org/export/" in uri:
        prefix = "excerpt" if uri.rstrip("/").endswith("/excerpt") else "wp"
    return f"{prefix}:{local}" if prefix else local


def import_wxr(path, *, out, dry_run: bool = False) -> ImportStats:
    """Import the WXR file at path; return what was done (nothing is kept on a dry run)."""
    stats = ImportStats()

    def check_root(tag):
        if tag != "rss":
            raise ImportFileError(
                COMMAND,
                path,
                _("not a WordPress export (its root element is <{tag}>, not <rss>)").format(
                    tag=tag.rpartition("}")[2]
                ),
                line=1,
            )

    stream = XmlStream(path, command=COMMAND, depth=3, check_root=check_root)
    progress = Progress(out, label=COMMAND)
    importer = _Importer(stats)
    with transaction.atomic():
        for elem in stream.elements():
            if qname(elem.tag) == "item":
                importer.item(elem)
                reset_queries()  # with DEBUG on, Django would keep every INSERT's SQL
                progress.total = stream.size
                progress.update(stats.comments_created + stats.already_there, stream.position)
        if dry_run:
            transaction.set_rollback(True)
    progress.finish()
    return stats


class _Importer:
    def __init__(self, stats: ImportStats):
        self.stats = stats
        self.terms: dict[tuple, object] = {}

    def item(self, elem) -> None:
        fields: dict[str, str] = {}
        terms: list[tuple[str, str, str]] = []
        comments = []
        for child in elem:
            name = qname(child.tag)
            if name == "category":
                terms.append((child.get("domain", ""), child.get("nicename", ""), child.text or ""))
            elif name == "wp:comment":
                comments.append(child)
            elif name not in fields:
                fields[name] = child.text or ""
        post_type = fields.get("wp:post_type", "post").strip()
        status = ARTICLE_STATUS.get(fields.get("wp:status", "").strip())
        reason = None
        if post_type in ("page", "attachment"):
            reason = post_type
        elif post_type != "post":
            reason = "post_type"
        elif status is None:
            reason = "post_status"
        if reason:
            self.stats.skipped[reason] += 1
            self.stats.skipped["item_comment"] += len(comments)
            return
        article = self.article(fields, terms, status)
        items = [item for item in map(self.comment, comments) if item is not None]
        for item in items:
            item.created_at = item.created_at or article.published_at
        if items:
            self.stats.loops += break_loops(items)
            outcome = comments_import(article=article, source=SOURCE, items=items)
            self.stats.add_outcome(outcome, items)

    def article(self, fields: dict, terms: list, status: str) -> Article:
        post_id = fields.get("wp:post_id", "").strip()[:200]
        found = None
        if post_id:
            found = Article.objects.filter(import_source=SOURCE, external_id=post_id).first()
        title = clean_name(fields.get("title", ""), 200) or _("Untitled")
        slug = slug_from(fields.get("wp:post_name", "")) or slug_from(title)
        slug = slug or f"wp-{post_id}"
        if found is None:
            found = Article.objects.filter(slug=slug).first()
            if found is not None and found.import_source == SOURCE and post_id:
                # Another post of this export already has the slug (drafts without a name).
                found, slug = None, _free_slug(slug)
        if found is not None:
            self.stats.articles_matched += 1
            return found
        published_at = (
            parse_wp_datetime(fields.get("wp:post_date_gmt", ""))
            or parse_wp_datetime(fields.get("wp:post_date", ""))
            or timezone.now()
        )
        excerpt = strip_tags_text(sanitize_article_html(fields.get("excerpt:encoded", "")))
        article = Article(
            title=title,
            slug=slug,
            dek=" ".join(html.unescape(excerpt).split()),
            body=sanitize_article_html(autop(fields.get("content:encoded", ""))),
            translator=clean_name(fields.get("dc:creator", ""), 120),
            status=status,
            published_at=published_at,
            source_language=Article.Language.OTHER,
            import_source=SOURCE if post_id else "",
            external_id=post_id,
        )
        categories = [t for t in terms if t[0] == "category"]
        if categories:
            article.category = self.term(Category, categories[0])
        article.save()
        tags = {self.term(Tag, t) for t in terms if t[0] == "post_tag"} - {None}
        if tags:
            article.tags.set(tags)
        self.stats.articles_created += 1
        return article

    def term(self, model, term: tuple[str, str, str]):
        """Return the Category or Tag for a WXR term, created by its nicename when missing."""
        _domain, nicename, label = term
        slug = slug_from(nicename, limit=80) or slug_from(label, limit=80)
        if not slug:
            return None
        key = (model, slug)
        if key not in self.terms:
            obj = model.objects.filter(slug=slug).first()
            if obj is None:
                name = clean_name(label, 80) or slug
                if model.objects.filter(name=name).exists():
                    name = f"{name} ({slug})"[:80]
                obj = model.objects.create(name=name, slug=slug)
            self.terms[key] = obj
        return self.terms[key]

    def comment(self, elem) -> ImportedComment | None:
        fields = {}
        for child in elem:
            fields.setdefault(qname(child.tag), child.text or "")
        kind = fields.get("wp:comment_type", "").strip()
        if kind in ("pingback", "trackback"):
            self.stats.skipped[kind] += 1
            return None
        if kind not in COMMENT_TYPES:
            self.stats.skipped["comment_type"] += 1
            return None
        external_id = fields.get("wp:comment_id", "").strip()
        if not external_id or len(external_id) > 200:
            self.stats.skipped["no_id"] += 1
            return None
        parent = fields.get("wp:comment_parent", "").strip()
        body = html_to_source(comment_markup(fields.get("wp:comment_content", "")))
        return ImportedComment(
            external_id=external_id,
            parent_external_id=None if parent in ("", "0") else parent,
            body=body,
            created_at=parse_wp_datetime(fields.get("wp:comment_date_gmt", ""))
            or parse_wp_datetime(fields.get("wp:comment_date", "")),
            status=COMMENT_STATUS.get(
                fields.get("wp:comment_approved", "").strip(), Comment.Status.PENDING
            ),
            guest_name=clean_name(fields.get("wp:comment_author", "")),
            guest_email=clean_email(fields.get("wp:comment_author_email", "")),
            ip_address=clean_ip(fields.get("wp:comment_author_IP", "")),
        )


def _free_slug(base: str) -> str:
    n = 2
    while Article.objects.filter(slug=f"{base[:190]}-{n}").exists():
        n += 1
    return f"{base[:190]}-{n}"
