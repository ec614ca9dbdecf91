"""The gunicorn master's warm-up (core.warmup): it compiles every template of the project and
opens no connection, so the workers forked after it share nothing they must not."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

_PROBE = """
import json
import django
django.setup()
from django.db import connections
from django.template.backends.django import DjangoTemplates
from core.warmup import warm_up
compiled = warm_up()
loaded = []
from django.template import engines
for engine in engines.all():
    if isinstance(engine, DjangoTemplates):
        loader = engine.engine.template_loaders[0]
        loaded += [name for name in getattr(loader, "get_template_cache", {})]
print(json.dumps({
    "compiled": compiled,
    "open": [c.alias for c in connections.all(initialized_only=True) if c.connection is not None],
    "cached": sorted(loaded),
}))
"""


def _warm_up_in_a_fresh_interpreter() -> dict:
    out = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", _PROBE],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(out.stdout.splitlines()[-1])


def test_warm_up_compiles_every_template_and_opens_no_connection():
    folder = Path(settings.TEMPLATES[0]["DIRS"][0])
    templates = [p for p in folder.rglob("*") if p.suffix in {".html", ".txt", ".jinja"}]
    result = _warm_up_in_a_fresh_interpreter()
    assert result["compiled"] == len(templates)
    assert result["open"] == []
    # The article page's template is among those a forked worker finds compiled.
    assert "articles/detail.html" in result["cached"]
