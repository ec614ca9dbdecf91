"""`manage.py makemessages`: Django's, reading the site's Jinja2 templates (`*.jinja`) too.

Django's own command reads every template as a Django template. In a Jinja2 one it finds
`_("…")` with a plain string, but no `ngettext()` and no `_()` given arguments: the article
page's "%(num)s min read" or "Corrected on …" would never reach a catalog. Here a `.jinja`
file is parsed by the environment the site renders it with (core.jinja), its messages found by
Jinja2's own extractor and handed to xgettext as the Python calls they stand for, each on its
template's line, so every reference in the catalog names the template and the line.

Without --extension, the extensions are Django's (html, txt, py) and jinja.
"""

from pathlib import Path

import jinja2
from django.core.management.base import CommandError
from django.core.management.commands import makemessages
from django.template import engines
from jinja2.ext import GETTEXT_FUNCTIONS, extract_from_ast

JINJA_SUFFIX = ".jinja"
DEFAULT_EXTENSIONS = ["html", "txt", "py", "jinja"]
# How many of each function's first arguments are its messages (the rest: a count, or the
# values a new-style call formats in).
_MESSAGES = {"_": 1, "gettext": 1, "ngettext": 2, "pgettext": 2, "npgettext": 3}
_COUNTED = frozenset({"ngettext", "npgettext"})


def _site_environment() -> jinja2.Environment:
    """The environment the site renders its Jinja2 templates with (core.jinja, through
    settings.TEMPLATES): parsed with its own options, a {% trans %} block gives the very
    message the page asks the catalog for (whitespace trimmed as it trims, "%" doubled)."""
    return engines["jinja2"].env


def _call(function: str, message) -> str | None:
    """Return the gettext call xgettext reads for one extracted message, or None when a
    message is not a string in the template (_(label): nothing to extract)."""
    parts = message if isinstance(message, tuple) else (message,)
    texts = parts[: _MESSAGES[function]]
    if len(texts) < _MESSAGES[function] or not all(isinstance(text, str) for text in texts):
        return None
    # A count is a variable in the template: any number to xgettext.
    args = [*map(repr, texts), *(["0"] if function in _COUNTED else [])]
    return f"{'gettext' if function == '_' else function}({', '.join(args)})"


def messages_as_python(source: str, *, name: str) -> str:
    """Return Python source holding the template's translatable messages as gettext calls,
    each on the line its message is on in the template (the other lines empty)."""
    try:
        tree = _site_environment().parse(source, name=name)
    except jinja2.TemplateSyntaxError as error:
        raise CommandError(f"{name}:{error.lineno}: {error.message}") from error
    lines = [[] for _ in range(source.count("\n") + 1)]
    for lineno, function, message in extract_from_ast(tree, GETTEXT_FUNCTIONS):
        call = _call(function, message)
        if call is not None:
            lines[lineno - 1].append(call)
    return "\n".join("; ".join(calls) for calls in lines) + "\n"


class JinjaAwareBuildFile(makemessages.BuildFile):
    def preprocess(self):
        # Only the django domain preprocesses (djangojs reads its files as they are: its
        # work_path is the template itself, which must never be written).
        if not (self.domain == "django" and self.path.endswith(JINJA_SUFFIX)):
            return super().preprocess()
        source = Path(self.path).read_text(encoding="utf-8")
        content = messages_as_python(source, name=self.path.removeprefix("./"))
        Path(self.work_path).write_text(content, encoding="utf-8")


class Command(makemessages.Command):
    help = makemessages.Command.help + " Jinja2 templates (*.jinja) are read as Jinja2."
    build_file_class = JinjaAwareBuildFile

    def handle(self, *args, **options):
        if not options.get("extensions") and options.get("domain", "django") == "django":
            options["extensions"] = DEFAULT_EXTENSIONS
        return super().handle(*args, **options)
