"""The participation issue's "done when", end to end: `make run` (gunicorn and the task
worker, production settings) on a throwaway PostgreSQL, mail to a real SMTP server (aiosmtpd).

Reader A signs up with an address, confirms it from the mail, comments; reader B replies;
A's /notifications/ lists the reply and A's mailbox holds one notification mail whose
List-Unsubscribe link works without signing in. Ctrl-C then stops gunicorn and the worker.
"""

import os
import re
import shutil
import signal
import subprocess
import time

import pytest

from soak.client import Browser
from soak.services import MakeTarget, PostgresCluster, free_port, site_env
from tests.smtp_server import SMTPServer

PGREP = shutil.which("pgrep") or "/usr/bin/pgrep"
PASSWORD = "a long enough pass phrase 42"
# The mail waits this long for more events to join it (60 s in production).
MAIL_DELAY_SECONDS = 2


@pytest.fixture(scope="module")
def site():
    cluster = PostgresCluster("crosstalk_e2e")
    smtp = SMTPServer()
    run = None
    try:
        cluster.init()
        cluster.start()
        cluster.create_database()
        smtp.start()
        port = free_port()
        env = site_env(database_url=cluster.url, port=port)
        env.update(
            EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}",
            DEFAULT_FROM_EMAIL="crosstalk <news@crosstalk.test>",
            SITE_URL=f"http://127.0.0.1:{port}",
            CROSSTALK_MAIL_DELAY_SECONDS=str(MAIL_DELAY_SECONDS),
            WEB_CONCURRENCY="2",
        )
        run = MakeTarget("run", env, cluster.base / "make-run.log")
        run.start(timeout=180)
        yield {"port": port, "smtp": smtp, "process": run.process, "cluster": cluster}
    finally:
        if run is not None:
            run.stop()
        smtp.stop()
        cluster.close()


def wait_for_mail(smtp, to: str, *, count: int, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [m for m in smtp.messages if to in m.rcpt_tos]
        if len(found) >= count:
            return found
        time.sleep(0.25)
    raise AssertionError(f"{count} mail(s) to {to} did not arrive in {timeout} s")


def sign_up(browser: Browser, username: str, email: str = "") -> None:
    page = browser.get("/accounts/signup/")
    response = browser.post(
        "/accounts/signup/",
        {
            "csrfmiddlewaretoken": page.csrf_token(),
            "username": username,
            "display_name": username.title(),
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "website": "",
            "next": "/",
        },
    )
    assert response.status == 302, response.text[:2000]


def first_article(browser: Browser) -> str:
    home = browser.get("/")
    return re.search(r'href="(/articles/[^"/]+/)"', home.text).group(1)


def post_comment(browser: Browser, article: str, body: str, parent: int | None = None) -> int:
    page = browser.get(article)
    response = browser.post(f"{article}comments/", browser.comment_fields(page, body, parent))
    assert response.status == 302, response.text[:2000]
    return int(response.location.rsplit("#comment-", 1)[1])


def link_in(message, pattern: str) -> str:
    return re.search(pattern, message.text()).group(0)


def test_sign_up_confirm_comment_reply_then_notified_by_site_and_mail(site):
    port, smtp = site["port"], site["smtp"]
    a, b = Browser(port), Browser(port)

    sign_up(a, "reader_a", "reader.a@example.org")
    [confirmation] = wait_for_mail(smtp, "reader.a@example.org", count=1, timeout=30)
    verify = link_in(confirmation, rf"http://127\.0\.0\.1:{port}/accounts/verify/\S+/")
    path = verify.removeprefix(a.origin)
    confirm_page = a.get(path)
    assert confirm_page.status == 200
    assert a.post(path, {"csrfmiddlewaretoken": confirm_page.csrf_token()}).status == 302

    article = first_article(a)
    parent = post_comment(a, article, "The translation keeps the original's dry humour.")
    sign_up(b, "reader_b")
    reply = post_comment(b, article, "I read it the other way round.", parent)

    started = time.monotonic()
    notification_mails = wait_for_mail(smtp, "reader.a@example.org", count=2)[1:]
    assert time.monotonic() - started < 90
    inbox = a.get("/notifications/")
    assert re.search(
        r'<li class="notification[^"]*" data-kind="reply" data-unread="true"', inbox.text
    )
    assert f"/comments/{reply}/" in inbox.text

    [mail] = notification_mails
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"/comments/{reply}/" in mail.text()
    unsubscribe = mail.message["List-Unsubscribe"].strip().strip("<>")
    assert unsubscribe in mail.text()
    stranger = Browser(port)  # no session, no CSRF cookie: as a mail client's one-click POST
    done = stranger.post(unsubscribe.removeprefix(a.origin), {"List-Unsubscribe": "One-Click"})
    assert done.status == 200
    assert stranger.post(unsubscribe.removeprefix(a.origin), {}).status == 400  # used already

    time.sleep(MAIL_DELAY_SECONDS)
    post_comment(b, article, "And another reply, which mails nobody now.", parent)
    time.sleep(MAIL_DELAY_SECONDS + 4)
    assert len([m for m in smtp.messages if "reader.a@example.org" in m.rcpt_tos]) == 2


def test_ctrl_c_stops_gunicorn_and_the_worker(site):
    process = site["process"]
    children = subprocess.run(  # noqa: S603
        [PGREP, "-g", str(process.pid), "-f", "db_worker|gunicorn"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    assert len(children) >= 2

    os.killpg(process.pid, signal.SIGINT)

    process.wait(30)
    time.sleep(0.5)
    still = subprocess.run(  # noqa: S603
        [PGREP, "-g", str(process.pid)], capture_output=True, text=True, check=False
    ).stdout.split()
    assert still == []
