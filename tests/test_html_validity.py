"""Every page type is valid HTML: rendered with the test client, checked by the Nu Html Checker
(npm vnu-jar, run once over all pages with the machine's Java)."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from tests.browser.scene import build_scene

ROOT = Path(settings.BASE_DIR)
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
ENSURE = ROOT / "scripts" / "ensure_node_tools.sh"


def page_types(client, scene):
    """Yield (name, response) for each kind of page, anonymous first, then signed in."""
    article = scene.article.get_absolute_url()
    yield "home", client.get("/"), 200
    yield "article-anonymous", client.get(article), 200
    yield "permalink", client.get(scene.chain[8].get_absolute_url()), 200
    yield "permalink-removed-parent", client.get(scene.removed_comment.get_absolute_url()), 200
    yield "comment-policy", client.get("/comment-policy/"), 200
    yield "moderation-log", client.get("/moderation-log/"), 200
    yield "category", client.get(scene.category.get_absolute_url()), 200
    yield "tag", client.get(scene.tag.get_absolute_url()), 200
    yield "signup", client.get("/accounts/signup/"), 200
    mismatched = {"username": "newreader", "password1": "a long passphrase 1",
                  "password2": "another passphrase 2"}  # fmt: skip
    yield "signup-errors", client.post("/accounts/signup/", mismatched), 400
    yield "login", client.get("/accounts/login/"), 200
    yield "login-errors", client.post("/accounts/login/", {"username": "x", "password": "y"}), 200
    yield "not-found", client.get("/no-such-page/"), 404
    yield "search-form", client.get("/search/"), 200
    yield "search-results", client.get("/search/", {"q": "subway"}), 200
    yield "search-cjk", client.get("/search/", {"q": "조용한"}), 200
    yield "glossary", client.get("/glossary/"), 200
    yield "corrections", client.get("/corrections/"), 200
    yield "translator", client.get(f"/translators/{scene.article.translator_slug}/"), 200

    client.force_login(scene.reader, backend="django.contrib.auth.backends.ModelBackend")
    yield "article-signed-in", client.get(article), 200
    yield "article-sorted-newest", client.get(article + "?sort=newest"), 200
    empty = {"body": "", "parent": "", "sort": "best"}
    yield "comment-errors", client.post(f"{article}comments/", empty), 400
    reply_error = {"body": " ", "parent": str(scene.chain[2].pk), "sort": "best"}
    yield "reply-errors", client.post(f"{article}comments/", reply_error), 400
    yield "permalink-signed-in", client.get(scene.chain[2].get_absolute_url()), 200
    yield "flag-form", client.get(f"/comments/{scene.chain[0].pk}/flag/"), 200
    yield "flag-errors", client.post(f"/comments/{scene.chain[0].pk}/flag/", {"rule": "99"}), 400
    yield "edit-form", client.get(f"/comments/{scene.own_comment.pk}/edit/"), 200
    yield "edit-errors", client.post(f"/comments/{scene.own_comment.pk}/edit/", {"body": ""}), 400
    yield "delete-form", client.get(f"/comments/{scene.own_comment.pk}/delete/"), 200
    yield "not-allowed", client.get(f"/comments/{scene.chain[0].pk}/edit/"), 403
    yield "profile", client.get("/accounts/profile/"), 200
    yield "password-change", client.get("/accounts/password/"), 200
    yield "report-form", client.get(f"{article}translation-reports/"), 200
    yield "report-errors", client.post(f"{article}translation-reports/", {"quote": ""}), 400
    yield "notifications", client.get("/notifications/"), 200


@pytest.mark.django_db
def test_every_page_type_is_valid_html(client, tmp_path):
    subprocess.run([str(ENSURE)], check=True, cwd=ROOT, timeout=600)  # noqa: S603
    scene = build_scene()
    names = []
    for name, response, status in page_types(client, scene):
        assert response.status_code == status, name
        assert response["Content-Type"].startswith("text/html"), name
        (tmp_path / f"{name}.html").write_bytes(response.content)
        names.append(name)
    assert len(names) == 35

    files = sorted(str(path) for path in tmp_path.glob("*.html"))
    java = shutil.which("java")
    assert java, "java is missing: install a Java 17 runtime for the Nu Html Checker"
    result = subprocess.run(  # noqa: S603 - our own files
        [java, "-jar", str(VNU), "--errors-only", "--format", "gnu", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = (result.stdout + result.stderr).replace(str(tmp_path) + "/", "")
    print(report)
    assert result.returncode == 0 and not report.strip(), f"The Nu Html Checker found:\n{report}"
