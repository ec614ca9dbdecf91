"""The source platform's comments shown under an article."""

from django.template.defaultfilters import linebreaksbr


def source_sections(article) -> list[tuple[str, str, list]]:
    """Group the article's source comments by platform, in the order the editor set; each
    item carries text_html, its translated text as HTML."""
    sections: dict[str, list] = {}
    for item in article.source_comments.all():
        item.text_html = linebreaksbr(item.text, autoescape=True)
        sections.setdefault(item.platform, []).append(item)
    return [(key, items[0].get_platform_display(), items) for key, items in sections.items()]
