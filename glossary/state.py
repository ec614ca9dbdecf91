"""The glossary version and the compiled term set, as this worker last read them.

Pages read the version at most PAGE_STATE_SECONDS ago, like the article state of
articles.page_cache (whose one query reads it too and notes it here, so a cached page costs
no query for it); the article page's own query reads it as a column (version_subquery), so
a rendered page costs none either, but once per change the query that loads the terms.
A term written through this worker forgets the reading at once (forget,
also called by page_cache.forget_states); other workers see it within PAGE_STATE_SECONDS.
The compiled Linker is kept per version: built once per change, by the first page after it.
"""

import time

from django.conf import settings
from django.db.models import Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from glossary.linking import Linker, LinkTarget, definition_text
from glossary.models import GlossaryState, Term

# (monotonic time read, version): this worker's last reading.
_reading: tuple[float, str] | None = None
_linker: Linker | None = None


def version_subquery() -> Coalesce:
    """The version as a column of another query (the article state's, the article's); ""
    when no term was ever written."""
    row = GlossaryState.objects.filter(pk=GlossaryState.ROW).values("version")[:1]
    return Coalesce(Subquery(row), Value(""))


def note(version: str | None) -> None:
    """Record a version read by another query just now."""
    global _reading
    _reading = (time.monotonic(), version or "")


def version() -> str:
    """Return the term set's version, as read at most PAGE_STATE_SECONDS ago."""
    seconds = settings.CROSSTALK["PAGE_STATE_SECONDS"]
    reading = _reading
    if seconds > 0 and reading is not None and time.monotonic() - reading[0] < seconds:
        return reading[1]
    found = GlossaryState.objects.filter(pk=GlossaryState.ROW).values_list("version", flat=True)
    value = found.first() or ""
    note(value)
    return value


def forget(**kwargs) -> None:
    """Forget this worker's reading of the version (a term changed through it)."""
    global _reading
    _reading = None


def linker(known_version: str | None = None) -> Linker:
    """Return the compiled terms of the current version (known_version: as another query
    just read it), loaded with one query when the version changed. No version (no term was
    ever written) is the empty glossary, with no query."""
    global _linker
    if known_version is not None:
        note(known_version)
        current = known_version
    else:
        current = version()
    cached = _linker
    if cached is not None and cached.version == current:
        return cached
    terms = Term.objects.for_linking() if current else Term.objects.none()
    built = build_linker(current, terms)
    _linker = built
    return built


def build_linker(version: str, terms) -> Linker:
    """Compile these terms into a Linker named by version."""
    base = reverse("glossary:index")
    targets = {}
    for term in terms:
        target = LinkTarget(
            slug=term.slug,
            href=f"{base}#term-{term.slug}",
            title=f"{term.term} · {term.romanisation}",
            definition=definition_text(term.definition),
            lang=term.language if term.language != "und" else "",
            original=term.term.lower(),
        )
        for spelling in term.spellings():
            # Two terms with one spelling: the first in the glossary's order keeps it.
            targets.setdefault(spelling.lower(), target)
    return Linker(version, targets)
