"""`manage.py makemessages`: Django's, reading the site's Jinja2 templates (`*.jinja`) too.

Django's own command reads every template as a Django template. In a Jinja2 one it finds
`_("…")` with a plain string, but no `ngettext()` and no `_()` given arguments: the article
page's "%(num)s min read" or "Corrected on …" would never reach a catalog. Here a `.jinja`
file's messages are found by Jinja2's own extractor (the i18n extension the site renders with,
core.jinja) and handed to xgettext as the Python calls they stand for, each on its template's
line, so every reference in the catalog names the template and the line.

Without --extension, the extensions are Django's (html, txt, py) and jinja.
"""

from pathlib import Path

import jinja2
from django.core.management.base import CommandError
from django.core.management.commands import makemessages
from jinja2.ext import GETTEXT_FUNCTIONS, extract_from_ast

JINJA_SUFFIX = ".jinja"
DEFAULT_EXTENSIONS = ["html", "txt", "py", "jinja"]
# The environment that parses templates for their messages: the i18n extension's syntax
# ({% trans %} blocks), nothing that renders.
_PARSER = jinja2.Environment(extensions=["jinja2.ext.i18n"])  # noqa: S701 - parses, never renders


def messages_as_python(source: str, *, name: str) -> str:
    """Return Python source holding the template's translatable messages as gettext calls,
    each on the line its message is on in the template (the other lines empty)."""
    try:
        tree = _PARSER.parse(source, name=name)
    except jinja2.TemplateSyntaxError as error:
        raise CommandError(f"{name}:{error.lineno}: {error.message}") from error
    lines = [[] for _ in range(source.count("\n") + 1)]
    for lineno, function, message in extract_from_ast(tree, GETTEXT_FUNCTIONS):
        parts = (message,) if isinstance(message, str) else message
        # A message's count (None here: a variable in the template) is any number to xgettext.
        args = ", ".join(repr(part) if isinstance(part, str) else "0" for part in parts)
        call = "gettext" if function == "_" else function
        lines[lineno - 1].append(f"{call}({args})")
    return "\n".join("; ".join(calls) for calls in lines) + "\n"


class JinjaAwareBuildFile(makemessages.BuildFile):
    def preprocess(self):
        if not self.path.endswith(JINJA_SUFFIX):
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

    def process_locale_dir(self, locale_dir, files):
        """Django's, leaving no preprocessed copy behind when a template cannot be read (it
        writes them all before it reads any, and removes them only after xgettext ran)."""
        try:
            super().process_locale_dir(locale_dir, files)
        except Exception:
            for translatable in files:
                self.build_file_class(self, self.domain, translatable).cleanup()
            raise
