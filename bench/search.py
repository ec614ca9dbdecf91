"""Search over 10,000 articles, 20,000 source comments and 200,000 reader comments.

The data is made once, in SQL (INSERT … SELECT generate_series), and recognised after by its
import_source: English text drawn from a skewed vocabulary (a few words common, most rare),
CJK text of skewed Hangul syllables and Han characters, and the real terms the queries look
for (내로남불, 内卷/內卷, 躺平, 갑질 …) mixed in at known rates. 3% of the reader comments are
removed or pending and 2% of the articles drafts, as the site's own filters have to skip them.

Each query is timed through the Django test client (the whole /search/ page: view, queries,
template), after warm-up; the figure per kind of query is the p50 of all its samples.
"""

from datetime import UTC, datetime

from django.conf import settings
from django.db import connection, transaction
from django.test import Client

from articles.models import Article, SourceComment
from bench.report import Stopwatch, emit, p50, percentile, progress
from discussions import markup
from discussions.models import Comment

SOURCE = "bench-search"
ARTICLES = 10_000
SOURCE_COMMENTS_PER_ARTICLE = 2
COMMENTS = 200_000
ROUNDS = 15
TARGET_MS = 50

QUERIES = {
    "english": ["housing prices", "pension", "exams teachers", "quietly", "subway fares"],
    "cjk_1": ["卷", "불", "的"],
    "cjk_2": ["内卷", "갑질", "躺平"],
    "cjk_4": ["내로남불", "內卷文化", "흙수저들"],
}

# The vocabulary, by rank: English function words first, then made-up words ("bakori"), with
# the real topical words the queries use spread among them from rank 100 on; a text draws the
# word of rank r with probability proportional to 1/r (Zipf's law), so a function word is in
# nearly every text, a topical word in a few percent, as in real prose.
COMMON = (
    "the of and to a in that is it for on was with as but they this not be have are at by "
    "from or one had an what all were we when there can more if no out so said up about which "
    "some could them into only other then than now also our after how over just even because"
).split()
TOPICAL = (
    "people government city young prices housing rent policy says would could should think "
    "really school workers pension subway seoul beijing shanghai busan ministry tax reform "
    "market wages overtime exam exams teachers parents netizens weibo naver comment article "
    "election survey budget exports chips factory rural migrants fares quiet cars phone calls "
    "platform moderators honestly agree disagree never always maybe probably why original "
    "headline context numbers percent year month week since before landlords tenants deposit "
    "jeonse mortgage apartment commute delivery riders couriers hospital doctors strike nurses "
    "clinic students tuition cram hagwon suneung gaokao graduates unemployment startup "
    "bankruptcy debt savings inflation interest banks loans quietly stubborn lazy ambitious "
    "exhausted burnout hustle lying flat involution hypocrisy double standard spoon dirt gold "
    "silver chaebol nepotism scandal prosecutor court verdict appeal protest rally police "
    "curfew typhoon flood heatwave drought harvest rice kimchi noodles hotpot dumplings "
    "baseball football olympics esports idols dramas variety show"
).split()
_SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
VOCABULARY_SIZE = 6_000
# The word of rank r, in SQL: a common word, a topical one (every 20th rank from 100 on), or
# a made-up one of two syllables spelled from r itself (no lookup in a long array per word).
WORD_OF_RANK = f"""CASE
  WHEN r <= {len(COMMON)} THEN (%(common)s::text[])[r]
  WHEN r >= 100 AND r %% 20 = 0 AND r / 20 - 4 <= {len(TOPICAL)}
    THEN (%(topical)s::text[])[r / 20 - 4]
  ELSE (%(syllables)s::text[])[1 + r %% {len(_SYLLABLES)}]
    || (%(syllables)s::text[])[1 + (r / {len(_SYLLABLES)}) %% {len(_SYLLABLES)}]
    || (ARRAY['', 'n', 'r'])[1 + r %% 3]
END"""


HANGUL = "".join(chr(0xAC00 + i * 37) for i in range(300))
# The most used Han characters, most used first.
HAN = (
    "的一是不了人我在有他这中大来上个国到说们为子和你地出道也时年得就那要下以生会自着"
    "去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主"
    "行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二"
    "理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走"
    "电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市"
    "眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提"
    "感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它"
    "许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青"
    "管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步"
    "完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持"
    "取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单跑"
)


def _words(count_sql: str, seed_column: str = "g") -> str:
    """Return SQL for count_sql words drawn by Zipf's law: rank r with probability ~ 1/r."""
    return (
        f"(SELECT string_agg({WORD_OF_RANK}, ' ') FROM "  # noqa: S608
        f"(SELECT floor(exp(random() * ln({VOCABULARY_SIZE})))::int AS r "
        f"FROM generate_series(1, ({count_sql}) + 0 * {seed_column})) AS w)"
    )


