"""Screenshots of an article with its discussion, on a phone and a desktop, light and dark, for
docs/screenshots/ (rewritten by every run; commit them when the design changes)."""

from pathlib import Path

import pytest

from tests.browser.scene import build_scene, session_cookie

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DEVICES = {
    "phone": {
        "viewport": {"width": 375, "height": 812},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
    "desktop": {"viewport": {"width": 1280, "height": 900}},
}
# The tallest image, in image pixels: a full page at phone width is several times taller.
MAX_PIXELS = 3000
# How much of the thread (CSS pixels) each image shows: from the page's top when half of it fits,
# else ending this far into the thread.
THREAD_SHOWN = 700
MIN_BYTES = 10_000


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_article_screenshots_are_written(browser, live_server, scheme):
    scene = build_scene()
    SHOTS.mkdir(parents=True, exist_ok=True)
    for device, options in DEVICES.items():
        context = browser.new_context(
            base_url=live_server.url, color_scheme=scheme, reduced_motion="reduce", **options
        )
        context.add_cookies([session_cookie(scene.reader, live_server.url)])
        page = context.new_page()
        page.goto(scene.article.get_absolute_url())
        page.wait_for_load_state("load")
        # Threads out of view wait for the reader to scroll near them (content-visibility);
        # the full-page picture shows them all, as a reader scrolling down sees them.
        page.evaluate(
            "document.querySelectorAll('ol.thread > .thread-item')"
            ".forEach(item => { item.style.contentVisibility = 'visible'; })"
        )
        height = page.evaluate("document.documentElement.scrollHeight")
        thread_top = page.evaluate(
            "document.querySelector('ol.thread').getBoundingClientRect().top + scrollY"
        )
        tallest = MAX_PIXELS // options.get("device_scale_factor", 1)
        top = 0
        if thread_top + THREAD_SHOWN // 2 > tallest:
            top = max(0, min(thread_top + THREAD_SHOWN, height) - tallest)
        clip = {
            "x": 0,
            "y": top,
            "width": options["viewport"]["width"],
            "height": min(tallest, height - top),
        }
        path = SHOTS / f"article-{device}-{scheme}.png"
        path.unlink(missing_ok=True)
        page.screenshot(path=str(path), full_page=True, clip=clip, animations="disabled")
        assert path.stat().st_size > MIN_BYTES, path
        assert page.locator("article.comment[data-depth='3']").first.is_visible()
        context.close()
