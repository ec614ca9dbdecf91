"""The moderation queue in a real browser, as a moderator: it fits 1280 px and 375 px without
sideways scrolling, `j` moves down the rows, `r` removes the current comment citing a rule,
the review page takes its keys but not while one types, axe finds nothing serious, and
screenshots of both pages go to docs/screenshots/."""

from datetime import timedelta
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from discussions.models import Comment, ModerationAction, Sanction
from discussions.services import flag_create
from tests.browser.scene import session_cookie
from tests.factories import (
    ensure_comment_policy,
    make_article,
    make_comment,
    make_moderator,
    make_user,
    policy_rule,
)

QUEUE = "/admin/discussions/queuedcomment/"
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
BLOCKING = {"serious", "critical"}
Status = Comment.Status
axe = Axe()


def build_queue():
    """Return the moderator and the queue's comments, oldest first."""
    ensure_comment_policy()
    moderator = make_moderator(username="mod-queue", display_name="Min the Moderator")
    article = make_article(title="Seoul's quiet subway cars: a month in, commuters are split")
    now = timezone.now()
    author = make_user(display_name="Harsh Critic", date_joined=now - timedelta(days=200))
    root = make_comment(article, body="Quiet cars are a blessing for night-shift workers.")
    held = make_comment(
        article,
        parent=root,
        author=author,
        status=Status.PENDING,
        hold_reason="Held for review: more than 3 links.",
        body="Read this http://a.example http://b.example http://c.example http://d.example",
        created_at=now - timedelta(hours=5),
    )
    flagged = make_comment(
        article,
        parent=root,
        author=author,
        body="Everyone who likes these cars is a fool, " + "frankly " * 30,
        created_at=now - timedelta(hours=3),
    )
    for n in range(2):
        flag_create(comment=flagged, user=make_user(), rule=policy_rule(2), note=f"Insult {n}")
    flag_create(comment=flagged, user=make_user(), rule=policy_rule(1))
    newcomer = make_comment(
        article,
        status=Status.PENDING,
        hold_reason="Held for review: new account.",
        body="First post! Long unbroken word: " + "x" * 120,
        created_at=now - timedelta(minutes=20),
    )
    return moderator, [held, flagged, newcomer]


def open_as(browser, live_server, user, *, width=1280, height=800):
    context = browser.new_context(
        viewport={"width": width, "height": height},
        base_url=live_server.url,
        reduced_motion="reduce",
    )
    context.add_cookies([session_cookie(user, live_server.url)])
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def assert_no_sideways_scroll(page):
    sizes = page.evaluate(
        "({scroll: document.documentElement.scrollWidth,"
        " client: document.documentElement.clientWidth})"
    )
    assert sizes["scroll"] <= sizes["client"], sizes


def assert_no_serious_axe_violations(page, name):
    violations = axe.run(page, options={"resultTypes": ["violations"]}).response["violations"]
    blocking = [
        f"[{v['impact']}] {v['id']}: {v['help']} — {[n['target'] for n in v['nodes']]}"
        for v in violations
        if v["impact"] in BLOCKING
    ]
    assert not blocking, f"{name}: " + "\n".join(blocking)