def _cjk(count_sql: str, alphabet: str, seed_column: str = "g") -> str:
    """Return SQL for count_sql characters of an alphabet, skewed to its first ones."""
    return (
        f"(SELECT string_agg(substr(%({alphabet})s, 1 + floor(power(random(), 2) * "  # noqa: S608
        f"length(%({alphabet})s))::int, 1), '') "
        f"FROM generate_series(1, ({count_sql}) + 0 * {seed_column}))"
    )


# The terms the queries look for, and how often one is mixed into a text.
TERMS = "ARRAY['내로남불', '内卷', '內卷', '躺平', '갑질', '흙수저', '內卷文化', '흙수저들']"
TERM = f"({TERMS})[1 + floor(random() * 8)::int]"


# The SQL below is put together from this module's constants, never from outside input
# (ruff's S608 is silenced line by line for that reason).
# Stand-ins for what comment_markup_sql has SQL put in: a moment and a body.
_MOMENT = datetime(2001, 2, 3, 4, 5, 6, 789_000, tzinfo=UTC)
_BODY = "\ue010"


def comment_markup_sql(
    *, status: str, body_html: str, created_at: str, guest_name: str = ""
) -> str:
    """Return the SQL of a generated guest comment's stored markup (discussions.markup): what
    the site's renderer gives for each status, with the time and the body put in by SQL, so
    rows inserted by SQL show in a thread like any other (the tests' check after each test
    compares them with a fresh rendering). Arguments are SQL expressions, but guest_name: a
    plain value."""
    if settings.TIME_ZONE != "UTC":
        raise ValueError("comment_markup_sql writes times in UTC only")
    iso = _MOMENT.isoformat(timespec="milliseconds")
    exact = _MOMENT.strftime("%Y-%m-%d %H:%M UTC")
    moment = f"(({created_at}) AT TIME ZONE 'UTC')"
    fills = {
        _BODY: f"({body_html})",
        iso: f"""to_char({moment}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"+00:00"')""",
        exact: f"""to_char({moment}, 'YYYY-MM-DD HH24:MI "UTC"')""",
    }
    cases = []
    for value in Comment.Status.values:
        text = markup.render_values(
            {name: None for name in markup.FIELDS}
            | {"status": value, "body_html": _BODY, "created_at": _MOMENT, "guest_name": guest_name}
        )
        parts = [text]
        for marker in fills:  # cut the text at each stand-in, keeping the stand-ins
            parts = [
                piece
                for part in parts
                for n, chunk in enumerate(part.split(marker) if part not in fills else [part])
                for piece in ((marker, chunk) if n else (chunk,))
            ]
        sql = " || ".join(
            fills[part] if part in fills else "'" + part.replace("'", "''").replace("%", "%%") + "'"
            for part in parts
            if part
        )
        cases.append(f"WHEN '{value}' THEN {sql}")
    return f"CASE {status} {' '.join(cases)} END"


