"""Generate the WXR and Disqus exports that the bench's imports section times.

The shape: thread sizes follow a power law (a few threads hold most comments), replies attach
preferentially to comments that already have replies, about 5% of replies are written before
their parent in the file, and the Disqus export interleaves the posts of all threads by time.
The same arguments always write the same file.
"""

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape

START = datetime(2023, 1, 1, tzinfo=UTC)
STATUSES = (("visible", 0.91), ("pending", 0.04), ("spam", 0.03), ("deleted", 0.02))
# Ids far above any real site's, so a bench run never meets imported data in the database.
ID_BASE = 900_000_000
OUT_OF_ORDER = 0.05  # share of replies written before their parent
TOP_LEVEL = 0.3  # share of comments that start a new tree

SENTENCES = (
    "The pilot starts on Line 2 next month.",
    "조용한 칸 정말 좋아요, 출근길이 훨씬 편해졌어요.",
    "我也这么认为，夜市终于回来了 🎉",
    "Does anyone know whether the quiet car runs on weekends?",
    "Translation note: the original headline is a pun 😄",
    "Not everyone can afford to wait for the next train.",
    "버스 노선이 바뀌어서 불편합니다.",
    "这篇翻译很好，谢谢！",
)


@dataclass
class Node:
    id: int
    parent: int | None
    created: datetime
    status: str
    body: str
    order_key: float = 0.0


def thread_sizes(comments: int, threads: int) -> list[int]:
    """Return per-thread comment counts that follow a power law and add up to comments."""
    weights = [1 / (rank + 1) ** 1.1 for rank in range(threads)]
    total = sum(weights)
    sizes = [max(1, int(comments * w / total)) for w in weights]
    sizes[0] += comments - sum(sizes)
    return sizes


def _body(rng: random.Random, n: int) -> str:
    paragraphs = [" ".join(rng.sample(SENTENCES, 2)) for _ in range(rng.randint(1, 3))]
    if n % 7 == 0:
        paragraphs.append('See <a href="https://example.org/source">the source</a>.')
    return "\n\n".join(paragraphs)


def plan_thread(rng: random.Random, size: int, first_id: int, start: datetime) -> list[Node]:
    """Return one thread's comments with parents chosen preferentially, in file order."""
    nodes: list[Node] = []
    pool: list[int] = []  # each index once, plus once per reply it has: rich get richer
    statuses, shares = zip(*STATUSES, strict=True)
    for k in range(size):
        created = start + timedelta(minutes=3 * k, seconds=rng.randint(0, 170))
        parent = None
        if k and rng.random() > TOP_LEVEL:
            index = rng.choice(pool)
            parent = nodes[index].id
            pool.append(index)
        status = rng.choices(statuses, shares)[0]
        node = Node(first_id + k, parent, created, status, _body(rng, first_id + k))
        node.order_key = created.timestamp()
        if parent is not None and rng.random() < OUT_OF_ORDER:
            node.order_key = nodes[parent - first_id].order_key - 0.5
        nodes.append(node)
        pool.append(k)
    return nodes


