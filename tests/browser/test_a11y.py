"""Accessibility: axe-core on every page type in both colour schemes, keyboard-only use of the
discussion, and the structure a screen reader announces."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from discussions.models import Comment
from tests.browser.scene import build_scene, session_cookie

VIEWPORT = {"width": 1280, "height": 900}
BLOCKING = {"serious", "critical"}
# Only colour depends on the colour scheme: the dark run checks the colour rules, the light run
# every rule.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
AXE_OPTIONS = {
    "light": {"resultTypes": ["violations"]},
    "dark": {"resultTypes": ["violations"], "runOnly": {"type": "rule", "values": COLOUR_RULES}},
}
axe = Axe()


def new_page(browser, live_server, *, scheme="light", user=None):
    context = browser.new_context(
        viewport=VIEWPORT, base_url=live_server.url, color_scheme=scheme, reduced_motion="reduce"
    )
    if user is not None:
        context.add_cookies([session_cookie(user, live_server.url)])
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def submit(page, selector: str, *, status: int):
    """Click a submit button and wait for the page it loads, which must answer status."""
    with page.expect_navigation() as navigation:
        page.click(selector)
    assert navigation.value.status == status, page.url


def every_page_type(anon, reader, scene):
    """Visit each kind of page, yielding its name, the tab it is in and what part of it to check
    (None: all of it; the states of an article page already checked whole check their form)."""
    article = scene.article.get_absolute_url()
    anon.goto("/")
    yield "home", anon, None
    anon.goto(article)
    yield "article (anonymous)", anon, None
    reader.goto(article)
    assert reader.locator(".pending-note").count() == 1
    assert reader.locator(".editors-picks li").count() == 2
    assert reader.locator("article.comment[data-depth='8']").count() == 1
    yield "article (signed in, pending own comment)", reader, None
    reader.click(f"#comment-{scene.chain[2].pk} > .comment-actions .reply-link")
    reader.wait_for_selector(f"#comment-{scene.chain[2].pk} > form.inline-reply textarea")
    yield "article with an inline reply form open", reader, "form.inline-reply"
    reader.goto(article)
    submit(reader, "#comment-form button[type=submit]", status=400)
    assert reader.locator("#comment-form .field-errors").count() == 1
    yield "comment with an empty body (form error)", reader, "#comment-form"
    anon.goto(scene.chain[8].get_absolute_url())
    yield "permalink", anon, None
    anon.goto("/comment-policy/")
    yield "comment policy", anon, None
    anon.goto("/moderation-log/")
    assert anon.locator(".mod-log tbody tr").count() >= 3
    yield "moderation log", anon, None
    anon.goto(scene.category.get_absolute_url())
    yield "category", anon, None
    anon.goto(scene.tag.get_absolute_url())
    yield "tag", anon, None
    anon.goto("/accounts/signup/")
    yield "sign-up", anon, None
    anon.fill("#id_username", "newreader")
    anon.fill("#id_password1", "a long enough passphrase 1")
    anon.fill("#id_password2", "a different passphrase 2")
    submit(anon, "main form button[type=submit]", status=400)
    assert anon.locator(".field-errors").count() >= 1
    yield "sign-up with mismatched passwords (form error)", anon, None
    anon.goto("/accounts/login/")
    yield "log-in", anon, None
    reader.goto(f"/comments/{scene.chain[0].pk}/flag/")
    yield "flag form", reader, None
    reader.goto(f"/comments/{scene.own_comment.pk}/edit/")
    yield "edit form", reader, None
    reader.goto("/accounts/profile/")
    yield "profile", reader, None
    response = anon.goto("/no-such-page/")
    assert response.status == 404
    yield "404", anon, None


BROKEN_REFERENCES = """() => {
  const broken = [];
  for (const attr of ["aria-describedby", "aria-labelledby", "aria-controls", "for"]) {
    for (const el of document.querySelectorAll(`[${attr}]`)) {
      if (el.closest("template")) continue;
      for (const id of el.getAttribute(attr).split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) broken.push(`${el.tagName.toLowerCase()} ${attr}=${id}`);
      }
    }
  }
  return broken;
}"""


def describe(violation: dict) -> str:
    nodes = "\n".join(
        f"      {node['target']}: {node.get('failureSummary', '').splitlines()[-1:]}"
        for node in violation["nodes"][:5]
    )
    return f"  [{violation['impact']}] {violation['id']}: {violation['help']}\n{nodes}"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_type_has_no_serious_axe_violations(browser, live_server, scheme):
    scene = build_scene()
    anon = new_page(browser, live_server, scheme=scheme)
    reader = new_page(browser, live_server, scheme=scheme, user=scene.reader)
    dark = scheme == "dark"
    report, seen = [], []
    for name, page, part in every_page_type(anon, reader, scene):
        seen.append(name)
        assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") is dark
        violations = axe.run(page, context=part, options=AXE_OPTIONS[scheme]).response["violations"]
        blocking = [v for v in violations if v["impact"] in BLOCKING]
        if blocking:
            report.append(f"{name} ({scheme}):\n" + "\n".join(describe(v) for v in blocking))
        broken = page.evaluate(BROKEN_REFERENCES)
        if broken:
            report.append(f"{name}: references to missing ids: {broken}")
    anon.context.close()
    reader.context.close()
    assert len(seen) == 17
    assert not report, "axe found serious or critical violations:\n" + "\n".join(report)


# ---------- Keyboard only ----------

FOCUS_INFO = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const comment = el.closest("article.comment");
  let name = el.getAttribute("aria-label") || "";
  if (!name && el.getAttribute("aria-labelledby")) {
    name = el.getAttribute("aria-labelledby").split(/\\s+/)
      .map((id) => (document.getElementById(id) || {}).textContent || "").join(" ");
  }
  if (!name && el.labels && el.labels.length) name = el.labels[0].textContent;
  if (!name) name = el.textContent;
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    cls: el.className || "",
    name: name.replace(/\\s+/g, " ").trim(),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
    shadow: style.boxShadow !== "none",
    comment: comment ? comment.id : null,
    ownComment: !!(comment && el.closest("footer")
                   && el.closest("footer").parentElement === comment),
  };
}"""


