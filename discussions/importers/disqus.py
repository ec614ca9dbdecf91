"""Import a Disqus XML export: threads are matched to articles, posts become comment trees.

A Disqus export lists every thread, then every post of the forum in one flat sequence: the posts
of one thread are scattered through the file and a reply may come before its parent. So the
file is streamed once into a temporary PostgreSQL table (dropped at commit), and the comments
are then built thread by thread from it; memory holds one thread's posts at a time. The element
names follow Disqus' export format (disqus.com/api/schemas/1.0/disqus.xsd): <thread dsq:id>,
<post dsq:id> with <thread dsq:id/>, <parent dsq:id/>, <isDeleted>, <isSpam>, <author>.
"""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qs, unquote, urlsplit

from django.db import connection, reset_queries, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Article
from discussions.importers.common import (
    ImportFileError,
    ImportStats,
    Progress,
    XmlStream,
    break_loops,
    clean_email,
    clean_ip,
    clean_name,
    comment_markup,
    local_name,
    parse_iso,
    slug_from,
)
from discussions.importers.html_source import html_to_source
from discussions.models import Comment, ImportSource
from discussions.services import ImportedComment, comments_import

COMMAND = "import_disqus"
SOURCE = ImportSource.DISQUS.value
SPOOL_BATCH = 5000  # posts per COPY into the spool table
UNMATCHED_SHOWN = 20  # unmatched threads named one by one in the summary

SPOOL_COLUMNS = "seq, thread, external_id, parent, created, status, name, email, ip, body"


@dataclass
class Thread:
    key: str
    ident: str
    link: str
    title: str
    created: datetime | None


def import_disqus(path, *, out, dry_run: bool = False, create_missing: bool = False):
    """Import the Disqus export at path; return what was done (nothing is kept on a dry run)."""
    stats = ImportStats()

    def check_root(tag):
        if local_name(tag) != "disqus":
            raise ImportFileError(
                COMMAND,
                path,
                _("not a Disqus export (its root element is <{tag}>, not <disqus>)").format(
                    tag=local_name(tag)
                ),
                line=1,
            )

    stream = XmlStream(path, command=COMMAND, depth=2, check_root=check_root)
    with transaction.atomic():
        spool = _Spool()
        threads: dict[str, Thread] = {}
        reading = Progress(out, label=_("reading"))
        for elem in stream.elements():
            name = local_name(elem.tag)
            if name == "thread":
                thread = _thread(elem)
                if thread is not None:
                    threads.setdefault(thread.key, thread)
                    if thread.ident:
                        threads.setdefault("id:" + thread.ident, thread)
            elif name == "post":
                row = _post_row(elem, spool.count + 1)
                if row is None:
                    stats.skipped["no_id"] += 1
                else:
                    spool.add(row)
                    if not spool.rows:
                        reset_queries()
            reading.total = stream.size
            reading.update(spool.count, stream.position)
        spool.flush()
        reading.finish()
        _build(spool, threads, stats, out=out, create_missing=create_missing)
        if dry_run:
            transaction.set_rollback(True)
    return stats


