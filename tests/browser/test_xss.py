"""In a real browser, with the hostile corpus seeded: nothing runs, nothing injected exists."""

from tests.browser.conftest import log_in
from tests.security.corpus import seed_corpus

# Anything a payload could have added to the page, had it not been neutralised.
INJECTED = ", ".join(
    [
        ".comment-text script", ".comment-text img", ".comment-text iframe",
        ".comment-text svg", ".comment-text math", ".comment-text object", ".comment-text embed",
        ".comment-text form", ".comment-text input", ".comment-text style",
        ".comment-text details", ".comment-text video", ".pick-text img", ".pick-text script",
        "iframe", "object", "embed", "base", "meta[http-equiv]",
        "[onmouseover]", "[onerror]", "[onload]", "[onclick]", "[onfocus]", "[ontoggle]",
        "a[href^='javascript' i]", "a[href^='data' i]", "a[href^='vbscript' i]",
        "script:not([src]):not([type='application/ld+json']):not([type='application/json'])",
    ]
)  # fmt: skip

# Record what the Content Security Policy had to block: a payload that got into the page.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def _poke(page, selector: str, hovers: int = 6) -> int:
    """Fire the events payloads wait for on every matching element (links are left alone, so
    nothing navigates) and hover a spread of them for real; return how many matched."""
    count = page.evaluate(
        """selector => {
          const elements = document.querySelectorAll(selector);
          const types = ["mouseover", "mouseenter", "focus", "click", "toggle", "load", "error"];
          elements.forEach(el => {
            if (el.tagName !== "A") types.forEach(type => el.dispatchEvent(new Event(type)));
          });
          return elements.length;
        }""",
        selector,
    )
    elements = page.locator(selector)
    for index in range(0, count, max(1, count // hovers)):
        element = elements.nth(index)
        if element.is_visible():
            element.hover(timeout=2_000)
    return count


def _assert_nothing_ran(page, what: str, dialogs: list) -> None:
    page.wait_for_timeout(50)
    assert dialogs == [], f"{what}: dialogs {dialogs}"
    assert page.evaluate("typeof window.__xss") == "undefined", what
    assert page.evaluate("typeof parent.__xss") == "undefined", what
    assert page.locator(INJECTED).count() == 0, f"{what}: injected elements present"
    violations = page.evaluate("window.__cspViolations || []")
    assert not [v for v in violations if v.startswith("script-src")], f"{what}: {violations}"


def _visit(page, url: str, dialogs: list, poke: str = ".comment-text, .comment-text *") -> None:
    response = page.goto(url)
    assert response.status == 200, url
    csp = response.headers["content-security-policy"]
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "'self'" in script_src and "unsafe-inline" not in script_src, (url, csp)
    page.wait_for_load_state("load")
    _poke(page, poke)
    _assert_nothing_ran(page, url, dialogs)


def test_hostile_corpus_runs_nothing_in_the_browser(page):
    corpus = seed_corpus()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script(WATCH_CSP)
    article_url = corpus.article.get_absolute_url()

    _visit(page, article_url, dialogs,
           poke=".comment-text, .comment-text *, .comment-author, .pick-text *")  # fmt: skip
    assert page.locator("article.comment").count() > 80
    assert page.locator(".comment-text", has_text="{{7*7}}").count() >= 1
    for pk in corpus.visible_ids()[:6]:
        _visit(page, f"/comments/{pk}/", dialogs)
    _visit(page, "/moderation-log/", dialogs, poke="table.mod-log td, table.mod-log td *")
    _visit(page, "/", dialogs, poke="main *")

    # The author of the </textarea> payload edits it: the text stays inside the box.
    edge = next(c for c in corpus.comments if c.body.startswith("</textarea>"))
    log_in(page, edge.author.username)
    _visit(page, f"/comments/{edge.pk}/edit/", dialogs, poke="main *")
    assert page.locator("textarea[name=body]").input_value().strip() == edge.body
    _visit(page, "/accounts/profile/", dialogs, poke="main *")

    # The moderator sees the held comments too, and the admin lists and forms.
    page.context.clear_cookies()
    log_in(page, corpus.moderator.username)
    _visit(page, article_url, dialogs)
    for url in [
        "/admin/discussions/comment/",
        "/admin/discussions/queuedcomment/",
        "/admin/discussions/moderationaction/",
        "/admin/discussions/flag/",
        "/admin/accounts/user/",
        f"/admin/discussions/comment/{corpus.comments[1].pk}/change/",
        f"/admin/discussions/queuedcomment/{corpus.pending[-1].pk}/change/",
    ]:
        _visit(page, url, dialogs, poke="#content td, #content th, #content .readonly")


def test_the_browser_checks_notice_a_payload_that_runs(page):
    """The harness itself: a page where a payload does run must fail every check above."""
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.set_content(
        '<div class="comment-text"><img src="data:," onerror="window.__xss=1;alert(1)"></div>'
    )
    page.wait_for_function("window.__xss === 1")
    assert dialogs == ["1"]
    assert page.locator(INJECTED).count() == 1