def plan(comments: int, threads: int, seed: int) -> list[list[Node]]:
    rng = random.Random(seed)  # noqa: S311 - reproducible test data
    result, next_id = [], ID_BASE
    for t, size in enumerate(thread_sizes(comments, threads)):
        start = START + timedelta(hours=6 * t)
        result.append(plan_thread(rng, size, next_id, start))
        next_id += size
    return result


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _wp_date(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


WP_APPROVED = {"visible": "1", "pending": "0", "spam": "spam", "deleted": "trash"}


def generate_wxr(path, *, comments: int = 50_000, threads: int = 200, seed: int = 7) -> int:
    """Write a WXR export to path; return the number of comments in it."""
    with open(path, "w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0"'
            ' xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"'
            ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
            ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
            ' xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
            "<title>Bench</title><wp:wxr_version>1.2</wp:wxr_version>\n"
        )
        for t, nodes in enumerate(plan(comments, threads, seed)):
            start = START + timedelta(hours=6 * t)
            body = _body(random.Random(t), t)  # noqa: S311 - reproducible test data
            out.write(
                f"<item><title>Bench thread {t}</title><dc:creator>bench</dc:creator>"
                f"<content:encoded>{_cdata(body)}</content:encoded>"
                f"<excerpt:encoded></excerpt:encoded><wp:post_id>{ID_BASE + t}</wp:post_id>"
                f"<wp:post_date_gmt>{_wp_date(start)}</wp:post_date_gmt>"
                f"<wp:post_name>bench-thread-{t}</wp:post_name><wp:status>publish</wp:status>"
                "<wp:post_type>post</wp:post_type>"
                '<category domain="category" nicename="bench">Bench</category>\n'
            )
            for node in sorted(nodes, key=lambda n: n.order_key):
                out.write(
                    f"<wp:comment><wp:comment_id>{node.id}</wp:comment_id>"
                    f"<wp:comment_author>{_cdata(f'Reader {node.id % 997}')}</wp:comment_author>"
                    f"<wp:comment_author_email>r{node.id % 997}@example.org"
                    "</wp:comment_author_email>"
                    f"<wp:comment_author_IP>192.0.2.{node.id % 250}</wp:comment_author_IP>"
                    f"<wp:comment_date_gmt>{_wp_date(node.created)}</wp:comment_date_gmt>"
                    f"<wp:comment_content>{_cdata(node.body)}</wp:comment_content>"
                    f"<wp:comment_approved>{WP_APPROVED[node.status]}</wp:comment_approved>"
                    "<wp:comment_type>comment</wp:comment_type>"
                    f"<wp:comment_parent>{node.parent or 0}</wp:comment_parent></wp:comment>\n"
                )
            out.write("</item>\n")
        out.write("</channel>\n</rss>\n")
    return comments


def generate_disqus(path, *, comments: int = 50_000, threads: int = 200, seed: int = 7) -> int:
    """Write a Disqus export to path (posts of all threads interleaved); return the count."""
    planned = plan(comments, threads, seed)
    posts = [(node, t) for t, nodes in enumerate(planned) for node in nodes]
    # Threads overlap in time, so sorting by time scatters each thread through the file.
    rng = random.Random(seed + 1)  # noqa: S311 - reproducible test data
    offsets = [rng.uniform(0, 6 * 3600 * threads) for _ in planned]
    posts.sort(key=lambda p: (p[0].order_key - START.timestamp() - 6 * 3600 * p[1]) + offsets[p[1]])
    with open(path, "w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="utf-8"?>\n<disqus xmlns="http://disqus.com"'
            ' xmlns:dsq="http://disqus.com/disqus-internals">\n'
        )
        for t in range(len(planned)):
            created = START + timedelta(hours=6 * t)
            out.write(
                f'<thread dsq:id="{ID_BASE + t}"><id/><forum>bench</forum>'
                f"<link>https://blog.example.net/2023/01/bench-thread-{t}/</link>"
                f"<title>Bench thread {t}</title>"
                f"<createdAt>{created.strftime('%Y-%m-%dT%H:%M:%SZ')}</createdAt>"
                "<isClosed>false</isClosed><isDeleted>false</isDeleted></thread>\n"
            )
        for node, t in posts:
            parent = f'<parent dsq:id="{node.parent}"/>' if node.parent else ""
            out.write(
                f'<post dsq:id="{node.id}"><id/><message>{_cdata(_html(node.body))}</message>'
                f"<createdAt>{node.created.strftime('%Y-%m-%dT%H:%M:%SZ')}</createdAt>"
                f"<isDeleted>{str(node.status == 'deleted').lower()}</isDeleted>"
                f"<isSpam>{str(node.status == 'spam').lower()}</isSpam>"
                f"<author><email>r{node.id % 997}@example.org</email>"
                f"<name>{escape(f'Reader {node.id % 997}')}</name>"
                "<isAnonymous>true</isAnonymous></author>"
                f"<ipAddress>198.51.100.{node.id % 250}</ipAddress>"
                f'<thread dsq:id="{ID_BASE + t}"/>{parent}</post>\n'
            )
        out.write("</disqus>\n")
    return comments


def _html(body: str) -> str:
    return "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