def tab(page) -> dict:
    page.keyboard.press("Tab")
    info = page.evaluate(FOCUS_INFO)
    assert info["outline"] or info["shadow"], f"no visible focus indicator on {info}"
    return info


def tab_until(page, wanted, *, limit=400) -> tuple[dict, list[dict]]:
    """Press Tab until the focused element satisfies wanted; return it and all passed on the way."""
    passed = []
    for _ in range(limit):
        info = tab(page)
        passed.append(info)
        if wanted(info):
            return info, passed
    raise AssertionError(f"not reached by Tab in {limit} presses; last: {passed[-5:]}")


def test_discussion_works_with_the_keyboard_alone(browser, live_server):
    scene = build_scene()
    page = new_page(browser, live_server, user=scene.reader)
    article = scene.article.get_absolute_url()
    page.goto(article)

    # The skip link comes first and moves focus to main.
    first = tab(page)
    assert "skip-link" in first["cls"] and first["name"] == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.url.endswith("#main")

    # Every control of a comment is reached in order, named, and shows its focus.
    target = scene.chain[2]
    cid = f"comment-{target.pk}"
    reply, passed = tab_until(
        page, lambda i: i["comment"] == cid and "reply-link" in i["cls"] and i["ownComment"]
    )
    assert reply["name"] == "Reply"
    names = {(i["comment"], i["name"]) for i in passed}
    assert (cid, "Vote up") in names and (cid, "Vote down") in names
    assert any("collapse-toggle" in i["cls"] and i["name"] == "Hide replies" for i in passed)
    flag, _passed = tab_until(page, lambda i: "flag-link" in i["cls"])
    assert flag["comment"] == cid and flag["name"] == "Flag"

    # Vote with the keyboard: Shift+Tab back to the up-vote button, press Space.
    for _ in range(12):
        page.keyboard.press("Shift+Tab")
        info = page.evaluate(FOCUS_INFO)
        if info["comment"] == cid and info["name"] == "Vote up":
            break
    else:
        raise AssertionError("the up-vote button is not reachable backwards")
    page.keyboard.press("Space")
    up = page.locator(f"#{cid} > .comment-actions .vote-up")
    page.wait_for_function(
        "(el) => el.getAttribute('aria-pressed') === 'true'", arg=up.element_handle()
    )

    # Collapse and expand the replies with Space; focus stays on the toggle.
    toggle, _passed = tab_until(page, lambda i: "collapse-toggle" in i["cls"])
    toggle_el = page.locator(":focus")
    replies = page.locator("#" + toggle_el.get_attribute("aria-controls"))
    page.keyboard.press("Space")
    assert toggle_el.get_attribute("aria-expanded") == "false" and replies.is_hidden()
    assert page.evaluate(FOCUS_INFO)["cls"] == toggle["cls"]
    page.keyboard.press("Space")
    assert toggle_el.get_attribute("aria-expanded") == "true" and replies.is_visible()

    # Open an inline reply with Enter: focus moves into its textarea.
    page.goto(article)
    tab(page)  # the skip link
    page.keyboard.press("Enter")
    tab_until(page, lambda i: i["comment"] == cid and "reply-link" in i["cls"] and i["ownComment"])
    page.keyboard.press("Enter")
    focused = page.evaluate(FOCUS_INFO)
    assert focused["tag"] == "textarea" and focused["comment"] == cid, focused
    assert focused["name"] == "Your reply"
    page.keyboard.type("Replying from the keyboard alone.")
    post, _passed = tab_until(page, lambda i: i["tag"] == "button" and i["comment"] == cid)
    assert post["name"] == "Post reply"
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # After posting, the URL and the focus are on the new comment, nested under its parent.
    new = Comment.objects.get(body="Replying from the keyboard alone.")
    assert new.parent_id == target.pk
    assert page.url.endswith(f"#comment-{new.pk}")
    page.wait_for_function(f"() => document.activeElement.id === 'comment-{new.pk}'")
    nested = page.locator(f"#{cid} > ol.replies > li > article#comment-{new.pk}")
    assert nested.count() == 1
    after = tab(page)
    assert after["comment"] == f"comment-{new.pk}"
    page.context.close()


