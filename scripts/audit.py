"""Audit a running site (`make run`): Lighthouse 12.2.3 and the Nu Html Checker on the home page
and on an article with a 200-comment discussion. Prints JSON lines like `make bench`:

    {"name": "lighthouse_home_performance", "value": 98, "unit": "score"}
    {"name": "vnu_errors_article", "value": 0, "unit": "count"}

AUDIT_URL (default http://127.0.0.1:8000) names the site. The 200-comment article is created
once through `manage.py shell -c` with tests.factories when the site is this checkout's (a
loopback address); AUDIT_ARTICLE=/articles/<slug>/ names another page instead. Exits 1 when a
score misses its target or the HTML has errors; the audits that cost points go to stderr.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BASE = os.environ.get("AUDIT_URL", "http://127.0.0.1:8000").rstrip("/") + "/"
CHROME = os.environ.get("CHROME_PATH", "/usr/lib/chromium/chromium")
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage "
    "--disable-background-networking"
)
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TARGETS = {"performance": 90, "accessibility": 95, "best-practices": 95, "seo": 95}
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# Budgets of the page's own script and stylesheet, uncompressed.
BUDGETS = {"js": 20_000, "css": 30_000}
COMMENTS = 200
SLUG = "audit-two-hundred-comments"

# Run by `manage.py shell -c`: create the audit article once, print its URL.
CREATE_ARTICLE = f"""
from datetime import timedelta
from django.db import transaction
from django.utils import timezone
from accounts.models import User
from articles.models import Article
from tests.factories import make_article, make_comment, make_source_comment

LINES = [
    "Two hours is generous. Order another drink and stay longer, what is the problem?",
    "The real issue is that there are not enough public study spaces in the city.",
    "> not enough public study spaces\\n\\nThe libraries are full by eight in the morning.",
    "I ran a café for six years. One americano for eight hours does not pay the rent, and the "
    "electricity for laptops adds up faster than people think.",
    "In Shanghai the chains solved this with *time-limited* wifi codes. Nobody complains.",
    "Fair point, but students are customers too, and they come back for years.",
    "The free cookie for a second drink is a **brilliant** touch.",
]
article = Article.objects.filter(slug="{SLUG}").first()
if article is None:
    with transaction.atomic():
        now = timezone.now()
        article = make_article(
            slug="{SLUG}",
            title="Daejeon café posts a ‘No Study Zone’ sign, and {COMMENTS} readers weigh in",
            dek="An owner says laptop campers hold tables for hours on one drink. Students say "
            "they have nowhere else to go.",
            body="<p>A small café near a university in Daejeon has become the latest front in "
            "the argument over the ‘café study tribe’.</p>" * 6,
            source_name="Daejeon Morning Post",
            source_language="ko",
            published_at=now - timedelta(days=1),
        )
        make_source_comment(article, platform="naver", text="Two hours is generous.",
                            original_text="두 시간이면 넉넉한데", upvotes=4821, downvotes=312)
        make_source_comment(article, platform="daum", text="Cafés sell seats, not coffee.",
                            original_text="카페는 자리를 파는 곳", upvotes=1290, downvotes=2207)
        authors = [
            User.objects.get_or_create(
                username=f"audit-reader-{{i}}", defaults={{"display_name": f"Audit Reader {{i}}"}}
            )[0]
            for i in range(8)
        ]
        # Every tenth comment starts a thread; the others reply, down to depth 7 (all inline).
        posted, depth = [], {{}}
        for i in range({COMMENTS}):
            parent = None
            if i % 10:
                parent = posted[-1] if i % 10 < 8 else posted[-4]
                while depth[parent.pk] >= 7:
                    parent = parent.parent
            comment = make_comment(
                article, parent=parent, author=authors[i % len(authors)],
                body=LINES[i % len(LINES)],
                created_at=now - timedelta(hours=20) + timedelta(minutes=5 * i),
            )
            depth[comment.pk] = depth[parent.pk] + 1 if parent else 0
            posted.append(comment)
print(article.get_absolute_url())
"""


def fail(message: str) -> None:
    print(f"audit: {message}", file=sys.stderr)
    sys.exit(1)


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - our own site
        return response.read()


def site_answers() -> None:
    try:
        fetch(BASE)
    except (urllib.error.URLError, OSError) as exc:
        fail(f"nothing answers at {BASE} ({exc}); start the site with `make run` or set AUDIT_URL")


def is_loopback(url: str) -> bool:
    return urlsplit(url).hostname in {"127.0.0.1", "localhost", "::1"}


def audit_article_path() -> str:
    """Return the path of the article to audit: AUDIT_ARTICLE, the one made here, or the home
    page's most commented article."""
    if os.environ.get("AUDIT_ARTICLE"):
        return os.environ["AUDIT_ARTICLE"]
    if is_loopback(BASE):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev", "DEBUG": "0"}
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", CREATE_ARTICLE],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        lines = result.stdout.strip().splitlines()
        if result.returncode == 0 and lines and lines[-1].startswith("/"):
            try:
                fetch(urljoin(BASE, lines[-1]))
                return lines[-1]
            except urllib.error.HTTPError:
                print(f"audit: the site does not serve {lines[-1]}: is it running on another "
                      "database (CROSSTALK_DB_NAME, DATABASE_URL)?", file=sys.stderr)  # fmt: skip
        else:
            print(f"audit: could not create the {COMMENTS}-comment article:\n"
                  f"{result.stderr.strip()[-2000:]}", file=sys.stderr)  # fmt: skip
    home = fetch(BASE).decode()
    counts = re.findall(r'href="(/articles/[^"#]+/)#discussion">(\d+) comments?<', home)
    if not counts:
        fail(f"no article found on {BASE}")
    path, count = max(counts, key=lambda item: int(item[1]))
    print(f"audit: auditing {path}, the home page's most commented article ({count})",
          file=sys.stderr)  # fmt: skip
    return path


