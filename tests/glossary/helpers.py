import re

from glossary.models import Term

_TERM_LINK = re.compile(r'<a class="term" href="/glossary/#term-([^"]+)"[^>]*>([^<]*)</a>')


def make_term(**overrides) -> Term:
    fields = {
        "term": "内卷",
        "romanisation": "nèijuǎn",
        "language": "zh",
        "definition": "Competition that exhausts everyone and rewards nobody.",
    }
    fields.update(overrides)
    return Term.objects.create(**fields)


def links_in(html: str) -> list[tuple[str, str]]:
    """Return (slug, linked text) of each glossary link, in order."""
    return _TERM_LINK.findall(html)