def _build(spool, threads, stats: ImportStats, *, out, create_missing: bool) -> None:
    spool.index()
    # Posts may name their thread by dsq:id or by its <id>: gather both under one thread.
    groups: dict[str, tuple[list[str], int]] = {}
    for key, count in spool.threads():
        thread = threads.get(key)
        canonical = thread.key if thread else key
        keys, total = groups.get(canonical, ([], 0))
        groups[canonical] = (keys + [key], total + count)
    building = Progress(out, label=_("building"), total=len(groups))
    resolver = _Resolver(stats, create_missing=create_missing)
    unmatched = []
    for done, (key, (keys, count)) in enumerate(groups.items(), start=1):
        thread = threads.get(key)
        article = resolver.article_for(key, thread)
        if article is None:
            stats.skipped["unmatched_thread"] += 1
            stats.skipped["unmatched_comment"] += count
            unmatched.append((key, thread.link if thread else ""))
        else:
            fallback = (thread and thread.created) or timezone.now()
            items = [_comment(row, fallback) for row in spool.posts(keys)]
            stats.loops += break_loops(items)
            outcome = comments_import(article=article, source=SOURCE, items=items)
            stats.add_outcome(outcome, items)
        reset_queries()  # with DEBUG on, Django would keep every INSERT's SQL
        building.update(stats.comments_created + stats.already_there, done)
    building.finish()
    seen = set(groups)
    empty = {t.key for t in threads.values()} - seen
    if empty:
        stats.skipped["empty_thread"] += len(empty)
    for key, link in unmatched[:UNMATCHED_SHOWN]:
        stats.notes.append(
            _("unmatched thread {key}: {link}").format(key=key, link=link or _("(no link)"))
        )
    if len(unmatched) > UNMATCHED_SHOWN:
        stats.notes.append(
            _("… and {n} more unmatched threads").format(n=len(unmatched) - UNMATCHED_SHOWN)
        )
    if unmatched and not create_missing:
        stats.notes.append(_("use --create-missing to create draft articles for them"))


def _dsq_id(elem) -> str:
    for key, value in elem.attrib.items():
        if local_name(key) == "id":
            return value.strip()
    return ""


def _is_true(value: str) -> bool:
    return value.strip().lower() == "true"


def _thread(elem) -> Thread | None:
    fields = {}
    for child in elem:
        fields.setdefault(local_name(child.tag), child.text or "")
    ident = fields.get("id", "").strip()
    key = _dsq_id(elem) or (f"id:{ident}" if ident else "")
    if not key:
        return None
    return Thread(
        key=key,
        ident=ident,
        link=fields.get("link", "").strip(),
        title=fields.get("title", ""),
        created=parse_iso(fields.get("createdAt", "")),
    )


def _reference(elem) -> str:
    """Return the key a <thread> or <parent> inside a post points to: dsq:id, else its <id>."""
    dsq = _dsq_id(elem)
    if dsq:
        return dsq
    text = (elem.text or "").strip()
    return f"id:{text}" if text else ""


def _post_row(elem, seq: int) -> tuple | None:
    fields = {}
    author = {}
    thread = parent = ""
    for child in elem:
        name = local_name(child.tag)
        if name == "thread":
            thread = _reference(child)
        elif name == "parent":
            parent = _reference(child)
        elif name == "author":
            author = {local_name(a.tag): a.text or "" for a in child}
        else:
            fields.setdefault(name, child.text or "")
    ident = fields.get("id", "").strip()
    external_id = _dsq_id(elem) or (f"id:{ident}" if ident else "")
    if not external_id or not thread or len(external_id) > 200:
        return None
    if _is_true(fields.get("isSpam", "")):
        status = Comment.Status.SPAM
    elif _is_true(fields.get("isDeleted", "")):
        status = Comment.Status.DELETED
    else:
        status = Comment.Status.VISIBLE
    return (
        seq,
        thread,
        external_id,
        parent or None,
        parse_iso(fields.get("createdAt", "")),
        status,
        clean_name(author.get("name", "")) or clean_name(author.get("username", "")),
        clean_email(author.get("email", "")),
        clean_ip(fields.get("ipAddress", "")),
        fields.get("message", ""),
    )


def _comment(row, fallback: datetime) -> ImportedComment:
    external_id, parent, created, status, name, email, ip, message = row
    body = html_to_source(comment_markup(message))
    return ImportedComment(
        external_id=external_id,
        parent_external_id=parent,
        body=body,
        created_at=created or fallback,
        status=status,
        guest_name=name or "",
        guest_email=email or "",
        ip_address=ip,
    )