def test_moderator_works_the_queue_with_the_keyboard(browser, live_server):
    moderator, (held, flagged, newcomer) = build_queue()
    context, page = open_as(browser, live_server, moderator)
    page.goto(QUEUE)

    # Every column fits at 1280 px: nothing scrolls sideways, every header and cell is in view.
    assert_no_sideways_scroll(page)
    client_width = page.evaluate("document.documentElement.clientWidth")
    headers = page.locator("#result_list thead th")
    assert headers.count() == 4
    for cell in [*headers.all(), *page.locator("#result_list tbody tr").first.locator("td").all()]:
        assert cell.is_visible()
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= client_width + 0.5, box
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 3
    assert "3 flags:" in rows.nth(1).inner_text()
    assert "Held for review: more than 3 links." in rows.nth(0).inner_text()

    assert_no_serious_axe_violations(page, "queue")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "moderation-queue.png"), full_page=True)

    # j moves to the first row, then the second: the flagged comment.
    page.keyboard.press("j")
    assert "is-current" in (rows.nth(0).get_attribute("class") or "")
    page.keyboard.press("j")
    assert "is-current" in (rows.nth(1).get_attribute("class") or "")
    assert "is-current" not in (rows.nth(0).get_attribute("class") or "")

    # r asks for the rule of the removal, with the focus on the rule list.
    with page.expect_navigation():
        page.keyboard.press("r")
    assert page.evaluate("document.activeElement.name") == "rule"
    page.select_option("select[name=rule]", label="Rule 2: No personal attacks")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    flagged.refresh_from_db()
    assert (flagged.status, flagged.status_rule) == (Status.REMOVED, policy_rule(2))
    held.refresh_from_db()
    assert held.status == Status.PENDING
    assert ModerationAction.objects.filter(action="remove").count() == 1
    assert page.locator("#result_list tbody tr").count() == 2

    # Sanction the comment's author by typing their username, citing a rule, with a note.
    page.goto(f"/admin/discussions/sanction/add/?comment={flagged.pk}")
    page.fill("#id_user", flagged.author.username)
    page.select_option("#id_kind", "ban")
    page.select_option("#id_rule", label=str(policy_rule(2)))
    page.fill("#id_reason", "Third warning this month, see the queue notes")
    with page.expect_navigation():
        page.locator("input[name=_save]").click()
    assert Sanction.objects.in_force_for(flagged.author).rule == policy_rule(2)

    # The public log says "a moderator" and the rule: no login, no name, no private note.
    page.goto("/moderation-log/")
    log = page.locator("table.mod-log tbody").inner_text()
    assert log.count("a moderator") >= 2
    assert "Rule 2" in log
    table = page.locator("table.mod-log").inner_html()  # the header names the moderator to themself
    for secret in (moderator.username, moderator.display_name, "Third warning"):
        assert secret not in table
    context.close()


def test_review_page_keys_act_but_never_while_typing(browser, live_server):
    moderator, (held, _flagged, newcomer) = build_queue()
    context, page = open_as(browser, live_server, moderator)
    page.goto(f"{QUEUE}{held.pk}/review/")
    assert_no_sideways_scroll(page)
    assert page.locator(f".review-thread #comment-{held.pk}.is-focus").count() == 1

    assert_no_serious_axe_violations(page, "review page")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "moderation-review.png"), full_page=True)

    # ? opens the help; Escape closes it.
    page.keyboard.press("?")
    assert page.locator("#moderation-help").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("#moderation-help").is_visible()

    # Typing "a" and "s" in the note decides nothing.
    page.fill("input[name=note]", "")
    page.focus("input[name=note]")
    page.keyboard.type("as")
    assert page.input_value("input[name=note]") == "as"
    held.refresh_from_db()
    assert held.status == Status.PENDING

    # r puts the focus on the rule list of the removal, deciding nothing yet.
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("r")
    assert page.evaluate("document.activeElement.name") == "rule"
    held.refresh_from_db()
    assert held.status == Status.PENDING

    # k moves to the comment above (its parent) in the thread.
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("k")
    assert page.evaluate("document.activeElement.id") != f"comment-{held.pk}"
    assert page.evaluate("document.activeElement.classList.contains('comment')")

    # a approves it, and the next comment of the queue comes up for review.
    with page.expect_navigation():
        page.keyboard.press("a")
    held.refresh_from_db()
    assert held.status == Status.VISIBLE
    assert page.url.endswith(f"{QUEUE}{_flagged.pk}/review/")
    context.close()


def test_queue_fits_a_phone(browser, live_server):
    moderator, _comments = build_queue()
    context, page = open_as(browser, live_server, moderator, width=375, height=812)
    page.goto(QUEUE)

    assert_no_sideways_scroll(page)
    assert page.locator("#result_list tbody tr").count() == 3
    page.goto(f"{QUEUE}{_comments[0].pk}/review/")
    assert_no_sideways_scroll(page)
    context.close()


def test_dashboard_has_no_serious_axe_violations(browser, live_server):
    moderator, _comments = build_queue()
    context, page = open_as(browser, live_server, moderator)
    page.goto(f"{QUEUE}dashboard/")

    assert page.locator("figure.dashboard-chart svg[role=img]").is_visible()
    assert_no_sideways_scroll(page)
    assert_no_serious_axe_violations(page, "dashboard")
    context.close()
