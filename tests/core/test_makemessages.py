"""manage.py makemessages: every message of the site's templates reaches the catalog, the
Jinja2 templates' (ngettext, messages with arguments, {% trans %}) included."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.template import engines
from jinja2.ext import extract_from_ast

from core import jinja as core_jinja

ROOT = Path(__file__).resolve().parents[2]
# The escapes gettext writes in a .po file's strings.
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
_ENTRY = re.compile(
    r'((?:^#.*\n)*)(?:^msgctxt (?P<ctx>".*")\n)?^msgid (?P<id>(?:".*"\n)+)'
    r'(?:^msgid_plural (?P<plural>(?:".*"\n)+))?',
    re.M,
)


def _unquote(block: str | None) -> str | None:
    if block is None:
        return None
    quoted = "".join(re.findall(r'^"(.*)"$', block.strip(), re.M))
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m[1], m[0]), quoted)


def catalog(path: Path) -> dict:
    """Return the .po file's entries: (context, msgid) -> (msgid_plural, its #: references)."""
    entries = {}
    for match in _ENTRY.finditer(path.read_text(encoding="utf-8")):
        refs = " ".join(line[3:] for line in match[1].splitlines() if line.startswith("#: "))
        key = (_unquote(match["ctx"]), _unquote(match["id"]))
        entries[key] = (_unquote(match["plural"]), refs.split())
    return entries


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A folder holding a copy of the site's templates and an empty locale folder, as cwd."""
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    (tmp_path / "locale").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def jinja_messages(folder: Path):
    parser = engines["jinja2"].env  # the site's own, as it renders them
    for path in sorted(folder.rglob("*.jinja")):
        tree = parser.parse(path.read_text(encoding="utf-8"))
        for lineno, function, message in extract_from_ast(tree):
            yield path.relative_to(folder).as_posix(), lineno, function, message


def test_every_jinja_message_reaches_the_catalog_with_its_line(workdir):
    call_command("makemessages", locale=["xx"], verbosity=0)
    entries = catalog(workdir / "locale/xx/LC_MESSAGES/django.po")
    found = list(jinja_messages(workdir))
    assert len(found) > 40
    for name, lineno, function, message in found:
        parts = (message,) if isinstance(message, str) else message
        context = parts[0] if function in ("pgettext", "npgettext") else None
        singular, *rest = parts[1:] if context else parts
        assert (context, singular) in entries, (name, lineno, singular)
        plural, refs = entries[(context, singular)]
        assert f"{name}:{lineno}" in refs
        if function in ("ngettext", "npgettext"):
            assert plural == rest[0], (name, lineno, singular)


def test_catalog_holds_django_templates_and_plurals_of_the_article_page(workdir):
    call_command("makemessages", locale=["xx"], verbosity=0)
    entries = catalog(workdir / "locale/xx/LC_MESSAGES/django.po")
    # Django's own reading of Django templates is untouched.
    assert (None, "Comment Policy") in entries
    plural, refs = entries[(None, "Discussion (%(num)s comment)")]
    assert plural == "Discussion (%(num)s comments)"
    assert any(ref.startswith("templates/articles/_detail_content.jinja:") for ref in refs)
    assert (None, "Vote up") in entries  # the thread's macros
    assert (None, 'Corrected on <time datetime="%(iso)s">%(date)s</time>:') in entries
    # No preprocessed copy is left beside the templates.
    assert not list(workdir.rglob("*.jinja.py")) and not list(workdir.rglob("*.html.py"))


def test_a_trans_block_is_extracted_as_the_page_asks_for_it(workdir):
    # Whitespace trimmed as the site's environment trims it, "%" doubled as its new-style
    # gettext doubles it: the catalog's msgid is the very one rendering looks up.
    template = "<p>\n  {% trans %}\n    100% sure, {{ name }}\n  {% endtrans %}\n</p>\n"
    (workdir / "templates/trans.jinja").write_text(template, encoding="utf-8")
    env = core_jinja.environment(loader=jinja2.DictLoader({"trans.jinja": template}))
    asked = []
    env.install_gettext_callables(
        lambda message: asked.append(message) or message,
        lambda singular, plural, n: singular,
        newstyle=True,
    )
    env.get_template("trans.jinja").render(name="Kim")

    call_command("makemessages", locale=["xx"], verbosity=0)

    entries = catalog(workdir / "locale/xx/LC_MESSAGES/django.po")
    assert len(asked) == 1 and "%%" in asked[0]
    assert (None, asked[0]) in entries


def test_a_message_that_is_no_string_is_skipped_not_fatal(workdir):
    (workdir / "templates/variables.jinja").write_text(
        '{{ _(label) }} {{ ngettext(one, "{n} others", n) }} {{ _("Kept") }}\n', encoding="utf-8"
    )

    call_command("makemessages", locale=["xx"], verbosity=0)

    entries = catalog(workdir / "locale/xx/LC_MESSAGES/django.po")
    plural, refs = entries[(None, "Kept")]
    assert "templates/variables.jinja:1" in refs
    assert not [key for key in entries if key[1] == "{n} others"]


def test_the_javascript_domain_leaves_jinja_templates_untouched(workdir):
    before = {path: path.read_bytes() for path in workdir.rglob("*.jinja")}

    call_command(
        "makemessages", locale=["xx"], domain="djangojs", extensions=["js", "jinja"], verbosity=0
    )

    assert {path: path.read_bytes() for path in workdir.rglob("*.jinja")} == before


def test_a_broken_jinja_template_stops_it_naming_the_line_and_leaves_nothing(workdir):
    (workdir / "templates/broken.jinja").write_text(
        '{{ _("Fine") }}\n<p>\n{% if reader %}{{ _("Never closed") }}\n</p>\n', encoding="utf-8"
    )
    with pytest.raises(CommandError, match=r"templates/broken\.jinja:\d+: Unexpected end"):
        call_command("makemessages", locale=["xx"], verbosity=0)
    assert not (workdir / "locale/xx/LC_MESSAGES/django.po").exists()
    assert not list(workdir.rglob("*.jinja.py")) and not list(workdir.rglob("*.html.py"))


def test_the_command_line_says_one_line_and_exits_non_zero(workdir):
    (workdir / "templates/broken.jinja").write_text("{% for x in y %}\n", encoding="utf-8")
    done = subprocess.run(  # noqa: S603 - this interpreter, the project's manage.py
        [sys.executable, str(ROOT / "manage.py"), "makemessages", "-l", "xx", "-v", "0"],
        capture_output=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE},
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "CommandError: templates/broken.jinja:1: Unexpected end of template. Jinja was looking"
        " for the following tags: 'endfor' or 'else'. The innermost block that needs to be"
        " closed is 'for'."
    ]
