"""What pages ask of the glossary: the glossary page's sections, and linking a page's texts."""

from markupsafe import Markup

from articles.models import Article
from glossary import state
from glossary.linking import used_key
from glossary.models import Term


def glossary_sections() -> list[tuple[str, str, list[Term]]]:
    """Return (language code, language name, terms) for each language that has terms, in
    the order of Article.Language; three queries (Term.objects.for_glossary_page)."""
    by_language: dict[str, list[Term]] = {}
    for term in Term.objects.for_glossary_page():
        by_language.setdefault(term.language, []).append(term)
    return [
        (code, label, by_language[code])
        for code, label in Article.Language.choices
        if code in by_language
    ]


class PageLinks:
    """Link the terms of one page's texts in page order, each term once.

    The page shows the article body, then the source comments, then the thread; the thread
    is cached, so its cache key names what came before it (fragment_key)."""

    def __init__(self, *, version: str | None = None):
        # version: the glossary version as the article's own query read it, if it did
        self.linker = state.linker(version)
        self.used: set[str] = set()

    def link(self, html) -> Markup:
        return self.linker.link(str(html), self.used)

    def link_many(self, htmls) -> list[Markup]:
        """Link many texts in page order (a thread's comments), quicker than one by one."""
        return self.linker.link_many(list(htmls), self.used)

    def fragment_key(self) -> str:
        """Name the thread's linking: the term set's version and the terms used above it."""
        return f"{self.linker.version or '0'}-{used_key(self.used)}"
