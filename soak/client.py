"""A small browser over http.client: a cookie jar, CSRF tokens from forms, form posts.

One Browser is one reader's session. It is not shared between threads at the same time.
"""

import http.client
import re
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from html import unescape
from http.cookies import SimpleCookie
from urllib.parse import urlencode

_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_COMMENT_ANCHOR = re.compile(r"#comment-(\d+)$")
_TEXTAREA = re.compile(r"<textarea[^>]*>(.*?)</textarea>", re.S)


@dataclass
class Response:
    method: str
    path: str
    status: int
    headers: dict  # lower-case name -> last value
    text: str
    seconds: float

    @property
    def location(self) -> str:
        return self.headers.get("location", "")

    def comment_id(self) -> int | None:
        """Return the comment id a successful post redirects to (…#comment-<id>), or None."""
        match = _COMMENT_ANCHOR.search(self.location)
        return int(match.group(1)) if self.status == 302 and match else None

    def csrf_token(self) -> str:
        match = _CSRF_FIELD.search(self.text)
        if match is None:
            raise AssertionError(f"no CSRF token on {self.path} ({self.status})")
        return match.group(1)

    def textareas(self) -> list[str]:
        """Return the text of each textarea on the page, unescaped."""
        return [unescape(text) for text in _TEXTAREA.findall(self.text)]


class Browser:
    """Cookies and form posts against one site on 127.0.0.1."""

    def __init__(self, port: int, *, timeout: float = 10.0, journal: list | None = None):
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.username = ""
        # Every response, in order, when the caller wants to check them all afterwards.
        self.journal = journal

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def get(self, path: str, *, headers: dict | None = None) -> Response:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, fields: dict, *, headers: dict | None = None) -> Response:
        return self.request("POST", path, fields=fields, headers=headers)

    def request(self, method, path, *, fields=None, headers=None) -> Response:
        conn, body, started = self.send(method, path, fields=fields, headers=headers)
        try:
            return self.receive(conn, method, path, started)
        finally:
            conn.close()

    def send(self, method, path, *, fields=None, headers=None, partial=False):
        """Send a request (only half its body when partial) and return (connection, body,
        start time); `receive` reads the answer."""
        path = path.split("#", 1)[0]  # a fragment stays in the browser
        body = urlencode(fields).encode() if fields is not None else None
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        started = time.perf_counter()
        conn.putrequest(method, path)
        all_headers = {"Accept": "text/html", **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
            all_headers["Content-Length"] = str(len(body))
            all_headers["Origin"] = self.origin
        for name, value in all_headers.items():
            conn.putheader(name, value)
        conn.endheaders()
        if body is not None:
            conn.send(body[: len(body) // 2] if partial else body)
        return conn, body, started

    def receive(self, conn, method: str, path: str, started: float) -> Response:
        raw = conn.getresponse()
        text = raw.read().decode("utf-8", errors="replace")
        response = Response(
            method=method,
            path=path,
            status=raw.status,
            headers={name.lower(): value for name, value in raw.getheaders()},
            text=text,
            seconds=time.perf_counter() - started,
        )
        self._keep_cookies(raw.msg.get_all("Set-Cookie") or [])
        if self.journal is not None:
            self.journal.append(response)
        return response

    def _keep_cookies(self, headers: list[str]) -> None:
        for header in headers:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                expires = morsel["expires"]
                gone = morsel["max-age"] == "0" or (
                    expires and parsedate_to_datetime(expires).timestamp() < time.time()
                )
                if gone:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    @property
    def csrf_cookie(self) -> str:
        return self.cookies.get("csrftoken", "")

    def login(self, username: str, password: str) -> Response:
        token = self.get("/accounts/login/").csrf_token()
        response = self.post(
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "username": username, "password": password, "next": "/"},
        )
        if response.status != 302:
            raise AssertionError(f"login of {username} answered {response.status}")
        self.username = username
        return response

    def comment_fields(self, page: Response, body: str, parent: int | None = None) -> dict:
        """Return the fields of the comment form on an article page."""
        return {
            "csrfmiddlewaretoken": page.csrf_token(),
            "body": body,
            "parent": "" if parent is None else str(parent),
            "sort": "best",
            "website": "",
        }
