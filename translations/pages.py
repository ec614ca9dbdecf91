"""What the article page shows of translation reports and corrections."""


def article_context(request, article) -> dict:
    """Return the article page's context for its corrections and the report form."""
    return {}
