"""Send what a browser cannot: NUL bytes, lone surrogates and odd bytes in forms and addresses."""

from urllib.parse import quote, urlencode

FORM = "application/x-www-form-urlencoded"


def encode_form(data: dict) -> str:
    """Return data as a form body; lone surrogates go out as the bytes a broken client sends."""
    return urlencode(data, doseq=True, encoding="utf-8", errors="surrogatepass")


def post_form(client, url: str, data: dict, **extra):
    return client.post(url, encode_form(data), content_type=FORM, **extra)


def multipart(data: dict, charset: str = "utf-8", boundary: str = "hostile-boundary") -> bytes:
    """Return data as a multipart/form-data body, each value encoded in charset."""
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'.encode()
        + value.encode(charset, "surrogatepass" if charset == "utf-8" else "strict")
        + b"\r\n"
        for key, value in data.items()
    ]
    return b"".join(parts) + f"--{boundary}--\r\n".encode()


def post_form_utf7(client, url: str, data: dict, **extra):
    """POST data as multipart/form-data declared UTF-7: Django decodes such a body with the
    declared charset, so a lone surrogate (or any code point) reaches the view as it is."""
    content_type = "multipart/form-data; boundary=hostile-boundary; charset=utf-7"
    return client.generic("POST", url, multipart(data, "utf-7"), content_type=content_type, **extra)


def with_query(url: str, data: dict) -> str:
    return f"{url}?{encode_form(data)}"


def segment(value: str) -> str:
    """Return value quoted as one path segment."""
    return quote(value, safe="", encoding="utf-8", errors="surrogatepass")
