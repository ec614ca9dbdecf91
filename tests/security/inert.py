"""Static checks that a page carries nothing executable that user content could have put there."""

import json
import re

from tests.factories import Element, parse_html

SAFE_SCHEMES = {"http", "https", "mailto"}
# Attributes a browser follows or loads as a URL.
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
    "codebase", "cite", "longdesc", "ping", "manifest", "icon", "lowsrc", "dynsrc", "srcset",
}  # fmt: skip
# Never on a page of ours, whoever wrote it.
FORBIDDEN_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal"}
# Never inside what a reader wrote.
FORBIDDEN_IN_USER_CONTENT = {"form", "input", "button", "textarea", "select", "svg", "math",
                             "style", "link", "meta", "img", "video", "audio", "source",
                             "details", "template", "noscript", "xmp"}  # fmt: skip
# Containers of reader-written HTML on the public pages.
USER_CONTENT_CLASSES = {"comment-text", "pick-text", "quoted-comment", "comment-author",
                        "pending-note", "note"}  # fmt: skip
USER_LINK_REL = {"nofollow", "ugc", "noopener", "noreferrer"}
SITE_SCRIPT_PREFIXES = ("/static/", "/admin/jsi18n/")

# What a browser strips from a URL before reading its scheme (WHATWG URL parser).
_URL_TABS_NEWLINES = re.compile(r"[\t\n\r]")
_URL_C0_EDGES = "".join(chr(c) for c in range(0x21))
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")


def url_scheme(value: str) -> str | None:
    """Return the scheme a browser would read from an attribute value, lowercased, or None."""
    cleaned = _URL_TABS_NEWLINES.sub("", value).strip(_URL_C0_EDGES)
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


def _describe(el: Element) -> str:
    attrs = " ".join(f'{key}="{value[:60]}"' for key, value in el.attrs.items())
    return f"<{el.tag} {attrs}>"[:200]


def problems(doc: Element) -> list[str]:
    """Return every reason the parsed page could run or load something it should not."""
    found: list[str] = []
    _walk(doc, found, user=False, text=False)
    return found


def _walk(parent: Element, found: list[str], *, user: bool, text: bool) -> None:
    for el in parent.children:
        if isinstance(el, Element):
            found.extend(_element_problems(el, user=user, text=text))
            _walk(el, found, user=user or bool(el.classes & USER_CONTENT_CLASSES),
                  text=text or bool(el.classes & {"comment-text", "pick-text"}))  # fmt: skip


def _element_problems(el: Element, *, user: bool, text: bool) -> list[str]:
    """Return the problems of one element; user: it sits in reader-written content, text: in a
    comment's rendered text."""
    found = []
    if el.tag in FORBIDDEN_TAGS:
        found.append(f"forbidden element {_describe(el)}")
    if user and el.tag in FORBIDDEN_IN_USER_CONTENT | {"script"}:
        found.append(f"element from user content {_describe(el)}")
    if el.tag == "meta" and "http-equiv" in el.attrs:
        found.append(f"meta http-equiv {_describe(el)}")
    if el.tag == "script":
        found.extend(_script_problems(el))
    if el.tag == "link" and not _site_link(el):
        found.append(f"foreign link element {_describe(el)}")
    if el.tag == "form" and not _site_url(el.attrs.get("action", "")):
        found.append(f"form posting elsewhere {_describe(el)}")
    for name, value in el.attrs.items():
        if name.startswith("on"):
            found.append(f"event handler attribute {name} on {_describe(el)}")
        elif name in URL_ATTRIBUTES:
            schemes = {url_scheme(part) for part in _url_parts(name, value)} - {None}
            if schemes - SAFE_SCHEMES:
                found.append(f"{name} with scheme {sorted(schemes)} on {_describe(el)}")
        elif name == "srcdoc":
            found.append(f"srcdoc on {_describe(el)}")
        elif name == "style" and (user or re.search(r"(?i)expression|javascript:", value)):
            found.append(f"style attribute from user content {_describe(el)}")
    if el.tag == "a" and text and "href" in el.attrs:
        rel = set(el.attrs.get("rel", "").split())
        if not USER_LINK_REL <= rel:
            found.append(f"reader link without rel={' '.join(USER_LINK_REL)}: {_describe(el)}")
    return found


def _url_parts(name: str, value: str) -> list[str]:
    if name == "srcset":
        return [part.strip().split(" ")[0] for part in value.split(",")]
    return [value]


def _site_url(value: str) -> bool:
    value = value.strip()
    return (
        value == ""
        or value.startswith(("#", "?"))
        or (value.startswith("/") and not value.startswith("//"))
    )


def _site_link(el: Element) -> bool:
    rel = set(el.attrs.get("rel", "").lower().split())
    href = el.attrs.get("href", "")
    if "stylesheet" in rel or "import" in rel or "preload" in rel or "modulepreload" in rel:
        return href.startswith(SITE_SCRIPT_PREFIXES)
    return rel <= {"canonical", "alternate", "icon", "shortcut", "manifest"}


def _script_problems(el: Element) -> list[str]:
    text = el.text()
    src = el.attrs.get("src")
    kind = el.attrs.get("type", "").strip().lower()
    if src is not None:
        if not src.startswith(SITE_SCRIPT_PREFIXES) or text.strip():
            return [f"script not from the site {_describe(el)} {text[:80]!r}"]
        return []
    if kind in {"application/ld+json", "application/json"}:
        try:
            json.loads(text)
        except ValueError:
            return [f"data script that is not JSON {_describe(el)} {text[:120]!r}"]
        return []
    return [f"inline script {_describe(el)} {text[:120]!r}"]


def assert_inert(html: str | bytes, where: str) -> Element:
    """Parse the page, fail with every problem found, and return the parsed document."""
    doc = parse_html(html)
    found = problems(doc)
    assert not found, f"{where}: {len(found)} problem(s):\n" + "\n".join(found[:40])
    return doc