# ---------- What assistive technology is told ----------

STRUCTURE = """() => {
  const problems = [];
  const comments = [...document.querySelectorAll("article.comment")];
  for (const c of comments) {
    const depth = Number(c.dataset.depth);
    const li = c.parentElement;
    const list = li && li.parentElement;
    if (!li || li.tagName !== "LI" || !list || list.tagName !== "OL") {
      problems.push(c.id + ": not the child of an li in an ol");
      continue;
    }
    const parent = list.closest("article.comment");
    if (depth > 0 && list.classList.contains("replies")) {
      if (!parent || Number(parent.dataset.depth) !== depth - 1 || parent.contains(c) === false) {
        problems.push(c.id + ": its ol.replies is not inside its parent comment");
      }
    } else if (!list.classList.contains("thread")) {
      problems.push(c.id + ": a top comment outside ol.thread");
    }
    if (c.classList.contains("comment-placeholder")) continue;
    const labelId = c.getAttribute("aria-labelledby");
    const label = labelId && document.getElementById(labelId);
    if (!label || label.tagName !== "HEADER" || label.parentElement !== c) {
      problems.push(c.id + ": aria-labelledby does not name its own header");
      continue;
    }
    const author = label.querySelector("[itemprop=author]");
    const time = label.querySelector("time[datetime]");
    if (!author || !author.textContent.trim() || !time || !time.textContent.trim()) {
      problems.push(c.id + ": the header lacks the author or the time");
    }
  }
  return {count: comments.length, maxDepth: Math.max(...comments.map((c) => +c.dataset.depth)),
          problems};
}"""


def test_thread_structure_labels_and_languages_are_announced(browser, live_server):
    scene = build_scene()
    page = new_page(browser, live_server, user=scene.reader)
    page.goto(scene.article.get_absolute_url())

    result = page.evaluate(STRUCTURE)
    assert result["count"] >= 15 and result["maxDepth"] >= 8
    assert result["problems"] == []
    snapshot = page.locator("ol.thread").aria_snapshot()
    assert re.search(r"^\s*- list:", snapshot, re.M)
    assert re.search(r"^ {6,}- listitem:", snapshot, re.M)
    assert re.search(r'article "Minji Kang', snapshot)

    assert page.evaluate("document.documentElement.lang") == "en"
    originals = page.locator("blockquote.source-comment .original")
    assert originals.count() == 3
    assert set(originals.evaluate_all("els => els.map(e => e.lang)")) == {"ko"}
    assert page.locator("section.source-comments[data-platform=naver]").count() == 1

    page.goto(scene.chain[8].get_absolute_url())
    result = page.evaluate(STRUCTURE)
    assert result["problems"] == []
    page.context.close()