class _Spool:
    """The posts read so far, in a temporary table that PostgreSQL drops at commit."""

    def __init__(self):
        self.rows: list[tuple] = []
        self.count = 0
        with connection.cursor() as cursor:
            # A caller's own outer transaction (a test) may still hold one from an earlier run.
            cursor.execute("DROP TABLE IF EXISTS pg_temp.crosstalk_disqus_spool")
            cursor.execute(
                "CREATE TEMP TABLE crosstalk_disqus_spool (seq bigint, thread text,"
                " external_id text, parent text, created timestamptz, status text, name text,"
                " email text, ip text, body text) ON COMMIT DROP"
            )

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        self.count += 1
        if len(self.rows) >= SPOOL_BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        with connection.cursor() as cursor:
            with cursor.copy(
                "COPY crosstalk_disqus_spool (" + SPOOL_COLUMNS + ") FROM STDIN"
            ) as copy:
                for row in self.rows:
                    copy.write_row(row)
        self.rows = []

    def index(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("CREATE INDEX ON crosstalk_disqus_spool (thread, seq)")
            cursor.execute("ANALYZE crosstalk_disqus_spool")

    def threads(self) -> list[tuple[str, int]]:
        """Return (thread key, number of posts) in the order the threads' posts first appear."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT thread, count(*) FROM crosstalk_disqus_spool"
                " GROUP BY thread ORDER BY min(seq)"
            )
            return cursor.fetchall()

    def posts(self, keys: list[str]) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT external_id, parent, created, status, name, email, ip, body"
                " FROM crosstalk_disqus_spool WHERE thread = ANY(%s) ORDER BY seq",
                [keys],
            )
            return cursor.fetchall()


class _Resolver:
    """Find the article of a thread: by an earlier import, its link's slug, or WordPress id."""

    def __init__(self, stats: ImportStats, *, create_missing: bool):
        self.stats = stats
        self.create_missing = create_missing

    def article_for(self, key: str, thread: Thread | None) -> Article | None:
        found = Article.objects.filter(import_source=SOURCE, external_id=key[:200]).first()
        if found is None and thread is not None:
            found = self._match(thread)
        if found is not None:
            self.stats.articles_matched += 1
            return found
        if self.create_missing and thread is not None:
            return self._create(thread)
        return None

    def _match(self, thread: Thread) -> Article | None:
        slugs, post_ids = _candidates(thread)
        for post_id in post_ids:
            wordpress = Article.objects.filter(import_source=ImportSource.WXR)
            found = wordpress.filter(external_id=post_id).first()
            if found is not None:
                return found
        slugs = [s for s in slugs if s]
        if slugs:
            by_slug = {a.slug: a for a in Article.objects.filter(slug__in=slugs)}
            for slug in slugs:
                if slug in by_slug:
                    return by_slug[slug]
        return None

    def _create(self, thread: Thread) -> Article:
        slugs, _ids = _candidates(thread)
        base = next((slug_from(s) for s in slugs if slug_from(s)), "") or slug_from(
            "disqus-" + thread.key
        )
        slug, n = base, 1
        while Article.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base[:190]}-{n}"
        article = Article.objects.create(
            title=clean_name(thread.title, 200) or thread.link[:200] or slug,
            slug=slug,
            body="",
            status=Article.Status.DRAFT,
            published_at=thread.created or timezone.now(),
            source_language=Article.Language.OTHER,
            import_source=SOURCE,
            external_id=thread.key[:200],
        )
        self.stats.articles_created += 1
        return article


def _candidates(thread: Thread) -> tuple[list[str], list[str]]:
    """Return the slugs and WordPress post ids that a thread's link and identifier point to."""
    slugs: list[str] = []
    post_ids: list[str] = []
    for value in (thread.link, thread.ident):
        if not value:
            continue
        words = value.split()
        if len(words) > 1 and words[0].isdigit():
            # The WordPress Disqus plugin's identifier: "<post id> <guid>".
            post_ids.append(words[0])
        parts = urlsplit(words[-1])
        post_ids.extend(p for p in parse_qs(parts.query).get("p", []) if p.isdigit())
        segments = [s for s in parts.path.split("/") if s]
        if segments:
            last = unquote(segments[-1])
            slugs.extend([last, slug_from(last)])
    return slugs, post_ids