def insert_rows(model, values: dict[str, str], *, rows_sql: str, params: dict) -> None:
    """INSERT … SELECT into the model's table: the given column expressions, and every other
    NOT NULL column its field's default (columns added by later migrations keep working)."""
    columns, exprs = [], []
    for f in model._meta.concrete_fields:
        column = f.column
        if column in values:
            columns.append(column)
            exprs.append(values[column])
        elif not f.null and not f.primary_key:
            default = f.get_default()
            params[f"default_{column}"] = f.get_db_prep_value(default, connection)
            columns.append(column)
            exprs.append(f"%(default_{column})s")
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(exprs)} {rows_sql}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def ensure_search_data() -> None:
    if Article.objects.filter(import_source=SOURCE).count() >= ARTICLES:
        return
    progress("search: generating 10,000 articles, 20,000 source comments, 200,000 comments")
    params = {"common": COMMON, "topical": TOPICAL, "syllables": _SYLLABLES}
    params.update(hangul=HANGUL, han=HAN)
    params["n"] = ARTICLES
    with transaction.atomic():
        with connection.cursor() as cursor:
            # A partial earlier run's rows, in SQL: the ORM's delete would write 10,000
            # article revisions (simple_history) first.
            cursor.execute("DELETE FROM discussions_comment WHERE import_source = %s", [SOURCE])
            cursor.execute(
                "DELETE FROM articles_sourcecomment WHERE article_id IN "
                "(SELECT id FROM articles_article WHERE import_source = %s)",
                [SOURCE],
            )
            cursor.execute("DELETE FROM articles_article WHERE import_source = %s", [SOURCE])
            cursor.execute("SELECT setseed(0.42)")
        paragraph = (
            "'<p>' || " + _words("40 + floor(random() * 40)::int", "p") + " || "
            f"CASE WHEN random() < 0.03 THEN ' netizens called it ' || {TERM} || '.' "
            "ELSE '' END || '</p>'"
        )
        insert_rows(
            Article,
            {
                "title": "initcap(" + _words("5 + floor(random() * 5)::int") + ")",
                "slug": "'bench-search-' || g",
                "dek": _words("12 + floor(random() * 10)::int") + " || '.'",
                "body": f"(SELECT string_agg({paragraph}, '') "  # noqa: S608
                "FROM generate_series(1, 6 + 0 * g) AS p)",
                "source_language": "CASE WHEN g %% 2 = 0 THEN 'ko' ELSE 'zh' END",
                "status": "CASE WHEN g %% 50 = 0 THEN 'draft' ELSE 'published' END",
                "published_at": "now() - g * interval '37 minutes'",
                "created_at": "now()",
                "updated_at": "now()",
                "import_source": f"'{SOURCE}'",
                "external_id": "g::text",
            },
            rows_sql="FROM generate_series(1, %(n)s) AS g",
            params=params,
        )
        first = Article.objects.filter(import_source=SOURCE).order_by("pk").first().pk
        params.update(first=first, comments=COMMENTS, per=SOURCE_COMMENTS_PER_ARTICLE)
        insert_rows(
            SourceComment,
            {
                "article_id": "%(first)s + (g - 1) / %(per)s",
                "platform": "CASE WHEN g %% 4 < 2 THEN 'naver' ELSE 'weibo' END",
                "language": "CASE WHEN g %% 4 < 2 THEN 'ko' ELSE 'zh' END",
                "position": "g",
                "text": _words("15 + floor(random() * 20)::int") + " || '.'",
                "original_text": "CASE WHEN g %% 4 < 2 THEN "
                + _cjk("20 + floor(random() * 40)::int", "hangul")
                + " ELSE "
                + _cjk("20 + floor(random() * 40)::int", "han")
                + f" END || CASE WHEN random() < 0.05 THEN {TERM} ELSE '' END",
            },
            rows_sql="FROM generate_series(1, %(n)s * %(per)s) AS g",
            params=params,
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(max(tree_id), 0) FROM discussions_comment")
            params["tree"] = cursor.fetchone()[0]
        body = (
            _words("10 + floor(power(random(), 2) * 90)::int")
            + f" || CASE WHEN random() < 0.01 THEN ' ' || {TERM} ELSE '' END"
        )
        body_html = "'<p>' || b.body || '</p>'"
        created_at = "now() - g * interval '1 minute'"
        status = (
            "CASE WHEN g %% 33 = 0 THEN 'removed' WHEN g %% 67 = 0 THEN 'pending' "
            "ELSE 'visible' END"
        )
        insert_rows(
            Comment,
            {
                "article_id": f"%(first)s + (g - 1) %% {ARTICLES}",
                "guest_name": "'Bench guest'",
                "body": "b.body",
                "body_html": body_html,
                "created_at": created_at,
                "status": status,
                "markup": comment_markup_sql(
                    status=status,
                    body_html=body_html,
                    created_at=created_at,
                    guest_name="Bench guest",
                ),
                "import_source": f"'{SOURCE}'",
                "external_id": "g::text",
                "lft": "1",
                "rght": "2",
                "tree_id": "%(tree)s + g",
                "level": "0",
            },
            rows_sql="FROM generate_series(1, %(comments)s) AS g, "
            f"LATERAL (SELECT {body} AS body) AS b",
            params=params,
        )
    with connection.cursor() as cursor:
        # Outside any transaction: VACUUM also moves the GIN indexes' pending entries in.
        cursor.execute(
            "VACUUM ANALYZE articles_article, articles_sourcecomment, discussions_comment"
        )
    progress("search: data ready")


def search_figures() -> None:
    ensure_search_data()
    client = Client()
    emit(
        "search_dataset",
        Article.objects.filter(import_source=SOURCE).count(),
        "articles",
        source_comments=SourceComment.objects.filter(article__import_source=SOURCE).count(),
        comments=Comment.objects.filter(import_source=SOURCE).count(),
    )
    for kind, queries in QUERIES.items():
        watch = Stopwatch()
        per_query = {}
        for q in queries:
            for _ in range(3):  # warm-up: plans, caches, buffers
                client.get("/search/", {"q": q})
            samples = []
            for _ in range(ROUNDS):
                with watch:
                    response = client.get("/search/", {"q": q})
                samples.append(watch.samples[-1])
                if response.status_code != 200:
                    raise RuntimeError(f"/search/?q={q} answered {response.status_code}")
            per_query[q] = round(p50(samples), 1)
        emit(
            f"search_p50_{kind}",
            p50(watch.samples),
            "ms",
            at_most=TARGET_MS,
            p90=percentile(watch.samples, 0.9),
            cpu_p50=p50(watch.cpu_samples),
            per_query=per_query,
        )
