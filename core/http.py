"""Parsing of request values shared by every app."""


def parse_page(value: str | None) -> int:
    """Return a page number from a query value; anything odd is page 1, huge is clamped."""
    if value and value.isascii() and value.isdigit() and len(value) <= 9:
        return max(1, int(value))
    return 1