def lighthouse(url: str, attempts: int = 3) -> dict:
    """Return Lighthouse's report on url; a run whose trace failed (NO_NAVSTART and the like,
    now and then on a busy machine) is run again."""
    for _attempt in range(attempts):
        report = lighthouse_once(url)
        if not report.get("runtimeError") and all(
            report["categories"][category]["score"] is not None for category in CATEGORIES
        ):
            return report
    fail(f"lighthouse could not measure {url}: {report.get('runtimeError')}")


def lighthouse_once(url: str) -> dict:
    env = {**os.environ, "CHROME_PATH": CHROME}
    result = subprocess.run(
        [
            str(LIGHTHOUSE), url, "--quiet", f"--chrome-flags={CHROME_FLAGS}",
            f"--only-categories={','.join(CATEGORIES)}", "--output=json", "--output-path=stdout",
        ],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError:
        fail(f"lighthouse failed on {url}: {result.stderr.strip()[-1000:]}")


def costly_audits(report: dict, category: str) -> list[str]:
    """Return the audits of a category that scored below full marks, heaviest first."""
    refs = report["categories"][category]["auditRefs"]
    lost = []
    for ref in sorted(refs, key=lambda r: -r.get("weight", 0)):
        audit = report["audits"][ref["id"]]
        score = audit.get("score")
        if score is not None and score < 1 and audit.get("scoreDisplayMode") != "informative":
            detail = audit.get("displayValue") or ""
            lost.append(f"{ref['id']} (weight {ref.get('weight', 0)}, score {score}) {detail}")
    return lost


def vnu_errors(pages: dict[str, bytes]) -> dict[str, list[str]]:
    """Check the pages' HTML with the Nu Html Checker in one run; return the errors by page."""
    with tempfile.TemporaryDirectory() as tmp:
        files = {}
        for name, html in pages.items():
            path = Path(tmp) / f"{name}.html"
            path.write_bytes(html)
            files[path.as_uri()] = name
        result = subprocess.run(
            ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    errors = {name: [] for name in pages}
    for message in json.loads(result.stderr or '{"messages": []}')["messages"]:
        if message.get("type") == "error":
            name = files.get(message.get("url"), "?")
            errors.setdefault(name, []).append(f"{message.get('lastLine')}: {message['message']}")
    return errors


def asset_sizes(html: str, base: str) -> dict[str, int]:
    """Return the bytes of the page's own scripts and stylesheets, uncompressed."""
    sizes = {"js": 0, "css": 0}
    for kind, pattern in (("js", r'<script[^>]+src="([^"]+)"'),
                          ("css", r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"')):  # fmt: skip
        for href in re.findall(pattern, html):
            sizes[kind] += len(fetch(urljoin(base, href)))
    return sizes


def emit(name: str, value, unit: str) -> None:
    print(json.dumps({"name": name, "value": value, "unit": unit}), flush=True)


def main() -> int:
    site_answers()
    if not LIGHTHOUSE.exists() or not VNU.exists():
        subprocess.run([str(ROOT / "scripts" / "ensure_node_tools.sh")], check=True)
    pages = {"home": BASE, "article": urljoin(BASE, audit_article_path())}
    html = {name: fetch(url) for name, url in pages.items()}
    misses = []
    for name, url in pages.items():
        report = lighthouse(url)
        for category in CATEGORIES:
            score = round(report["categories"][category]["score"] * 100)
            emit(f"lighthouse_{name}_{category.replace('-', '_')}", score, "score")
            if score < TARGETS[category]:
                misses.append(f"{name} {category} {score} < {TARGETS[category]}")
            for line in costly_audits(report, category):
                print(f"audit: {name} {category}: {line}", file=sys.stderr)
    for name, errors in vnu_errors(html).items():
        emit(f"vnu_errors_{name}", len(errors), "count")
        for error in errors[:20]:
            print(f"audit: {name} html: {error}", file=sys.stderr)
        if errors:
            misses.append(f"{name} has {len(errors)} HTML errors")
    sizes = asset_sizes(html["article"].decode(), pages["article"])
    for kind, size in sizes.items():
        emit(f"{kind}_bytes", size, "bytes")
        if size > BUDGETS[kind]:
            misses.append(f"{kind} {size} bytes > {BUDGETS[kind]}")
    if misses:
        print("audit: below target: " + "; ".join(misses), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
