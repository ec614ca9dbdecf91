"""What glossary linking adds to the uncached first page of the 2,000-comment discussion.

The same page as bench.render.first_page_times (test Client GET, anonymous, sort=best, cache
cleared before each), rendered with no term defined and with 500 terms: the 22 demo terms
and 478 generated ones, some of which (English words of the bench's comments given as other
spellings) occur on the page, so linking does its real work rather than only scanning. The
two term sets alternate in blocks of BLOCK runs, each after WARM_UP requests (the first
builds that set's Linker, once per version as on the site, and the steady state is what
readers get), so drift on the shared machine falls on both alike. The target is on the CPU
time of the process (the wall clock of a shared machine mostly measures the other load; it
is printed beside). Everything happens in one transaction that is rolled back: the bench
database keeps whatever glossary it had.
"""

import random
import time

from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client

from bench.report import Stopwatch, emit, p50, percentile, progress
from glossary import state
from glossary.demo import TERMS
from glossary.index import glossary_changed
from glossary.models import ArticleTerm, Term

TERM_COUNT = 500
RUNS = 80
BLOCK = 5  # runs in a row with one term set, after WARM_UP requests
WARM_UP = 3
MAX_ADDED = 0.10
# Words of the bench's generated comments (bench/data.py), as other spellings of some terms.
COMMON_WORDS = ("netizens", "weibo", "naver", "subway", "pension", "overtime", "housing",
                "commuters", "exports", "moderators")  # fmt: skip
_HANGUL = [chr(code) for code in range(0xAC00, 0xD7A4, 11)]
_HAN = [chr(code) for code in range(0x4E00, 0x9FA6, 17)]
_SYLLABLES = ("ga na da ra ma ba sa ja cha ka ta pa ha gap jil kkon dae nae ro nam bul jo seon "
              "nei juan tang ping xiao fen hong chi gua jiu cai fo xi bai lan").split()  # fmt: skip


class _Rollback(Exception):
    pass


def bench_terms(count: int = TERM_COUNT) -> list[Term]:
    """Return unsaved terms: the demo glossary, then generated ones up to count."""
    rng = random.Random(15)  # noqa: S311 - repeatable bench data
    terms = [
        Term(term=t, romanisation=r, other_spellings=o, language=lang, slug=slug, definition=d)
        for t, r, o, lang, slug, d, _note in TERMS
    ]
    originals = {t.term for t in terms}
    n = 0
    while len(terms) < count:
        n += 1
        korean = n % 2 == 0
        script = _HANGUL if korean else _HAN
        original = "".join(rng.choice(script) for _ in range(rng.randint(2, 4)))
        if original in originals:
            continue
        originals.add(original)
        romanised = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))) + str(n)
        others = COMMON_WORDS[n - 1] if n <= len(COMMON_WORDS) else romanised.replace("a", "ah", 1)
        terms.append(
            Term(
                term=original,
                romanisation=romanised,
                other_spellings=others,
                language="ko" if korean else "zh",
                slug=f"bench-{n}",
                definition="A generated term of the glossary benchmark, defined in one sentence.",
            )
        )
    return terms


def _use(terms: list[Term]) -> None:
    """Make these the glossary's terms; no receiver runs (they would reindex every article
    for each term), the version is bumped once."""
    with connection.cursor() as cursor:
        for model in (ArticleTerm, Term.related.through, Term):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608 - our own names
    Term.objects.bulk_create(terms)
    glossary_changed()


def glossary_figures(discussions) -> None:
    progress("glossary linking: first page of the 2,000-comment discussion, 0 vs 500 terms")
    url = discussions[2_000].article.get_absolute_url()
    client = Client()
    terms = bench_terms()
    watches = {"none": Stopwatch(), "terms": Stopwatch()}
    linked = {}
    try:
        with transaction.atomic():
            started = time.perf_counter()
            _use(terms)
            state.linker()
            build_ms = (time.perf_counter() - started) * 1000
            for _block in range(RUNS // BLOCK):
                for name, term_set in (("none", []), ("terms", terms)):
                    _use(term_set)
                    for run in range(WARM_UP + BLOCK):
                        cache.clear()
                        if run < WARM_UP:  # the first builds this set's Linker
                            client.get(url)
                            continue
                        with watches[name]:
                            response = client.get(url)
                        if response.status_code != 200:
                            raise RuntimeError(f"GET {url} answered {response.status_code}")
                    linked[name] = response.content.decode().count('<a class="term"')
            raise _Rollback
    except _Rollback:
        pass
    without, with_terms = (p50(watches[name].samples) for name in ("none", "terms"))
    cpu_without, cpu_with = (p50(watches[name].cpu_samples) for name in ("none", "terms"))
    common = {
        "runs": RUNS,
        "how": "test Client GET, anonymous, sort=best, cache cleared before each",
    }
    emit("glossary_first_page_2000_no_terms_p50", without, "ms",
         p90=percentile(watches["none"].samples, 0.9), cpu_p50=cpu_without, **common)  # fmt: skip
    emit("glossary_first_page_2000_500_terms_p50", with_terms, "ms",
         p90=percentile(watches["terms"].samples, 0.9), cpu_p50=cpu_with,
         terms_linked=linked.get("terms"), **common)  # fmt: skip
    # The figure is the CPU time this process spent: on the shared 2-core machine the wall
    # clock mostly measures the other load (both are printed).
    emit(
        "glossary_linking_added",
        cpu_with / cpu_without - 1,
        "ratio",
        at_most=MAX_ADDED,
        wall_added=with_terms / without - 1,
        cpu_without_ms=cpu_without,
        cpu_with_ms=cpu_with,
        without_ms=without,
        with_ms=with_terms,
        terms=len(terms),
        linker_build_ms=build_ms,
    )
